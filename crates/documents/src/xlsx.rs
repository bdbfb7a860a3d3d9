//! Excel workbooks: every non-empty cell, row by row, one page per sheet.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, XlsxError};

use crate::builder::{Builder, NewBlock};
use crate::error::DocumentError;
use crate::limits::Limits;
use crate::model::{BlockKind, Document, Format, Page};

fn corrupt(detail: impl Into<String>) -> DocumentError {
    DocumentError::Corrupt {
        format: Format::Xlsx.label_zh(),
        detail: detail.into(),
    }
}

fn error(e: XlsxError) -> DocumentError {
    match e {
        XlsxError::Password => DocumentError::Encrypted {
            format: Format::Xlsx.label_zh(),
        },
        e => corrupt(e.to_string()),
    }
}

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
    // `detect` has checked entry count, declared sizes and encryption; the
    // ZIP reader under calamine stops each entry at its declared size.
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(error)?;
    let names = workbook.sheet_names();
    if names.len() > limits.max_pages {
        return Err(DocumentError::TooManyPages {
            pages: names.len(),
            limit: limits.max_pages,
        });
    }
    let mut builder = Builder::new(Format::Xlsx);
    for (index, name) in names.iter().enumerate() {
        let page = index as u32 + 1;
        builder.add_page(Page {
            name: Some(name.clone()),
            ..Page::bare(page)
        });
        let range = workbook.worksheet_range(name).map_err(error)?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut paragraph = 0;
        for (r, row) in range.rows().enumerate() {
            let cells: Vec<(u32, String)> = row
                .iter()
                .enumerate()
                .filter_map(|(c, cell)| {
                    let text = cell_text(cell)?;
                    let text = text.trim();
                    (!text.is_empty()).then(|| (col0 + c as u32 + 1, text.to_string()))
                })
                .collect();
            if cells.is_empty() {
                continue;
            }
            paragraph += 1;
            for (i, (col, text)) in cells.iter().enumerate() {
                let kind = BlockKind::TableCell {
                    sheet: Some(name.clone()),
                    row: row0 + r as u32 + 1,
                    col: *col,
                };
                builder.push(
                    if i == 0 { "\n" } else { "\t" },
                    NewBlock::new(page, paragraph, kind, text),
                );
            }
        }
    }
    if !builder.has_text() {
        return Err(DocumentError::NoText {
            what: Format::Xlsx.label_zh(),
            hint: "（所有工作表都是空的）",
        });
    }
    Ok(builder.finish())
}

/// The text a cell shows. Whole numbers print without a decimal point;
/// error cells (`#N/A`) are not text.
fn cell_text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) => Some(s.clone()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        other => Some(other.to_string()),
    }
}
