//! The import report: parse errors and taxonomy validation errors together,
//! by the row and column the user sees.

mod common;

use common::{REQUIRED, V, header, now, ok_row, xlsx};
use xiaobao_domain::taxonomy::Taxonomy;
use xiaobao_ingest::complaints::{ImportCounts, ReadOptions, import_complaints};
use xiaobao_ingest::sniff::FileFormat;

fn errors_of(report: &xiaobao_ingest::complaints::ImportReport) -> Vec<(usize, &str)> {
    report
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect()
}

#[test]
fn parse_and_validation_errors_in_one_report() {
    let tax = Taxonomy::embedded().unwrap();
    let mut h = header(&REQUIRED);
    h.extend([V::S("证件号码"), V::S("外部编号")]);
    let mut good = ok_row();
    good.extend([V::S("11010119900101100X"), V::S("A-1")]);
    let mut bad_channel_and_id = ok_row();
    bad_channel_and_id[1] = V::S("飞鸽传书");
    bad_channel_and_id.extend([V::N(1.101_011_990_010_11e17), V::S("A-2")]);
    let mut empty_content = ok_row();
    empty_content[4] = V::E;
    let mut future = ok_row();
    future[0] = V::D(2026, 12, 31);
    let mut duplicate = ok_row();
    duplicate.extend([V::E, V::S("A-1")]);
    let bytes = xlsx(&[
        h,
        good,
        bad_channel_and_id,
        empty_content,
        future,
        duplicate,
    ]);

    let report = import_complaints(&bytes, &ReadOptions::default(), tax, now()).unwrap();
    assert_eq!(report.format, FileFormat::Xlsx);
    assert!(!report.is_clean());
    assert_eq!(
        report.counts(),
        ImportCounts {
            total_rows: 5,
            valid_rows: 1,
            error_rows: 4
        }
    );
    assert_eq!(report.valid[0].row, 2);
    assert_eq!(
        errors_of(&report),
        [
            (3, "证件号码"),
            (3, "投诉渠道"),
            (4, "投诉内容"),
            (5, "收到日期"),
            (6, "外部编号"),
        ]
    );
    let channel = &report.errors[1];
    assert!(
        channel.message.contains("营业现场"),
        "lists the allowed values"
    );
    // The empty content is reported once, by the reader, not again by validation.
    assert!(report.errors[2].message.contains("必填"));
    assert!(report.errors[4].message.contains("第 2 行"));
}

#[test]
fn columns_are_named_as_the_file_names_them() {
    let tax = Taxonomy::embedded().unwrap();
    let csv = "received_at,channel,business_category,reason,content\n\
               2026-11-02,飞鸽传书,银行卡,定价收费,内容\n";
    let report = import_complaints(csv.as_bytes(), &ReadOptions::default(), tax, now()).unwrap();
    assert_eq!(errors_of(&report), [(2, "channel")]);

    let jsonl = r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"内容","complainant":{"role":"邻居"},"amount":"12.345"}"#;
    let report = import_complaints(jsonl.as_bytes(), &ReadOptions::default(), tax, now()).unwrap();
    assert_eq!(report.format, FileFormat::JsonLines);
    let mut got = errors_of(&report);
    got.sort();
    assert_eq!(got, [(1, "amount"), (1, "complainant.role")]);
}

#[test]
fn a_clean_gbk_file_gives_codes() {
    let tax = Taxonomy::embedded().unwrap();
    let csv = "收到日期,投诉渠道,业务类别,投诉原因,投诉内容,投诉诉求\r\n\
               2026-11-02,电话渠道,银行卡,定价收费,年费被扣,申请退费、补偿\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let report = import_complaints(&gbk, &ReadOptions::default(), tax, now()).unwrap();
    assert!(report.is_clean(), "{:?}", report.errors);
    let v = &report.valid[0];
    assert_eq!(v.input.channel, "电话渠道");
    assert_ne!(
        v.complaint.classification.channel, "电话渠道",
        "stored as code"
    );
    assert_eq!(v.complaint.classification.demands.len(), 2);
}
