//! Command-line verbs. Each verb lives in its own module with a clap `Args`
//! struct and a `run` function returning the process exit code.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{GlobalArgs, Settings};

pub mod accounts;
pub mod alerts;
pub mod complaints;
pub mod demo;
pub mod kb;
pub mod ocr;
pub mod scan;
pub mod serve;
pub mod text_verbs;

#[derive(Debug, Parser)]
#[command(
    name = "xiaobao",
    version,
    about = "xiaobao (消保): consumer-protection platform for banks"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // One variant per verb, dispatched in `dispatch` below.
    /// Start the web server (with `--demo`: on an empty database, a demo bank).
    Serve(serve::ServeArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(accounts::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(accounts::TokenCommand),
    /// Manage the organisation tree.
    #[command(subcommand)]
    Org(accounts::OrgCommand),
    /// Create or upgrade the database schema.
    Migrate,
    /// Import data files (`import complaints FILE [--dry-run]`).
    #[command(subcommand)]
    Import(complaints::ImportCommand),
    /// Export data files (`export complaints --output F.xlsx`).
    #[command(subcommand)]
    Export(complaints::ExportCommand),
    /// The demo bank (`demo init`).
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// Personal-information keys (`keys rotate`).
    #[command(subcommand)]
    Keys(complaints::KeysCommand),
    /// Scan files for forbidden wording and missing disclosures (exit 1 on 禁止).
    Scan(scan::ScanArgs),
    /// Export, import or check the forbidden-words knowledge base.
    #[command(subcommand)]
    Kb(kb::KbCommand),
    /// Segment text into words, one output line per input line (PII masked).
    Segment(text_verbs::SegmentArgs),
    /// Analyse complaint JSON Lines: hot words, rising words, same-event clusters.
    #[command(subcommand)]
    Analyze(text_verbs::AnalyzeCommand),
    /// Suggest JR/T 0169 category, reason and complaint status; `classify train` builds a model.
    Classify(text_verbs::ClassifyArgs),
    /// Personal-information tools (`pii mask`: stdin to stdout).
    #[command(subcommand)]
    Pii(text_verbs::PiiCommand),
    /// Early warnings: `alerts backtest` replays complaint JSON Lines through the alert rules.
    #[command(subcommand)]
    Alerts(alerts::AlertsCommand),
    /// Read the text of page images (PNG/JPEG/TIFF/WebP) by OCR.
    Ocr(ocr::OcrArgs),
}

/// Parses the command line, runs the verb, and maps errors to exit status 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误 error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let Cli { global, command } = cli;
    // `serve` always logs; the other verbs log only when asked to with
    // XIAOBAO_LOG (e.g. `XIAOBAO_LOG=debug` for an import's phase timings).
    if std::env::var_os("XIAOBAO_LOG").is_some() && !matches!(command, Command::Serve(_)) {
        crate::config::init_logging(crate::config::LogFormat::Text);
    }
    // Verbs that work on files alone resolve no settings; the rest need them.
    let settings = || Settings::resolve(&global);
    match command {
        Command::Serve(args) => serve::run(settings()?, args),
        Command::User(cmd) => accounts::user(settings()?, cmd),
        Command::Token(cmd) => accounts::token(settings()?, cmd),
        Command::Org(cmd) => accounts::org(settings()?, cmd),
        Command::Migrate => accounts::migrate(settings()?),
        Command::Import(cmd) => complaints::import(settings()?, cmd),
        Command::Export(cmd) => complaints::export(settings()?, cmd),
        Command::Keys(cmd) => complaints::keys(settings()?, cmd),
        Command::Demo(cmd) => demo::run(settings()?, cmd),
        Command::Scan(args) => scan::run(args),
        Command::Kb(cmd) => kb::run(cmd),
        Command::Segment(args) => text_verbs::segment(args),
        Command::Analyze(cmd) => text_verbs::analyze(cmd),
        Command::Classify(args) => text_verbs::classify(args),
        Command::Pii(cmd) => text_verbs::pii_verb(cmd),
        Command::Alerts(cmd) => alerts::run(cmd),
        Command::Ocr(args) => ocr::run(args),
    }
}
