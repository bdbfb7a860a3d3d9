//! `xiaobao scan FILE...` — checks marketing copy, agreements, scripts and
//! messages against the forbidden-words knowledge base, offline.
//!
//! Output is meant for two readers: a person at a terminal (compiler-style
//! diagnostics with the offending words highlighted) and a content pipeline
//! (`--format json`, exit status 1 when something at 禁止 level was found so
//! that a CI step can block publication).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::{Args, ValueEnum};
use serde::Serialize;
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
    /// Files to scan: UTF-8 text, Markdown or HTML (detected from content).
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

/// What the file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContentType {
    Text,
    Markdown,
    Html,
}

impl ContentType {
    fn label(self) -> &'static str {
        match self {
            ContentType::Text => "纯文本",
            ContentType::Markdown => "Markdown",
            ContentType::Html => "HTML",
        }
    }
}

/// Sniffs the content: an HTML document announces itself in its first
/// kilobyte; Markdown is recognised by headings, emphasis, lists or links.
/// The extension is only a tie-breaker for fragments.
fn sniff(path: &Path, text: &str) -> ContentType {
    let head: String = text.chars().take(2048).collect::<String>().to_lowercase();
    let trimmed = head.trim_start();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let html_markers = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta ",
        "<title",
    ];
    if html_markers
        .iter()
        .any(|m| trimmed.starts_with(m) || head.contains(m))
    {
        return ContentType::Html;
    }
    let tag_like = [
        "<p>", "<p ", "<div", "<span", "<br", "<table", "<li>", "<h1", "<h2",
    ];
    if ((ext == "html" || ext == "htm" || ext == "xhtml") && head.contains('<'))
        || tag_like.iter().filter(|m| head.contains(*m)).count() >= 2
    {
        return ContentType::Html;
    }
    let md_line = |l: &str| {
        let l = l.trim_start();
        l.starts_with("# ")
            || l.starts_with("## ")
            || l.starts_with("### ")
            || l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("> ")
            || l.starts_with("```")
            || l.starts_with("| ")
    };
    if ext == "md"
        || ext == "markdown"
        || text.lines().take(200).any(md_line)
        || head.contains("](")
    {
        return ContentType::Markdown;
    }
    ContentType::Text
}

/// Extracts the visible text of an HTML document: drops tags, comments,
/// scripts and styles, decodes entities, collapses source whitespace, and
/// turns block boundaries into line breaks (inline tags add nothing, so
/// `保<b>本</b>` still reads 保本). Offsets in the report refer to this text.
fn html_to_text(html: &str) -> String {
    const SKIP: &[&str] = &["script", "style", "noscript", "template", "svg", "head"];
    const BLOCK: &[&str] = &[
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "blockquote",
        "pre",
        "hr",
        "dl",
        "dt",
        "dd",
        "form",
        "figure",
        "figcaption",
        "title",
        "body",
        "html",
        "address",
        "caption",
        "tbody",
        "thead",
        "tfoot",
    ];
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    let bytes = html.as_bytes();
    let mut pending_space = false;
    let push_break = |out: &mut String, n: usize| {
        while out.ends_with(' ') {
            out.pop();
        }
        let have = out.chars().rev().take_while(|c| *c == '\n').count();
        for _ in have..n {
            if !out.is_empty() {
                out.push('\n');
            }
        }
    };
    while i < html.len() {
        if bytes[i] == b'<' {
            if lower[i..].starts_with("<!--") {
                i = lower[i + 4..]
                    .find("-->")
                    .map_or(html.len(), |p| i + 4 + p + 3);
                continue;
            }
            let end = match html[i..].find('>') {
                Some(p) => i + p + 1,
                None => html.len(),
            };
            let inner = &lower[i + 1..end.saturating_sub(1).max(i + 1)];
            if inner.starts_with('!') || inner.starts_with('?') {
                // <!DOCTYPE …>, <![CDATA[…]]>-less declarations, <?xml …?>.
                i = end;
                continue;
            }
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name.is_empty() {
                // A lone '<' in text.
                out.push('<');
                i += 1;
                continue;
            }
            if !closing && SKIP.contains(&name.as_str()) && !inner.ends_with('/') {
                let close = format!("</{name}");
                i = match lower[end..].find(&close) {
                    Some(p) => lower[end + p..]
                        .find('>')
                        .map_or(html.len(), |q| end + p + q + 1),
                    None => html.len(),
                };
                if name == "head" {
                    push_break(&mut out, 2);
                }
                continue;
            }
            if name == "br" {
                push_break(&mut out, 1);
                pending_space = false;
            } else if BLOCK.contains(&name.as_str()) {
                push_break(&mut out, 2);
                pending_space = false;
            } else if name == "td" || name == "th" {
                pending_space = true;
            }
            i = end;
            continue;
        }
        if bytes[i] == b'&'
            && let Some((decoded, len)) = decode_entity(&html[i..])
        {
            if pending_space && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            pending_space = false;
            out.push(decoded);
            i += len;
            continue;
        }
        let c = html[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            pending_space = true;
        } else {
            if pending_space && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
        i += c.len_utf8();
    }
    out.trim().to_string()
}

/// Decodes one entity at the start of `s`; returns the char and the length
/// consumed.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    // Look for the ';' among the first few chars only (entities are short),
    // stepping by chars so that a multi-byte character is never split.
    let semi = s
        .char_indices()
        .take(12)
        .find(|(_, c)| *c == ';')
        .map(|(i, _)| i)?;
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(code)?
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
            "ldquo" => '“',
            "rdquo" => '”',
            "lsquo" => '‘',
            "rsquo" => '’',
            "mdash" => '—',
            "ndash" => '–',
            "hellip" => '…',
            "middot" => '·',
            "yen" => '¥',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "times" => '×',
            "divide" => '÷',
            "percnt" => '%',
            "zwj" => '\u{200d}',
            "zwnj" => '\u{200c}',
            "shy" => '\u{ad}',
            _ => return None,
        }
    };
    Some((c, semi + 1))
}

/// One scanned file in the JSON output.
#[derive(Debug, Serialize)]
struct FileReport<'a> {
    file: String,
    findings: &'a [Finding],
    missing_disclosures: &'a [MissingDisclosure],
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

    let mut had_error = false;
    let mut forbidden = false;
    let mut scanned: Vec<(String, ContentType, String, ScanReport)> = Vec::new();
    for path in &args.files {
        let raw = match read_utf8(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("错误 error: {e:#}");
                had_error = true;
                continue;
            }
        };
        let ct = sniff(path, &raw);
        let text = if ct == ContentType::Html {
            html_to_text(&raw)
        } else {
            raw
        };
        let report = matcher.scan(&text, &opts);
        forbidden |= report.has_forbidden();
        scanned.push((path.display().to_string(), ct, text, report));
    }

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ScanFormat::Json => {
            let reports: Vec<FileReport<'_>> = scanned
                .iter()
                .map(|(file, _, _, r)| FileReport {
                    file: file.clone(),
                    findings: &r.findings,
                    missing_disclosures: &r.missing_disclosures,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &reports).context("写出 JSON 失败")?;
            writeln!(out)?;
        }
        ScanFormat::Text => {
            let mut counts = [0usize; 3];
            for (file, ct, text, report) in &scanned {
                let rendered = render_text(file, *ct, text, report, color, &mut counts);
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
    ct: ContentType,
    text: &str,
    report: &ScanReport,
    color: bool,
    counts: &mut [usize; 3],
) -> String {
    let chars: Vec<char> = text.chars().collect();
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
    if ct == ContentType::Html
        && !(report.findings.is_empty() && report.missing_disclosures.is_empty())
    {
        let _ = writeln!(
            s,
            "{file}: 注：已从 HTML 提取正文，行列号按提取后的正文计算"
        );
    }
    for f in &report.findings {
        counts[sev_index(f.severity)] += 1;
        let (line, col) = line_col(&starts, f.start);
        let _ = writeln!(
            s,
            "{file}:{}:{}: {} [{}] {}（{}）",
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
        for b in &f.basis {
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
        for b in &m.basis {
            let _ = writeln!(s, "  = 依据：{} {}：{}", b.law, b.article, b.gist);
        }
        let _ = writeln!(s, "  = 应补充：{}", m.suggestion);
        s.push('\n');
    }
    if report.findings.is_empty() && report.missing_disclosures.is_empty() {
        let _ = writeln!(s, "{file}: 未发现问题（{}）", ct.label());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_extraction_drops_markup_and_keeps_inline_words_together() {
        let html = "<html><head><title>t</title><style>p{color:red}</style></head>\
                    <body><p>本产品<b>保</b>本</p><script>var a='保本';</script>\
                    <p>A&amp;B&nbsp;&#20445;&#x672C;</p><!-- 保本 --></body></html>";
        assert_eq!(html_to_text(html), "本产品保本\n\nA&B 保本");
    }

    #[test]
    fn entities_next_to_multibyte_text_do_not_split_chars() {
        assert_eq!(
            html_to_text("<p>&保本保息保本保息</p>"),
            "&保本保息保本保息"
        );
        assert_eq!(
            html_to_text("<p>&#x4FDD;&#26412;&unknown;</p>"),
            "保本&unknown;"
        );
    }

    #[test]
    fn sniffing_uses_content() {
        assert_eq!(
            sniff(
                Path::new("a.txt"),
                "<!DOCTYPE html><html><body>x</body></html>"
            ),
            ContentType::Html
        );
        assert_eq!(
            sniff(Path::new("a.txt"), "# 标题\n正文"),
            ContentType::Markdown
        );
        assert_eq!(sniff(Path::new("a.html"), "纯文本"), ContentType::Text);
        assert_eq!(sniff(Path::new("a"), "普通文本 a < b"), ContentType::Text);
    }

    #[test]
    fn line_and_column_are_char_based() {
        let chars: Vec<char> = "第一行\n保本".chars().collect();
        let starts = line_starts(&chars);
        assert_eq!(line_col(&starts, 4), (1, 0));
        assert_eq!(line_col(&starts, 2), (0, 2));
    }
}
