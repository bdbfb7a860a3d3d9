//! Every format and every bad-file case, on real files written by the
//! programs that write them (see `scripts/make-document-fixtures`).

use std::path::PathBuf;
use std::sync::Mutex;

use xiaobao_documents::image::DynamicImage;
use xiaobao_documents::{
    BlockKind, DocumentError, Format, ImageTextReader, Limits, OcrLine, PageUnit, TextEncoding,
    read_document,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(name: &str) -> Result<xiaobao_documents::Document, DocumentError> {
    read_document(&fixture(name), Some(name), &Limits::default(), None)
}

fn slice(doc: &xiaobao_documents::Document, s: usize, e: usize) -> String {
    doc.text.chars().skip(s).take(e - s).collect()
}

/// Records the images it is asked to read and finds no text on them: it
/// shows what the reader hands to OCR without pretending to recognise
/// anything.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(u32, u32, &'static str)>>,
    fail: bool,
}

impl ImageTextReader for Recorder {
    fn read(&self, image: &DynamicImage) -> Result<Vec<OcrLine>, String> {
        let kind = match image {
            DynamicImage::ImageLuma8(_) => "gray",
            DynamicImage::ImageRgb8(_) => "rgb",
            DynamicImage::ImageRgba8(_) => "rgba",
            _ => "other",
        };
        self.seen
            .lock()
            .unwrap()
            .push((image.width(), image.height(), kind));
        if self.fail {
            Err("识别服务不可用".into())
        } else {
            Ok(Vec::new())
        }
    }
}

#[test]
fn chromium_pdf_text_keeps_pages_paragraphs_and_boxes() {
    let doc = read("marketing.pdf").unwrap();
    assert_eq!(doc.format, Format::Pdf);
    assert_eq!(doc.pages.len(), 2);
    assert_eq!(doc.pages[0].unit, Some(PageUnit::Points));
    let (w, h) = (doc.pages[0].width.unwrap(), doc.pages[0].height.unwrap());
    assert_eq!((w.round(), h.round()), (612.0, 792.0));
    assert!(
        doc.text
            .contains("本理财产品保本保息，稳赚不赔，年化收益率高达百分之六。"),
        "{}",
        doc.text
    );
    // Radicals written by the font's ToUnicode map read as the ideographs.
    assert!(
        doc.text.contains("理财非存款，产品有风险，投资须谨慎。"),
        "{}",
        doc.text
    );
    assert!(
        doc.text.contains("欢迎到江南示范银行各网点咨询"),
        "{}",
        doc.text
    );
    assert!(matches!(doc.blocks[0].kind, BlockKind::Heading { .. }));
    assert_eq!(
        slice(&doc, doc.blocks[0].char_start, doc.blocks[0].char_end),
        "稳盈理财 第三期"
    );
    let second_page: Vec<_> = doc.blocks.iter().filter(|b| b.page == 2).collect();
    assert_eq!(second_page.len(), 3);
    assert_eq!(second_page[2].paragraph, 3);

    let at = doc.text.chars().collect::<Vec<_>>();
    let start = (0..at.len())
        .find(|&i| at[i..].starts_with(&['保', '本', '保', '息']))
        .unwrap();
    let hits = doc.locate(start, start + 4);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].page, 1);
    let block = &doc.blocks[hits[0].block];
    let para = block.bbox.unwrap();
    let b = hits[0].boxes[0];
    assert!(
        b.x > para.x && b.x + b.width < para.x + para.width,
        "{b:?} in {para:?}"
    );
    assert!(b.y >= 0.0 && b.y + b.height <= h && para.x + para.width <= w);
}

#[test]
fn page_limit_is_checked_before_reading() {
    let doc = read("many-pages.pdf").unwrap();
    assert_eq!(doc.pages.len(), 12);
    assert_eq!(
        doc.page_at(
            doc.text
                .find("联系")
                .map(|b| doc.text[..b].chars().count())
                .unwrap()
        ),
        Some(12)
    );
    let limits = Limits {
        max_pages: 10,
        ..Limits::default()
    };
    let e = read_document(&fixture("many-pages.pdf"), None, &limits, None).unwrap_err();
    assert_eq!(
        e,
        DocumentError::TooManyPages {
            pages: 12,
            limit: 10
        }
    );
}

/// A PDF of 2,001 pages, written with lopdf, against the default limit.
#[test]
fn thousands_of_pages_are_refused_with_default_limits() {
    use lopdf::{Object, Stream, dictionary};
    let mut pdf = lopdf::Document::with_version("1.7");
    let pages_id = pdf.new_object_id();
    let content = pdf.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
    let kids: Vec<Object> = (0..2001)
        .map(|_| {
            pdf.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content,
            })
            .into()
        })
        .collect();
    pdf.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => 2001,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    pdf.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).unwrap();
    let e = read_document(&bytes, Some("big.pdf"), &Limits::default(), None).unwrap_err();
    assert_eq!(
        e,
        DocumentError::TooManyPages {
            pages: 2001,
            limit: 2000
        }
    );
}

#[test]
fn encrypted_and_truncated_pdfs_are_refused() {
    assert!(matches!(
        read("encrypted.pdf"),
        Err(DocumentError::Encrypted { .. })
    ));
    match read("truncated.pdf") {
        Err(DocumentError::Corrupt { format, detail }) => {
            assert_eq!(format, "PDF 文档");
            assert!(detail.contains("不完整"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn scanned_pdf_pages_are_extracted_and_handed_to_ocr() {
    // No OCR: the reader says which pages need it, and nothing is returned.
    match read("scanned.pdf") {
        Err(e @ DocumentError::NeedsOcr { .. }) => {
            assert_eq!(
                e,
                DocumentError::NeedsOcr {
                    what: "PDF 文档",
                    pages: vec![1, 2]
                }
            );
            assert!(e.to_string().contains("需要文字识别"));
        }
        other => panic!("{other:?}"),
    }
    // With OCR: one call per page, with the page's image as scanned (the
    // fixture is an 800×600 screenshot, in colour then in grey).
    let ocr = Recorder::default();
    let doc = read_document(
        &fixture("scanned.pdf"),
        None,
        &Limits::default(),
        Some(&ocr),
    )
    .unwrap();
    assert_eq!(
        *ocr.seen.lock().unwrap(),
        vec![(800, 600, "rgb"), (800, 600, "gray")]
    );
    assert_eq!(doc.pages.len(), 2);
    for page in &doc.pages {
        assert_eq!(page.unit, Some(PageUnit::Pixels));
        assert_eq!((page.width, page.height), (Some(800.0), Some(600.0)));
        assert_eq!(
            page.image.as_ref().map(|i| (i.width(), i.height())),
            Some((800, 600))
        );
    }
    // The decoded pixels are the scanned ones.
    let original = xiaobao_documents::image::load_from_memory(&fixture("page.png"))
        .unwrap()
        .to_rgb8();
    assert_eq!(doc.pages[0].image.as_ref().unwrap().to_rgb8(), original);

    let ocr = Recorder::default();
    read_document(
        &fixture("scanned-jpeg.pdf"),
        None,
        &Limits::default(),
        Some(&ocr),
    )
    .unwrap();
    assert_eq!(*ocr.seen.lock().unwrap(), vec![(800, 600, "rgb")]);

    let failing = Recorder {
        fail: true,
        ..Recorder::default()
    };
    let e = read_document(
        &fixture("scanned.pdf"),
        None,
        &Limits::default(),
        Some(&failing),
    )
    .unwrap_err();
    assert_eq!(
        e,
        DocumentError::Ocr {
            page: 1,
            message: "识别服务不可用".into()
        }
    );
}

#[test]
fn images_of_every_format_go_to_ocr() {
    for name in ["page.png", "page.jpg", "page.tiff", "page.webp"] {
        assert!(
            matches!(read(name), Err(DocumentError::NeedsOcr { .. })),
            "{name}"
        );
        let ocr = Recorder::default();
        let doc = read_document(&fixture(name), None, &Limits::default(), Some(&ocr)).unwrap();
        assert_eq!(ocr.seen.lock().unwrap().len(), 1, "{name}");
        assert_eq!(
            doc.pages[0].image.as_ref().map(|i| (i.width(), i.height())),
            Some((800, 600))
        );
    }
    let small = Limits {
        max_image_pixels: 100_000,
        ..Limits::default()
    };
    assert_eq!(
        read_document(&fixture("page.webp"), None, &small, None).unwrap_err(),
        DocumentError::ImageTooLarge {
            width: 800,
            height: 600,
            limit: 100_000
        }
    );
    let png = fixture("page.png");
    let e = read_document(&png[..png.len() / 2], None, &Limits::default(), None).unwrap_err();
    assert!(
        matches!(
            e,
            DocumentError::Corrupt {
                format: "PNG 图片",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn pandoc_docx_reads_headings_paragraphs_and_tables() {
    let doc = read("marketing.docx").unwrap();
    assert_eq!(doc.format, Format::Docx);
    assert!(
        doc.text
            .starts_with("稳盈理财 第三期\n本理财产品保本保息，稳赚不赔"),
        "{}",
        doc.text
    );
    assert_eq!(doc.blocks[0].kind, BlockKind::Heading { level: 1 });
    let cell = doc
        .blocks
        .iter()
        .find(|b| slice(&doc, b.char_start, b.char_end) == "一万元")
        .unwrap();
    assert_eq!(
        cell.kind,
        BlockKind::TableCell {
            sheet: None,
            row: 3,
            col: 2
        }
    );
    assert!(doc.text.ends_with("理财非存款，产品有风险，投资须谨慎。"));
}

#[test]
fn bad_office_files_are_refused() {
    match read("truncated.docx") {
        Err(DocumentError::Corrupt { format, .. }) => assert_eq!(format, Format::Docx.label_zh()),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read("encrypted.docx"),
        Err(DocumentError::Encrypted { .. })
    ));
    match read("bomb.docx") {
        Err(e @ DocumentError::ZipBomb { .. }) => assert!(e.to_string().contains("256 MB"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn archives_with_too_many_entries_are_bombs() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    for i in 0..30 {
        zip.start_file(format!("word/media/{i}.bin"), options)
            .unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let limits = Limits {
        max_zip_entries: 20,
        ..Limits::default()
    };
    let e = read_document(&bytes, None, &limits, None).unwrap_err();
    assert!(matches!(e, DocumentError::ZipBomb { .. }), "{e:?}");
}

#[test]
fn the_content_decides_not_the_name() {
    // A PNG named .docx is read as the image it is.
    match read("picture-named.docx") {
        Err(DocumentError::NeedsOcr { what, .. }) => assert_eq!(what, "PNG 图片"),
        other => panic!("{other:?}"),
    }
    // A Windows program named .pdf is not a document.
    match read("program.pdf") {
        Err(DocumentError::Unsupported { what }) => assert!(what.contains("可执行程序"), "{what}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(read("empty.txt").unwrap_err(), DocumentError::Empty);
    let small = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    assert!(matches!(
        read_document(&fixture("marketing.pdf"), None, &small, None),
        Err(DocumentError::TooLarge { .. })
    ));
}

#[test]
fn xlsx_cells_keep_sheet_row_and_column() {
    let doc = read("products.xlsx").unwrap();
    assert_eq!(doc.format, Format::Xlsx);
    let names: Vec<_> = doc
        .pages
        .iter()
        .map(|p| p.name.as_deref().unwrap())
        .collect();
    assert_eq!(names, ["产品清单", "说明", "空白"]);
    assert_eq!(
        doc.text,
        "产品名称\t宣传语\t起购金额\n稳盈理财三期\t保本保息，稳赚不赔\t10000\n薪金宝\t1000.5\n理财非存款，产品有风险，投资须谨慎。"
    );
    let hit = doc.locate(
        doc.text[..doc.text.find("稳赚").unwrap()].chars().count(),
        doc.text.chars().count(),
    );
    assert_eq!(
        doc.blocks[hit[0].block].kind,
        BlockKind::TableCell {
            sheet: Some("产品清单".into()),
            row: 2,
            col: 2
        }
    );
    assert_eq!(hit.last().unwrap().page, 2);
    let last = doc.blocks.last().unwrap();
    assert_eq!((last.page, last.paragraph), (2, 1));
}

#[test]
fn text_markdown_and_html_read_in_any_encoding() {
    let gbk = read("marketing-gbk.txt").unwrap();
    assert_eq!(gbk.format, Format::Markdown);
    assert_eq!(gbk.encoding, Some(TextEncoding::Gb18030));
    assert_eq!(
        gbk.text,
        String::from_utf8(fixture("marketing.md")).unwrap()
    );
    assert_eq!(gbk.blocks[0].kind, BlockKind::Heading { level: 1 });

    let html = read("marketing.html").unwrap();
    assert_eq!(html.format, Format::Html);
    assert!(
        html.text
            .starts_with("稳盈理财 第三期\n\n本理财产品保本保息"),
        "{}",
        html.text
    );
    assert!(!html.text.contains("font-family"));

    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("第一段\n\n第二段".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let doc = read_document(&utf16, None, &Limits::default(), None).unwrap();
    assert_eq!(doc.encoding, Some(TextEncoding::Utf16Le));
    assert_eq!(doc.blocks.len(), 2);
}

#[test]
fn sparse_and_lying_workbooks_cost_nothing() {
    // Two cells at opposite corners of the grid: streamed, not a dense range.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "左上角").unwrap();
    sheet.write(1_048_575, 16_383, "右下角").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let doc = read_document(&bytes, None, &Limits::default(), None).unwrap();
    assert_eq!(doc.text, "左上角\n右下角");
    assert_eq!(
        doc.blocks[1].kind,
        BlockKind::TableCell {
            sheet: Some("Sheet1".into()),
            row: 1_048_576,
            col: 16_384
        }
    );

    // A shared-string table claiming 99,999,999,999 entries.
    let original = fixture("products.xlsx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        if name == "xl/sharedStrings.xml" {
            let xml = String::from_utf8(content).unwrap();
            let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + xml[at..].find('"').unwrap();
            content = format!("{}99999999999{}", &xml[..at], &xml[end..]).into_bytes();
        }
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut out, &content).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    let e = read_document(&bytes, None, &Limits::default(), None).unwrap_err();
    assert!(matches!(e, DocumentError::Corrupt { .. }), "{e:?}");
}
