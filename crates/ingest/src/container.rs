//! Checks on a ZIP-based Office file before any part of it is decompressed.
//!
//! The ZIP reader used by calamine stops any entry at the uncompressed size its
//! central directory declares, so bounding the sum of the declared sizes (and
//! the number of entries) bounds the memory and time a hostile file can cost.

use std::io::Cursor;

use serde::Serialize;

use crate::error::FileError;

/// Limits on a ZIP container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Sum of the declared uncompressed sizes of all entries.
    pub max_uncompressed_bytes: u64,
    /// Number of entries in the archive.
    pub max_entries: usize,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_uncompressed_bytes: 2 * 1024 * 1024 * 1024,
            max_entries: 10_000,
        }
    }
}

/// What kind of Office package a ZIP archive holds, judged by its part names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
    /// SpreadsheetML (`xl/…`): .xlsx, .xlsm.
    Xlsx,
    /// Binary workbook (`xl/workbook.bin`): .xlsb.
    Xlsb,
    /// WordprocessingML (`word/…`): .docx.
    Docx,
    /// PresentationML (`ppt/…`): .pptx.
    Pptx,
    /// OpenDocument (`mimetype` entry): .ods, .odt, WPS exports.
    OpenDocument,
    /// A ZIP archive of something else.
    Other,
}

/// What the central directory says about an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ZipSummary {
    pub kind: PackageKind,
    pub entries: usize,
    /// Sum of the declared uncompressed sizes.
    pub uncompressed_bytes: u64,
}

const MB: u64 = 1024 * 1024;

/// Reads the central directory only, and refuses archives that are corrupt,
/// password-protected at ZIP level, too many parts or too large once
/// decompressed.
pub fn inspect_zip(bytes: &[u8], limits: &ZipLimits) -> Result<ZipSummary, FileError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::Corrupt {
        detail: format!("ZIP 结构无效：{e}"),
    })?;
    let entries = archive.len();
    if entries > limits.max_entries {
        return Err(FileError::TooManyEntries {
            limit: limits.max_entries,
        });
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(entries);
    for i in 0..entries {
        let entry = archive.by_index_data(i).map_err(|e| FileError::Corrupt {
            detail: format!("ZIP 目录项无效：{e}"),
        })?;
        if entry.encrypted() {
            return Err(FileError::Encrypted);
        }
        total = total.saturating_add(entry.size());
        names.push(String::from_utf8_lossy(entry.name_raw()).to_lowercase());
    }
    if total > limits.max_uncompressed_bytes {
        return Err(FileError::TooLargeUncompressed {
            limit_mb: limits.max_uncompressed_bytes / MB,
            declared_mb: total / MB,
        });
    }
    Ok(ZipSummary {
        kind: package_kind(&names),
        entries,
        uncompressed_bytes: total,
    })
}

fn package_kind(names: &[String]) -> PackageKind {
    let has = |p: &str| {
        names
            .iter()
            .any(|n| n.trim_start_matches('/').starts_with(p))
    };
    if has("xl/workbook.bin") {
        PackageKind::Xlsb
    } else if has("xl/") {
        PackageKind::Xlsx
    } else if has("word/") {
        PackageKind::Docx
    } else if has("ppt/") {
        PackageKind::Pptx
    } else if names.iter().any(|n| n == "mimetype") {
        PackageKind::OpenDocument
    } else {
        PackageKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_part_names() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            package_kind(&v(&["[Content_Types].xml", "xl/workbook.xml"])),
            PackageKind::Xlsx
        );
        assert_eq!(
            package_kind(&v(&["xl/workbook.bin", "xl/x.xml"])),
            PackageKind::Xlsb
        );
        assert_eq!(package_kind(&v(&["word/document.xml"])), PackageKind::Docx);
        assert_eq!(
            package_kind(&v(&["mimetype", "content.xml"])),
            PackageKind::OpenDocument
        );
        assert_eq!(package_kind(&v(&["a.txt"])), PackageKind::Other);
    }

    #[test]
    fn truncated_archive_is_corrupt() {
        let err = inspect_zip(b"PK\x03\x04\x14\0\0\0", &ZipLimits::default()).unwrap_err();
        assert!(matches!(err, FileError::Corrupt { .. }), "{err:?}");
    }
}
