//! The import template: the Chinese headers with text-formatted identifier
//! columns, drop-down lists of allowed values, and a 填写说明 sheet.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, Formula, Note, Workbook,
};
use xiaobao_domain::taxonomy::{Dimension, Taxonomy};

use super::columns::{COLUMNS, Column, ValueKind, find_column};
use super::export::ExportError;

/// Name of the data sheet; the reader prefers it over other sheets.
pub const TEMPLATE_SHEET: &str = "投诉";
/// Name of the instructions sheet.
pub const INSTRUCTIONS_SHEET: &str = "填写说明";
/// Hidden sheet holding the drop-down lists.
pub const LISTS_SHEET: &str = "选项";

/// Last 0-based row the drop-down lists and column formats cover.
const LAST_ROW: u32 = 1_048_575;

/// The allowed values of every list column of the taxonomy, keyed by
/// contract field name, ready for [`template_xlsx`].
pub fn taxonomy_allowed_values(taxonomy: &Taxonomy) -> Vec<(&'static str, Vec<String>)> {
    Dimension::ALL
        .iter()
        .map(|&dim| {
            let mut names: Vec<String> = Vec::new();
            for e in taxonomy.entries(dim) {
                if !names.contains(&e.name) {
                    names.push(e.name.clone());
                }
            }
            (dim.field_name(), names)
        })
        .collect()
}

/// The template as an XLSX file. `allowed` gives, per column (English name
/// or Chinese header), the values its drop-down offers.
pub fn template_xlsx(allowed: &[(&str, Vec<String>)]) -> Result<Vec<u8>, ExportError> {
    Ok(template_workbook(allowed)?.save_to_buffer()?)
}

/// The template as a workbook, for a caller that adds rows (an example, or
/// rows being corrected) before saving. Sheet 0 is the data sheet.
pub fn template_workbook(allowed: &[(&str, Vec<String>)]) -> Result<Workbook, ExportError> {
    let mut lists: Vec<(&'static Column, &[String])> = Vec::new();
    for (name, values) in allowed {
        let col = find_column(name).ok_or_else(|| ExportError::UnknownColumn(name.to_string()))?;
        lists.retain(|(c, _)| c.field != col.field);
        lists.push((col, values.as_slice()));
    }
    lists.sort_by_key(|(c, _)| c.field);
    let allowed_for = |col: &Column| {
        lists
            .iter()
            .find(|(c, _)| c.field == col.field)
            .map(|(_, v)| *v)
            .filter(|v| !v.is_empty())
    };

    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let required_header = header.clone().set_font_color(0xC00000);
    // Built-in format 49 is Excel's own "Text" (`@`).
    let text = Format::new().set_num_format_index(49);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name(TEMPLATE_SHEET)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_row_height(0, 22)?;
    for (i, col) in COLUMNS.iter().enumerate() {
        let c = i as u16;
        sheet.set_column_width(c, col.width)?;
        if col.is_text_formatted() {
            sheet.set_column_format(c, &text)?;
        } else if col.kind == ValueKind::Date {
            sheet.set_column_format(c, &date)?;
        }
        let fmt = if col.required {
            &required_header
        } else {
            &header
        };
        sheet.write_string_with_format(0, c, col.header, fmt)?;
        let mut note = String::from(if col.required {
            "必填。"
        } else {
            "选填。"
        });
        note.push_str(col.note);
        sheet.insert_note(0, c, &Note::new(note).set_author("xiaobao"))?;
    }

    // Drop-downs read their values from a hidden sheet: Excel limits a
    // literal list to 255 characters.
    let mut list_column: u16 = 0;
    let mut validations = Vec::new();
    for (i, col) in COLUMNS.iter().enumerate() {
        let Some(values) = allowed_for(col) else {
            continue;
        };
        validations.push((i as u16, list_column, col, values));
        list_column += 1;
    }
    for (c, lc, col, values) in &validations {
        let letter = super::read::column_letters(usize::from(*lc));
        let range = format!(
            "='{LISTS_SHEET}'!${letter}$2:${letter}${}",
            values.len() + 1
        );
        let mut dv = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .ignore_blank(true);
        dv = if col.kind == ValueKind::List {
            dv.set_error_style(DataValidationErrorStyle::Information)
                .set_input_title("可多选")?
                .set_input_message("可从列表选择一项，或填写多项并用顿号“、”分隔")?
        } else {
            dv.set_error_title("取值无效")?
                .set_error_message("请从下拉列表中选择")?
        };
        sheet.add_data_validation(1, *c, LAST_ROW, *c, &dv)?;
    }

    let info = workbook.add_worksheet();
    info.set_name(INSTRUCTIONS_SHEET)?;
    info.set_freeze_panes(1, 0)?;
    for (c, (title, width)) in [
        ("列名", 16.0),
        ("字段名", 24.0),
        ("是否必填", 10.0),
        ("填写说明", 50.0),
        ("可选值", 60.0),
    ]
    .iter()
    .enumerate()
    {
        info.set_column_width(c as u16, *width)?;
        info.write_string_with_format(0, c as u16, *title, &header)?;
    }
    for (i, col) in COLUMNS.iter().enumerate() {
        let r = i as u32 + 1;
        info.write_string(r, 0, col.header)?;
        info.write_string(r, 1, col.name)?;
        info.write_string(r, 2, if col.required { "必填" } else { "选填" })?;
        info.write_string_with_format(r, 3, col.note, &wrap)?;
        let values = allowed_for(col).map(|v| v.join("、")).unwrap_or_default();
        info.write_string_with_format(r, 4, values, &wrap)?;
    }
    let notes = [
        "1. 在“投诉”工作表中每行填写一件投诉，第一行表头请勿修改；红色表头为必填列。",
        "2. 多个值（投诉诉求、特殊群体、被投诉员工、标签）用顿号“、”、逗号或分号分隔。",
        "3. 联系电话、证件号码、卡号/账号、争议金额等列已设为文本格式，请勿改为数值，否则长号码会被 Excel 改写。",
        "4. 收到日期填写 YYYY-MM-DD，如 2026-11-02；可带时间，如 2026-11-02 14:30。",
        "5. 导入时所有行一起校验：有任何错误，整批都不会导入，并逐行逐列列出错误。",
    ];
    let start = COLUMNS.len() as u32 + 2;
    for (i, line) in notes.iter().enumerate() {
        info.write_string(start + i as u32, 0, *line)?;
    }

    let lists_sheet = workbook.add_worksheet();
    lists_sheet.set_name(LISTS_SHEET)?;
    for (_, lc, col, values) in &validations {
        lists_sheet.write_string(0, *lc, col.header)?;
        for (r, v) in values.iter().enumerate() {
            lists_sheet.write_string(r as u32 + 1, *lc, v)?;
        }
    }
    lists_sheet.set_hidden(true);
    Ok(workbook)
}
