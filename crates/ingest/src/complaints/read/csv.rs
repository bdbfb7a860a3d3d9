//! CSV and tab-separated text, in whatever encoding Excel saved it.

use super::{RawTable, TableBuilder};
use crate::complaints::ReadOptions;
use crate::complaints::values::{RawValue, ValueContext};
use crate::error::FileError;
use crate::sniff::{FileFormat, decode_text};

pub(super) fn read(bytes: &[u8], options: &ReadOptions) -> Result<RawTable, FileError> {
    super::require_text(bytes)?;
    let (text, _encoding) = decode_text(bytes)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let delimiter = delimiter(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let rows = record_rows(text, delimiter);
    let mut builder = TableBuilder::new(FileFormat::Csv, options, ValueContext::default(), false);
    let mut record = ::csv::StringRecord::new();
    let mut index = 0;
    loop {
        let row = rows.get(index).copied().unwrap_or(index + 1);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(FileError::Csv {
                    row,
                    detail: e.to_string(),
                });
            }
        }
        let cells = record
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.trim().is_empty())
            .map(|(i, f)| (i, RawValue::Text(f.to_string())))
            .collect();
        builder.push_row(row, cells)?;
        index += 1;
    }
    builder.finish()
}

/// Tab when the first line has more tabs than commas (Excel's “Unicode
/// text”), else comma.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let tabs = first.matches('\t').count();
    let commas = first.matches(',').count();
    if tabs > commas { b'\t' } else { b',' }
}

/// The row Excel shows for each record, in order: a quoted field spanning
/// lines stays one row, and blank lines (which the CSV reader skips) still
/// count. Quotes are read as the CSV reader reads them: a field is quoted only
/// when it starts with `"`.
fn record_rows(text: &str, delimiter: u8) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let delimiter = char::from(delimiter);
    let mut rows = Vec::new();
    let mut row = 1;
    let mut at_line_start = true;
    let mut state = State::FieldStart;
    for c in text.chars() {
        if state == State::Quoted {
            // A line break inside quotes stays in the same Excel row.
            if c == '"' {
                state = State::QuoteInQuoted;
            }
            continue;
        }
        match c {
            '\n' => {
                row += 1;
                at_line_start = true;
                state = State::FieldStart;
                continue;
            }
            // Part of a CRLF terminator; never starts a record.
            '\r' => continue,
            _ => {}
        }
        if at_line_start {
            rows.push(row);
            at_line_start = false;
        }
        state = match (state, c) {
            (State::QuoteInQuoted, '"') => State::Quoted,
            (_, d) if d == delimiter => State::FieldStart,
            (State::FieldStart, '"') => State::Quoted,
            _ => State::Unquoted,
        };
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_excel() {
        let text = "h1,h2\r\na,\"x\r\ny\r\nz\"\r\n\r\nb,\r\nc,d\r\n";
        assert_eq!(record_rows(text, b','), [1, 2, 4, 5]);
        let text = "h\n\"a\"\"b\nc\",x\"y\nd\"e\nf\n\n\n,,\n";
        // `x"y` is unquoted: its quote opens nothing, so `d"e` starts row 3.
        assert_eq!(record_rows(text, b','), [1, 2, 3, 4, 7]);
        assert_eq!(record_rows("a\tb", b'\t'), [1]);
        assert!(record_rows("\r\n\n", b',').is_empty());
    }
}
