//! `xiaobao user …`, `xiaobao token …`, `xiaobao org …`: administration from
//! the shell, for IT staff.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::org::OrgKind;
use xiaobao_domain::role::Role;
use xiaobao_store::accounts::NewUser;
use xiaobao_store::orgs::NewOrg;

use super::serve::ensure_root;
use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; prints its one-time password.
    Add(UserAddArgs),
    /// Set a new one-time password for an account; prints it.
    Passwd {
        /// The account's username.
        name: String,
    },
    /// List accounts.
    List,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Username: 2–64 letters, digits, `_`, `-` or `.`.
    pub name: String,
    /// Role: admin, cp_officer, handler, reviewer, approver, submitter, auditor or viewer.
    #[arg(long)]
    pub role: String,
    /// Organisation code (default: the root, 总行).
    #[arg(long)]
    pub org: Option<String>,
    /// Name shown in the UI (default: the username).
    #[arg(long, default_value = "")]
    pub display_name: String,
    /// Department the user submits review requests for (required for the
    /// `submitter` role: submitters see their department's requests only).
    #[arg(long)]
    pub department: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; the token is printed alone on the last line.
    Create {
        /// The user the token acts as.
        #[arg(long)]
        user: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organisation under a parent.
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// head_office, branch, sub_branch, outlet or village_bank.
        #[arg(long)]
        kind: String,
        /// Parent organisation code (default: the root).
        #[arg(long)]
        parent: Option<String>,
    },
    /// Print the organisation tree.
    List,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Runtime::new()?)
}

pub fn user(settings: Settings, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = settings.open_store().await?;
        match cmd {
            UserCommand::Add(args) => {
                let role = args.role.parse::<Role>()?;
                let department = args.department.as_deref().map(str::trim).filter(|d| !d.is_empty());
                if role.can_submit_reviews() && department.is_none() {
                    anyhow::bail!(
                        "业务送审人须指定所属部门 --department（如 零售银行部） a submitter needs --department"
                    );
                }
                let org = match args.org {
                    Some(o) => o,
                    None => ensure_root(&store).await?,
                };
                let password = xiaobao_store::secret::random_password(14)?;
                let user = store
                    .create_user(&NewUser {
                        username: &args.name,
                        display_name: &args.display_name,
                        role,
                        org_code: &org,
                        password: &password,
                        must_change_password: true,
                    })
                    .await?;
                if let Some(d) = department {
                    store.set_user_department(&user.username, d).await?;
                }
                println!(
                    "已创建用户 created user {} ({}, 机构 {})",
                    user.username,
                    role.display_name(),
                    user.org_code
                );
                println!("一次性密码 one-time password (change at first login): {password}");
            }
            UserCommand::Passwd { name } => {
                let password = xiaobao_store::secret::random_password(14)?;
                store.set_password(&name, &password, true).await?;
                println!(
                    "已重置 {name} 的密码 password reset; 一次性密码 one-time password: {password}"
                );
            }
            UserCommand::List => {
                for u in store.list_users(&Actor::system()).await? {
                    let role = u
                        .role
                        .parse::<Role>()
                        .map(|r| r.display_name())
                        .unwrap_or("?");
                    let state = if u.disabled != 0 { "停用" } else { "正常" };
                    println!(
                        "{:<16} {:<8} {:<10} {}",
                        u.username, role, u.org_code, state
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn token(settings: Settings, cmd: TokenCommand) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = settings.open_store().await?;
        match cmd {
            TokenCommand::Create { user, name } => {
                let token = store.create_token(&user, &name).await?;
                println!(
                    "已为 {user} 创建 API 令牌 created API token (shown once; stored hashed):"
                );
                println!("{token}");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn org(settings: Settings, cmd: OrgCommand) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = settings.open_store().await?;
        match cmd {
            OrgCommand::Add {
                code,
                name,
                kind,
                parent,
            } => {
                let kind = kind.parse::<OrgKind>()?;
                let parent = match parent {
                    Some(p) => Some(p),
                    None if kind == OrgKind::HeadOffice => None,
                    None => Some(ensure_root(&store).await?),
                };
                let org = store
                    .create_org(&NewOrg {
                        code: &code,
                        name: &name,
                        kind,
                        parent_code: parent.as_deref(),
                        sort_order: 0,
                    })
                    .await?;
                println!(
                    "已创建机构 created {} {} ({})",
                    org.code, org.name, org.path
                );
            }
            OrgCommand::List => {
                for o in store
                    .orgs_in_scope(&xiaobao_domain::org::Scope::All)
                    .await?
                {
                    let depth = o.path.matches('/').count().saturating_sub(2);
                    let kind = o
                        .kind
                        .parse::<OrgKind>()
                        .map(|k| k.display_name())
                        .unwrap_or("?");
                    println!("{}{} {} [{}]", "  ".repeat(depth), o.code, o.name, kind);
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn migrate(settings: Settings) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async move {
        let store = settings.open_store().await?;
        println!(
            "数据库已是最新结构 database is migrated ({}, {})",
            store.backend().as_str(),
            xiaobao_store::redact_url(&settings.database_url)
        );
        Ok(ExitCode::SUCCESS)
    })
}
