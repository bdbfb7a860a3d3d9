//! Export of complaint lists: a streaming XLSX writer with no row cap, and
//! CSV in UTF-8 with BOM.
//!
//! The writers format what they are given and nothing more: the caller passes
//! personal data already masked (JR/T 0171-2020); the writers never see raw
//! PII.

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use thiserror::Error;

use super::values::number_text;

/// A column of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportColumn {
    /// Chinese header.
    pub header: String,
    /// Width in Excel character units; derived from the header when `None`.
    pub width: Option<f64>,
}

impl ExportColumn {
    pub fn new(header: impl Into<String>) -> ExportColumn {
        ExportColumn {
            header: header.into(),
            width: None,
        }
    }

    pub fn with_width(mut self, width: f64) -> ExportColumn {
        self.width = Some(width);
        self
    }

    fn effective_width(&self) -> f64 {
        self.width.unwrap_or_else(|| {
            // CJK characters are about two units wide.
            let units: usize = self
                .header
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum();
            (units as f64 + 4.0).clamp(8.0, 60.0)
        })
    }
}

/// One value of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    /// Text, stored as text (digit strings stay exact).
    Text(Cow<'a, str>),
    Number(f64),
    /// An integer count. Identifiers belong in [`Cell::Text`]: Excel keeps
    /// only 15 significant digits of a number.
    Integer(i64),
    /// An amount in fen, shown in yuan with two decimals.
    AmountFen(i64),
    Date(NaiveDate),
    /// China local time.
    DateTime(NaiveDateTime),
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Cell<'a> {
        Cell::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Cell<'_> {
    fn from(s: String) -> Self {
        Cell::Text(Cow::Owned(s))
    }
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::from)
    }
}

impl From<NaiveDate> for Cell<'_> {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

impl From<NaiveDateTime> for Cell<'_> {
    fn from(d: NaiveDateTime) -> Self {
        Cell::DateTime(d)
    }
}

impl From<i64> for Cell<'_> {
    fn from(i: i64) -> Self {
        Cell::Integer(i)
    }
}

impl From<f64> for Cell<'_> {
    fn from(f: f64) -> Self {
        Cell::Number(f)
    }
}

/// Export failures. Rows are not user input, so these are setup or I/O
/// problems.
#[derive(Debug, Error)]
pub enum ExportError {
    #[error("导出失败：生成 Excel 文件出错：{0}")]
    Xlsx(#[from] XlsxError),
    #[error("导出失败：写出文件出错：{0}")]
    Io(#[from] std::io::Error),
    #[error("导出失败：生成 CSV 出错：{0}")]
    Csv(#[from] csv::Error),
    #[error("导出失败：至少需要一列")]
    NoColumns,
    #[error("导出失败：导出列数 {got} 超过 Excel 上限 {max}")]
    TooManyColumns { got: usize, max: usize },
    #[error("导出失败：这一行有 {got} 个值，表头有 {expected} 列")]
    RowWidth { expected: usize, got: usize },
    #[error("模板中没有「{0}」这一列")]
    UnknownColumn(String),
}

/// Rows per worksheet: Excel's 1,048,576 less the header.
pub const MAX_ROWS_PER_SHEET: u32 = 1_048_575;
const MAX_COLUMNS: usize = 16_384;
/// Excel's limit of characters in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Settings of an XLSX export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOptions {
    /// Name of the first sheet; further sheets get ` (2)`, ` (3)`…
    pub sheet_name: String,
    /// Data rows per sheet before continuing on a new one (at most, and by
    /// default, [`MAX_ROWS_PER_SHEET`]).
    pub rows_per_sheet: u32,
    /// Where the row data is spooled until the file is assembled; the system
    /// temp directory when `None`.
    pub tempdir: Option<PathBuf>,
    /// ZIP compression level 1 (fastest) to 9; Excel itself uses 3.
    pub compression_level: u8,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            sheet_name: "投诉".into(),
            rows_per_sheet: MAX_ROWS_PER_SHEET,
            tempdir: None,
            compression_level: 3,
        }
    }
}

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
    amount: Format,
}

/// Streaming XLSX export. Each row goes to a temporary file as soon as the
/// next one starts (rust_xlsxwriter's constant-memory worksheets), so memory
/// does not grow with the number of rows. More rows than a sheet can hold
/// continue on a new sheet with the same header.
pub struct ComplaintExportWriter {
    workbook: Workbook,
    columns: Vec<ExportColumn>,
    options: ExportOptions,
    formats: Formats,
    /// Index of the sheet being written.
    sheet: usize,
    /// Last row index written on that sheet (0 = header).
    last_row: u32,
    rows: u64,
}

impl ComplaintExportWriter {
    /// A writer with the default options.
    pub fn new(columns: Vec<ExportColumn>) -> Result<ComplaintExportWriter, ExportError> {
        ComplaintExportWriter::with_options(columns, ExportOptions::default())
    }

    pub fn with_options(
        columns: Vec<ExportColumn>,
        mut options: ExportOptions,
    ) -> Result<ComplaintExportWriter, ExportError> {
        if columns.is_empty() {
            return Err(ExportError::NoColumns);
        }
        if columns.len() > MAX_COLUMNS {
            return Err(ExportError::TooManyColumns {
                got: columns.len(),
                max: MAX_COLUMNS,
            });
        }
        options.rows_per_sheet = options.rows_per_sheet.clamp(1, MAX_ROWS_PER_SHEET);
        let mut workbook = Workbook::new();
        if let Some(dir) = &options.tempdir {
            workbook.set_tempdir(dir)?;
        }
        workbook.set_zip_compression_level(options.compression_level.clamp(1, 9));
        let formats = Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(0xDDEBF7)
                .set_align(FormatAlign::Center),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            amount: Format::new().set_num_format("#,##0.00"),
        };
        let mut writer = ComplaintExportWriter {
            workbook,
            columns,
            options,
            formats,
            sheet: 0,
            last_row: 0,
            rows: 0,
        };
        writer.add_sheet(1)?;
        Ok(writer)
    }

    fn add_sheet(&mut self, number: usize) -> Result<(), ExportError> {
        let name = if number == 1 {
            self.options.sheet_name.clone()
        } else {
            format!("{} ({number})", self.options.sheet_name)
        };
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        sheet.set_freeze_panes(1, 0)?;
        for (i, col) in self.columns.iter().enumerate() {
            let c = i as u16;
            sheet.set_column_width(c, col.effective_width())?;
            sheet.write_string_with_format(0, c, &col.header, &self.formats.header)?;
        }
        self.sheet = number - 1;
        self.last_row = 0;
        Ok(())
    }

    /// Appends one row; `cells` must have one value per column.
    pub fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        if cells.len() != self.columns.len() {
            return Err(ExportError::RowWidth {
                expected: self.columns.len(),
                got: cells.len(),
            });
        }
        if self.last_row >= self.options.rows_per_sheet {
            self.finish_sheet()?;
            self.add_sheet(self.sheet + 2)?;
        }
        let row = self.last_row + 1;
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        for (i, cell) in cells.iter().enumerate() {
            let c = i as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(row, c, clip(s))?;
                }
                Cell::Number(f) if f.is_finite() => {
                    sheet.write_number(row, c, *f)?;
                }
                Cell::Number(_) => {}
                Cell::Integer(n) => {
                    sheet.write_number(row, c, *n as f64)?;
                }
                Cell::AmountFen(fen) => {
                    sheet.write_number_with_format(
                        row,
                        c,
                        *fen as f64 / 100.0,
                        &self.formats.amount,
                    )?;
                }
                Cell::Date(d) => match excel_serial(d.and_time(NaiveTime::MIN)) {
                    Some(serial) => {
                        sheet.write_number_with_format(row, c, serial, &self.formats.date)?;
                    }
                    None => {
                        sheet.write_string(row, c, d.format("%Y-%m-%d").to_string())?;
                    }
                },
                Cell::DateTime(dt) => match excel_serial(*dt) {
                    Some(serial) => {
                        sheet.write_number_with_format(row, c, serial, &self.formats.datetime)?;
                    }
                    None => {
                        sheet.write_string(row, c, dt.format("%Y-%m-%d %H:%M:%S").to_string())?;
                    }
                },
            }
        }
        self.last_row = row;
        self.rows += 1;
        Ok(())
    }

    /// Data rows written so far.
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    fn finish_sheet(&mut self) -> Result<(), ExportError> {
        let last_col = (self.columns.len() - 1) as u16;
        let last_row = self.last_row;
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
        Ok(())
    }

    /// Assembles the workbook in memory.
    pub fn finish(mut self) -> Result<Vec<u8>, ExportError> {
        self.finish_sheet()?;
        Ok(self.workbook.save_to_buffer()?)
    }

    /// Assembles the workbook straight into `out` (a file, a response body).
    pub fn finish_to<W: Write + Send>(mut self, out: W) -> Result<(), ExportError> {
        self.finish_sheet()?;
        self.workbook.save_to_writer(out)?;
        Ok(())
    }
}

/// Cuts text to Excel's per-cell limit.
fn clip(s: &str) -> &str {
    if s.len() <= MAX_CELL_CHARS {
        return s;
    }
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((byte, _)) => &s[..byte],
        None => s,
    }
}

/// Days since 1899-12-30 (Excel's 1900 date system) for dates from
/// 1900-03-01, where that system is continuous.
fn excel_serial(dt: NaiveDateTime) -> Option<f64> {
    let first = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    if dt.date() < first {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let secs = (dt - epoch).num_seconds();
    Some(secs as f64 / 86_400.0)
}

/// CSV export in UTF-8 with BOM, the form Excel opens with Chinese intact.
pub struct CsvExportWriter<W: Write> {
    writer: csv::Writer<W>,
    width: usize,
    rows: u64,
}

impl<W: Write> CsvExportWriter<W> {
    /// Writes the BOM and the header row.
    pub fn new(mut out: W, columns: &[ExportColumn]) -> Result<CsvExportWriter<W>, ExportError> {
        if columns.is_empty() {
            return Err(ExportError::NoColumns);
        }
        out.write_all("\u{FEFF}".as_bytes())?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer.write_record(columns.iter().map(|c| c.header.as_str()))?;
        Ok(CsvExportWriter {
            writer,
            width: columns.len(),
            rows: 0,
        })
    }

    /// Appends one row; `cells` must have one value per column.
    pub fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        if cells.len() != self.width {
            return Err(ExportError::RowWidth {
                expected: self.width,
                got: cells.len(),
            });
        }
        let fields: Vec<Cow<'_, str>> = cells.iter().map(csv_text).collect();
        self.writer
            .write_record(fields.iter().map(|f| f.as_bytes()))?;
        self.rows += 1;
        Ok(())
    }

    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> Result<W, ExportError> {
        self.writer
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}

fn csv_text<'a>(cell: &'a Cell<'_>) -> Cow<'a, str> {
    match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(s) => defuse_formula(s),
        Cell::Number(f) if f.is_finite() => Cow::Owned(number_text(*f)),
        Cell::Number(_) => Cow::Borrowed(""),
        Cell::Integer(i) => Cow::Owned(i.to_string()),
        Cell::AmountFen(fen) => {
            let sign = if *fen < 0 { "-" } else { "" };
            let abs = fen.unsigned_abs();
            Cow::Owned(format!("{sign}{}.{:02}", abs / 100, abs % 100))
        }
        Cell::Date(d) => Cow::Owned(d.format("%Y-%m-%d").to_string()),
        Cell::DateTime(dt) => Cow::Owned(dt.format("%Y-%m-%d %H:%M:%S").to_string()),
    }
}

/// Excel runs a CSV cell starting with `=`, `+`, `-` or `@` as a formula
/// (CSV injection); a leading apostrophe makes it text.
fn defuse_formula<'a>(s: &'a str) -> Cow<'a, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_match_excel() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            excel_serial(d(2026, 11, 2).and_time(NaiveTime::MIN)),
            Some(46_328.0)
        );
        assert_eq!(
            excel_serial(d(1900, 3, 1).and_time(NaiveTime::MIN)),
            Some(61.0)
        );
        assert_eq!(
            excel_serial(d(2026, 11, 2).and_hms_opt(18, 0, 0).unwrap()),
            Some(46_328.75)
        );
        assert_eq!(excel_serial(d(1900, 2, 28).and_time(NaiveTime::MIN)), None);
    }

    #[test]
    fn long_text_is_clipped_on_a_char_boundary() {
        let s = "投".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(clip(&s).chars().count(), MAX_CELL_CHARS);
        assert_eq!(clip("短"), "短");
    }

    #[test]
    fn csv_cells_are_defused_and_formatted() {
        assert_eq!(csv_text(&Cell::from("=1+1")), "'=1+1");
        assert_eq!(csv_text(&Cell::from("@SUM(A1)")), "'@SUM(A1)");
        assert_eq!(csv_text(&Cell::from("138****8000")), "138****8000");
        assert_eq!(csv_text(&Cell::AmountFen(128_050)), "1280.50");
        assert_eq!(csv_text(&Cell::AmountFen(-7)), "-0.07");
        assert_eq!(csv_text(&Cell::Number(f64::NAN)), "");
        assert_eq!(csv_text(&Cell::Number(2.5)), "2.5");
    }
}
