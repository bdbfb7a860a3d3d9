//! `xiaobao alerts backtest`: replays a complaint stream through the alert
//! rules, day by day, and prints every alert they would have raised.
//!
//! This is how a bank tunes thresholds before switching a rule on: the same
//! evaluator as the live server, on an export from any complaint system.
//! Input is the JSON Lines of the analysis verbs (`id`, `received_at`,
//! `text`, `org`, `business_category`, `channel`) plus, when the export has
//! them, `complainant_key`, `vulnerable`, `due_date`, `closed_at`, `status`
//! and `org_path`; rules that need a missing field simply raise nothing.
//! Output is a JSON array of alerts (`rule`, `org`, `date`, `severity`,
//! `evidence`, …) or a table; nothing in it quotes complaint text.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Deserialize;
use xiaobao_alerts::{Evaluator, Record, RecordFacts, Records, RuleSet};
use xiaobao_text::Segmenter;

use super::text_verbs::{
    InputRecord, OutputFormat, document, parse_day, print_json, read_records, table,
};

/// `xiaobao alerts …` subcommands.
#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// Replay complaints day by day and print every alert the rules would raise.
    Backtest(BacktestArgs),
}

/// Arguments of `xiaobao alerts backtest`.
#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// JSON Lines file of complaints (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// First day replayed (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub from: NaiveDate,
    /// Last day replayed (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to: NaiveDate,
    /// Alert rules (JSON, the format of data/alerts/rules.json; default: the shipped rules).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
}

/// One input line: the analysis fields plus the complaint system's facts.
#[derive(Debug, Deserialize)]
struct AlertLine {
    #[serde(flatten)]
    base: InputRecord,
    #[serde(flatten)]
    facts: RecordFacts,
}

/// `xiaobao alerts …`.
pub fn run(cmd: AlertsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AlertsCommand::Backtest(args) => backtest(args),
    }
}

fn backtest(args: BacktestArgs) -> anyhow::Result<ExitCode> {
    let rules = match &args.rules {
        Some(path) => {
            let text = fs::read_to_string(path)
                .with_context(|| format!("无法读取告警规则文件 {}", path.display()))?;
            RuleSet::from_json(&text)
                .with_context(|| format!("告警规则文件 {} 无效", path.display()))?
        }
        None => RuleSet::embedded()?,
    };
    let records = read_records(&args.input, |line_no, line: AlertLine| {
        Ok(Record {
            document: document(line_no, line.base)?,
            facts: line.facts,
        })
    })?;
    let total = records.len();
    let records = Records::new(records, Segmenter::shared());
    let alerts = Evaluator::new(rules).backtest(&records, args.from, args.to)?;
    match args.format {
        OutputFormat::Json => print_json(&alerts)?,
        OutputFormat::Table => {
            println!(
                "回测 {} 至 {}：投诉 {total} 件，预警 {} 条",
                args.from,
                args.to,
                alerts.len()
            );
            let rows = alerts
                .iter()
                .map(|a| {
                    vec![
                        a.date.to_string(),
                        a.rule.label_zh().to_string(),
                        a.severity.label_zh().to_string(),
                        a.org.clone().unwrap_or_else(|| "全行".into()),
                        a.evidence.count.to_string(),
                        a.title.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["日期", "规则", "级别", "机构", "件数", "内容"],
                    &[false, false, false, false, true, false],
                    rows
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
