//! `xiaobao import complaints FILE`, `xiaobao export complaints`, and
//! `xiaobao keys rotate`: complaint files and PII keys from the shell.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::role::Role;

use crate::config::Settings;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import complaints from XLSX, CSV or JSON Lines, all or nothing.
    Complaints(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file (format read from its content).
    pub file: PathBuf,
    /// Validate and report without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Register as this user (default: a head-office import account).
    #[arg(long)]
    pub user: Option<String>,
    /// Report format.
    #[arg(long, value_parser = ["table", "json"], default_value = "table")]
    pub format: String,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Export complaints (personal data masked) to XLSX.
    Complaints(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output file.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Organisation subtree.
    #[arg(long)]
    pub org: Option<String>,
    /// Comma-separated states.
    #[arg(long)]
    pub status: Option<String>,
    /// Received on or after (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Received on or before (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new active PII key to the key file and re-encrypt stored values.
    Rotate,
}

/// The account shell imports run as when no `--user` is given: head-office
/// consumer protection, so any organisation can be the responsible one.
fn import_actor() -> Actor {
    Actor {
        user_id: "system-import".into(),
        username: "import".into(),
        display_name: "批量导入".into(),
        role: Role::CpOfficer,
        org_code: String::new(),
        org_path: "/".into(),
    }
}

pub fn import(settings: Settings, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let ImportCommand::Complaints(args) = cmd;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("无法读取文件 cannot read {}", args.file.display()))?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let services = settings.open_services().await?;
        let actor = match &args.user {
            Some(u) => services.store.actor_by_username(u).await?,
            None => {
                let mut a = import_actor();
                if let Some(root) = services.store.root_org().await? {
                    a.org_code = root.code;
                    a.org_path = root.path;
                }
                a
            }
        };
        let started = std::time::Instant::now();
        let report = services
            .import_file(&actor, &bytes, args.dry_run, chrono::Utc::now())
            .await?;
        let elapsed = started.elapsed();
        let mut out = std::io::stdout().lock();
        if args.format == "json" {
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        } else {
            for e in &report.errors {
                writeln!(out, "第 {} 行\t{}\t{}", e.row, e.column, e.message)?;
            }
            let verdict = if !report.errors.is_empty() {
                format!(
                    "发现 {} 处错误，未导入任何数据 nothing imported",
                    report.errors.len()
                )
            } else if report.dry_run {
                "校验通过（未写入） validation passed, nothing written".to_string()
            } else {
                format!("已导入 imported {} 件", report.created)
            };
            writeln!(
                out,
                "{verdict}；文件 {} 行，已存在跳过 {} 行，用时 {:.1} 秒",
                report.rows,
                report.skipped_existing,
                elapsed.as_secs_f64()
            )?;
        }
        Ok(if report.errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}

pub fn export(settings: Settings, cmd: ExportCommand) -> anyhow::Result<ExitCode> {
    let ExportCommand::Complaints(args) = cmd;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let services = settings.open_services().await?;
        let mut actor = import_actor();
        actor.role = Role::Auditor;
        let filter = xiaobao_store::complaints::ComplaintFilter {
            org: args.org,
            states: args
                .status
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            received_from: parse_date("from", args.from.as_deref())?,
            received_to: parse_date("to", args.to.as_deref())?,
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        let file = std::fs::File::create(&args.output)
            .with_context(|| format!("无法写入 cannot write {}", args.output.display()))?;
        let rows = services
            .export_xlsx(&actor, &filter, std::io::BufWriter::new(file))
            .await?;
        println!("已导出 exported {rows} 件 → {}", args.output.display());
        Ok(ExitCode::SUCCESS)
    })
}

fn parse_date(name: &str, v: Option<&str>) -> anyhow::Result<Option<chrono::NaiveDate>> {
    v.map(|s| {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .with_context(|| format!("--{name} 日期格式应为 YYYY-MM-DD: {s:?}"))
    })
    .transpose()
}

pub fn keys(settings: Settings, cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    let KeysCommand::Rotate = cmd;
    if std::env::var(crate::config::PII_KEYS_ENV).is_ok_and(|v| !v.is_empty()) {
        anyhow::bail!(
            "密钥来自环境变量 {}，请在密钥管理处新增密钥后重启 keys come from the environment; add a key there",
            crate::config::PII_KEYS_ENV
        );
    }
    let path = settings.pii_key_path();
    let keys = xiaobao_pii::KeyRing::rotate(&path)?;
    println!(
        "新的启用密钥 new active key: {} ({})",
        keys.active_key_id(),
        path.display()
    );
    let rt = tokio::runtime::Runtime::new()?;
    let count = rt.block_on(async move {
        let services = settings.open_services().await?;
        anyhow::Ok(services.reencrypt_all().await?)
    })?;
    println!("已用新密钥重新加密 re-encrypted {count} 个字段");
    Ok(ExitCode::SUCCESS)
}
