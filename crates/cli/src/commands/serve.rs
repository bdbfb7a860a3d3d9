//! `xiaobao serve`: the web server.

use std::process::ExitCode;

use clap::Args;
use xiaobao_domain::org::OrgKind;
use xiaobao_domain::role::Role;
use xiaobao_store::Store;
use xiaobao_store::accounts::NewUser;
use xiaobao_store::orgs::NewOrg;

use crate::config::{Settings, init_logging};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// On an empty database, create the demo bank with one user per role and
    /// sample data, and print the demo passwords once.
    #[arg(long)]
    pub demo: bool,
}

pub fn run(settings: Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging(settings.log_format);
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let services = settings.open_services().await?;
        let store = services.store.clone();
        if args.demo {
            super::demo::seed(&services, xiaobao_demo::seed::DEMO_COMPLAINTS).await?;
        } else {
            bootstrap_admin(&store).await?;
        }
        println!(
            "xiaobao 正在运行 running at http://{}  (数据库 database: {}, {})",
            settings.server.listen,
            store.backend().as_str(),
            xiaobao_store::redact_url(&settings.database_url)
        );
        xiaobao_server::serve(services, settings.server, xiaobao_server::shutdown_signal()).await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// A bare `serve` on an empty database creates the root organisation and an
/// `admin` account, and prints the admin's one-time password.
pub async fn bootstrap_admin(store: &Store) -> anyhow::Result<()> {
    if store.user_count().await? > 0 {
        return Ok(());
    }
    let root = ensure_root(store).await?;
    let password = xiaobao_store::secret::random_password(14)?;
    store
        .create_user(&NewUser {
            username: "admin",
            display_name: "系统管理员",
            role: Role::Admin,
            org_code: &root,
            password: &password,
            must_change_password: true,
        })
        .await?;
    println!(
        "已创建管理员账户 created account `admin`; 一次性密码 one-time password (change at first login): {password}"
    );
    Ok(())
}

/// The root organisation's code, creating a default 总行 when the tree is empty.
pub async fn ensure_root(store: &Store) -> anyhow::Result<String> {
    if let Some(root) = store.root_org().await? {
        return Ok(root.code);
    }
    let root = store
        .create_org(&NewOrg {
            code: "HO",
            name: "总行",
            kind: OrgKind::HeadOffice,
            parent_code: None,
            sort_order: 0,
        })
        .await?;
    Ok(root.code)
}
