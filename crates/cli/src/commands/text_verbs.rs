//! Offline complaint-text verbs: `segment`, `analyze hotwords|rising|clusters`,
//! `classify` (and `classify train`), `pii mask`.
//!
//! They run the `xiaobao-text` engine on files, without a server or database,
//! so an analyst can look at an export from any complaint system. Input is
//! JSON Lines, one ticket per line (`id`, `received_at`, `text`, optional
//! `org`, `business_category`, `channel`); a line that cannot be read stops
//! the run with its line number (exit status 2) rather than being skipped, so
//! no figure is silently computed on part of the data.
//!
//! Everything printed is PII-masked: terms are computed with personal
//! information cut out, and any text echoed back goes through the masker.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand, ValueEnum};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use unicode_width::UnicodeWidthStr;
use xiaobao_text::classify::{Model, TrainOptions, cross_validate, parse_examples, train_with};
use xiaobao_text::cluster::{ClusterOptions, cluster};
use xiaobao_text::hotwords::{HotwordOptions, hotwords};
use xiaobao_text::rising::{RisingOptions, rising};
use xiaobao_text::{
    Document, Scope, Segmenter, default_model, normalize, pii, prepare_terms_reporting,
};

use crate::progress::Progress;

// ---------------------------------------------------------------------------
// Arguments.

/// Output format of the analysis verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// JSON for programs.
    Json,
    /// An aligned table for people.
    Table,
}

/// Arguments of `xiaobao segment`.
#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// Plain-text file, one text per line (default: standard input).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `xiaobao analyze …` subcommands.
#[derive(Debug, Subcommand)]
pub enum AnalyzeCommand {
    /// Hot words: terms in the most complaints of a period.
    Hotwords(HotwordsArgs),
    /// Rising words: terms whose share rose significantly in the last days.
    Rising(RisingArgs),
    /// Same-event clusters of near-duplicate complaints.
    Clusters(ClustersArgs),
}

/// Arguments of `xiaobao analyze hotwords`.
#[derive(Debug, Args)]
pub struct HotwordsArgs {
    /// JSON Lines file of complaints (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// First day included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub from: Option<NaiveDate>,
    /// Last day included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to: Option<NaiveDate>,
    /// Number of terms.
    #[arg(long, default_value_t = 30)]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
}

/// Arguments of `xiaobao analyze rising`.
#[derive(Debug, Args)]
pub struct RisingArgs {
    /// JSON Lines file of complaints (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Last day of the window (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub as_of: NaiveDate,
    /// Window length in days.
    #[arg(long, default_value_t = 7)]
    pub window_days: u32,
    /// Baseline length in days, just before the window.
    #[arg(long, default_value_t = 28)]
    pub baseline_days: u32,
    /// Number of terms.
    #[arg(long, default_value_t = 30)]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
}

/// Arguments of `xiaobao analyze clusters`.
#[derive(Debug, Args)]
pub struct ClustersArgs {
    /// JSON Lines file of complaints (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Minimum estimated Jaccard similarity of two texts (0–1].
    #[arg(long, default_value_t = 0.6)]
    pub threshold: f64,
    /// Smallest cluster reported.
    #[arg(long, default_value_t = 2)]
    pub min_size: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
}

/// Arguments of `xiaobao classify`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ClassifyArgs {
    /// `train`: build a model from labelled examples.
    #[command(subcommand)]
    pub command: Option<ClassifyCommand>,
    /// JSON Lines file of complaints (`-` for standard input).
    #[arg(long, value_name = "FILE", required = true)]
    pub input: Option<PathBuf>,
    /// Model file written by `xiaobao classify train` (default: the built-in model).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Output format: one JSON object per line, or a table.
    #[arg(long, value_enum, default_value = "json")]
    pub format: OutputFormat,
}

/// `xiaobao classify …` subcommands.
#[derive(Debug, Subcommand)]
pub enum ClassifyCommand {
    /// Train a model from labelled JSON Lines and report k-fold accuracy.
    Train(TrainArgs),
}

/// Arguments of `xiaobao classify train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled JSON Lines (`text`, `business_category`, `reason`, `is_complaint`).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Where to write the model (JSON).
    #[arg(long, value_name = "MODEL")]
    pub output: PathBuf,
    /// Folds for cross-validation.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
}

/// `xiaobao pii …` subcommands.
#[derive(Debug, Subcommand)]
pub enum PiiCommand {
    /// Mask personal information, standard input to standard output, line by line.
    Mask,
}

pub(crate) fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("日期格式应为 YYYY-MM-DD：{s}"))
}

// ---------------------------------------------------------------------------
// Input.

/// One ticket as it appears in the JSON Lines input.
#[derive(Debug, Deserialize)]
pub(crate) struct InputRecord {
    id: serde_json::Value,
    received_at: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    org: Option<String>,
    #[serde(default, alias = "business_type")]
    business_category: Option<String>,
    #[serde(default)]
    channel: Option<String>,
}

fn read_input(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .context("无法读取标准输入")?;
        Ok(s)
    } else {
        fs::read_to_string(path).with_context(|| format!("无法读取文件 {}", path.display()))
    }
}

/// Parses `received_at`: RFC 3339 (the date as written, in its own offset),
/// `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM[:SS]`.
fn parse_received(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|dt| dt.date())
}

/// Reads complaint JSON Lines; the first bad line is an error naming it.
fn read_documents(path: &Path) -> anyhow::Result<Vec<Document>> {
    read_records(path, |line_no, rec: InputRecord| document(line_no, rec))
}

/// Reads JSON Lines into `T`, one per non-empty line, and converts each with
/// `convert` (given the 1-based line number); the first line that cannot be
/// read or converted is an error naming it. Verbs whose input has fields
/// beyond [`InputRecord`] read them with a `T` that flattens it.
pub(crate) fn read_records<T: DeserializeOwned, U>(
    path: &Path,
    mut convert: impl FnMut(usize, T) -> anyhow::Result<U>,
) -> anyhow::Result<Vec<U>> {
    let content = read_input(path)?;
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let rec: T = serde_json::from_str(line)
            .map_err(|e| anyhow!("第 {line_no} 行不是有效的投诉记录：{e}"))?;
        out.push(convert(line_no, rec)?);
    }
    Ok(out)
}

/// The analysis document of one input line.
pub(crate) fn document(line_no: usize, rec: InputRecord) -> anyhow::Result<Document> {
    let id = match rec.id {
        serde_json::Value::String(s) if !s.trim().is_empty() => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => bail!("第 {line_no} 行：id 缺失或不是字符串/数字"),
    };
    let date = parse_received(&rec.received_at).ok_or_else(|| {
        anyhow!(
            "第 {line_no} 行：received_at 无法识别（{}），应为 RFC 3339 或 YYYY-MM-DD",
            rec.received_at
        )
    })?;
    let text = rec
        .text
        .ok_or_else(|| anyhow!("第 {line_no} 行：缺少 text 字段"))?;
    Ok(Document {
        id,
        date,
        org: rec.org.filter(|s| !s.trim().is_empty()),
        business_category: rec.business_category.filter(|s| !s.trim().is_empty()),
        channel: rec.channel.filter(|s| !s.trim().is_empty()),
        text,
        terms: None,
    })
}

// ---------------------------------------------------------------------------
// Verbs.

/// `xiaobao segment [FILE]`.
/// Input read, segmented and written per round of about this many bytes:
/// the whole file for common sizes, bounded memory for large ones.
const SEGMENT_ROUND_BYTES: usize = 64 << 20;
/// Lines a worker thread takes at a time.
const SEGMENT_CHUNK_LINES: usize = 256;

pub fn segment(args: SegmentArgs) -> anyhow::Result<ExitCode> {
    // Building the dictionary takes about 0.2 s on one core; meanwhile this
    // thread reads the input and normalises and masks its first lines.
    let mut builder = Some(std::thread::spawn(Segmenter::shared));
    let reader: Box<dyn BufRead> = match &args.file {
        Some(path) => Box::new(io::BufReader::new(
            fs::File::open(path).with_context(|| format!("无法打开文件 {}", path.display()))?,
        )),
        None => Box::new(io::stdin().lock()),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let size = match &args.file {
        Some(path) => fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        None => 0,
    };
    let progress = Progress::bytes(size, "分词");
    let mut lines = reader.lines().enumerate().peekable();
    while lines.peek().is_some() {
        // (line, whether it is already normalised and masked)
        let mut round: Vec<(String, bool)> = Vec::new();
        let mut bytes = 0;
        for (i, line) in lines.by_ref() {
            let line =
                line.with_context(|| format!("第 {} 行无法读取（需为 UTF-8 文本）", i + 1))?;
            bytes += line.len() + 1;
            round.push((line, false));
            if bytes >= SEGMENT_ROUND_BYTES {
                break;
            }
        }
        if let Some(b) = &builder {
            for (line, masked) in &mut round {
                if b.is_finished() {
                    break;
                }
                *line = mask_for_segmentation(line);
                *masked = true;
            }
        }
        if let Some(b) = builder.take() {
            b.join()
                .map_err(|_| anyhow!("分词词典加载失败，未输出任何结果"))?;
        }
        let seg = Segmenter::shared();
        // Threads take small chunks in turn until none is left (so they
        // finish together whatever the line lengths), and the chunks are
        // written back in input order.
        let chunks: Vec<&[(String, bool)]> = round.chunks(SEGMENT_CHUNK_LINES).collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<(usize, String)> = std::thread::scope(|s| -> anyhow::Result<_> {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(chunk) = chunks.get(i) else { break };
                            let mut out = String::with_capacity(chunk.len() * 400);
                            let bytes: usize = chunk.iter().map(|(l, _)| l.len() + 1).sum();
                            progress.inc_bytes(bytes as u64);
                            for (line, masked) in *chunk {
                                if *masked {
                                    seg.write_tokens_normalized(line, &mut out);
                                } else {
                                    let text = mask_for_segmentation(line);
                                    seg.write_tokens_normalized(&text, &mut out);
                                }
                                out.push('\n');
                            }
                            mine.push((i, out));
                        }
                        mine
                    })
                })
                .collect();
            let mut all = Vec::with_capacity(chunks.len());
            for h in handles {
                all.extend(
                    h.join()
                        .map_err(|_| anyhow!("分词线程异常退出，未输出任何结果"))?,
                );
            }
            Ok(all)
        })?;
        done.sort_unstable_by_key(|(i, _)| *i);
        let parts = done.into_iter().map(|(_, text)| text);
        for part in parts {
            out.write_all(part.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Segments every document's analysis terms on all cores, with progress on
/// stderr for long inputs.
fn segment_documents(docs: &mut [Document], seg: &Segmenter) {
    let progress = Progress::new(docs.len() as u64, "分词");
    prepare_terms_reporting(docs, seg, &|n| progress.inc(n as u64));
}

/// A line as `segment` reads it: normalised once, with personal data masked
/// in the normalised text (the tokens equal those of masking first).
fn mask_for_segmentation(line: &str) -> String {
    pii::mask_normalized(&normalize(line))
}

/// `xiaobao analyze …`.
pub fn analyze(cmd: AnalyzeCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AnalyzeCommand::Hotwords(args) => analyze_hotwords(args),
        AnalyzeCommand::Rising(args) => analyze_rising(args),
        AnalyzeCommand::Clusters(args) => analyze_clusters(args),
    }
}

fn analyze_hotwords(args: HotwordsArgs) -> anyhow::Result<ExitCode> {
    let seg = Segmenter::shared();
    let mut docs = read_documents(&args.input)?;
    segment_documents(&mut docs, seg);
    let scope = Scope {
        from: args.from,
        to: args.to,
        ..Scope::default()
    };
    let options = HotwordOptions {
        top: args.top,
        ..HotwordOptions::default()
    };
    let report = hotwords(&docs, &scope, &options, seg);
    match args.format {
        OutputFormat::Json => print_json(&report.terms)?,
        OutputFormat::Table => {
            let rows = report
                .terms
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    vec![
                        (i + 1).to_string(),
                        h.term.clone(),
                        h.docs.to_string(),
                        format!("{:.1}%", h.share * 100.0),
                        h.occurrences.to_string(),
                        h.example_ids.join(", "),
                    ]
                })
                .collect();
            println!("范围内投诉 {} 件", report.total_docs);
            print!(
                "{}",
                table(
                    &["排名", "热词", "投诉数", "占比", "出现次数", "示例"],
                    &[true, false, true, true, true, false],
                    rows
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn analyze_rising(args: RisingArgs) -> anyhow::Result<ExitCode> {
    let seg = Segmenter::shared();
    let mut docs = read_documents(&args.input)?;
    segment_documents(&mut docs, seg);
    let mut options = RisingOptions::new(args.as_of);
    options.window_days = args.window_days;
    options.baseline_days = args.baseline_days;
    options.top = args.top;
    let report = rising(&docs, &options, seg)?;
    match args.format {
        OutputFormat::Json => print_json(&report.terms)?,
        OutputFormat::Table => {
            println!(
                "观察期 {} 至 {}（{} 件），基期 {} 至 {}（{} 件）；检验 {} 个词，显著上升 {} 个",
                report.window_start,
                report.window_end,
                report.window_total,
                report.baseline_start,
                report.baseline_end,
                report.baseline_total,
                report.tested_terms,
                report.significant_terms
            );
            let rows = report
                .terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    vec![
                        (i + 1).to_string(),
                        t.term.clone(),
                        t.window_docs.to_string(),
                        t.baseline_docs.to_string(),
                        format!("{:.2}", t.growth),
                        format!("{:.1}", t.score),
                        if t.significant { "是" } else { "否" }.to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["排名", "词", "观察期", "基期", "增长倍数", "得分", "显著"],
                    &[true, false, true, true, true, true, false],
                    rows
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn analyze_clusters(args: ClustersArgs) -> anyhow::Result<ExitCode> {
    let seg = Segmenter::shared();
    let docs = read_documents(&args.input)?;
    let options = ClusterOptions {
        threshold: args.threshold,
        min_size: args.min_size,
        ..ClusterOptions::default()
    };
    let report = cluster(&docs, &options, seg)?;
    match args.format {
        OutputFormat::Json => print_json(&report.clusters)?,
        OutputFormat::Table => {
            println!(
                "共 {} 件，{} 件归入 {} 个同事件簇",
                report.total_docs,
                report.clustered_docs,
                report.clusters.len()
            );
            let rows = report
                .clusters
                .iter()
                .map(|c| {
                    let ids = if c.member_ids.len() > 5 {
                        format!("{} 等", c.member_ids[..5].join(", "))
                    } else {
                        c.member_ids.join(", ")
                    };
                    vec![
                        c.rank.to_string(),
                        c.size.to_string(),
                        format!("{} 至 {}", c.first_date, c.last_date),
                        c.orgs
                            .iter()
                            .map(|o| format!("{}({})", o.org, o.count))
                            .collect::<Vec<_>>()
                            .join("、"),
                        c.top_terms
                            .iter()
                            .map(|t| t.term.as_str())
                            .collect::<Vec<_>>()
                            .join("、"),
                        if c.major_candidate { "是" } else { "否" }.to_string(),
                        ids,
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &[
                        "序号",
                        "件数",
                        "时间",
                        "机构",
                        "关键词",
                        "疑似重大投诉",
                        "成员"
                    ],
                    &[true, true, false, false, false, false, false],
                    rows
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of `xiaobao classify` output.
#[derive(Debug, Serialize)]
struct ClassifiedLine<'a> {
    id: &'a str,
    business_category: &'a str,
    reason: &'a str,
    is_complaint: bool,
    confidence: f64,
    reason_confidence: f64,
    complaint_probability: f64,
}

/// `xiaobao classify` and `xiaobao classify train`.
pub fn classify(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    if let Some(ClassifyCommand::Train(train)) = args.command {
        return classify_train(train);
    }
    let input = args.input.ok_or_else(|| anyhow!("缺少 --input 参数"))?;
    let loaded;
    let model: &Model = match &args.model {
        Some(path) => {
            let json = fs::read_to_string(path)
                .with_context(|| format!("无法读取模型文件 {}", path.display()))?;
            loaded = Model::from_json(&json)
                .with_context(|| format!("模型文件 {} 无效", path.display()))?;
            &loaded
        }
        None => default_model()?,
    };
    let docs = read_documents(&input)?;
    let seg = Segmenter::shared();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut rows = Vec::new();
    let progress = Progress::new(docs.len() as u64, "分类");
    for doc in &docs {
        progress.inc(1);
        let p = model.predict_with(&doc.text, seg);
        let line = ClassifiedLine {
            id: &doc.id,
            business_category: &p.business_category.label,
            reason: &p.reason.label,
            is_complaint: p.is_complaint,
            confidence: round3(p.business_category.confidence),
            reason_confidence: round3(p.reason.confidence),
            complaint_probability: round3(p.complaint_probability),
        };
        match args.format {
            OutputFormat::Json => writeln!(out, "{}", serde_json::to_string(&line)?)?,
            OutputFormat::Table => rows.push(vec![
                doc.id.clone(),
                line.business_category.to_string(),
                format!("{:.2}", line.confidence),
                line.reason.to_string(),
                if line.is_complaint {
                    "投诉"
                } else {
                    "非投诉"
                }
                .to_string(),
            ]),
        }
    }
    if args.format == OutputFormat::Table {
        write!(
            out,
            "{}",
            table(
                &["编号", "业务类别", "置信度", "投诉原因", "性质"],
                &[false, false, true, false, false],
                rows
            )
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn classify_train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let content = read_input(&args.input)?;
    let examples = parse_examples(&content)?;
    let seg = Segmenter::shared();
    let options = TrainOptions::default();
    let report = cross_validate(&examples, args.folds, &options, seg)?;
    let model = train_with(&examples, &options, seg)?;
    fs::write(&args.output, model.to_json()?)
        .with_context(|| format!("无法写入模型文件 {}", args.output.display()))?;
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    println!(
        "训练样本 {} 条，{} 折交叉验证：",
        report.examples, report.folds
    );
    let rows = [
        ("业务类别", &report.business_category),
        ("投诉原因", &report.reason),
        ("是否投诉", &report.is_complaint),
    ]
    .iter()
    .map(|(name, s)| {
        vec![
            name.to_string(),
            pct(s.accuracy),
            pct(s.macro_f1),
            pct(s.majority_baseline),
        ]
    })
    .collect();
    print!(
        "{}",
        table(
            &["分类", "准确率", "宏平均F1", "多数类基线"],
            &[false, true, true, true],
            rows
        )
    );
    println!("模型已写入 {}", args.output.display());
    Ok(ExitCode::SUCCESS)
}

/// `xiaobao pii mask`.
pub fn pii_verb(cmd: PiiCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PiiCommand::Mask => {
            let mut out = BufWriter::new(io::stdout().lock());
            let mut c3_lines = Vec::new();
            for (i, line) in io::stdin().lock().lines().enumerate() {
                let line =
                    line.with_context(|| format!("第 {} 行无法读取（需为 UTF-8 文本）", i + 1))?;
                let masked = pii::mask(&line);
                if masked.has_c3() {
                    c3_lines.push(i + 1);
                }
                writeln!(out, "{}", masked.text)?;
            }
            out.flush()?;
            if !c3_lines.is_empty() {
                let list: Vec<String> = c3_lines.iter().map(ToString::to_string).collect();
                eprintln!(
                    "警告：第 {} 行含有密码、验证码、卡片安全码或有效期等 C3 类信息，已删除；请提醒客户及时修改密码并核查账户安全",
                    list.join("、")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

// ---------------------------------------------------------------------------
// Output helpers.

pub(crate) fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Renders an aligned table. Widths count display columns, so Chinese
/// characters (two columns each) line up with Latin ones; `right[i]`
/// right-aligns column `i` (numbers).
pub(crate) fn table(headers: &[&str], right: &[bool], rows: Vec<Vec<String>>) -> String {
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: Vec<&str>| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.width());
            if i > 0 {
                s.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(&mut out, headers.to_vec());
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut out, rule.iter().map(String::as_str).collect());
    for row in &rows {
        line(&mut out, row.iter().map(String::as_str).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_by_display_width() {
        let t = table(
            &["词", "件数"],
            &[false, true],
            vec![
                vec!["信用卡".into(), "12".into()],
                vec!["ATM".into(), "3".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{t}");
    }

    #[test]
    fn received_at_formats() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_received("2024-03-05"), d(2024, 3, 5));
        assert_eq!(parse_received("2024-03-05T23:30:00+08:00"), d(2024, 3, 5));
        assert_eq!(parse_received("2024-03-05 10:00"), d(2024, 3, 5));
        assert_eq!(parse_received("05/03/2024"), None);
    }
}
