//! Writes the test documents that are made by libraries rather than by
//! desktop programs: an XLSX workbook (rust_xlsxwriter), a WebP image (the
//! image crate's encoder) and a DOCX whose body decompresses to 256 MB (a
//! ZIP bomb). Run by `scripts/make-document-fixtures`.

use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: make_fixtures OUT_DIR")?,
    );
    workbook(&out.join("products.xlsx"))?;
    webp(&out.join("page.png"), &out.join("page.webp"))?;
    bomb(&out.join("bomb.docx"))?;
    Ok(())
}

fn workbook(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("产品清单")?;
    sheet.write(0, 0, "产品名称")?;
    sheet.write(0, 1, "宣传语")?;
    sheet.write(0, 2, "起购金额")?;
    sheet.write(1, 0, "稳盈理财三期")?;
    sheet.write(1, 1, "保本保息，稳赚不赔")?;
    sheet.write(1, 2, 10000)?;
    // Row 3 left empty on purpose.
    sheet.write(3, 0, "薪金宝")?;
    sheet.write(3, 2, 1000.5)?;
    let notes = book.add_worksheet().set_name("说明")?;
    notes.write(1, 1, "理财非存款，产品有风险，投资须谨慎。")?;
    book.add_worksheet().set_name("空白")?;
    book.save(path)?;
    Ok(())
}

fn webp(png: &Path, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let image = image::open(png)?.to_rgba8();
    let file = std::fs::File::create(path)?;
    image::codecs::webp::WebPEncoder::new_lossless(file).encode(
        image.as_raw(),
        image.width(),
        image.height(),
        image::ExtendedColorType::Rgba8,
    )?;
    Ok(())
}

fn bomb(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#)?;
    zip.start_file("word/document.xml", options.large_file(false))?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>"#)?;
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..256 {
        zip.write_all(&spaces)?;
    }
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")?;
    zip.finish()?;
    Ok(())
}
