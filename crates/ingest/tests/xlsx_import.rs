//! XLSX import: the template filled in, Excel's cell types, header problems
//! and row numbers as Excel shows them.

mod common;

use common::{REQUIRED, V, header, now, ok_row, write_cells, xlsx, xlsx_named};
use xiaobao_domain::taxonomy::Taxonomy;
use xiaobao_ingest::FileError;
use xiaobao_ingest::complaints::{
    COLUMNS, ParsedRow, ReadOptions, import_complaints, read_complaints, read_xlsx,
    taxonomy_allowed_values, template_workbook, template_xlsx,
};

fn opts() -> ReadOptions {
    ReadOptions::default()
}

fn only_errors(rows: &[ParsedRow]) -> Vec<(usize, String, String)> {
    rows.iter()
        .filter_map(|r| r.input.as_ref().err())
        .flatten()
        .map(|e| (e.row, e.column.clone(), e.message.clone()))
        .collect()
}

#[test]
fn filled_template_reads_back_exactly() {
    let tax = Taxonomy::embedded().unwrap();
    let mut wb = template_workbook(&taxonomy_allowed_values(tax)).unwrap();
    let sheet = wb.worksheet_from_index(0).unwrap();
    // Columns in template order (see COLUMNS).
    let full = vec![
        V::Dt(2026, 11, 2, 14, 30),
        V::S("电话渠道"),
        V::S("银行卡"),
        V::S("信用卡"),
        V::S("定价收费"),
        V::S("信用卡年费未经告知被扣收。要求退还。"),
        V::S("年费争议"),
        V::S("12378监管转办"),
        V::S("0101"),
        V::S("WO-2026-0001"),
        V::S("张三"),
        V::S("01088886666"),
        V::S("11010119900101100X"),
        V::S("6222021234567890123"),
        V::S("本人"),
        V::S("申请退费、补偿，赔礼道歉"),
        V::S("老年人"),
        V::S("白金信用卡"),
        V::S("1280.50"),
        V::S("zhangwei；10086"),
        V::S("年费"),
    ];
    assert_eq!(full.len(), COLUMNS.len());
    let minimal = {
        let mut r = vec![V::E; COLUMNS.len()];
        r[0] = V::D(2026, 11, 3);
        r[1] = V::S("营业现场");
        r[2] = V::S("银行卡");
        r[4] = V::S("服务态度及服务质量");
        r[5] = V::S("柜员态度差");
        r[18] = V::N(300.0);
        r
    };
    write_cells(sheet, 1, &[full, minimal]);
    let bytes = wb.save_to_buffer().unwrap();

    let rows = read_complaints(&bytes, &opts()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[1].row, 3);
    let a = rows[0].input.as_ref().unwrap();
    assert_eq!(a.received_at, "2026-11-02T14:30:00+08:00");
    assert_eq!(a.channel, "电话渠道");
    assert_eq!(a.business_subcategory.as_deref(), Some("信用卡"));
    assert_eq!(a.title.as_deref(), Some("年费争议"));
    assert_eq!(a.source.as_deref(), Some("12378监管转办"));
    assert_eq!(a.org.as_deref(), Some("0101"));
    assert_eq!(a.external_id.as_deref(), Some("WO-2026-0001"));
    let p = a.complainant.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("张三"));
    assert_eq!(p.phone.as_deref(), Some("01088886666"));
    assert_eq!(p.id_number.as_deref(), Some("11010119900101100X"));
    assert_eq!(p.card_number.as_deref(), Some("6222021234567890123"));
    assert_eq!(p.role.as_deref(), Some("本人"));
    assert_eq!(a.demands, ["申请退费", "补偿", "赔礼道歉"]);
    assert_eq!(a.vulnerable_flags, ["老年人"]);
    assert_eq!(a.product.as_deref(), Some("白金信用卡"));
    assert_eq!(a.amount.as_deref(), Some("1280.50"));
    assert_eq!(a.subject_staff, ["zhangwei", "10086"]);
    assert_eq!(a.tags, ["年费"]);
    let b = rows[1].input.as_ref().unwrap();
    assert_eq!(b.received_at, "2026-11-03");
    assert_eq!(b.amount.as_deref(), Some("300.00"));
    assert_eq!(b.complainant, None);
    assert!(b.demands.is_empty());

    let report = import_complaints(&bytes, &opts(), tax, now()).unwrap();
    assert!(report.is_clean(), "{:?}", report.errors);
    assert_eq!(report.valid.len(), 2);
    assert_eq!(report.valid[0].complaint.amount_fen, Some(128_050));
}

#[test]
fn empty_template_has_no_data_rows() {
    let tax = Taxonomy::embedded().unwrap();
    let bytes = template_xlsx(&taxonomy_allowed_values(tax)).unwrap();
    assert_eq!(read_xlsx(&bytes, &opts()), Err(FileError::NoDataRows));
}

#[test]
fn ten_digit_phone_in_a_number_cell_keeps_its_digits() {
    let mut h = header(&REQUIRED);
    h.push(V::S("联系电话"));
    let mut row = ok_row();
    row.push(V::N(1_088_886_666.0));
    let rows = read_xlsx(&xlsx(&[h, row]), &opts()).unwrap();
    let input = rows[0].input.as_ref().unwrap();
    assert_eq!(
        input.complainant.as_ref().unwrap().phone.as_deref(),
        Some("1088886666")
    );
}

#[test]
fn id_numbers_excel_has_rounded_are_refused() {
    let mut h = header(&REQUIRED);
    h.extend([V::S("证件号码"), V::S("卡号/账号")]);
    let mut float_id = ok_row();
    // What Excel stores for 110101199001011234 typed into a General cell.
    float_id.extend([V::N(1.101_011_990_010_11e17), V::S("6222021234567890")]);
    let mut sci_text = ok_row();
    sci_text.extend([V::S("110101199001011234"), V::S("6.22202E+15")]);
    let rows = read_xlsx(&xlsx(&[h, float_id, sci_text]), &opts()).unwrap();
    let errs = only_errors(&rows);
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1.as_str()), (2, "证件号码"));
    assert!(errs[0].2.contains("文本"), "{}", errs[0].2);
    assert_eq!((errs[1].0, errs[1].1.as_str()), (3, "卡号/账号"));
    assert!(errs[1].2.contains("科学计数法"), "{}", errs[1].2);
}

#[test]
fn row_numbers_are_the_ones_excel_shows() {
    // Row 1: a title; row 2: empty; row 3: header; row 5 empty; rows 4, 6, 7 data.
    let mut rows = vec![vec![V::S("2026年11月投诉台账")], vec![], header(&REQUIRED)];
    rows.push(ok_row());
    rows.push(vec![]);
    let mut bad = ok_row();
    bad[4] = V::S(" ");
    rows.push(bad);
    let mut unheaded = ok_row();
    unheaded.push(V::E);
    unheaded.push(V::S("多出的备注"));
    rows.push(unheaded);
    let parsed = read_xlsx(&xlsx(&rows), &opts()).unwrap();
    assert_eq!(parsed.iter().map(|r| r.row).collect::<Vec<_>>(), [4, 6, 7]);
    assert!(parsed[0].input.is_ok());
    let errs = only_errors(&parsed);
    assert_eq!(errs[0].0, 6);
    assert_eq!(errs[0].1, "投诉内容");
    assert!(errs[0].2.contains("必填"));
    assert_eq!(errs[1].0, 7);
    assert_eq!(errs[1].1, "第 G 列");
}

#[test]
fn unknown_columns_are_named() {
    let mut h = header(&REQUIRED);
    h.extend([V::S("备注"), V::S("经办人")]);
    let err = read_xlsx(&xlsx(&[h, ok_row()]), &opts()).unwrap_err();
    match &err {
        FileError::Header {
            row,
            unknown,
            missing,
            duplicated,
        } => {
            assert_eq!(*row, 1);
            assert_eq!(unknown, &["备注", "经办人"]);
            assert!(missing.is_empty() && duplicated.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("「备注」"), "{err}");
}

#[test]
fn missing_required_columns_are_one_file_error() {
    let h = header(&["收到日期", "投诉渠道", "业务类别"]);
    let err = read_xlsx(&xlsx(&[h, ok_row()]), &opts()).unwrap_err();
    assert_eq!(
        err,
        FileError::Header {
            row: 1,
            unknown: vec![],
            missing: vec!["投诉原因".into(), "投诉内容".into()],
            duplicated: vec![],
        }
    );
}

#[test]
fn duplicated_columns_are_refused() {
    let mut h = header(&REQUIRED);
    h.push(V::S("内容"));
    let err = read_xlsx(&xlsx(&[h, ok_row()]), &opts()).unwrap_err();
    assert!(
        matches!(&err, FileError::Header { duplicated, .. } if duplicated == &["内容"]),
        "{err:?}"
    );
}

#[test]
fn english_and_loose_headers_are_accepted() {
    let h = header(&[
        "received_at",
        " 投诉 渠道 ",
        "BUSINESS_CATEGORY",
        "*投诉原因",
        "投诉内容（必填）",
    ]);
    let rows = read_xlsx(&xlsx(&[h, ok_row()]), &opts()).unwrap();
    assert_eq!(rows[0].input.as_ref().unwrap().channel, "电话渠道");
}

#[test]
fn complaint_sheet_is_preferred_over_the_first() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let first = wb.add_worksheet();
    first.set_name("说明").unwrap();
    write_cells(first, 0, &[vec![V::S("这张表不是数据")]]);
    let data = wb.add_worksheet();
    data.set_name("投诉台账").unwrap();
    write_cells(data, 0, &[header(&REQUIRED), ok_row()]);
    let bytes = wb.save_to_buffer().unwrap();
    let rows = read_xlsx(&bytes, &opts()).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].input.is_ok());

    // Without a preferred name, the first sheet is read.
    let bytes = xlsx_named("Sheet1", &[header(&REQUIRED), ok_row()]);
    assert_eq!(read_xlsx(&bytes, &opts()).unwrap().len(), 1);
}

#[test]
fn dates_as_text_and_general_numbers() {
    let mut a = ok_row();
    a[0] = V::S("2026/11/2");
    let mut b = ok_row();
    b[0] = V::N(46_328.0);
    let mut c = ok_row();
    c[0] = V::S("2026-11-02 09:15");
    let rows = read_xlsx(&xlsx(&[header(&REQUIRED), a, b, c]), &opts()).unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| r.input.as_ref().unwrap().received_at.clone())
        .collect();
    assert_eq!(
        got,
        ["2026/11/2", "2026-11-02", "2026-11-02T09:15:00+08:00"]
    );
}

#[test]
fn row_limit_is_enforced() {
    let rows = vec![header(&REQUIRED), ok_row(), ok_row(), ok_row()];
    let limited = ReadOptions {
        max_rows: 2,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_xlsx(&xlsx(&rows), &limited),
        Err(FileError::TooManyRows { limit: 2 })
    );
    assert_eq!(read_xlsx(&xlsx(&rows[..3]), &limited).unwrap().len(), 2);
}

#[test]
fn a_stray_cell_in_the_last_column_is_named() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    write_cells(sheet, 0, &[header(&REQUIRED), ok_row()]);
    sheet.write_string(1, 16_383, "遗留数据").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let errs = only_errors(&read_xlsx(&bytes, &opts()).unwrap());
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].0, errs[0].1.as_str()), (2, "第 XFD 列"));
    assert!(errs[0].2.contains("没有表头"));
}
