//! Storage behaviour on both backends: organisation tree and scope, accounts,
//! sessions, throttling, leases, audit.

use xiaobao_domain::actor::Actor;
use xiaobao_domain::org::OrgKind;
use xiaobao_domain::role::Role;
use xiaobao_store::accounts::NewUser;
use xiaobao_store::audit::AuditEvent;
use xiaobao_store::orgs::NewOrg;
use xiaobao_store::throttle::ThrottlePolicy;
use xiaobao_store::{Store, StoreError};

xiaobao_testkit::backend_tests!(
    org_tree_and_scope,
    users_are_scoped_and_authenticated,
    sessions_expire_and_end,
    api_tokens_are_hashed,
    login_throttling_counts_failures,
    leases_have_one_holder,
    audit_log_is_scoped,
    migrations_are_idempotent,
);

async fn tree(store: &Store) {
    let org = |code, name, kind, parent, order| NewOrg {
        code,
        name,
        kind,
        parent_code: parent,
        sort_order: order,
    };
    store
        .create_org(&org("HO", "总行", OrgKind::HeadOffice, None, 0))
        .await
        .unwrap();
    store
        .create_org(&org("HZ", "杭州分行", OrgKind::Branch, Some("HO"), 1))
        .await
        .unwrap();
    store
        .create_org(&org("NB", "宁波分行", OrgKind::Branch, Some("HO"), 2))
        .await
        .unwrap();
    store
        .create_org(&org("HZ_01", "西湖支行", OrgKind::SubBranch, Some("HZ"), 1))
        .await
        .unwrap();
    // A code that would match HZ_01 if `_` were treated as a wildcard.
    store
        .create_org(&org("HZX01", "萧山支行", OrgKind::SubBranch, Some("HZ"), 2))
        .await
        .unwrap();
    store
        .create_org(&org("NB01", "海曙支行", OrgKind::SubBranch, Some("NB"), 1))
        .await
        .unwrap();
}

async fn user(store: &Store, name: &str, role: Role, org: &str) -> Actor {
    store
        .create_user(&NewUser {
            username: name,
            display_name: "",
            role,
            org_code: org,
            password: "correct horse battery",
            must_change_password: false,
        })
        .await
        .unwrap();
    store.actor_by_username(name).await.unwrap()
}

async fn org_tree_and_scope(store: Store) {
    tree(&store).await;
    let err = store
        .create_org(&NewOrg {
            code: "ROOT2",
            name: "另一个总行",
            kind: OrgKind::HeadOffice,
            parent_code: None,
            sort_order: 0,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let dup = store
        .create_org(&NewOrg {
            code: "HZ",
            name: "重复",
            kind: OrgKind::Branch,
            parent_code: Some("HO"),
            sort_order: 0,
        })
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)), "{dup}");

    let officer = user(&store, "officer", Role::CpOfficer, "HO").await;
    let hz = user(&store, "hz_handler", Role::Handler, "HZ").await;
    let all: Vec<_> = store
        .list_orgs(&officer)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(all, ["HO", "HZ", "HZ_01", "HZX01", "NB", "NB01"]);
    let mine: Vec<_> = store
        .list_orgs(&hz)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(mine, ["HZ", "HZ_01", "HZX01"]);
    assert!(store.get_org(&hz, "NB01").await.is_err());
    assert!(matches!(
        store.get_org(&hz, "NB").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.get_org(&hz, "HZ_01").await.unwrap().path,
        "/HO/HZ/HZ_01/"
    );
    // Only administrators rename, and only inside their scope.
    assert!(matches!(
        store.rename_org(&hz, "HZ", "改名").await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn users_are_scoped_and_authenticated(store: Store) {
    tree(&store).await;
    let admin = user(&store, "admin", Role::Admin, "HO").await;
    let hz = user(&store, "hz_handler", Role::Handler, "HZ").await;
    let nb = user(&store, "nb_handler", Role::Handler, "NB01").await;
    let seen: Vec<_> = store
        .list_users(&hz)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(seen, ["hz_handler"]);
    assert_eq!(store.list_users(&admin).await.unwrap().len(), 3);
    assert!(matches!(
        store.get_user(&hz, &nb.user_id).await,
        Err(StoreError::NotFound(_))
    ));

    assert!(
        store
            .authenticate("hz_handler", "correct horse battery")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .authenticate("hz_handler", "wrong password!")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .authenticate("nobody", "correct horse battery")
            .await
            .unwrap()
            .is_none()
    );

    let short = store
        .create_user(&NewUser {
            username: "x1",
            display_name: "",
            role: Role::Viewer,
            org_code: "HO",
            password: "short",
            must_change_password: false,
        })
        .await
        .unwrap_err();
    assert!(matches!(short, StoreError::Invalid(_)));
    let dup = store
        .create_user(&NewUser {
            username: "admin",
            display_name: "",
            role: Role::Viewer,
            org_code: "HO",
            password: "long enough pw",
            must_change_password: false,
        })
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)));

    store
        .set_user_disabled(&admin, &nb.user_id, true)
        .await
        .unwrap();
    assert!(
        store
            .authenticate("nb_handler", "correct horse battery")
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store.set_user_disabled(&hz, &nb.user_id, false).await,
        Err(StoreError::Forbidden(_))
    ));
    store
        .set_password("hz_handler", "a new password", true)
        .await
        .unwrap();
    assert!(
        store
            .authenticate("hz_handler", "a new password")
            .await
            .unwrap()
            .is_some()
    );
}

async fn sessions_expire_and_end(store: Store) {
    tree(&store).await;
    let hz = user(&store, "hz_handler", Role::Handler, "HZ").await;
    let s = store
        .create_session(&hz.user_id, 3600, "127.0.0.1", "test")
        .await
        .unwrap();
    let got = store.session(&s.cookie_value, 3600).await.unwrap().unwrap();
    assert_eq!(got.actor, hz);
    assert_eq!(got.csrf_token, s.csrf_token);
    assert!(
        store
            .session("not-a-session", 3600)
            .await
            .unwrap()
            .is_none()
    );
    store.delete_session(&s.cookie_value).await.unwrap();
    assert!(
        store
            .session(&s.cookie_value, 3600)
            .await
            .unwrap()
            .is_none()
    );

    let expired = store
        .create_session(&hz.user_id, -1, "127.0.0.1", "test")
        .await
        .unwrap();
    assert!(
        store
            .session(&expired.cookie_value, 3600)
            .await
            .unwrap()
            .is_none()
    );
    let _ = store
        .create_session(&hz.user_id, -1, "127.0.0.1", "test")
        .await
        .unwrap();
    assert_eq!(store.purge_expired_sessions().await.unwrap(), 1);
}

async fn api_tokens_are_hashed(store: Store) {
    tree(&store).await;
    let hz = user(&store, "hz_handler", Role::Handler, "HZ").await;
    let token = store.create_token("hz_handler", "cli").await.unwrap();
    assert!(token.starts_with("xbt_"));
    assert_eq!(store.actor_for_token(&token).await.unwrap(), Some(hz));
    assert_eq!(store.actor_for_token("xbt_forged").await.unwrap(), None);
    assert!(matches!(
        store.create_token("ghost", "cli").await,
        Err(StoreError::NotFound(_))
    ));
}

async fn login_throttling_counts_failures(store: Store) {
    let policy = ThrottlePolicy {
        window_seconds: 900,
        max_failures_per_user: 3,
        max_failures_per_ip: 5,
    };
    for _ in 0..2 {
        store
            .record_login_attempt("alice", "10.0.0.1", false)
            .await
            .unwrap();
    }
    assert!(
        !store
            .login_blocked("alice", "10.0.0.1", policy)
            .await
            .unwrap()
    );
    store
        .record_login_attempt("alice", "10.0.0.1", false)
        .await
        .unwrap();
    assert!(
        store
            .login_blocked("alice", "10.0.0.2", policy)
            .await
            .unwrap()
    );
    // Another user from the same address is blocked once the address has too many.
    store
        .record_login_attempt("bob", "10.0.0.1", false)
        .await
        .unwrap();
    assert!(
        !store
            .login_blocked("bob", "10.0.0.1", policy)
            .await
            .unwrap()
    );
    store
        .record_login_attempt("carol", "10.0.0.1", false)
        .await
        .unwrap();
    assert!(
        store
            .login_blocked("bob", "10.0.0.1", policy)
            .await
            .unwrap()
    );
    store.clear_login_failures("alice").await.unwrap();
    assert!(
        !store
            .login_blocked("alice", "10.9.9.9", policy)
            .await
            .unwrap()
    );
}

async fn leases_have_one_holder(store: Store) {
    assert!(store.try_acquire_lease("job", "a", 60).await.unwrap());
    assert!(!store.try_acquire_lease("job", "b", 60).await.unwrap());
    assert!(
        store.try_acquire_lease("job", "a", 60).await.unwrap(),
        "renewal"
    );
    store.release_lease("job", "a").await.unwrap();
    assert!(store.try_acquire_lease("job", "b", -1).await.unwrap());
    // b's lease has already expired: a takes over.
    assert!(store.try_acquire_lease("job", "a", 60).await.unwrap());

    // Many contenders at once: exactly one wins.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.try_acquire_lease("race", &format!("holder{i}"), 60)
                .await
                .unwrap()
        }));
    }
    let mut winners = 0;
    for t in tasks {
        if t.await.unwrap() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
    store
        .record_job_run("race", "holder", &xiaobao_store::time::now(), true, "ok")
        .await
        .unwrap();
    assert_eq!(store.recent_job_runs(10).await.unwrap().len(), 1);
}

async fn audit_log_is_scoped(store: Store) {
    tree(&store).await;
    let admin = user(&store, "admin", Role::Admin, "HO").await;
    let auditor_hz = Actor {
        role: Role::Auditor,
        ..user(&store, "hz_viewer", Role::Viewer, "HZ").await
    };
    let hz = user(&store, "hz_handler", Role::Handler, "HZ").await;
    for (path, id) in [("/HO/HZ/", "1"), ("/HO/NB/", "2")] {
        store
            .audit(
                &admin,
                AuditEvent {
                    action: "test",
                    target_kind: "thing",
                    target_id: id,
                    org_path: path,
                    detail: serde_json::json!({"k": "v"}),
                    ip: "",
                },
            )
            .await
            .unwrap();
    }
    // Auditors see every org (their role is head-office wide).
    assert_eq!(store.list_audit(&auditor_hz, 10).await.unwrap().len(), 2);
    assert!(matches!(
        store.list_audit(&hz, 10).await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn migrations_are_idempotent(store: Store) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    assert!(store.root_org().await.unwrap().is_none());
}
