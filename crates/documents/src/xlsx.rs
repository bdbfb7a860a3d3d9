//! Excel workbooks: every non-empty cell, row by row, one page per sheet.
//!
//! Cells are streamed (`worksheet_cells_reader`) rather than read as a
//! dense range: two cells at A1 and XFD1048576 would make calamine allocate
//! seventeen billion of them.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

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
    check_shared_strings(bytes)?;
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
        let mut rows: BTreeMap<u32, BTreeMap<u32, String>> = BTreeMap::new();
        let mut cells = workbook.worksheet_cells_reader(name).map_err(error)?;
        while let Some(cell) = cells.next_cell().map_err(error)? {
            let (row, col) = cell.get_position();
            if let Some(text) = cell_text(&Data::from(cell.get_value().clone())) {
                let text = text.trim();
                if !text.is_empty() {
                    rows.entry(row).or_default().insert(col, text.to_string());
                }
            }
        }
        for (paragraph, (row, cells)) in rows.iter().enumerate() {
            for (i, (col, text)) in cells.iter().enumerate() {
                let kind = BlockKind::TableCell {
                    sheet: Some(name.clone()),
                    row: row.saturating_add(1),
                    col: col.saturating_add(1),
                };
                builder.push(
                    if i == 0 { "\n" } else { "\t" },
                    NewBlock::new(page, paragraph as u32 + 1, kind, text),
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

/// calamine reserves room for the count of shared strings the file
/// declares before reading any; a count larger than the part could hold
/// (each string takes at least `<si></si>`, 9 bytes) is a lie, refused
/// before it becomes an allocation of terabytes.
fn check_shared_strings(bytes: &[u8]) -> Result<(), DocumentError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // calamine reports the corrupt archive
    };
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for name in names {
        let Ok(entry) = archive.by_name(&name) else {
            continue;
        };
        let size = entry.size();
        let mut head = Vec::new();
        let _ = entry.take(4096).read_to_end(&mut head);
        let head = String::from_utf8_lossy(&head);
        for key in ["uniqueCount=\"", "count=\""] {
            let Some(at) = head.find(key) else { continue };
            let digits: String = head[at + key.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let declared = digits.parse::<u64>().unwrap_or(u64::MAX);
            if declared > size / 9 + 1 {
                return Err(corrupt(format!(
                    "共享字符串表声明 {digits} 项，超出其内容所能容纳"
                )));
            }
        }
    }
    Ok(())
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
