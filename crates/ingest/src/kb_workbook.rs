//! The knowledge base as an Excel workbook, for reviewers who maintain word
//! lists in Excel. One row per record, one column per field: lists are one
//! item per line inside the cell, the legal basis one `法规｜条款｜要点` per
//! line, and the few nested fields (proximity and context rules, disclosure
//! patterns) as JSON in their cell.
//!
//! Reading builds one JSON Lines record per row and hands the text to the
//! knowledge-base parser, so a workbook is checked exactly like a JSON Lines
//! file and every diagnostic names the row it came from.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Map, Value};
use xiaobao_lexicon::{Diagnostic, KnowledgeBase};

use crate::FileError;

/// Columns, in order: header shown to users and the record field it holds.
const COLUMNS: &[(&str, &str, Cell)] = &[
    ("类型", "type", Cell::Text),
    ("编号", "id", Cell::Text),
    ("标题", "title", Cell::Text),
    ("类别", "category", Cell::Text),
    ("严重程度", "severity", Cell::Text),
    ("适用材料", "kinds", Cell::Lines),
    ("词条", "terms", Cell::Lines),
    ("正则表达式", "regexes", Cell::Lines),
    ("放行词", "allow", Cell::Lines),
    ("放行正则", "allow_regexes", Cell::Lines),
    ("邻近规则(JSON)", "proximity", Cell::Json),
    ("语境规则(JSON)", "context", Cell::Json),
    ("触发条件(JSON)", "trigger", Cell::Json),
    ("触发豁免", "trigger_exempt", Cell::Lines),
    ("满足条件(JSON)", "satisfied_by", Cell::Json),
    ("法律依据", "basis", Cell::Basis),
    ("修改建议", "suggestion", Cell::Text),
    ("备注", "note", Cell::Text),
    ("启用", "enabled", Cell::Bool),
];

#[derive(Clone, Copy)]
enum Cell {
    Text,
    Lines,
    Json,
    Basis,
    Bool,
}

const TYPE_ENTRY: &str = "禁语条目";
const TYPE_DISCLOSURE: &str = "披露要求";

/// Writing the workbook failed (an internal error: the data is always
/// representable).
#[derive(Debug, thiserror::Error)]
#[error("生成知识库工作簿失败：{0}")]
pub struct KbWorkbookWriteError(String);

/// Writes the knowledge base as an XLSX workbook.
pub fn write_kb_xlsx(kb: &KnowledgeBase) -> Result<Vec<u8>, KbWorkbookWriteError> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| KbWorkbookWriteError(e.to_string());
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("消保禁语知识库").map_err(xlsx)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (col, (header, _, _)) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *header, &bold)
            .map_err(xlsx)?;
        sheet
            .set_column_width(col as u16, if col < 5 { 14 } else { 30 })
            .map_err(xlsx)?;
    }
    sheet.set_freeze_panes(1, 2).map_err(xlsx)?;
    let mut records: Vec<Value> = Vec::new();
    for line in kb.to_jsonl().lines() {
        if let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(line) {
            let kind = obj
                .remove("type")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "entry".into());
            if kind == "meta" {
                continue;
            }
            obj.insert(
                "type".into(),
                Value::String(
                    if kind == "disclosure" {
                        TYPE_DISCLOSURE
                    } else {
                        TYPE_ENTRY
                    }
                    .into(),
                ),
            );
            records.push(Value::Object(obj));
        }
    }
    for (i, record) in records.iter().enumerate() {
        let row = (i + 1) as u32;
        for (col, (_, field, cell)) in COLUMNS.iter().enumerate() {
            let value = record.get(*field);
            let text = match (cell, value) {
                (_, None) | (_, Some(Value::Null)) => match cell {
                    Cell::Bool => "是".to_string(),
                    _ => continue,
                },
                (Cell::Text, Some(Value::String(s))) => s.clone(),
                (Cell::Lines, Some(Value::Array(items))) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                (Cell::Basis, Some(Value::Array(items))) => items
                    .iter()
                    .map(|b| {
                        format!(
                            "{}｜{}｜{}",
                            b["law"].as_str().unwrap_or_default(),
                            b["article"].as_str().unwrap_or_default(),
                            b["gist"].as_str().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                (Cell::Bool, Some(Value::Bool(b))) => if *b { "是" } else { "否" }.to_string(),
                (_, Some(other)) => other.to_string(),
            };
            sheet
                .write_string_with_format(row, col as u16, &text, &wrap)
                .map_err(xlsx)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx)
}

/// Reads a knowledge-base workbook. Returns the records that parse and every
/// diagnostic (with `line` set to the spreadsheet row), or a file error when
/// the workbook itself cannot be read.
pub fn read_kb_xlsx(bytes: &[u8]) -> Result<(KnowledgeBase, Vec<Diagnostic>), FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    crate::container::inspect_zip(bytes, &crate::container::ZipLimits::default())?;
    let corrupt = |detail: String| FileError::Corrupt { detail };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or(FileError::NoWorksheet)?
        .map_err(|e| corrupt(e.to_string()))?;
    let mut rows = range.rows();
    let header = rows.next().ok_or(FileError::NoDataRows)?;
    let positions: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|(h, _, _)| header.iter().position(|c| cell_text(c).trim() == *h))
        .collect();
    if positions[1].is_none() {
        return Err(FileError::Header {
            row: 1,
            unknown: Vec::new(),
            missing: vec!["编号".into()],
            duplicated: Vec::new(),
        });
    }
    // Line n of the JSON Lines text is spreadsheet row n (row 1 is the header,
    // left blank), so diagnostics point at rows.
    let mut jsonl = String::from("\n");
    for row in rows {
        let mut obj = Map::new();
        for ((_, field, cell), pos) in COLUMNS.iter().zip(&positions) {
            let Some(text) = pos.and_then(|p| row.get(p)).map(cell_text) else {
                continue;
            };
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let value = match cell {
                Cell::Text if *field == "type" => Value::String(
                    match text {
                        TYPE_DISCLOSURE | "disclosure" => "disclosure",
                        TYPE_ENTRY | "entry" => "entry",
                        other => other,
                    }
                    .into(),
                ),
                Cell::Text => Value::String(text.into()),
                Cell::Lines => Value::Array(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| Value::String(l.into()))
                        .collect(),
                ),
                Cell::Json => serde_json::from_str(text).unwrap_or(Value::String(text.into())),
                Cell::Basis => Value::Array(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| {
                            let mut parts = l.splitn(3, ['｜', '|']);
                            serde_json::json!({
                                "law": parts.next().unwrap_or_default().trim(),
                                "article": parts.next().unwrap_or_default().trim(),
                                "gist": parts.next().unwrap_or_default().trim(),
                            })
                        })
                        .collect(),
                ),
                Cell::Bool => Value::Bool(!matches!(text, "否" | "false" | "0" | "停用")),
            };
            obj.insert((*field).into(), value);
        }
        if obj.is_empty() {
            jsonl.push('\n');
            continue;
        }
        jsonl.push_str(&Value::Object(obj).to_string());
        jsonl.push('\n');
    }
    Ok(KnowledgeBase::parse_jsonl_lenient(&jsonl))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_round_trips_through_a_workbook() {
        let kb = KnowledgeBase::seed().unwrap();
        let bytes = write_kb_xlsx(&kb).unwrap();
        let (back, diags) = read_kb_xlsx(&bytes).unwrap();
        assert!(
            diags
                .iter()
                .all(|d| d.level != xiaobao_lexicon::Level::Error),
            "{diags:?}"
        );
        assert!(xiaobao_lexicon::diff(&kb, &back).is_empty());
        assert_eq!(back.entries.len(), kb.entries.len());
        assert_eq!(back.disclosures.len(), kb.disclosures.len());
    }

    #[test]
    fn a_bad_row_is_reported_by_row_number() {
        let kb = KnowledgeBase::seed().unwrap();
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        for (col, (h, _, _)) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, col as u16, *h).unwrap();
        }
        let first = &kb.entries[0];
        sheet.write_string(1, 1, &first.id).unwrap();
        sheet.write_string(1, 2, &first.title).unwrap();
        sheet.write_string(1, 3, "不存在的类别").unwrap();
        sheet.write_string(1, 4, "禁止").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let (_, diags) = read_kb_xlsx(&bytes).unwrap();
        assert!(
            diags
                .iter()
                .any(|d| d.line == Some(2) && d.level == xiaobao_lexicon::Level::Error),
            "{diags:?}"
        );
    }

    #[test]
    fn a_workbook_without_the_id_column_is_refused() {
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "名称").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert!(read_kb_xlsx(&bytes).is_err());
    }
}
