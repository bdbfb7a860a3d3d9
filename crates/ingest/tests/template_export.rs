//! The import template and the XLSX/CSV exports, checked by reading the
//! files back.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, SheetVisible, Xlsx};
use chrono::NaiveDate;
use xiaobao_domain::taxonomy::Taxonomy;
use xiaobao_ingest::complaints::{
    COLUMNS, Cell, ComplaintExportWriter, CsvExportWriter, ExportColumn, ExportError,
    ExportOptions, ReadOptions, read_csv, read_xlsx, taxonomy_allowed_values, template_xlsx,
};

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn sheet_rows(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn template_has_headers_lists_and_instructions() {
    let tax = Taxonomy::embedded().unwrap();
    let allowed = taxonomy_allowed_values(tax);
    let bytes = template_xlsx(&allowed).unwrap();

    let wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    let sheets: Vec<_> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible))
        .collect();
    assert_eq!(
        sheets,
        [
            ("投诉".to_string(), SheetVisible::Visible),
            ("填写说明".to_string(), SheetVisible::Visible),
            ("选项".to_string(), SheetVisible::Hidden),
        ]
    );

    let data = sheet_rows(&bytes, "投诉");
    let headers: Vec<String> = data[0].iter().map(text).collect();
    let expected: Vec<&str> = COLUMNS.iter().map(|c| c.header).collect();
    assert_eq!(headers, expected);

    let info = sheet_rows(&bytes, "填写说明");
    assert_eq!(info.len(), 1 + COLUMNS.len() + 1 + 5);
    for (i, col) in COLUMNS.iter().enumerate() {
        let row = &info[i + 1];
        assert_eq!(text(&row[0]), col.header);
        assert_eq!(text(&row[1]), col.name);
        assert_eq!(text(&row[2]), if col.required { "必填" } else { "选填" });
    }
    let channel_row = &info[2];
    assert!(text(&channel_row[4]).contains("营业现场、自助机具"));

    let lists = sheet_rows(&bytes, "选项");
    assert_eq!(lists[0].len(), allowed.len());
    assert_eq!(text(&lists[0][0]), "投诉渠道");
    assert_eq!(text(&lists[1][0]), "营业现场");

    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert_eq!(
        xml.matches("<dataValidation ").count(),
        allowed.len(),
        "{xml}"
    );
    assert!(xml.contains("选项"));
    assert!(xml.contains(r#"ySplit="1""#), "frozen header");
    // Text format (built-in number format 49, "@") on the identifier columns.
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"numFmtId="49""#), "{styles}");
    // Date and text-formatted columns carry a column style (adjacent columns
    // with the same width and format may share one <col> element).
    let styled_cols = xml
        .split("<col ")
        .skip(1)
        .filter(|c| c.split('>').next().unwrap_or("").contains("style="))
        .count();
    assert!(styled_cols >= 5, "{xml}");

    // Column names in `allowed` are checked.
    let err = template_xlsx(&[("备注", vec!["x".into()])]).unwrap_err();
    assert!(matches!(err, ExportError::UnknownColumn(ref c) if c == "备注"));
    // Chinese headers work as keys too.
    assert!(template_xlsx(&[("投诉渠道", vec!["营业现场".into()])]).is_ok());
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn xlsx_export_types_and_sheet_rollover() {
    let columns = vec![
        ExportColumn::new("投诉编号"),
        ExportColumn::new("收到日期"),
        ExportColumn::new("联系电话").with_width(16.0),
        ExportColumn::new("争议金额(元)"),
        ExportColumn::new("结案时间"),
        ExportColumn::new("件数"),
    ];
    let options = ExportOptions {
        rows_per_sheet: 2,
        ..ExportOptions::default()
    };
    let mut w = ComplaintExportWriter::with_options(columns, options).unwrap();
    for i in 0..5 {
        let id = format!("TS2026110200{i}");
        w.write_row(&[
            Cell::from(id),
            Cell::Date(d(2026, 11, 2)),
            Cell::from("138****8000"),
            Cell::AmountFen(128_050),
            Cell::DateTime(d(2026, 11, 20).and_hms_opt(16, 45, 0).unwrap()),
            Cell::Integer(3),
        ])
        .unwrap();
    }
    assert!(matches!(
        w.write_row(&[Cell::Empty]),
        Err(ExportError::RowWidth {
            expected: 6,
            got: 1
        })
    ));
    assert_eq!(w.rows_written(), 5);
    let mut bytes = Vec::new();
    w.finish_to(&mut bytes).unwrap();

    let wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names, ["投诉", "投诉 (2)", "投诉 (3)"]);
    let mut data_rows = 0;
    for name in &names {
        let rows = sheet_rows(&bytes, name);
        assert_eq!(text(&rows[0][0]), "投诉编号");
        assert_eq!(text(&rows[0][3]), "争议金额(元)");
        data_rows += rows.len() - 1;
        let r = &rows[1];
        assert_eq!(text(&r[2]), "138****8000");
        match &r[1] {
            Data::DateTime(dt) => {
                assert_eq!(dt.as_f64(), 46_328.0);
                assert!(dt.is_datetime());
            }
            other => panic!("date expected: {other:?}"),
        }
        assert_eq!(r[3], Data::Float(1280.5));
        match &r[4] {
            Data::DateTime(dt) => assert_eq!(dt.to_ymd_hms_milli(), (2026, 11, 20, 16, 45, 0, 0)),
            other => panic!("datetime expected: {other:?}"),
        }
        assert_eq!(r[5], Data::Float(3.0));
    }
    assert_eq!(data_rows, 5);
    // Constant-memory worksheets store strings inline.
    assert!(part(&bytes, "xl/worksheets/sheet1.xml").contains("inlineStr"));
    assert!(part(&bytes, "xl/workbook.xml").contains("_FilterDatabase"));

    assert!(matches!(
        ComplaintExportWriter::new(vec![]),
        Err(ExportError::NoColumns)
    ));
}

/// A masked complaint row in import-column order.
fn masked_row(i: usize) -> Vec<Cell<'static>> {
    let mut row = vec![Cell::Empty; COLUMNS.len()];
    row[0] = Cell::Date(d(2026, 11, 2));
    row[1] = Cell::from("电话渠道");
    row[2] = Cell::from("银行卡");
    row[4] = Cell::from("定价收费");
    row[5] = Cell::from(format!("第 {i} 件：年费被扣，=要求退还"));
    row[9] = Cell::from(format!("00{i}"));
    row[10] = Cell::from("张*");
    row[11] = Cell::from("138****8000");
    row[12] = Cell::from("110101********100X");
    row[15] = Cell::from("申请退费、补偿");
    row[18] = Cell::AmountFen(128_050);
    row
}

fn import_columns() -> Vec<ExportColumn> {
    COLUMNS
        .iter()
        .map(|c| ExportColumn::new(c.header).with_width(c.width))
        .collect()
}

fn check_round_trip(rows: &[xiaobao_ingest::complaints::ParsedRow]) {
    assert_eq!(rows.len(), 3);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.row, i + 2);
        let input = r.input.as_ref().unwrap();
        assert_eq!(input.received_at, "2026-11-02");
        assert_eq!(input.content, format!("第 {i} 件：年费被扣，=要求退还"));
        assert_eq!(
            input.external_id.as_deref(),
            Some(format!("00{i}").as_str())
        );
        let p = input.complainant.as_ref().unwrap();
        assert_eq!(p.phone.as_deref(), Some("138****8000"));
        assert_eq!(p.id_number.as_deref(), Some("110101********100X"));
        assert_eq!(input.demands, ["申请退费", "补偿"]);
        assert_eq!(input.amount.as_deref(), Some("1280.50"));
    }
}

#[test]
fn exports_read_back_as_imports() {
    let mut w = ComplaintExportWriter::new(import_columns()).unwrap();
    for i in 0..3 {
        w.write_row(&masked_row(i)).unwrap();
    }
    let bytes = w.finish().unwrap();
    check_round_trip(&read_xlsx(&bytes, &ReadOptions::default()).unwrap());

    let mut csv = CsvExportWriter::new(Vec::new(), &import_columns()).unwrap();
    for i in 0..3 {
        csv.write_row(&masked_row(i)).unwrap();
    }
    assert_eq!(csv.rows_written(), 3);
    let bytes = csv.finish().unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF\xE6\x94\xB6"),
        "BOM then 收"
    );
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(
        text.contains("\r\n2026-11-02,电话渠道,银行卡,,定价收费,"),
        "{text}"
    );
    check_round_trip(&read_csv(&bytes, &ReadOptions::default()).unwrap());
}

#[test]
fn csv_export_defuses_formulas() {
    let cols = [ExportColumn::new("备注"), ExportColumn::new("金额")];
    let mut csv = CsvExportWriter::new(Vec::new(), &cols).unwrap();
    csv.write_row(&[Cell::from("=HYPERLINK(\"http://x\")"), Cell::AmountFen(-5)])
        .unwrap();
    let out = String::from_utf8(csv.finish().unwrap()).unwrap();
    assert_eq!(
        out,
        "\u{FEFF}备注,金额\r\n\"'=HYPERLINK(\"\"http://x\"\")\",-0.05\r\n"
    );
    assert!(matches!(
        CsvExportWriter::new(Vec::new(), &[]),
        Err(ExportError::NoColumns)
    ));
}
