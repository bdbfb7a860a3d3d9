//! Readers for complaint files. XLSX and CSV are tables with a header row and
//! share [`TableBuilder`]; JSON Lines has its keys on every line.

use xiaobao_domain::intake::ComplaintInput;

use super::columns::{COLUMNS, Column, Field, column, find_column, set_field};
use super::values::{RawValue, ValueContext, convert};
use super::{CellError, ParsedRow, ReadOptions};
use crate::error::FileError;
use crate::sniff::{FileFormat, sniff};

mod csv;
mod jsonl;
mod xlsx;

/// Reads a complaint file of any supported format, recognised from its
/// content (ZIP → XLSX, `{` → JSON Lines, otherwise CSV).
pub fn read_complaints(bytes: &[u8], options: &ReadOptions) -> Result<Vec<ParsedRow>, FileError> {
    Ok(read_table(bytes, options)?.into_parsed())
}

/// Reads an XLSX workbook: the sheet named 投诉, 投诉台账 or complaints if
/// there is one, else the first visible worksheet.
pub fn read_xlsx(bytes: &[u8], options: &ReadOptions) -> Result<Vec<ParsedRow>, FileError> {
    Ok(xlsx::read(bytes, options)?.into_parsed())
}

/// Reads a CSV (or tab-separated) file in UTF-8, UTF-8 with BOM, UTF-16 with
/// BOM, or GB18030/GBK.
pub fn read_csv(bytes: &[u8], options: &ReadOptions) -> Result<Vec<ParsedRow>, FileError> {
    Ok(csv::read(bytes, options)?.into_parsed())
}

/// Reads JSON Lines: one object per line with the contract field names, the
/// complainant either nested (`"complainant": {"name": …}`) or flat
/// (`"complainant.name": …`).
pub fn read_jsonl(bytes: &[u8], options: &ReadOptions) -> Result<Vec<ParsedRow>, FileError> {
    Ok(jsonl::read(bytes, options)?.into_parsed())
}

pub(crate) fn read_table(bytes: &[u8], options: &ReadOptions) -> Result<RawTable, FileError> {
    match sniff(bytes)? {
        FileFormat::Xlsx => xlsx::read(bytes, options),
        FileFormat::Csv => csv::read(bytes, options),
        FileFormat::JsonLines => jsonl::read(bytes, options),
    }
}

/// Refuses, with the reason, bytes that are not a text file at all, before a
/// text reader tries to decode them.
fn require_text(bytes: &[u8]) -> Result<(), FileError> {
    match sniff(bytes)? {
        FileFormat::Xlsx => Err(FileError::Unsupported {
            what: "ZIP 压缩包或 Excel 工作簿，不是文本文件".into(),
        }),
        FileFormat::Csv | FileFormat::JsonLines => Ok(()),
    }
}

/// A row with everything that could be read from it, even when some cells
/// failed, so validation can still check the rest.
#[derive(Debug, Clone)]
pub(crate) struct RawRow {
    pub row: usize,
    pub input: ComplaintInput,
    pub errors: Vec<CellError>,
    /// Fields whose cell failed to read or is missing.
    pub failed: Vec<Field>,
}

impl From<RawRow> for ParsedRow {
    fn from(r: RawRow) -> ParsedRow {
        ParsedRow {
            row: r.row,
            input: if r.errors.is_empty() {
                Ok(r.input)
            } else {
                Err(r.errors)
            },
        }
    }
}

/// All rows of a file, and the titles its columns use.
#[derive(Debug, Clone)]
pub(crate) struct RawTable {
    pub format: FileFormat,
    pub rows: Vec<RawRow>,
    labels: Vec<Option<String>>,
}

impl RawTable {
    fn new(format: FileFormat) -> RawTable {
        RawTable {
            format,
            rows: Vec::new(),
            labels: vec![None; COLUMNS.len()],
        }
    }

    /// The title of a field's column as the user wrote it; the Chinese
    /// header (the English name for JSON Lines) when the file has no such
    /// column.
    pub fn label(&self, field: Field) -> String {
        match &self.labels[field as usize] {
            Some(l) => l.clone(),
            None if self.format == FileFormat::JsonLines => column(field).name.to_string(),
            None => column(field).header.to_string(),
        }
    }

    fn into_parsed(self) -> Vec<ParsedRow> {
        self.rows.into_iter().map(ParsedRow::from).collect()
    }
}

/// Adds one cell's value to a row under construction.
pub(crate) fn put_value(
    row: &mut RawRow,
    col: &Column,
    label: &str,
    value: &RawValue,
    ctx: ValueContext,
) {
    match convert(col, value, ctx) {
        Ok(Some(text)) => set_field(&mut row.input, col.field, text),
        Ok(None) => {}
        Err(message) => {
            row.errors.push(CellError {
                row: row.row,
                column: label.to_string(),
                message,
            });
            row.failed.push(col.field);
        }
    }
}

/// Reports required fields left empty.
pub(crate) fn check_required(row: &mut RawRow, label: impl Fn(Field) -> String) {
    for col in COLUMNS.iter().filter(|c| c.required) {
        if row.failed.contains(&col.field) {
            continue;
        }
        let empty = match col.field {
            Field::ReceivedAt => row.input.received_at.trim().is_empty(),
            Field::Channel => row.input.channel.trim().is_empty(),
            Field::BusinessCategory => row.input.business_category.trim().is_empty(),
            Field::Reason => row.input.reason.trim().is_empty(),
            Field::Content => row.input.content.trim().is_empty(),
            _ => false,
        };
        if empty {
            row.errors.push(CellError {
                row: row.row,
                column: label(col.field),
                message: "必填项，不能为空".into(),
            });
            row.failed.push(col.field);
        }
    }
}

/// How many leading non-empty rows may sit above the header (a title such as
/// “2026 年 11 月投诉台账”, a date line).
const HEADER_SEARCH_ROWS: usize = 10;

/// The header: for each column index, the column it names and its title as
/// written.
struct Header {
    columns: Vec<Option<(&'static Column, String)>>,
}

/// Builds rows of a table whose first row with two or more known column
/// titles is the header.
pub(crate) struct TableBuilder {
    table: RawTable,
    max_rows: usize,
    ctx: ValueContext,
    /// Column letters (XLSX) or numbers (CSV) for titleless columns.
    letters: bool,
    header: Option<Header>,
    candidates: Vec<(usize, Row)>,
}

/// The non-empty cells of a row as `(column index, value)`, in column order.
/// Sparse, so a stray cell in column XFD costs one entry, not 16,384.
pub(crate) type Row = Vec<(usize, RawValue)>;

fn known_titles(cells: &Row) -> usize {
    cells
        .iter()
        .filter(|(_, c)| find_column(&c.to_plain_text()).is_some())
        .count()
}

/// `A`, `B`, … `Z`, `AA` for a 0-based column index.
pub(crate) fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.iter().rev().collect()
}

impl TableBuilder {
    pub fn new(
        format: FileFormat,
        options: &ReadOptions,
        ctx: ValueContext,
        letters: bool,
    ) -> TableBuilder {
        TableBuilder {
            table: RawTable::new(format),
            max_rows: options.max_rows,
            ctx,
            letters,
            header: None,
            candidates: Vec::new(),
        }
    }

    /// Adds one row (`row` as the user sees it).
    pub fn push_row(&mut self, row: usize, mut cells: Row) -> Result<(), FileError> {
        cells.retain(|(_, v)| !v.is_empty());
        if cells.is_empty() {
            return Ok(());
        }
        if self.header.is_some() {
            return self.data_row(row, &cells);
        }
        if known_titles(&cells) >= 2 {
            self.candidates.clear();
            return self.set_header(row, &cells);
        }
        self.candidates.push((row, cells));
        if self.candidates.len() >= HEADER_SEARCH_ROWS {
            self.header_from_first_candidate()?;
        }
        Ok(())
    }

    fn header_from_first_candidate(&mut self) -> Result<(), FileError> {
        let mut pending = std::mem::take(&mut self.candidates).into_iter();
        if let Some((row, cells)) = pending.next() {
            self.set_header(row, &cells)?;
            for (row, cells) in pending {
                self.data_row(row, &cells)?;
            }
        }
        Ok(())
    }

    fn set_header(&mut self, row: usize, cells: &Row) -> Result<(), FileError> {
        let width = cells.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
        let mut columns = vec![None; width];
        let (mut unknown, mut duplicated) = (Vec::new(), Vec::new());
        let mut seen: Vec<Field> = Vec::new();
        for (i, cell) in cells {
            let title = cell.to_plain_text();
            match find_column(&title) {
                Some(col) if seen.contains(&col.field) => duplicated.push(title),
                Some(col) => {
                    seen.push(col.field);
                    self.table.labels[col.field as usize] = Some(title.clone());
                    columns[*i] = Some((col, title));
                }
                None => unknown.push(title),
            }
        }
        let missing: Vec<String> = COLUMNS
            .iter()
            .filter(|c| c.required && !seen.contains(&c.field))
            .map(|c| c.header.to_string())
            .collect();
        if !unknown.is_empty() || !missing.is_empty() || !duplicated.is_empty() {
            return Err(FileError::Header {
                row,
                unknown,
                missing,
                duplicated,
            });
        }
        self.header = Some(Header { columns });
        Ok(())
    }

    fn data_row(&mut self, row: usize, cells: &Row) -> Result<(), FileError> {
        let Some(header) = &self.header else {
            return Ok(());
        };
        if self.table.rows.len() >= self.max_rows {
            return Err(FileError::TooManyRows {
                limit: self.max_rows,
            });
        }
        let mut raw = RawRow {
            row,
            input: ComplaintInput::default(),
            errors: Vec::new(),
            failed: Vec::new(),
        };
        for (i, value) in cells {
            let i = *i;
            match header.columns.get(i).and_then(Option::as_ref) {
                Some((col, title)) => put_value(&mut raw, col, title, value, self.ctx),
                None => raw.errors.push(CellError {
                    row,
                    column: if self.letters {
                        format!("第 {} 列", column_letters(i))
                    } else {
                        format!("第 {} 列", i + 1)
                    },
                    message: "该列没有表头，无法识别其中的数据；请补上表头或删除该列".into(),
                }),
            }
        }
        let table = &self.table;
        check_required(&mut raw, |f| table.label(f));
        self.table.rows.push(raw);
        Ok(())
    }

    pub fn finish(mut self) -> Result<RawTable, FileError> {
        if self.header.is_none() {
            if self.candidates.is_empty() {
                return Err(FileError::NoDataRows);
            }
            self.header_from_first_candidate()?;
        }
        if self.table.rows.is_empty() {
            return Err(FileError::NoDataRows);
        }
        Ok(self.table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_match_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16_383), "XFD");
    }
}
