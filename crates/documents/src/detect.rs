//! What a file is, judged by its bytes. The name only settles what the
//! content leaves open (an HTML fragment, a Markdown file without markup).

use xiaobao_ingest::FileError;
use xiaobao_ingest::container::{PackageKind, inspect_zip};
use xiaobao_ingest::sniff::{CompoundKind, binary_kind, compound_kind, decode_text};

use crate::error::DocumentError;
use crate::limits::Limits;
use crate::model::Format;

const MB: u64 = 1024 * 1024;

/// Decides the format of `bytes`, refusing empty, oversized, encrypted and
/// unsupported files with an error that says what they are. DOCX and XLSX
/// archives are checked here (central directory only) for corruption,
/// encryption and decompression bombs.
pub fn detect(
    bytes: &[u8],
    name_hint: Option<&str>,
    limits: &Limits,
) -> Result<Format, DocumentError> {
    let size = bytes.len() as u64;
    if size == 0 {
        return Err(DocumentError::Empty);
    }
    if size > limits.max_bytes {
        return Err(DocumentError::TooLarge {
            size_mb: size.div_ceil(MB),
            limit_mb: limits.max_bytes / MB,
        });
    }
    // A PDF header may follow a little junk (ISO 32000-1, 7.5.2 tolerance).
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if let Some(f) = image_format(bytes) {
        return Ok(f);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip_format(bytes, name_hint, limits);
    }
    if let Some(kind) = compound_kind(bytes) {
        return Err(match kind {
            CompoundKind::EncryptedOoxml => DocumentError::Encrypted {
                format: "Office 文档",
            },
            CompoundKind::LegacyWord => unsupported("旧版 Word 文档（.doc），请另存为 .docx"),
            CompoundKind::LegacyExcel => unsupported("旧版 Excel 工作簿（.xls），请另存为 .xlsx"),
            CompoundKind::LegacyPowerPoint => unsupported("PowerPoint 演示文稿（.ppt）"),
            CompoundKind::Other => unsupported("Office 97-2003 复合文档"),
        });
    }
    if let Some(what) = executable_kind(bytes).or_else(|| binary_kind(bytes)) {
        return Err(unsupported(what));
    }
    let text = match decode_text(bytes) {
        Ok((text, _)) => text,
        Err(_) if looks_binary(bytes) => return Err(unsupported("无法识别的二进制文件")),
        Err(_) => return Err(DocumentError::Encoding),
    };
    if looks_binary(bytes) && !bytes.starts_with(&[0xFF, 0xFE]) && !bytes.starts_with(&[0xFE, 0xFF])
    {
        return Err(unsupported("无法识别的二进制文件"));
    }
    if text.trim_start_matches('\u{FEFF}').trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    Ok(text_format(name_hint, &text))
}

fn unsupported(what: &str) -> DocumentError {
    DocumentError::Unsupported { what: what.into() }
}

fn image_format(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(Format::Tiff)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else {
        None
    }
}

/// Windows and Linux programs: refused by name, so that the user learns the
/// upload was not a document at all.
fn executable_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x7fELF") {
        return Some("Linux 可执行程序（ELF）");
    }
    if bytes.starts_with(b"MZ") && bytes.len() >= 0x40 {
        let pe = u32::from_le_bytes([bytes[0x3C], bytes[0x3D], bytes[0x3E], bytes[0x3F]]) as usize;
        if bytes.get(pe..pe.saturating_add(4)) == Some(b"PE\0\0") {
            return Some("Windows 可执行程序（.exe/.dll）");
        }
    }
    None
}

/// NUL bytes do not occur in text of any encoding accepted, except UTF-16.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

fn zip_format(
    bytes: &[u8],
    name_hint: Option<&str>,
    limits: &Limits,
) -> Result<Format, DocumentError> {
    let summary = inspect_zip(bytes, &limits.zip()).map_err(|e| match e {
        FileError::Encrypted => DocumentError::Encrypted {
            format: "压缩包"
        },
        FileError::TooManyEntries { limit } => DocumentError::ZipBomb {
            detail: format!("压缩包内文件数超过上限 {limit} 个"),
        },
        FileError::TooLargeUncompressed {
            limit_mb,
            declared_mb,
        } => DocumentError::ZipBomb {
            detail: format!("解压后 {declared_mb} MB，超过上限 {limit_mb} MB"),
        },
        other => {
            let detail = match other {
                FileError::Corrupt { detail } => detail,
                e => e.to_string(),
            };
            // The central directory is at the end: a truncated DOCX or XLSX
            // cannot tell what it was, so the name decides the message.
            match extension(name_hint).as_deref() {
                Some("docx") => DocumentError::Corrupt {
                    format: Format::Docx.label_zh(),
                    detail,
                },
                Some("xlsx") => DocumentError::Corrupt {
                    format: Format::Xlsx.label_zh(),
                    detail,
                },
                _ => DocumentError::Unsupported {
                    what: format!("无法识别的二进制文件（有 ZIP 文件头，但{detail}）"),
                },
            }
        }
    })?;
    match summary.kind {
        PackageKind::Docx => Ok(Format::Docx),
        PackageKind::Xlsx => Ok(Format::Xlsx),
        PackageKind::Xlsb => Err(unsupported("Excel 二进制工作簿（.xlsb），请另存为 .xlsx")),
        PackageKind::Pptx => Err(unsupported("PowerPoint 演示文稿（.pptx），请导出为 PDF")),
        PackageKind::OpenDocument => Err(unsupported(
            "OpenDocument 文档（.odt/.ods），请另存为 .docx 或 .xlsx",
        )),
        PackageKind::Other => Err(unsupported("ZIP 压缩包")),
    }
}

pub(crate) fn extension(name_hint: Option<&str>) -> Option<String> {
    let name = name_hint?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// An HTML document announces itself in its first kilobytes; Markdown is
/// recognised by headings, lists, quotes, fences, tables or links. The
/// extension is only a tie-breaker for fragments.
pub(crate) fn text_format(name_hint: Option<&str>, text: &str) -> Format {
    let head: String = text.chars().take(2048).collect::<String>().to_lowercase();
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    let ext = extension(name_hint).unwrap_or_default();
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
        return Format::Html;
    }
    let tag_like = [
        "<p>", "<p ", "<div", "<span", "<br", "<table", "<li>", "<h1", "<h2",
    ];
    if ((ext == "html" || ext == "htm" || ext == "xhtml") && head.contains('<'))
        || tag_like.iter().filter(|m| head.contains(*m)).count() >= 2
    {
        return Format::Html;
    }
    let md_line = |l: &str| {
        let l = l.trim_start();
        ["# ", "## ", "### ", "- ", "* ", "> ", "```", "| "]
            .iter()
            .any(|p| l.starts_with(p))
    };
    if ext == "md"
        || ext == "markdown"
        || text.lines().take(200).any(md_line)
        || head.contains("](")
    {
        return Format::Markdown;
    }
    Format::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_bytes(bytes: &[u8], name: Option<&str>) -> Result<Format, DocumentError> {
        detect(bytes, name, &Limits::default())
    }

    #[test]
    fn text_kinds_come_from_content() {
        assert_eq!(
            text_format(Some("a.txt"), "<!DOCTYPE html><html><body>x</body></html>"),
            Format::Html
        );
        assert_eq!(text_format(Some("a.txt"), "# 标题\n正文"), Format::Markdown);
        assert_eq!(text_format(Some("a.html"), "纯文本"), Format::Text);
        assert_eq!(text_format(None, "普通文本 a < b"), Format::Text);
        assert_eq!(text_format(Some("x.htm"), "<b>保本</b>"), Format::Html);
    }

    #[test]
    fn binaries_are_named_and_limits_hold() {
        assert_eq!(detect_bytes(b"", None), Err(DocumentError::Empty));
        assert_eq!(detect_bytes(b" \n\t ", None), Err(DocumentError::Empty));
        assert_eq!(detect_bytes(b"%PDF-1.7\n", Some("a.txt")), Ok(Format::Pdf));
        assert_eq!(
            detect_bytes(b"RIFF\x10\0\0\0WEBPVP8 ", None),
            Ok(Format::Webp)
        );
        let small = Limits {
            max_bytes: 4,
            ..Limits::default()
        };
        assert!(matches!(
            detect(b"hello", None, &small),
            Err(DocumentError::TooLarge { .. })
        ));
        match detect_bytes(b"\x7fELF\x02\x01\x01\0\0\0", Some("a.pdf")) {
            Err(DocumentError::Unsupported { what }) => assert!(what.contains("ELF"), "{what}"),
            other => panic!("{other:?}"),
        }
        match detect_bytes(b"GIF89a\x01\0", None) {
            Err(DocumentError::Unsupported { what }) => assert!(what.contains("GIF"), "{what}"),
            other => panic!("{other:?}"),
        }
        match detect_bytes(b"abc\0\x01\x02\xff\xfe\xfd", None) {
            Err(DocumentError::Unsupported { what }) => assert!(what.contains("二进制"), "{what}"),
            other => panic!("{other:?}"),
        }
    }
}
