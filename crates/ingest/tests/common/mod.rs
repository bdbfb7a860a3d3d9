//! Helpers shared by the integration tests: small workbooks written with
//! rust_xlsxwriter, cell by cell, with the cell types Excel would store.

#![allow(dead_code)]

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

/// One cell as a user would have typed it in Excel.
#[derive(Debug, Clone, Copy)]
pub enum V<'a> {
    /// Text (or a number typed into a text-formatted column).
    S(&'a str),
    /// A number in a General-formatted cell.
    N(f64),
    /// A date cell.
    D(u16, u8, u8),
    /// A date-and-time cell.
    Dt(u16, u8, u8, u16, u8),
    /// Nothing.
    E,
}

pub fn write_cells(sheet: &mut Worksheet, first_row: u32, rows: &[Vec<V<'_>>]) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (r, cells) in rows.iter().enumerate() {
        let r = first_row + r as u32;
        for (c, v) in cells.iter().enumerate() {
            let c = c as u16;
            match *v {
                V::S(s) => {
                    sheet.write_string(r, c, s).unwrap();
                }
                V::N(f) => {
                    sheet.write_number(r, c, f).unwrap();
                }
                V::D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(y, m, d).unwrap();
                    sheet.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                V::Dt(y, m, d, h, mi) => {
                    let dt = ExcelDateTime::from_ymd(y, m, d)
                        .unwrap()
                        .and_hms(h, mi, 0)
                        .unwrap();
                    sheet
                        .write_datetime_with_format(r, c, &dt, &datetime)
                        .unwrap();
                }
                V::E => {}
            }
        }
    }
}

/// A one-sheet workbook (sheet `name`) with `rows` from row 1.
pub fn xlsx_named(name: &str, rows: &[Vec<V<'_>>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(name).unwrap();
    write_cells(sheet, 0, rows);
    wb.save_to_buffer().unwrap()
}

pub fn xlsx(rows: &[Vec<V<'_>>]) -> Vec<u8> {
    xlsx_named("Sheet1", rows)
}

/// The five required headers.
pub const REQUIRED: [&str; 5] = ["收到日期", "投诉渠道", "业务类别", "投诉原因", "投诉内容"];

/// A valid required-fields row.
pub fn ok_row() -> Vec<V<'static>> {
    vec![
        V::D(2026, 11, 2),
        V::S("电话渠道"),
        V::S("银行卡"),
        V::S("定价收费"),
        V::S("信用卡年费未经告知被扣收。要求退还。"),
    ]
}

pub fn header(names: &[&'static str]) -> Vec<V<'static>> {
    names.iter().map(|n| V::S(n)).collect()
}

/// The fixed "now" of the tests: after every date used.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T08:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
