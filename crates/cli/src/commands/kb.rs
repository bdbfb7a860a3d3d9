//! `xiaobao kb export|import|check` — the knowledge base as a file.
//!
//! The database that stores knowledge-base versions belongs to the server;
//! these verbs work on files only, so a compliance officer can edit the
//! JSONL in any editor, validate it, and hand a normalised file to whoever
//! loads it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use xiaobao_lexicon::{Diagnostic, KnowledgeBase, Level, Matcher};

use super::scan::{load_kb, read_utf8};

/// `xiaobao kb …` verbs.
#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Write the knowledge base (built-in, or --kb) as one JSONL file.
    Export(ExportArgs),
    /// Validate a JSONL knowledge base and write it back normalised.
    Import(ImportArgs),
    /// Validate a knowledge base and list problems with line numbers.
    Check(CheckArgs),
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KbFormat {
    /// JSON Lines, one record per line.
    Jsonl,
}

/// Arguments of `xiaobao kb export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: KbFormat,
    /// Output file (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Knowledge base to export instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub kb: Option<PathBuf>,
}

/// Arguments of `xiaobao kb import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSONL knowledge base to validate.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where to write the normalised knowledge base (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `xiaobao kb check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// JSONL knowledge base (default: the built-in one).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Runs a `kb` verb.
pub fn run(cmd: KbCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KbCommand::Export(args) => export(args),
        KbCommand::Import(args) => import(args),
        KbCommand::Check(args) => check(args),
    }
}

fn write_output(path: Option<&Path>, content: &str) -> anyhow::Result<()> {
    match path {
        Some(p) => {
            std::fs::write(p, content).with_context(|| format!("无法写入文件 {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content.as_bytes())
                .and_then(|()| out.flush())
                .context("写出到标准输出失败")
        }
    }
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let KbFormat::Jsonl = args.format;
    let kb = load_kb(args.kb.as_deref())?;
    write_output(args.output.as_deref(), &kb.to_jsonl())?;
    if let Some(p) = &args.output {
        let s = kb.stats();
        eprintln!(
            "已导出到 {}：{} 个词条，{} 条必备披露规则",
            p.display(),
            s.entries,
            s.disclosures
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_diagnostics(diags: &[Diagnostic]) -> (usize, usize) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    (errors, diags.len() - errors)
}

fn parse_file(path: &Path) -> anyhow::Result<(KnowledgeBase, Vec<Diagnostic>)> {
    let src = read_utf8(path)?;
    let name = path.display().to_string();
    Ok(KnowledgeBase::parse_sources_lenient(&[(&name, &src)]))
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (kb, diags) = parse_file(&args.file)?;
    let (errors, warnings) = print_diagnostics(&diags);
    if errors > 0 {
        eprintln!("导入失败：{errors} 个错误，{warnings} 个警告，未写出任何文件");
        return Ok(ExitCode::from(1));
    }
    Matcher::compile(&kb).map_err(|e| anyhow!("知识库编译失败：{e}"))?;
    write_output(args.output.as_deref(), &kb.to_jsonl())?;
    let s = kb.stats();
    eprintln!(
        "校验通过（{warnings} 个警告）：{} 个词条，{} 个词语，{} 条正则，{} 条邻近规则，{} 条必备披露规则{}",
        s.entries,
        s.terms,
        s.regexes,
        s.proximity_rules,
        s.disclosures,
        args.output
            .as_ref()
            .map(|p| format!("，已写入 {}", p.display()))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let (kb, diags) = match &args.file {
        Some(p) => parse_file(p)?,
        None => KnowledgeBase::parse_sources_lenient(&[
            ("data/kb/seed.jsonl", xiaobao_lexicon::SEED_ENTRIES_JSONL),
            (
                "data/kb/disclosures.jsonl",
                xiaobao_lexicon::SEED_DISCLOSURES_JSONL,
            ),
        ]),
    };
    let (errors, warnings) = print_diagnostics(&diags);
    let s = kb.stats();
    println!(
        "{} 个词条，{} 个词语，{} 条正则，{} 条邻近规则，{} 条放行短语，{} 条必备披露规则（{} 个模式）；{} 个错误，{} 个警告",
        s.entries,
        s.terms,
        s.regexes,
        s.proximity_rules,
        s.allow,
        s.disclosures,
        s.disclosure_patterns,
        errors,
        warnings
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
