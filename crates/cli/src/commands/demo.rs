//! `xiaobao demo init`: the demo bank without starting the server (also what
//! `serve --demo` does first).

use std::process::ExitCode;

use clap::Subcommand;
use xiaobao_service::Services;

use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// On an empty database, create the demo bank (organisations, one user per
    /// role) and a year of complaints; print the passwords once.
    Init {
        /// How many complaints to generate (0 for none).
        #[arg(long, default_value_t = xiaobao_demo::seed::DEMO_COMPLAINTS)]
        complaints: usize,
    },
}

pub fn run(settings: Settings, cmd: DemoCommand) -> anyhow::Result<ExitCode> {
    let DemoCommand::Init { complaints } = cmd;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let services = settings.open_services().await?;
        seed(&services, complaints).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Seeds the demo bank when the database is empty and prints the accounts.
pub async fn seed(services: &Services, complaints: usize) -> anyhow::Result<()> {
    match xiaobao_demo::seed(&services.store).await? {
        Some(accounts) => {
            println!(
                "演示数据已创建 demo bank created. 演示账户（密码仅显示这一次）demo accounts (passwords shown once):"
            );
            for a in accounts {
                println!(
                    "  {:<12} {}  {}  机构 {}  密码 {}",
                    a.username,
                    a.role.display_name(),
                    a.display_name,
                    a.org,
                    a.password
                );
            }
            if complaints > 0 {
                let started = std::time::Instant::now();
                let today = xiaobao_domain::complaint::china_date(chrono::Utc::now());
                let n = xiaobao_demo::seed::seed_complaints(services, complaints, today).await?;
                println!(
                    "已生成演示投诉 {n} 件（近 12 个月），用时 {:.1} 秒 generated {n} demo complaints",
                    started.elapsed().as_secs_f64()
                );
            }
            let n = xiaobao_demo::reviews::seed_reviews(services).await?;
            println!("已生成演示审查申请 {n} 项 generated {n} demo review requests");
        }
        None => println!(
            "数据库中已有数据，未重新创建演示数据；忘记密码可运行 `xiaobao user passwd NAME`。\n\
             The database already has data; demo not re-created. Reset a password with `xiaobao user passwd NAME`."
        ),
    }
    Ok(())
}
