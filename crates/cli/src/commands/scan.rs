//! `xiaobao scan FILE...` — checks marketing copy, agreements, scripts and
//! messages against the forbidden-words knowledge base, offline.
//!
//! Files are read by `xiaobao-documents`: text, Markdown, HTML, Word,
//! Excel and PDF, recognised by content. Images and scanned PDFs need
//! OCR, which this offline verb does not run, so they are refused with that
//! reason rather than reported clean.
//!
//! Output is meant for two readers: a person at a terminal (compiler-style
//! diagnostics with the offending words highlighted) and a content pipeline
//! (`--format json`, exit status 1 when something at 禁止 level was found so
//! that a CI step can block publication).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, anyhow};
use clap::{Args, ValueEnum};
use serde::Serialize;
use xiaobao_documents::{Document, EmbeddedOcr, Format, Limits, TextEncoding, read_document};
use xiaobao_lexicon::{
    Finding, KnowledgeBase, Level, Matcher, MaterialKind, MissingDisclosure, ScanOptions,
    ScanReport, Severity,
};

/// Material kinds on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// 营销宣传材料
    Marketing,
    /// 协议、合同、格式条款
    Agreement,
    /// 外呼、销售话术脚本
    Script,
    /// 短信、电子信息
    Sms,
    /// 催收话术、催收函
    Collection,
    /// 客服、柜面服务用语
    Service,
}

impl From<KindArg> for MaterialKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Marketing => MaterialKind::Marketing,
            KindArg::Agreement => MaterialKind::Agreement,
            KindArg::Script => MaterialKind::Script,
            KindArg::Sms => MaterialKind::Sms,
            KindArg::Collection => MaterialKind::Collection,
            KindArg::Service => MaterialKind::Service,
        }
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Compiler-style diagnostics for people.
    Text,
    /// A JSON array, one object per file.
    Json,
}

/// Arguments of `xiaobao scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files to scan: text, Markdown, HTML, Word (.docx), Excel (.xlsx) or
    /// PDF with a text layer (detected from content).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Kind of material; decides which rules and required disclosures apply
    /// (default: every rule, and the disclosures required of marketing).
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ScanFormat,
    /// Knowledge base JSONL file to use instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub kb: Option<PathBuf>,
}

/// Loads the knowledge base from `path`, or the built-in seed. Errors carry
/// every diagnostic so the user can fix the file in one go.
pub(crate) fn load_kb(path: Option<&Path>) -> anyhow::Result<KnowledgeBase> {
    let (name, result) = match path {
        None => ("内置知识库".to_string(), KnowledgeBase::seed()),
        Some(p) => {
            let src = read_utf8(p)?;
            let name = p.display().to_string();
            (name.clone(), KnowledgeBase::parse_sources(&[(&name, &src)]))
        }
    };
    result.map_err(|e| {
        let mut msg = format!("{name} 校验未通过：");
        for d in e.diagnostics().iter().filter(|d| d.level == Level::Error) {
            let _ = write!(msg, "\n  {d}");
        }
        anyhow!(msg)
    })
}

/// Reads a file that must be UTF-8 text; binary and other encodings get a
/// clear Chinese error instead of garbage findings.
pub(crate) fn read_utf8(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if bytes.contains(&0) {
        return Err(anyhow!(
            "{} 看起来是二进制文件（含有 NUL 字节），只能扫描 UTF-8 编码的文本、Markdown 或 HTML 文件",
            path.display()
        ));
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        anyhow!(
            "{} 不是有效的 UTF-8 文本（第 {} 字节处编码错误），可能是 GBK 等其他编码或二进制文件，请转换为 UTF-8 后重试",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// One scanned file in the JSON output.
#[derive(Debug, Serialize)]
struct FileReport<'a> {
    file: String,
    findings: Vec<LocatedFinding<'a>>,
    missing_disclosures: &'a [MissingDisclosure],
}

/// A finding with the page it is on, for documents that have pages (PDF,
/// Word page breaks, worksheets); plain text has no `page` key.
#[derive(Debug, Serialize)]
struct LocatedFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
}

/// Whether page numbers mean something for this format.
fn has_pages(format: Format) -> bool {
    matches!(format, Format::Pdf | Format::Docx | Format::Xlsx) || format.is_image()
}

fn page_of(doc: &Document, offset: usize) -> Option<u32> {
    if has_pages(doc.format) {
        doc.page_at(offset)
    } else {
        None
    }
}

/// Reads one file through the document reader. Text guessed to be GBK is
/// refused: a wrong guess yields garbage in which nothing matches, which
/// would look like clean copy.
fn read_file(path: &Path, ocr: &EmbeddedOcr) -> anyhow::Result<Document> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let name = path.file_name().and_then(|n| n.to_str());
    let doc = read_document(&bytes, name, &Limits::default(), Some(ocr))
        .map_err(|e| anyhow!("{}：{e}", path.display()))?;
    if doc.encoding == Some(TextEncoding::Gb18030) {
        return Err(anyhow!(
            "{} 不是有效的 UTF-8 文本，看起来是 GBK/GB18030 编码；按猜测的编码扫描可能漏检，请转换为 UTF-8 后重试",
            path.display()
        ));
    }
    Ok(doc)
}

/// Reads and scans every file, on as many threads as there are cores (and
/// files), and returns the results in the order of `files`: a batch of
/// documents is otherwise bound by one core while the others idle.
fn scan_files(
    files: &[PathBuf],
    matcher: &Matcher,
    opts: &ScanOptions,
    ocr: &EmbeddedOcr,
) -> Vec<anyhow::Result<(Document, ScanReport)>> {
    let scan_one = |path: &PathBuf| {
        let doc = read_file(path, ocr)?;
        let report = matcher.scan(&doc.text, opts);
        Ok((doc, report))
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len());
    if threads <= 1 {
        return files.iter().map(scan_one).collect();
    }
    // Each thread takes the next file not yet taken, so that one large
    // file does not hold up a fixed share of the others.
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, anyhow::Result<(Document, ScanReport)>)> =
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(path) = files.get(i) else { break };
                            mine.push((i, scan_one(path)));
                        }
                        mine
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| match w.join() {
                    Ok(mine) => mine,
                    // A panic in a worker is a bug; pass it on as one.
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Runs `xiaobao scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let kb = load_kb(args.kb.as_deref())?;
    let matcher = Matcher::compile(&kb).map_err(|e| anyhow!("知识库编译失败：{e}"))?;
    let opts = ScanOptions {
        kind: args.kind.map(MaterialKind::from),
    };
    let color = args.format == ScanFormat::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();

    // Images and scanned PDF pages are read with the embedded OCR engine,
    // loaded on the first one.
    let ocr = EmbeddedOcr::default();
    let mut had_error = false;
    let mut forbidden = false;
    let mut scanned: Vec<(String, Document, ScanReport)> = Vec::new();
    for (path, result) in args
        .files
        .iter()
        .zip(scan_files(&args.files, &matcher, &opts, &ocr))
    {
        match result {
            Ok((doc, report)) => {
                forbidden |= report.has_forbidden();
                scanned.push((path.display().to_string(), doc, report));
            }
            Err(e) => {
                eprintln!("错误 error: {e:#}");
                had_error = true;
            }
        }
    }

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ScanFormat::Json => {
            let reports: Vec<FileReport<'_>> = scanned
                .iter()
                .map(|(file, doc, r)| FileReport {
                    file: file.clone(),
                    findings: r
                        .findings
                        .iter()
                        .map(|f| LocatedFinding {
                            finding: f,
                            page: page_of(doc, f.start),
                        })
                        .collect(),
                    missing_disclosures: &r.missing_disclosures,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &reports).context("写出 JSON 失败")?;
            writeln!(out)?;
        }
        ScanFormat::Text => {
            let mut counts = [0usize; 3];
            for (file, doc, report) in &scanned {
                let rendered = render_text(file, doc, report, color, &mut counts);
                out.write_all(rendered.as_bytes())?;
            }
            writeln!(
                out,
                "共扫描 {} 个文件：禁止 {} 项，警示 {} 项，提示 {} 项",
                scanned.len(),
                counts[2],
                counts[1],
                counts[0]
            )?;
        }
    }
    out.flush()?;
    Ok(if had_error {
        ExitCode::from(2)
    } else if forbidden {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Line starts (char offsets) of a text.
fn line_starts(chars: &[char]) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, c) in chars.iter().enumerate() {
        if *c == '\n' {
            starts.push(i + 1);
        }
    }
    starts
}

/// (0-based line, 0-based column) of a char offset.
fn line_col(starts: &[usize], offset: usize) -> (usize, usize) {
    let line = starts.partition_point(|s| *s <= offset).saturating_sub(1);
    (line, offset - starts[line])
}

/// Display width of a char in a terminal: CJK and full-width forms take two
/// columns; combining and zero-width characters none.
fn char_width(c: char) -> usize {
    let u = c as u32;
    if c.is_control()
        || matches!(u, 0x200B..=0x200F | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0x0300..=0x036F)
    {
        0
    } else if matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
    {
        2
    } else {
        1
    }
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Forbidden => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

const RESET: &str = "\x1b[0m";

fn render_text(
    file: &str,
    doc: &Document,
    report: &ScanReport,
    color: bool,
    counts: &mut [usize; 3],
) -> String {
    let chars: Vec<char> = doc.text.chars().collect();
    let starts = line_starts(&chars);
    let mut s = String::new();
    let paint = |code: &str, t: &str| {
        if color {
            format!("{code}{t}{RESET}")
        } else {
            t.to_string()
        }
    };
    let sev_index = |sev: Severity| match sev {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Forbidden => 2,
    };
    let extracted = !matches!(doc.format, Format::Text | Format::Markdown);
    if extracted && !(report.findings.is_empty() && report.missing_disclosures.is_empty()) {
        let _ = writeln!(
            s,
            "{file}: 注：已从{}提取正文，行列号按提取后的正文计算",
            doc.format.label_zh()
        );
    }
    for f in &report.findings {
        counts[sev_index(f.severity)] += 1;
        let (line, col) = line_col(&starts, f.start);
        let page = page_of(doc, f.start)
            .map(|p| format!("（第 {p} 页）"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "{file}:{}:{}: {} [{}] {}（{}）{page}",
            line + 1,
            col + 1,
            paint(severity_colour(f.severity), f.severity.as_str()),
            f.entry_id,
            f.title,
            f.category
        );
        let line_start = starts[line];
        let line_end = starts
            .get(line + 1)
            .map_or(chars.len(), |e| e.saturating_sub(1));
        let gutter = format!("{}", line + 1);
        let pad = " ".repeat(gutter.len());
        let _ = writeln!(s, "{pad} |");
        // The source line, with the match highlighted (colour) and
        // underlined (carets); the match may run onto following lines.
        let hl_end = f.end.min(line_end);
        let before: String = chars[line_start..f.start.min(line_end)].iter().collect();
        let hit: String = chars[f.start.min(line_end)..hl_end].iter().collect();
        let after: String = chars[hl_end..line_end]
            .iter()
            .collect::<String>()
            .trim_end_matches('\r')
            .to_string();
        let _ = writeln!(
            s,
            "{gutter} | {}{}{}",
            before.replace('\t', " "),
            paint("\x1b[1;4;31m", &hit),
            after.replace('\t', " ")
        );
        let lead: usize = chars[line_start..f.start.min(line_end)]
            .iter()
            .map(|c| char_width(*c))
            .sum();
        let width: usize = chars[f.start.min(line_end)..hl_end]
            .iter()
            .map(|c| char_width(*c))
            .sum::<usize>()
            .max(1);
        let _ = writeln!(
            s,
            "{pad} | {}{}",
            " ".repeat(lead),
            paint(severity_colour(f.severity), &"^".repeat(width))
        );
        for b in f.basis.iter() {
            let _ = writeln!(s, "{pad} = 依据：{} {}：{}", b.law, b.article, b.gist);
        }
        let _ = writeln!(s, "{pad} = 建议：{}", f.suggestion);
        s.push('\n');
    }
    for m in &report.missing_disclosures {
        counts[sev_index(m.severity)] += 1;
        let (line, col) = line_col(&starts, m.trigger.start.min(chars.len()));
        let _ = writeln!(
            s,
            "{file}: {} [{}] 缺少必备披露：{}（由第 {} 行第 {} 列「{}」触发）",
            paint(severity_colour(m.severity), m.severity.as_str()),
            m.rule_id,
            m.title,
            line + 1,
            col + 1,
            m.trigger.text
        );
        for b in m.basis.iter() {
            let _ = writeln!(s, "  = 依据：{} {}：{}", b.law, b.article, b.gist);
        }
        let _ = writeln!(s, "  = 应补充：{}", m.suggestion);
        s.push('\n');
    }
    if report.findings.is_empty() && report.missing_disclosures.is_empty() {
        let _ = writeln!(s, "{file}: 未发现问题（{}）", doc.format.label_zh());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../documents/tests/fixtures")
            .join(name)
    }

    #[test]
    fn pdf_findings_carry_their_page() {
        let ocr = EmbeddedOcr::default();
        let doc = read_file(&fixture("many-pages.pdf"), &ocr).unwrap();
        let matcher = Matcher::compile(&KnowledgeBase::seed().unwrap()).unwrap();
        let at = doc.text[..doc.text.find("投诉渠道").unwrap()]
            .chars()
            .count();
        assert_eq!(page_of(&doc, at), Some(11));

        let doc = read_file(&fixture("marketing.pdf"), &ocr).unwrap();
        let report = matcher.scan(&doc.text, &ScanOptions { kind: None });
        let f = report
            .findings
            .iter()
            .find(|f| f.text == "保本保息")
            .expect("保本保息 found in the PDF");
        let located = LocatedFinding {
            finding: f,
            page: page_of(&doc, f.start),
        };
        let json = serde_json::to_value(&located).unwrap();
        assert_eq!(json["page"], 1);
        assert_eq!(json["entry_id"], &*f.entry_id);

        let text = read_file(&fixture("marketing.md"), &ocr).unwrap();
        assert_eq!(page_of(&text, 0), None, "plain text has no pages");
    }

    #[test]
    fn scanned_pages_are_read_by_ocr_and_scanned() {
        let ocr = EmbeddedOcr::default();
        // Two pages (colour and grey) of a loan notice screenshot.
        let doc = read_file(&fixture("scanned.pdf"), &ocr).unwrap();
        assert_eq!(doc.pages.len(), 2);
        assert!(doc.text.contains("稳赚不赔"), "{}", doc.text);
        let matcher = Matcher::compile(&KnowledgeBase::seed().unwrap()).unwrap();
        let report = matcher.scan(&doc.text, &ScanOptions { kind: None });
        let f = report
            .findings
            .iter()
            .find(|f| f.text.contains("稳赚不赔"))
            .expect("the promise is found in the scan");
        assert_eq!(page_of(&doc, f.start), Some(1));
        let located = doc.locate(f.start, f.end);
        assert!(
            located.iter().any(|h| !h.boxes.is_empty()),
            "a finding on a scan has a box on the page image"
        );
    }

    #[test]
    fn renamed_programs_and_gbk_text_are_refused() {
        let ocr = EmbeddedOcr::default();
        let e = read_file(&fixture("program.pdf"), &ocr)
            .unwrap_err()
            .to_string();
        assert!(e.contains("可执行程序"), "{e}");
        let e = read_file(&fixture("marketing-gbk.txt"), &ocr)
            .unwrap_err()
            .to_string();
        assert!(e.contains("UTF-8"), "{e}");
    }

    #[test]
    fn line_and_column_are_char_based() {
        let chars: Vec<char> = "第一行\n保本".chars().collect();
        let starts = line_starts(&chars);
        assert_eq!(line_col(&starts, 4), (1, 0));
        assert_eq!(line_col(&starts, 2), (0, 2));
    }
}
