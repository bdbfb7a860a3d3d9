//! Complaint files: import (XLSX, CSV, JSON Lines), the import template, and
//! export of complaint lists (XLSX, CSV).
//!
//! Reading gives one [`ParsedRow`] per non-empty data row, carrying either a
//! [`ComplaintInput`] or every problem found in that row's cells. Problems
//! that concern the whole file (format, encoding, header, size) are a
//! [`FileError`](crate::FileError). [`import_complaints`] then validates the
//! rows against the taxonomy and reports parse and validation errors
//! together, by row and column as the user sees them.

use serde::Serialize;
use xiaobao_domain::intake::ComplaintInput;

pub mod columns;
pub mod export;
mod read;
mod report;
pub mod template;
mod values;

pub use columns::{COLUMNS, Column, Field, ValueKind, find_column, normalize_header, split_list};
pub use export::{
    Cell, ComplaintExportWriter, CsvExportWriter, ExportColumn, ExportError, ExportOptions,
};
pub use read::{read_complaints, read_csv, read_jsonl, read_xlsx};
pub use report::{ImportCounts, ImportReport, ValidRow, import_complaints};
pub use template::{taxonomy_allowed_values, template_workbook, template_xlsx};

use crate::container::ZipLimits;

/// One problem in one cell (or, with an empty `column`, in a whole row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    /// Row number as the user sees it: the Excel or CSV row counting the
    /// header, or the JSON Lines line number.
    pub row: usize,
    /// The column title as written in the file (Chinese header or field
    /// name), `第 F 列` for a column without a title, empty for the whole row.
    pub column: String,
    /// What is wrong and how to fix it, in Chinese.
    pub message: String,
}

/// One data row of a complaint file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    /// Row number as the user sees it (see [`CellError::row`]).
    pub row: usize,
    pub input: Result<ComplaintInput, Vec<CellError>>,
}

/// Limits applied while reading a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Most data rows accepted (empty rows are not counted).
    pub max_rows: usize,
    /// Most bytes an XLSX may decompress to, summed over its parts.
    pub max_uncompressed_bytes: u64,
    /// Most parts an XLSX archive may have.
    pub max_zip_entries: usize,
}

/// Default [`ReadOptions::max_rows`].
pub const DEFAULT_MAX_ROWS: usize = 1_000_000;

impl Default for ReadOptions {
    fn default() -> Self {
        let zip = ZipLimits::default();
        ReadOptions {
            max_rows: DEFAULT_MAX_ROWS,
            max_uncompressed_bytes: zip.max_uncompressed_bytes,
            max_zip_entries: zip.max_entries,
        }
    }
}

impl ReadOptions {
    pub(crate) fn zip_limits(&self) -> ZipLimits {
        ZipLimits {
            max_uncompressed_bytes: self.max_uncompressed_bytes,
            max_entries: self.max_zip_entries,
        }
    }
}
