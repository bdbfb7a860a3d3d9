//! Letters written as DOCX and PDF and read back with the platform's own
//! document reader: whatever a letter says must come back, in order.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use xiaobao_documents::{BlockKind, Document, DocumentError, Limits, read_document};
use xiaobao_letters::{Block, Letter, LetterError, to_docx, to_pdf};

fn opinion_letter() -> Letter {
    Letter {
        title: "消保审查意见书".into(),
        reference: Some("审查编号：SC20261127000001".into()),
        blocks: vec![
            Block::Heading("一、审查结论".into()),
            Block::Paragraph(
                "经审查，“稳盈1号”理财产品宣传材料存在夸大收益、承诺保本等问题，需修改后重新报审。\n\
                 审查依据：《银行保险机构消费者权益保护管理办法》（国家金融监督管理总局令2023年第7号）。"
                    .into(),
            ),
            Block::Heading("二、具体意见".into()),
            Block::Table {
                header: vec![
                    "序号".into(),
                    "问题原文".into(),
                    "问题类型".into(),
                    "修改意见".into(),
                ],
                rows: vec![
                    vec![
                        "1".into(),
                        "保本保息，稳赚不赔".into(),
                        "承诺保本".into(),
                        "删除保本保息表述，提示产品不保本，理财非存款、产品有风险、投资须谨慎。".into(),
                    ],
                    vec![
                        "2".into(),
                        "年化收益率高达8%".into(),
                        "夸大收益".into(),
                        "改为业绩比较基准并注明 past performance is not a guarantee of future results。".into(),
                    ],
                    vec!["3".into(), "全行最低费率".into(), "绝对化用语".into()],
                ],
                widths: vec![1, 4, 2, 5],
            },
            Block::Paragraph("请于收到本意见书之日起五个工作日内完成修改。".into()),
            Block::Signature(vec!["某某银行消费者权益保护部".into(), "2026年11月27日".into()]),
        ],
    }
}

/// Everything a reader must find, in reading order.
fn expected(letter: &Letter) -> Vec<String> {
    let mut out = vec![letter.title.clone()];
    out.extend(letter.reference.clone());
    for block in &letter.blocks {
        match block {
            Block::Heading(t) | Block::Paragraph(t) => out.push(t.clone()),
            Block::Table { header, rows, .. } => {
                out.extend(header.iter().cloned());
                for row in rows {
                    out.extend(row.iter().cloned());
                }
            }
            Block::Signature(lines) => out.extend(lines.iter().cloned()),
        }
    }
    out.retain(|t| !t.trim().is_empty());
    out
}

/// The text of one block of a document read back.
fn block_text(doc: &Document, block: &xiaobao_documents::Block) -> String {
    doc.text
        .chars()
        .skip(block.char_start)
        .take(block.char_end - block.char_start)
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Each expected text occurs in `text` after the one before it, ignoring
/// whitespace (line breaks land where the layout puts them).
fn assert_in_order(text: &str, expected: &[String]) {
    let text = squash(text);
    let mut from = 0;
    for want in expected {
        let want = squash(want);
        match text[from..].find(&want) {
            Some(at) => from += at + want.len(),
            None => panic!(
                "{want:?} not found after byte {from} of the read text:\n{}",
                &text[from.min(text.len())..]
            ),
        }
    }
}

fn read(bytes: &[u8], name: &str) -> Document {
    read_document(bytes, Some(name), &Limits::default(), None)
        .unwrap_or_else(|e| panic!("{name} could not be read back: {e}"))
}

/// Every XML part of the package parses to the end with matching tags.
fn assert_well_formed(docx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("a ZIP package");
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut xml = String::new();
        entry.read_to_string(&mut xml).unwrap();
        let mut reader = Reader::from_str(&xml);
        let mut elements = 0;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(_) | Event::Empty(_)) => elements += 1,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed XML: {e}\n{xml}"),
            }
        }
        assert!(elements > 0, "{name} has no elements");
        names.push(name);
    }
    names
}

#[test]
fn docx_reads_back_in_order_with_title_and_headings_as_headings() {
    let letter = opinion_letter();
    let bytes = to_docx(&letter).unwrap();
    let names = assert_well_formed(&bytes);
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
    ] {
        assert!(names.iter().any(|n| n == part), "{part} missing: {names:?}");
    }
    let doc = read(&bytes, "x.docx");
    assert_in_order(&doc.text, &expected(&letter));
    assert_eq!(block_text(&doc, &doc.blocks[0]), "消保审查意见书");
    assert_eq!(doc.blocks[0].kind, BlockKind::Heading { level: 1 });
    let heading = doc
        .blocks
        .iter()
        .find(|b| block_text(&doc, b) == "二、具体意见")
        .unwrap();
    assert_eq!(heading.kind, BlockKind::Heading { level: 1 });
    // The short third row is padded with an empty cell, not shifted.
    let cell = doc
        .blocks
        .iter()
        .find(|b| block_text(&doc, b) == "绝对化用语")
        .unwrap();
    assert!(
        matches!(cell.kind, BlockKind::TableCell { row: 4, col: 3, .. }),
        "{:?}",
        cell.kind
    );
}

#[test]
fn pdf_reads_back_in_order_with_the_standard_chinese_font() {
    let letter = opinion_letter();
    let bytes = to_pdf(&letter).unwrap();
    let doc = read(&bytes, "x.pdf");
    assert_in_order(&doc.text, &expected(&letter));
    assert_eq!(doc.pages.len(), 1);
    let page = &doc.pages[0];
    assert_eq!(
        (page.width.map(f32::round), page.height.map(f32::round)),
        (Some(595.0), Some(842.0)),
        "A4"
    );
    // The title is set larger than the body: a heading to the reader.
    assert_eq!(block_text(&doc, &doc.blocks[0]), "消保审查意见书");
    assert!(matches!(doc.blocks[0].kind, BlockKind::Heading { .. }));
    // The font is referenced, not embedded.
    let raw = String::from_utf8_lossy(&bytes);
    for needle in [
        "/STSong-Light",
        "/UniGB-UCS2-H",
        "/CIDFontType0",
        "/ToUnicode",
        "/FontDescriptor",
    ] {
        assert!(raw.contains(needle), "{needle} missing");
    }
    assert!(!raw.contains("/FontFile"), "no font is embedded");
}

fn long_letter() -> Letter {
    let rows: Vec<Vec<String>> = (1..=60)
        .map(|i| {
            vec![
                i.to_string(),
                format!("第{i}条宣传语：本产品收益稳定，历史业绩优异，购买即享高额回报{i}。"),
                "夸大收益".into(),
                format!(
                    "意见{i}：删除“收益稳定”“高额回报”等表述，补充风险揭示，并标明业绩比较基准的测算依据（编号 OP-{i:03}）。"
                ),
            ]
        })
        .collect();
    Letter {
        title: "消保审查意见书".into(),
        reference: Some("审查编号：SC20261127000002".into()),
        blocks: vec![
            Block::Heading("审查意见".into()),
            Block::Table {
                header: vec![
                    "序号".into(),
                    "原文".into(),
                    "类型".into(),
                    "修改意见".into(),
                ],
                rows,
                widths: vec![1, 5, 2, 6],
            },
            Block::Signature(vec!["消费者权益保护部".into(), "2026年11月27日".into()]),
        ],
    }
}

#[test]
fn a_long_table_runs_over_several_pages_and_keeps_every_cell() {
    let letter = long_letter();
    let pdf = to_pdf(&letter).unwrap();
    let doc = read(&pdf, "x.pdf");
    assert!(
        doc.pages.len() >= 3,
        "60 opinions fit on {} pages",
        doc.pages.len()
    );
    assert_in_order(&doc.text, &expected(&letter));
    // The header row is repeated at the top of each page the table runs on.
    let headers = doc.text.matches("修改意见").count();
    assert_eq!(headers, doc.pages.len(), "{}", doc.text);
    // Page numbers are on every page.
    let last = format!("第{0}页共{0}页", doc.pages.len());
    assert!(squash(&doc.text).contains(&last));

    let docx = to_docx(&letter).unwrap();
    assert_well_formed(&docx);
    assert_in_order(&read(&docx, "x.docx").text, &expected(&letter));
}

#[test]
fn a_cell_taller_than_a_page_continues_on_the_next() {
    let long: String = (1..=400).map(|i| format!("第{i}句。")).collect();
    let letter = Letter {
        title: "决定通知书".into(),
        reference: None,
        blocks: vec![
            Block::Table {
                header: vec!["项目".into(), "内容".into()],
                rows: vec![
                    vec!["事实".into(), long.clone()],
                    vec!["结论".into(), "维持".into()],
                ],
                widths: vec![1, 4],
            },
            Block::Paragraph("特此通知。".into()),
        ],
    };
    let pdf = to_pdf(&letter).unwrap();
    let doc = read(&pdf, "x.pdf");
    assert_eq!(doc.pages.len(), 2);
    // The first page ends with its number; the second begins with the
    // repeated header; between them the cell goes on where it stopped.
    let text = squash(&doc.text);
    let break_at = text.find("第1页共2页项目内容").expect("page break");
    assert!(break_at > text.find("第300句").unwrap());
    let joined = text.replacen("第1页共2页项目内容", "", 1);
    assert_in_order(&joined, &expected(&letter));
}

#[test]
fn xml_special_characters_survive_both_formats() {
    let tricky = r#"<b>"A&B" 'quoted' & 5 > 3 < 4</b>"#;
    let letter = Letter {
        title: format!("标题{tricky}"),
        reference: Some(format!("编号{tricky}")),
        blocks: vec![
            Block::Heading(format!("标题{tricky}")),
            Block::Paragraph(format!("正文{tricky}\n第二行&amp;")),
            Block::Table {
                header: vec![format!("表头{tricky}")],
                rows: vec![vec![format!("单元格{tricky}")]],
                widths: vec![],
            },
            Block::Signature(vec![format!("落款{tricky}")]),
        ],
    };
    let docx = to_docx(&letter).unwrap();
    assert_well_formed(&docx);
    let doc = read(&docx, "x.docx");
    assert_in_order(&doc.text, &expected(&letter));
    assert!(doc.text.contains("第二行&amp;"), "not unescaped twice");

    let pdf = to_pdf(&letter).unwrap();
    assert_in_order(&read(&pdf, "x.pdf").text, &expected(&letter));
}

#[test]
fn empty_letters_and_tables_give_valid_files() {
    let empty = Letter {
        title: String::new(),
        reference: None,
        blocks: vec![],
    };
    let docx = to_docx(&empty).unwrap();
    assert_well_formed(&docx);
    // A valid package with nothing to read, not a corrupt one.
    assert!(matches!(
        read_document(&docx, Some("x.docx"), &Limits::default(), None),
        Err(DocumentError::NoText { .. })
    ));
    let pdf = to_pdf(&empty).unwrap();
    let doc = read(&pdf, "x.pdf");
    assert_eq!(doc.pages.len(), 1);
    assert_eq!(squash(&doc.text), "第1页共1页");

    let with_empty_tables = Letter {
        title: "空表".into(),
        reference: Some(String::new()),
        blocks: vec![
            Block::Table {
                header: vec![],
                rows: vec![],
                widths: vec![],
            },
            Block::Paragraph("表后".into()),
            Block::Table {
                header: vec!["只有表头".into(), "".into()],
                rows: vec![vec![]],
                widths: vec![],
            },
            Block::Table {
                header: vec![],
                rows: vec![vec!["".into(), "".into()]],
                widths: vec![3, 1],
            },
            Block::Signature(vec![]),
        ],
    };
    let docx = to_docx(&with_empty_tables).unwrap();
    assert_well_formed(&docx);
    assert_in_order(
        &read(&docx, "x.docx").text,
        &["空表".into(), "表后".into(), "只有表头".into()],
    );
    let pdf = to_pdf(&with_empty_tables).unwrap();
    assert_in_order(
        &read(&pdf, "x.pdf").text,
        &["空表".into(), "表后".into(), "只有表头".into()],
    );
}

#[test]
fn characters_beyond_ucs2_print_as_a_box_in_pdf_and_stay_in_docx() {
    let letter = Letter {
        title: "通知".into(),
        reference: None,
        blocks: vec![Block::Paragraph("客户𠮷先生反映😀问题".into())],
    };
    let pdf = to_pdf(&letter).unwrap();
    assert!(squash(&read(&pdf, "x.pdf").text).contains("客户□先生反映□问题"));
    let docx = to_docx(&letter).unwrap();
    assert!(read(&docx, "x.docx").text.contains("客户𠮷先生反映😀问题"));
}

#[test]
fn control_characters_are_dropped_and_tabs_kept_as_space() {
    let letter = Letter {
        title: "通知\u{0}".into(),
        reference: None,
        blocks: vec![Block::Paragraph("甲\u{1}乙\t丙\r\n丁".into())],
    };
    let docx = to_docx(&letter).unwrap();
    assert_well_formed(&docx);
    assert!(read(&docx, "x.docx").text.contains("甲乙\t丙\n丁"));
    let pdf = to_pdf(&letter).unwrap();
    assert_in_order(&read(&pdf, "x.pdf").text, &["甲乙丙".into(), "丁".into()]);
}

#[test]
fn bad_column_widths_are_the_same_error_in_both_formats() {
    let letter = |widths: Vec<u16>| Letter {
        title: "意见书".into(),
        reference: None,
        blocks: vec![Block::Table {
            header: vec!["甲".into(), "乙".into()],
            rows: vec![vec!["1".into(), "2".into(), "3".into()]],
            widths,
        }],
    };
    let wrong_count = letter(vec![1, 1]);
    let expected = LetterError::WidthCount {
        widths: 2,
        columns: 3,
    };
    assert_eq!(to_docx(&wrong_count), Err(expected.clone()));
    assert_eq!(to_pdf(&wrong_count), Err(expected));
    let zero = letter(vec![1, 0, 1]);
    assert_eq!(
        to_pdf(&zero),
        Err(LetterError::ColumnTooNarrow { column: 2 })
    );
    assert_eq!(
        to_docx(&zero),
        Err(LetterError::ColumnTooNarrow { column: 2 })
    );
    assert!(
        to_pdf(&zero)
            .unwrap_err()
            .to_string()
            .contains("第 2 列过窄")
    );
}

#[test]
fn output_is_the_same_for_the_same_letter() {
    let letter = opinion_letter();
    assert_eq!(to_pdf(&letter).unwrap(), to_pdf(&letter).unwrap());
    assert_eq!(to_docx(&letter).unwrap(), to_docx(&letter).unwrap());
}
