//! What a file is, judged by its content: users rename files, and systems
//! export HTML or CSV under an `.xls` name.

use std::borrow::Cow;

use serde::Serialize;

use crate::error::FileError;

/// A format the complaint importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// Office Open XML workbook (a ZIP archive).
    Xlsx,
    /// Comma- or tab-separated text.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl FileFormat {
    /// Chinese name for messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "Excel 工作簿",
            FileFormat::Csv => "CSV 文件",
            FileFormat::JsonLines => "JSON Lines 文件",
        }
    }
}

/// The character encoding a text file was found to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's “CSV UTF-8”).
    Utf8Bom,
    /// UTF-16 little-endian with BOM (Excel's “Unicode text”).
    Utf16Le,
    Utf16Be,
    /// GB18030, a superset of GBK and GB2312 (Excel's plain “CSV” on Chinese Windows).
    Gb18030,
}

const ZIP_MAGICS: [&[u8]; 3] = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format from the first bytes. Files that are certainly not
/// complaint data (PDF, images, archives, legacy or encrypted Office files)
/// get an error saying what they are.
pub fn sniff(bytes: &[u8]) -> Result<FileFormat, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if ZIP_MAGICS.iter().any(|m| bytes.starts_with(m)) {
        return Ok(FileFormat::Xlsx);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Err(compound_file_error(bytes));
    }
    if let Some(what) = binary_kind(bytes) {
        return Err(FileError::Unsupported { what: what.into() });
    }
    let first = first_text_char(bytes);
    match first {
        None => Err(FileError::Empty),
        Some('{') => Ok(FileFormat::JsonLines),
        Some('[') => Err(FileError::Unsupported {
            what: "JSON 数组；请改为每行一个 JSON 对象（JSON Lines）".into(),
        }),
        Some('<') => Err(FileError::Unsupported {
            what:
                "HTML 或 XML 文件（常见于业务系统导出的“伪 .xls”）；请用 Excel 打开后另存为 .xlsx"
                    .into(),
        }),
        Some(_) => {
            let head = &bytes[..bytes.len().min(8192)];
            if !has_utf16_bom(bytes) && head.contains(&0) {
                Err(FileError::Unsupported {
                    what: "无法识别的二进制文件".into(),
                })
            } else {
                Ok(FileFormat::Csv)
            }
        }
    }
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// What an OLE compound file (the container of Office 97-2003 files and of
/// password-protected Office Open XML files) holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompoundKind {
    /// A password-protected (encrypted) DOCX, XLSX or PPTX.
    EncryptedOoxml,
    /// Word 97-2003 (.doc).
    LegacyWord,
    /// PowerPoint 97-2003 (.ppt).
    LegacyPowerPoint,
    /// Excel 97-2003 (.xls).
    LegacyExcel,
    /// Some other compound file.
    Other,
}

/// Tells an OLE compound file's kind by its stream names (UTF-16LE in the
/// directory). `None` when `bytes` is not a compound file at all.
pub fn compound_kind(bytes: &[u8]) -> Option<CompoundKind> {
    if !bytes.starts_with(CFB_MAGIC) {
        return None;
    }
    Some(if contains(bytes, &utf16le("EncryptedPackage")) {
        CompoundKind::EncryptedOoxml
    } else if contains(bytes, &utf16le("WordDocument")) {
        CompoundKind::LegacyWord
    } else if contains(bytes, &utf16le("PowerPoint Document")) {
        CompoundKind::LegacyPowerPoint
    } else if contains(bytes, &utf16le("Workbook")) || contains(bytes, &utf16le("Book")) {
        CompoundKind::LegacyExcel
    } else {
        CompoundKind::Other
    })
}

/// An OLE compound file: an encrypted OOXML package, or a legacy binary
/// Office document.
fn compound_file_error(bytes: &[u8]) -> FileError {
    match compound_kind(bytes).unwrap_or(CompoundKind::Other) {
        CompoundKind::EncryptedOoxml => FileError::Encrypted,
        CompoundKind::LegacyWord => FileError::Unsupported {
            what: "旧版 Word 文档（.doc）".into(),
        },
        CompoundKind::LegacyPowerPoint => FileError::Unsupported {
            what: "旧版 PowerPoint 演示文稿（.ppt）".into(),
        },
        CompoundKind::LegacyExcel => FileError::LegacyXls,
        CompoundKind::Other => FileError::Unsupported {
            what: "Office 97-2003 复合文档".into(),
        },
    }
}

/// Names well-known binary formats (documents, images, archives) by their
/// magic bytes, for messages that say what a refused file actually is.
pub fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some("WebP 图片");
    }
    const KINDS: [(&[u8], &str); 9] = [
        (b"%PDF", "PDF 文档"),
        (b"\x89PNG", "PNG 图片"),
        (&[0xFF, 0xD8, 0xFF], "JPEG 图片"),
        (b"GIF8", "GIF 图片"),
        (b"II*\0", "TIFF 图片"),
        (b"MM\0*", "TIFF 图片"),
        (&[0x1F, 0x8B], "gzip 压缩文件"),
        (b"Rar!", "RAR 压缩文件"),
        (&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C], "7z 压缩文件"),
    ];
    KINDS
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, what)| *what)
}

fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// The first non-whitespace character of a text file, looking through a BOM.
fn first_text_char(bytes: &[u8]) -> Option<char> {
    if has_utf16_bom(bytes) {
        let head = &bytes[..bytes.len().min(4096) & !1];
        let (text, _) = decode_utf16(head)?;
        return text
            .chars()
            .skip_while(|c| *c == '\u{FEFF}')
            .find(|c| !c.is_whitespace());
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Every encoding accepted (UTF-8, GB18030) is ASCII-compatible, so the
    // structural characters looked for are single bytes.
    let b = *body.iter().find(|b| !b.is_ascii_whitespace())?;
    if b.is_ascii() {
        Some(char::from(b))
    } else {
        // Non-ASCII first character: a CSV starting with a Chinese header.
        Some('\u{FFFD}')
    }
}

fn decode_utf16(bytes: &[u8]) -> Option<(Cow<'_, str>, TextEncoding)> {
    let (encoding, kind, body) = if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (encoding_rs::UTF_16LE, TextEncoding::Utf16Le, body)
    } else if let Some(body) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (encoding_rs::UTF_16BE, TextEncoding::Utf16Be, body)
    } else {
        return None;
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .map(|t| (t, kind))
}

/// Decodes a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or
/// GB18030/GBK. Bytes that are valid in none of them are an error, never
/// replaced silently.
pub fn decode_text(bytes: &[u8]) -> Result<(Cow<'_, str>, TextEncoding), FileError> {
    if has_utf16_bom(bytes) {
        return decode_utf16(bytes).ok_or(FileError::Encoding);
    }
    if let Some(body) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(body)
            .map(|t| (Cow::Borrowed(t), TextEncoding::Utf8Bom))
            .map_err(|_| FileError::Encoding);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), TextEncoding::Utf8));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| (t, TextEncoding::Gb18030))
        .ok_or(FileError::Encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(FileFormat::Xlsx));
        assert_eq!(sniff(b"  \n{\"a\":1}"), Ok(FileFormat::JsonLines));
        assert_eq!(sniff(b"\xEF\xBB\xBF{\"a\":1}"), Ok(FileFormat::JsonLines));
        assert_eq!(sniff("收到日期,投诉内容\n".as_bytes()), Ok(FileFormat::Csv));
        assert_eq!(sniff(b"received_at,content\n"), Ok(FileFormat::Csv));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(utf16le("{\"a\":1}"))
            .collect();
        assert_eq!(sniff(&utf16), Ok(FileFormat::JsonLines));
    }

    #[test]
    fn non_spreadsheets_are_named() {
        assert_eq!(sniff(b""), Err(FileError::Empty));
        assert_eq!(sniff(b" \r\n\t"), Err(FileError::Empty));
        assert_eq!(sniff(b"\xEF\xBB\xBF"), Err(FileError::Empty));
        for (bytes, what) in [
            (&b"%PDF-1.7"[..], "PDF"),
            (&b"\x89PNG\r\n"[..], "PNG"),
            (&b"[{\"a\":1}]"[..], "JSON 数组"),
            (&b"<html><table>"[..], "HTML"),
            (&b"abc\0\0\x01"[..], "二进制"),
        ] {
            match sniff(bytes) {
                Err(FileError::Unsupported { what: w }) => assert!(w.contains(what), "{w}"),
                other => panic!("{what}: {other:?}"),
            }
        }
    }

    #[test]
    fn webp_is_named() {
        assert_eq!(binary_kind(b"RIFF\x10\0\0\0WEBPVP8 "), Some("WebP 图片"));
        assert_eq!(binary_kind(b"RIFF\x10\0\0\0WAVEfmt "), None);
    }

    #[test]
    fn compound_files_are_told_apart() {
        let mut enc = CFB_MAGIC.to_vec();
        enc.extend(vec![0; 100]);
        enc.extend(utf16le("EncryptedPackage"));
        assert_eq!(sniff(&enc), Err(FileError::Encrypted));
        let mut xls = CFB_MAGIC.to_vec();
        xls.extend(utf16le("Workbook"));
        assert_eq!(sniff(&xls), Err(FileError::LegacyXls));
        let mut doc = CFB_MAGIC.to_vec();
        doc.extend(utf16le("WordDocument"));
        assert!(matches!(sniff(&doc), Err(FileError::Unsupported { .. })));
    }

    #[test]
    fn text_decodes_from_every_excel_encoding() {
        let text = "收到日期,投诉内容\n2026-11-02,信用卡年费";
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        assert_eq!(
            decode_text(&gbk).unwrap(),
            (Cow::Borrowed(text), TextEncoding::Gb18030)
        );
        let bom: Vec<u8> = b"\xEF\xBB\xBF"
            .iter()
            .chain(text.as_bytes())
            .copied()
            .collect();
        assert_eq!(decode_text(&bom).unwrap().1, TextEncoding::Utf8Bom);
        assert_eq!(decode_text(&bom).unwrap().0, text);
        let u16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(utf16le(text)).collect();
        assert_eq!(decode_text(&u16).unwrap().0, text);
        // 0xFF is not a valid lead byte in GB18030 either.
        assert_eq!(decode_text(b"a,b\n\xFF\xFF"), Err(FileError::Encoding));
    }
}
