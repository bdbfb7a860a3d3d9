//! The demo bank (江南示范银行): a head office, five branches with four
//! sub-branches or outlets each, and three village banks that are separate
//! legal entities; one user per role; and, as features land, their sample data.
//!
//! Seeding happens once, on an empty database; it returns the generated
//! passwords so the caller can print them a single time.

pub mod complaints;
pub mod reviews;
pub mod seed;

use xiaobao_domain::org::OrgKind;
use xiaobao_domain::role::Role;
use xiaobao_store::accounts::NewUser;
use xiaobao_store::orgs::NewOrg;
use xiaobao_store::{Store, StoreError, secret};

/// Head office code of the demo bank.
pub const ROOT: &str = "HO";

/// (code, name, kind) of an organisation below a branch.
type Child = (&'static str, &'static str, OrgKind);

/// (code, name, children) for each branch.
const BRANCHES: [(&str, &str, [Child; 4]); 5] = [
    (
        "HZ",
        "杭州分行",
        [
            ("HZ01", "杭州西湖支行", OrgKind::SubBranch),
            ("HZ02", "杭州滨江支行", OrgKind::SubBranch),
            ("HZ03", "杭州萧山支行", OrgKind::SubBranch),
            ("HZ04", "杭州武林广场网点", OrgKind::Outlet),
        ],
    ),
    (
        "NB",
        "宁波分行",
        [
            ("NB01", "宁波海曙支行", OrgKind::SubBranch),
            ("NB02", "宁波鄞州支行", OrgKind::SubBranch),
            ("NB03", "宁波北仑支行", OrgKind::SubBranch),
            ("NB04", "宁波天一广场网点", OrgKind::Outlet),
        ],
    ),
    (
        "WZ",
        "温州分行",
        [
            ("WZ01", "温州鹿城支行", OrgKind::SubBranch),
            ("WZ02", "温州瑞安支行", OrgKind::SubBranch),
            ("WZ03", "温州乐清支行", OrgKind::SubBranch),
            ("WZ04", "温州五马街网点", OrgKind::Outlet),
        ],
    ),
    (
        "SX",
        "绍兴分行",
        [
            ("SX01", "绍兴越城支行", OrgKind::SubBranch),
            ("SX02", "绍兴柯桥支行", OrgKind::SubBranch),
            ("SX03", "绍兴诸暨支行", OrgKind::SubBranch),
            ("SX04", "绍兴上虞网点", OrgKind::Outlet),
        ],
    ),
    (
        "JX",
        "嘉兴分行",
        [
            ("JX01", "嘉兴南湖支行", OrgKind::SubBranch),
            ("JX02", "嘉兴桐乡支行", OrgKind::SubBranch),
            ("JX03", "嘉兴海宁支行", OrgKind::SubBranch),
            ("JX04", "嘉兴平湖网点", OrgKind::Outlet),
        ],
    ),
];

const VILLAGE_BANKS: [(&str, &str); 3] = [
    ("VB_AJ", "安吉江南村镇银行"),
    ("VB_CA", "淳安江南村镇银行"),
    ("VB_XJ", "仙居江南村镇银行"),
];

/// (username, display name, role, org) of the demo accounts.
pub const USERS: [(&str, &str, Role, &str); 16] = [
    ("admin", "系统管理员", Role::Admin, ROOT),
    ("cp_officer", "陈晓敏", Role::CpOfficer, ROOT),
    ("handler_hz", "李文涛", Role::Handler, "HZ"),
    ("handler_nb", "周佳怡", Role::Handler, "NB"),
    ("handler_wz", "林海燕", Role::Handler, "WZ"),
    ("handler_sx", "徐建华", Role::Handler, "SX"),
    ("handler_jx", "何丽萍", Role::Handler, "JX"),
    ("handler_aj", "沈国强", Role::Handler, "VB_AJ"),
    ("handler_ca", "方志远", Role::Handler, "VB_CA"),
    ("handler_xj", "潘晓红", Role::Handler, "VB_XJ"),
    ("reviewer", "郑雅琴", Role::Reviewer, ROOT),
    ("approver", "吴志刚", Role::Approver, ROOT),
    ("auditor", "孙丽华", Role::Auditor, ROOT),
    ("viewer", "钱卫东", Role::Viewer, ROOT),
    ("submitter_retail", "冯思远", Role::Submitter, ROOT),
    ("submitter_card", "蒋雨桐", Role::Submitter, ROOT),
];

/// Departments of the demo submitters (review requests are seen by department).
pub const DEPARTMENTS: [(&str, &str); 2] = [
    ("submitter_retail", "零售银行部"),
    ("submitter_card", "信用卡中心"),
];

/// The accounts created by [`seed`], with their one-time passwords.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org: String,
    pub password: String,
}

/// Creates the demo bank on an empty database. Returns `None` when the
/// database already has an organisation tree (nothing is changed then).
pub async fn seed(store: &Store) -> Result<Option<Vec<DemoAccount>>, StoreError> {
    if store.root_org().await?.is_some() {
        return Ok(None);
    }
    seed_org_tree(store).await?;
    let mut accounts = Vec::new();
    for (username, display_name, role, org) in USERS {
        let password = secret::random_password(12)?;
        store
            .create_user(&NewUser {
                username,
                display_name,
                role,
                org_code: org,
                password: &password,
                must_change_password: false,
            })
            .await?;
        if let Some((_, department)) = DEPARTMENTS.iter().find(|(u, _)| *u == username) {
            store.set_user_department(username, department).await?;
        }
        accounts.push(DemoAccount {
            username: username.into(),
            display_name: display_name.into(),
            role,
            org: org.into(),
            password,
        });
    }
    tracing::info!(accounts = accounts.len(), "demo bank created");
    Ok(Some(accounts))
}

async fn seed_org_tree(store: &Store) -> Result<(), StoreError> {
    store
        .create_org(&NewOrg {
            code: ROOT,
            name: "江南示范银行总行",
            kind: OrgKind::HeadOffice,
            parent_code: None,
            sort_order: 0,
        })
        .await?;
    for (i, (code, name, children)) in BRANCHES.iter().enumerate() {
        store
            .create_org(&NewOrg {
                code,
                name,
                kind: OrgKind::Branch,
                parent_code: Some(ROOT),
                sort_order: i as i64 + 1,
            })
            .await?;
        for (j, (child, child_name, kind)) in children.iter().enumerate() {
            store
                .create_org(&NewOrg {
                    code: child,
                    name: child_name,
                    kind: *kind,
                    parent_code: Some(code),
                    sort_order: j as i64 + 1,
                })
                .await?;
        }
    }
    for (i, (code, name)) in VILLAGE_BANKS.iter().enumerate() {
        store
            .create_org(&NewOrg {
                code,
                name,
                kind: OrgKind::VillageBank,
                parent_code: Some(ROOT),
                sort_order: 100 + i as i64,
            })
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn seeds_once(store: Store) {
        let accounts = seed(&store)
            .await
            .unwrap()
            .expect("first seed creates the bank");
        assert_eq!(accounts.len(), USERS.len());
        let roles: std::collections::HashSet<_> = accounts.iter().map(|a| a.role).collect();
        assert_eq!(roles.len(), Role::ALL.len(), "one user per role");
        for a in &accounts {
            assert!(
                store
                    .authenticate(&a.username, &a.password)
                    .await
                    .unwrap()
                    .is_some()
            );
        }
        let all = store
            .orgs_in_scope(&xiaobao_domain::org::Scope::All)
            .await
            .unwrap();
        assert_eq!(all.len(), 1 + 5 + 20 + 3);
        assert!(
            seed(&store).await.unwrap().is_none(),
            "second seed changes nothing"
        );
    }

    xiaobao_testkit::backend_tests!(seeds_once);
}
