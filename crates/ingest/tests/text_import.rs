//! CSV (UTF-8, UTF-8 with BOM, GBK, UTF-16 tab-separated) and JSON Lines.

use xiaobao_ingest::FileError;
use xiaobao_ingest::complaints::{ParsedRow, ReadOptions, read_complaints, read_csv, read_jsonl};

fn opts() -> ReadOptions {
    ReadOptions::default()
}

const CSV: &str = "收到日期,投诉渠道,业务类别,投诉原因,投诉内容,联系电话,证件号码,投诉诉求\n\
2026-11-02,电话渠道,银行卡,定价收费,信用卡年费未经告知被扣收,01088886666,11010119900101100X,退还费用、赔偿\n\
2026/11/3,营业现场,银行卡,服务态度,柜员态度差,13800138000,,道歉；解释\n";

fn errors(rows: &[ParsedRow]) -> Vec<(usize, String, String)> {
    rows.iter()
        .filter_map(|r| r.input.as_ref().err())
        .flatten()
        .map(|e| (e.row, e.column.clone(), e.message.clone()))
        .collect()
}

fn check_two_rows(rows: &[ParsedRow]) {
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].row, rows[1].row), (2, 3));
    let a = rows[0].input.as_ref().unwrap();
    assert_eq!(a.content, "信用卡年费未经告知被扣收");
    let p = a.complainant.as_ref().unwrap();
    assert_eq!(p.phone.as_deref(), Some("01088886666"));
    assert_eq!(p.id_number.as_deref(), Some("11010119900101100X"));
    assert_eq!(a.demands, ["退还费用", "赔偿"]);
    let b = rows[1].input.as_ref().unwrap();
    assert_eq!(b.received_at, "2026/11/3");
    assert_eq!(b.complainant.as_ref().unwrap().id_number, None);
    assert_eq!(b.demands, ["道歉", "解释"]);
}

#[test]
fn csv_utf8_with_and_without_bom() {
    check_two_rows(&read_complaints(CSV.as_bytes(), &opts()).unwrap());
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    check_two_rows(&read_complaints(&bom, &opts()).unwrap());
    check_two_rows(&read_csv(&bom, &opts()).unwrap());
}

#[test]
fn csv_gbk_as_excel_saves_it_in_china() {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(CSV);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    check_two_rows(&read_complaints(&gbk, &opts()).unwrap());
}

#[test]
fn utf16_tab_separated_unicode_text() {
    let tsv = CSV.replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
    check_two_rows(&read_complaints(&bytes, &opts()).unwrap());
}

#[test]
fn csv_rows_count_like_excel_across_quoted_line_breaks() {
    let csv = "收到日期,投诉渠道,业务类别,投诉原因,投诉内容\r\n\
2026-11-02,电话渠道,银行卡,定价收费,\"第一行\r\n第二行\r\n第三行\"\r\n\
\r\n\
2026-11-02,电话渠道,银行卡,定价收费,\r\n\
2026-11-02,飞鸽,银行卡,定价收费,正常内容\r\n";
    let rows = read_csv(csv.as_bytes(), &opts()).unwrap();
    // Excel: header 1, multi-line record 2, blank 3, empty content 4, last 5.
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4, 5]);
    assert_eq!(
        rows[0].input.as_ref().unwrap().content,
        "第一行\r\n第二行\r\n第三行"
    );
    let errs = errors(&rows);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1.as_str()), (4, "投诉内容"));
}

#[test]
fn csv_scientific_id_is_a_cell_error() {
    let csv = "收到日期,投诉渠道,业务类别,投诉原因,投诉内容,证件号码\n\
2026-11-02,电话渠道,银行卡,定价收费,内容,1.10101E+17\n";
    let rows = read_csv(csv.as_bytes(), &opts()).unwrap();
    let errs = errors(&rows);
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].0, errs[0].1.as_str()), (2, "证件号码"));
    assert!(errs[0].2.contains("科学计数法"));
}

#[test]
fn csv_header_problems() {
    let csv = "收到日期,投诉渠道,业务类别,投诉原因,投诉内容,备注\n2026-11-02,电话渠道,银行卡,定价收费,内容,x\n";
    let err = read_csv(csv.as_bytes(), &opts()).unwrap_err();
    assert!(
        matches!(&err, FileError::Header { unknown, .. } if unknown == &["备注"]),
        "{err:?}"
    );
    let csv = "received_at,channel,business_category,reason\n2026-11-02,电话渠道,银行卡,定价收费\n";
    let err = read_csv(csv.as_bytes(), &opts()).unwrap_err();
    assert!(
        matches!(&err, FileError::Header { missing, unknown, .. } if missing == &["投诉内容"] && unknown.is_empty()),
        "{err:?}"
    );
}

#[test]
fn jsonl_nested_and_flat() {
    let text = concat!(
        r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"年费","complainant":{"name":"张三","phone":13800138000,"id_number":110101199001011234},"demands":["退还费用","赔偿"],"amount":1280.5}"#,
        "\n",
        "\n",
        r#"{"received_at":"2026-11-03","channel":"营业现场","business_category":"银行卡","reason":"服务态度","content":"态度差","complainant.name":"李四","complainant.card_number":"6222021234567890123","tags":"甲、乙","complainant":null}"#,
        "\n"
    );
    let rows = read_complaints(text.as_bytes(), &opts()).unwrap();
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [1, 3]);
    let a = rows[0].input.as_ref().unwrap();
    let p = a.complainant.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("张三"));
    assert_eq!(p.phone.as_deref(), Some("13800138000"));
    // A JSON integer is exact, unlike an Excel float.
    assert_eq!(p.id_number.as_deref(), Some("110101199001011234"));
    assert_eq!(a.demands, ["退还费用", "赔偿"]);
    assert_eq!(a.amount.as_deref(), Some("1280.50"));
    let b = rows[1].input.as_ref().unwrap();
    let p = b.complainant.as_ref().unwrap();
    assert_eq!(p.name.as_deref(), Some("李四"));
    assert_eq!(p.card_number.as_deref(), Some("6222021234567890123"));
    assert_eq!(b.tags, ["甲", "乙"]);
}

#[test]
fn jsonl_errors_are_per_line() {
    let text = concat!(
        r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"好的"}"#,
        "\n",
        r#"{"received_at":"2026-11-02", "channel": "#,
        "\n",
        r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"x","remark":"?","complainant":{"mobile":"1"}}"#,
        "\n",
        r#"{"channel":"电话渠道","business_category":"银行卡","content":"x","complainant":{"id_number":1.10101199001011e17}}"#,
        "\n",
        r#"["not","an","object"]"#,
        "\n",
        r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"x","complainant":"张三","demands":{"a":1}}"#,
        "\n",
        r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"x","complainant.name":"甲","complainant":{"name":"乙"}}"#,
    );
    let rows = read_jsonl(text.as_bytes(), &opts()).unwrap();
    assert_eq!(rows.len(), 7);
    assert!(rows[0].input.is_ok());
    let errs = errors(&rows);
    let on = |line: usize| -> Vec<(String, String)> {
        errs.iter()
            .filter(|e| e.0 == line)
            .map(|e| (e.1.clone(), e.2.clone()))
            .collect()
    };
    let l2 = on(2);
    assert_eq!(l2.len(), 1);
    assert!(l2[0].0.is_empty() && l2[0].1.contains("JSON"), "{l2:?}");
    let mut l3: Vec<_> = on(3).into_iter().map(|e| e.0).collect();
    l3.sort();
    assert_eq!(l3, ["complainant.mobile", "remark"]);
    let l4 = on(4);
    let cols: Vec<_> = l4.iter().map(|e| e.0.as_str()).collect();
    assert!(cols.contains(&"complainant.id_number"), "{l4:?}");
    assert!(
        cols.contains(&"received_at") && cols.contains(&"reason"),
        "{l4:?}"
    );
    assert!(l4.iter().any(|e| e.1.contains("15 位")), "{l4:?}");
    assert!(on(5)[0].1.contains("JSON 对象"));
    let mut l6: Vec<_> = on(6).into_iter().map(|e| e.0).collect();
    l6.sort();
    assert_eq!(l6, ["complainant", "demands"]);
    let l7 = on(7);
    assert_eq!(l7.len(), 1, "{l7:?}");
    assert!(l7[0].1.contains("重复"));
}

/// A file large enough to be read on several threads keeps file order,
/// line numbers (blank lines counted) and each bad line's own error.
#[test]
fn a_large_jsonl_file_keeps_order_and_line_numbers() {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut line_no = 0;
    for i in 0..9_001u32 {
        line_no += 1;
        if i % 1_000 == 999 {
            text.push_str("{\"received_at\": \n");
            expected.push((line_no, None));
        } else {
            text.push_str(&format!(
                "{{\"received_at\":\"2026-11-02\",\"channel\":\"电话渠道\",\"business_category\":\"银行卡\",\"reason\":\"定价收费\",\"content\":\"第{i}件\"}}\n"
            ));
            expected.push((line_no, Some(format!("第{i}件"))));
        }
        if i % 700 == 0 {
            text.push('\n');
            line_no += 1;
        }
    }
    let rows = read_complaints(text.as_bytes(), &opts()).unwrap();
    let got: Vec<(usize, Option<String>)> = rows
        .iter()
        .map(|r| (r.row, r.input.as_ref().ok().map(|i| i.content.clone())))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(rows.iter().filter(|r| r.input.is_err()).count(), 9);
}
