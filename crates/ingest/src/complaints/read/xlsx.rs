//! XLSX: the archive is checked first (size, parts, encryption), then the
//! chosen worksheet is streamed cell by cell, so no full grid is built.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use chrono::NaiveDate;

use super::{RawTable, Row, TableBuilder};
use crate::complaints::ReadOptions;
use crate::complaints::columns::normalize_header;
use crate::complaints::values::{RawValue, ValueContext};
use crate::container::{PackageKind, inspect_zip};
use crate::error::FileError;
use crate::sniff::FileFormat;

/// Sheet names preferred over the first sheet.
const PREFERRED_SHEETS: [&str; 3] = ["投诉", "投诉台账", "complaints"];

pub(super) fn read(bytes: &[u8], options: &ReadOptions) -> Result<RawTable, FileError> {
    if !bytes.starts_with(b"PK") {
        return Err(match crate::sniff::sniff(bytes) {
            Err(e) => e,
            Ok(_) => FileError::NotSpreadsheet {
                what: "不是 ZIP 格式".into(),
            },
        });
    }
    let summary = inspect_zip(bytes, &options.zip_limits())?;
    match summary.kind {
        PackageKind::Xlsx => {}
        PackageKind::Xlsb => {
            return Err(FileError::Unsupported {
                what: "Excel 二进制工作簿（.xlsb）；请另存为 .xlsx".into(),
            });
        }
        PackageKind::OpenDocument => {
            return Err(FileError::Unsupported {
                what: "OpenDocument 文件（.ods/.odt）；请另存为 .xlsx".into(),
            });
        }
        PackageKind::Docx => {
            return Err(FileError::NotSpreadsheet {
                what: "Word 文档（.docx）".into(),
            });
        }
        PackageKind::Pptx => {
            return Err(FileError::NotSpreadsheet {
                what: "PowerPoint 演示文稿（.pptx）".into(),
            });
        }
        PackageKind::Other => {
            return Err(FileError::NotSpreadsheet {
                what: "普通压缩包".into(),
            });
        }
    }
    // Defence in depth: the workbook parser is not expected to panic, but a
    // crafted upload must never take a worker down with it.
    std::panic::catch_unwind(|| read_workbook(bytes, options)).unwrap_or_else(|_| {
        Err(FileError::Corrupt {
            detail: "工作簿内容无法解析".into(),
        })
    })
}

fn read_workbook(bytes: &[u8], options: &ReadOptions) -> Result<RawTable, FileError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(map_error)?;
    let sheet = pick_sheet(workbook.sheets_metadata()).ok_or(FileError::NoWorksheet)?;
    let ctx = ValueContext {
        is_1904: workbook.has_1904_epoch(),
    };
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(map_error)?;
    let mut builder = TableBuilder::new(FileFormat::Xlsx, options, ctx, true);
    let mut current: Option<u32> = None;
    let mut row: Row = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(map_error)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current {
                builder.push_row(prev as usize + 1, std::mem::take(&mut row))?;
            }
            current = Some(r);
        }
        let value = raw_value(cell.get_value());
        if !value.is_empty() {
            row.push((c as usize, value));
        }
    }
    if let Some(prev) = current {
        builder.push_row(prev as usize + 1, row)?;
    }
    builder.finish()
}

/// A preferred name among visible worksheets, else the first visible
/// worksheet, else the first worksheet.
fn pick_sheet(sheets: &[calamine::Sheet]) -> Option<String> {
    let worksheets: Vec<&calamine::Sheet> = sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .collect();
    let visible: Vec<&&calamine::Sheet> = worksheets
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible)
        .collect();
    for name in PREFERRED_SHEETS {
        if let Some(s) = visible
            .iter()
            .find(|s| normalize_header(&s.name) == normalize_header(name))
        {
            return Some(s.name.clone());
        }
    }
    visible
        .first()
        .map(|s| s.name.clone())
        .or_else(|| worksheets.first().map(|s| s.name.clone()))
}

fn raw_value(data: &DataRef<'_>) -> RawValue {
    match data {
        DataRef::Empty => RawValue::Empty,
        DataRef::String(s) => RawValue::Text(s.clone()),
        DataRef::SharedString(s) => RawValue::Text((*s).to_string()),
        DataRef::Float(f) => RawValue::Float(*f),
        DataRef::Int(i) => RawValue::Int(*i),
        DataRef::Bool(b) => RawValue::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d))
                .and_then(|date| date.and_hms_opt(u32::from(h), u32::from(mi), u32::from(s)))
                .map_or(RawValue::Float(dt.as_f64()), RawValue::DateTime)
        }
        DataRef::DateTime(dt) => RawValue::Float(dt.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => RawValue::Text(s.clone()),
        DataRef::Error(e) => RawValue::Error(e.to_string()),
    }
}

fn map_error(e: XlsxError) -> FileError {
    match e {
        XlsxError::Password => FileError::Encrypted,
        XlsxError::WorksheetNotFound(_) | XlsxError::NotAWorksheet(_) => FileError::NoWorksheet,
        XlsxError::FileNotFound(part) => FileError::Corrupt {
            detail: format!("缺少工作簿部件 {part}"),
        },
        XlsxError::RelationshipNotFound => FileError::Corrupt {
            detail: "缺少工作簿关系信息".into(),
        },
        XlsxError::Zip(e) => FileError::Corrupt {
            detail: format!("ZIP 数据无效：{e}"),
        },
        XlsxError::Io(e) => FileError::Corrupt {
            detail: format!("读取失败：{e}"),
        },
        other => FileError::Corrupt {
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, visible: SheetVisible) -> calamine::Sheet {
        calamine::Sheet {
            name: name.into(),
            typ: SheetType::WorkSheet,
            visible,
        }
    }

    #[test]
    fn preferred_visible_sheet_wins() {
        let sheets = [
            sheet("说明", SheetVisible::Visible),
            sheet("投诉台账", SheetVisible::Visible),
        ];
        assert_eq!(pick_sheet(&sheets).as_deref(), Some("投诉台账"));
        let sheets = [
            sheet("Complaints", SheetVisible::Hidden),
            sheet("Sheet1", SheetVisible::Visible),
        ];
        assert_eq!(pick_sheet(&sheets).as_deref(), Some("Sheet1"));
        let sheets = [
            sheet("Sheet1", SheetVisible::Visible),
            sheet("COMPLAINTS", SheetVisible::Visible),
        ];
        assert_eq!(pick_sheet(&sheets).as_deref(), Some("COMPLAINTS"));
        assert_eq!(pick_sheet(&[]), None);
    }
}
