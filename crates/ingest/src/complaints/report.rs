//! The import report: parse errors and taxonomy validation errors of every
//! row, by row and column as the user sees them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use xiaobao_domain::intake::{ComplaintInput, ValidComplaint};
use xiaobao_domain::taxonomy::Taxonomy;

use super::columns::{COLUMNS, Field};
use super::read::read_table;
use super::{CellError, ReadOptions};
use crate::error::FileError;
use crate::sniff::FileFormat;

/// A row that read and validated cleanly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRow {
    pub row: usize,
    pub input: ComplaintInput,
    pub complaint: ValidComplaint,
}

/// Outcome of checking a file. An import lands every row or none: store the
/// rows only when [`ImportReport::is_clean`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub format: FileFormat,
    /// Non-empty data rows in the file.
    pub total_rows: usize,
    /// Rows without any error, in file order.
    pub valid: Vec<ValidRow>,
    /// Every problem, in row order.
    pub errors: Vec<CellError>,
}

/// Summary counts, e.g. for a JSON answer next to the error list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub total_rows: usize,
    pub valid_rows: usize,
    pub error_rows: usize,
}

impl ImportReport {
    /// No errors at all: every row may be stored.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Number of distinct rows with at least one error.
    pub fn error_rows(&self) -> usize {
        let mut rows: Vec<usize> = self.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    }

    pub fn counts(&self) -> ImportCounts {
        ImportCounts {
            total_rows: self.total_rows,
            valid_rows: self.valid.len(),
            error_rows: self.error_rows(),
        }
    }
}

fn field_by_name(name: &str) -> Option<Field> {
    COLUMNS.iter().find(|c| c.name == name).map(|c| c.field)
}

/// Reads a complaint file and validates every row against `taxonomy` as of
/// `now`. Cells that failed to read are reported once (their validation
/// errors are not repeated); the other fields of such rows are still
/// validated, so one pass shows every problem.
pub fn import_complaints(
    bytes: &[u8],
    options: &ReadOptions,
    taxonomy: &Taxonomy,
    now: DateTime<Utc>,
) -> Result<ImportReport, FileError> {
    let table = read_table(bytes, options)?;
    let mut report = ImportReport {
        format: table.format,
        total_rows: table.rows.len(),
        valid: Vec::new(),
        errors: Vec::new(),
    };
    let mut external_ids: HashMap<String, usize> = HashMap::new();
    for raw in &table.rows {
        let mut errors = raw.errors.clone();
        if let Some(id) = raw
            .input
            .external_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if let Some(first) = external_ids.get(id) {
                errors.push(CellError {
                    row: raw.row,
                    column: table.label(Field::ExternalId),
                    message: format!("外部编号「{id}」与第 {first} 行重复"),
                });
            } else {
                external_ids.insert(id.to_string(), raw.row);
            }
        }
        match raw.input.validate(taxonomy, now) {
            Ok(complaint) if errors.is_empty() => {
                report.valid.push(ValidRow {
                    row: raw.row,
                    input: raw.input.clone(),
                    complaint,
                });
                continue;
            }
            Ok(_) => {}
            Err(field_errors) => {
                for fe in field_errors {
                    let field = field_by_name(&fe.field);
                    if field.is_some_and(|f| raw.failed.contains(&f)) {
                        continue;
                    }
                    errors.push(CellError {
                        row: raw.row,
                        column: field.map_or_else(|| fe.field.clone(), |f| table.label(f)),
                        message: fe.message,
                    });
                }
            }
        }
        report.errors.extend(errors);
    }
    Ok(report)
}
