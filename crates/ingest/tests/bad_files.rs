//! Files that cannot be imported get one precise file error, never a panic.

mod common;

use std::io::{Cursor, Write};

use common::{REQUIRED, fixture, header, ok_row, xlsx};
use xiaobao_ingest::FileError;
use xiaobao_ingest::complaints::{ReadOptions, read_complaints, read_csv, read_jsonl, read_xlsx};
use zip::write::SimpleFileOptions;

fn opts() -> ReadOptions {
    ReadOptions::default()
}

fn zip_of(entries: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn empty_files() {
    for read in [read_complaints, read_xlsx, read_csv, read_jsonl] {
        assert_eq!(read(b"", &opts()), Err(FileError::Empty));
    }
    assert_eq!(read_complaints(b"  \r\n ", &opts()), Err(FileError::Empty));
    assert_eq!(
        read_complaints(b"\xEF\xBB\xBF\n", &opts()),
        Err(FileError::Empty)
    );
}

#[test]
fn corrupt_zip() {
    let good = xlsx(&[header(&REQUIRED), ok_row()]);
    let truncated = &good[..good.len() / 2];
    let err = read_complaints(truncated, &opts()).unwrap_err();
    assert!(matches!(err, FileError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("损坏"), "{err}");

    let mut garbage = b"PK\x03\x04".to_vec();
    garbage.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    let err = read_complaints(&garbage, &opts()).unwrap_err();
    assert!(matches!(err, FileError::Corrupt { .. }), "{err:?}");
}

#[test]
fn zip_without_a_workbook() {
    let stored = zip::CompressionMethod::Stored;
    let plain = zip_of(&[("readme.txt", b"hello")], stored);
    let err = read_complaints(&plain, &opts()).unwrap_err();
    assert!(matches!(err, FileError::NotSpreadsheet { .. }), "{err:?}");

    let docx = zip_of(&[("word/document.xml", b"<w:document/>")], stored);
    let err = read_complaints(&docx, &opts()).unwrap_err();
    assert!(err.to_string().contains("Word"), "{err}");

    let xlsb = zip_of(&[("xl/workbook.bin", b"\0")], stored);
    let err = read_complaints(&xlsb, &opts()).unwrap_err();
    assert!(
        matches!(&err, FileError::Unsupported { what } if what.contains(".xlsb")),
        "{err:?}"
    );

    // Parts named like a workbook but missing the package structure.
    let broken = zip_of(&[("xl/workbook.xml", b"<workbook/>")], stored);
    let err = read_complaints(&broken, &opts()).unwrap_err();
    assert!(matches!(err, FileError::Corrupt { .. }), "{err:?}");
}

#[test]
fn encrypted_workbook() {
    let bytes = fixture("encrypted.xlsx");
    assert_eq!(read_complaints(&bytes, &opts()), Err(FileError::Encrypted));
    assert_eq!(read_xlsx(&bytes, &opts()), Err(FileError::Encrypted));
    assert!(FileError::Encrypted.to_string().contains("密码"));
}

#[test]
fn legacy_xls_is_told_to_be_resaved() {
    let bytes = fixture("legacy.xls");
    assert_eq!(read_complaints(&bytes, &opts()), Err(FileError::LegacyXls));
}

#[test]
fn not_a_spreadsheet_at_all() {
    let err = read_complaints(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", &opts()).unwrap_err();
    assert!(
        matches!(&err, FileError::Unsupported { what } if what.contains("PDF")),
        "{err:?}"
    );
    let err = read_complaints(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &opts()).unwrap_err();
    assert!(matches!(err, FileError::Unsupported { .. }), "{err:?}");
    let err = read_complaints(b"<html><body><table><tr><td>1</td></tr>", &opts()).unwrap_err();
    assert!(err.to_string().contains(".xlsx"), "{err}");
    // A text reader handed a workbook says so instead of decoding binary.
    assert_eq!(
        read_csv(&fixture("legacy.xls"), &opts()),
        Err(FileError::LegacyXls)
    );
    let workbook = xlsx(&[header(&REQUIRED), ok_row()]);
    assert!(matches!(
        read_jsonl(&workbook, &opts()),
        Err(FileError::Unsupported { .. })
    ));
}

#[test]
fn decompression_bomb_is_refused_before_inflating() {
    // 20 MiB of zeros deflate to about 20 KiB.
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let bomb = zip_of(
        &[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/sharedStrings.xml", &zeros),
        ],
        zip::CompressionMethod::Deflated,
    );
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    let limited = ReadOptions {
        max_uncompressed_bytes: 16 * 1024 * 1024,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_complaints(&bomb, &limited),
        Err(FileError::TooLargeUncompressed {
            limit_mb: 16,
            declared_mb: 20
        })
    );
}

#[test]
fn too_many_parts_is_refused() {
    let bytes = xlsx(&[header(&REQUIRED), ok_row()]);
    let limited = ReadOptions {
        max_zip_entries: 3,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_complaints(&bytes, &limited),
        Err(FileError::TooManyEntries { limit: 3 })
    );
    assert!(read_complaints(&bytes, &opts()).is_ok());
}

#[test]
fn too_many_rows_in_text_files() {
    let limited = ReadOptions {
        max_rows: 2,
        ..ReadOptions::default()
    };
    let csv = "收到日期,投诉渠道,业务类别,投诉原因,投诉内容\n\
               2026-11-02,电话渠道,银行卡,定价收费,甲\n\
               2026-11-02,电话渠道,银行卡,定价收费,乙\n\
               2026-11-02,电话渠道,银行卡,定价收费,丙\n";
    assert_eq!(
        read_complaints(csv.as_bytes(), &limited),
        Err(FileError::TooManyRows { limit: 2 })
    );
    let line = r#"{"received_at":"2026-11-02","channel":"电话渠道","business_category":"银行卡","reason":"定价收费","content":"甲"}"#;
    let jsonl = format!("{line}\n{line}\n\n{line}\n");
    assert_eq!(
        read_complaints(jsonl.as_bytes(), &limited),
        Err(FileError::TooManyRows { limit: 2 })
    );
}

#[test]
fn header_only_and_blank_sheets() {
    let only_header = xlsx(&[header(&REQUIRED)]);
    assert_eq!(read_xlsx(&only_header, &opts()), Err(FileError::NoDataRows));
    let blank = xlsx(&[]);
    assert_eq!(read_xlsx(&blank, &opts()), Err(FileError::NoDataRows));
    assert_eq!(
        read_csv(
            "收到日期,投诉渠道,业务类别,投诉原因,投诉内容\n,,,,\n".as_bytes(),
            &opts()
        ),
        Err(FileError::NoDataRows)
    );
}

#[test]
fn undecodable_text() {
    assert_eq!(
        read_complaints(b"a,b\n\xFF\xFE\xFF", &opts()),
        Err(FileError::Encoding)
    );
}
