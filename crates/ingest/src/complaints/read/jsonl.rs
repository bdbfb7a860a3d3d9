//! JSON Lines: one complaint object per line, keys as in the API contract.

use serde_json::{Map, Value};
use xiaobao_domain::intake::ComplaintInput;

use super::{RawRow, RawTable, check_required, put_value};
use crate::complaints::columns::{Column, Field, ValueKind, column, find_column, set_list};
use crate::complaints::values::{RawValue, ValueContext, convert};
use crate::complaints::{CellError, ReadOptions};
use crate::error::FileError;
use crate::sniff::{FileFormat, decode_text};

pub(super) fn read(bytes: &[u8], options: &ReadOptions) -> Result<RawTable, FileError> {
    super::require_text(bytes)?;
    let (text, _encoding) = decode_text(bytes)?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.len() > options.max_rows {
        return Err(FileError::TooManyRows {
            limit: options.max_rows,
        });
    }
    if lines.is_empty() {
        return Err(FileError::Empty);
    }
    let mut table = RawTable::new(FileFormat::JsonLines);
    table.rows = read_lines(&lines);
    Ok(table)
}

/// Lines of a large file are read on every core, in contiguous runs put
/// back together in file order: an import of a hundred thousand rows
/// otherwise spends its first second or two reading them on one core.
fn read_lines(lines: &[(usize, &str)]) -> Vec<RawRow> {
    const MIN_LINES_PER_THREAD: usize = 2_000;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(lines.len() / MIN_LINES_PER_THREAD)
        .max(1);
    let read_run = |run: &[(usize, &str)]| -> Vec<RawRow> {
        run.iter()
            .map(|&(line_no, line)| read_line(line_no, line))
            .collect()
    };
    if threads == 1 {
        return read_run(lines);
    }
    let per_thread = lines.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let runs: Vec<_> = lines
            .chunks(per_thread)
            .map(|run| scope.spawn(move || read_run(run)))
            .collect();
        runs.into_iter()
            // A panic while reading a line is a bug, raised here as it
            // would have been on one thread.
            .flat_map(|run| run.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn row_error(raw: &mut RawRow, column: &str, message: impl Into<String>) {
    raw.errors.push(CellError {
        row: raw.row,
        column: column.to_string(),
        message: message.into(),
    });
}

fn read_line(line_no: usize, line: &str) -> RawRow {
    let mut raw = RawRow {
        row: line_no,
        input: ComplaintInput::default(),
        errors: Vec::new(),
        failed: Vec::new(),
    };
    let object = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            row_error(&mut raw, "", "此行不是 JSON 对象：每行应为一个 {…} 对象");
            return raw;
        }
        Err(e) => {
            row_error(
                &mut raw,
                "",
                format!("此行不是有效的 JSON（第 {} 列附近）：{e}", e.column()),
            );
            return raw;
        }
    };
    let mut seen: Vec<Field> = Vec::new();
    let mut entries: Vec<(String, &'static Column, &Value)> = Vec::new();
    for (key, value) in &object {
        if key == "complainant" {
            match value {
                Value::Null => {}
                Value::Object(person) => nested(&mut raw, person, &mut entries),
                _ => row_error(
                    &mut raw,
                    key,
                    "complainant 应为对象，如 {\"name\": \"张三\"}",
                ),
            }
            continue;
        }
        match find_column(key) {
            Some(col) => entries.push((key.clone(), col, value)),
            None => row_error(&mut raw, key, unknown_key_message()),
        }
    }
    for (key, col, value) in entries {
        if seen.contains(&col.field) {
            row_error(&mut raw, &key, "字段重复出现");
            raw.failed.push(col.field);
            continue;
        }
        seen.push(col.field);
        put_json(&mut raw, col, &key, value);
    }
    for col in crate::complaints::COLUMNS.iter().filter(|c| c.required) {
        if !seen.contains(&col.field) && !raw.failed.contains(&col.field) {
            row_error(&mut raw, col.name, "缺少必填字段");
            raw.failed.push(col.field);
        }
    }
    check_required(&mut raw, |f| column(f).name.to_string());
    raw
}

fn unknown_key_message() -> String {
    let names: Vec<&str> = crate::complaints::COLUMNS.iter().map(|c| c.name).collect();
    format!("未知字段；可用字段：{}", names.join("、"))
}

fn nested<'v>(
    raw: &mut RawRow,
    person: &'v Map<String, Value>,
    entries: &mut Vec<(String, &'static Column, &'v Value)>,
) {
    for (key, value) in person {
        let full = format!("complainant.{key}");
        match find_column(&full) {
            Some(col) => entries.push((full, col, value)),
            None => row_error(raw, &full, unknown_key_message()),
        }
    }
}

fn json_scalar(value: &Value) -> Option<RawValue> {
    Some(match value {
        Value::Null => RawValue::Empty,
        Value::String(s) => RawValue::Text(s.clone()),
        Value::Bool(b) => RawValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                RawValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                RawValue::BigInt(u)
            } else {
                RawValue::Float(n.as_f64()?)
            }
        }
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn put_json(raw: &mut RawRow, col: &Column, key: &str, value: &Value) {
    if let (ValueKind::List, Value::Array(items)) = (col.kind, value) {
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let text = json_scalar(item)
                .map(|v| convert(col, &v, ValueContext::default()))
                .unwrap_or_else(|| Err("列表中的每一项应为文字".into()));
            match text {
                Ok(Some(t)) => values.push(t),
                Ok(None) => {}
                Err(message) => {
                    row_error(raw, key, message);
                    raw.failed.push(col.field);
                    return;
                }
            }
        }
        set_list(&mut raw.input, col.field, values);
        return;
    }
    match json_scalar(value) {
        Some(v) => put_value(raw, col, key, &v, ValueContext::default()),
        None => {
            let expected = if col.kind == ValueKind::List {
                "应为文字或文字数组"
            } else {
                "应为文字或数字，不能是数组或对象"
            };
            row_error(raw, key, expected);
            raw.failed.push(col.field);
        }
    }
}
