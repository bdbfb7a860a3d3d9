//! Reads the documents a review receives — plain text, Markdown, HTML, Word
//! (DOCX), Excel (XLSX), PDF and images — into one text that keeps where each
//! piece came from: page, paragraph, and, for PDF text and OCR, the box on the
//! page. Findings of the forbidden-words matcher are char offsets into
//! [`Document::text`]; [`Document::locate`] maps them back to pages and boxes
//! so that a reviewer sees them on the page image.
//!
//! The format is judged from the content, never from the file name: users
//! rename files, and a hostile upload may pretend to be anything. A file that
//! cannot be read whole gets a [`DocumentError`] with a Chinese message, and
//! no partial document: a reviewer must never approve copy whose second half
//! was silently skipped. Sizes are bounded before work is done ([`Limits`]):
//! bytes, pages, decompressed ZIP size and entries, image pixels.
//!
//! Images and scanned PDF pages need optical character recognition, which
//! lives in another crate; the caller passes it in as an [`ImageTextReader`].

mod builder;
mod detect;
mod docx;
mod embedded_ocr;
mod error;
mod html;
mod images;
mod limits;
mod model;
mod ocr;
mod pdf;
mod plain;
mod radicals;
mod xlsx;

pub use detect::detect;
pub use embedded_ocr::EmbeddedOcr;
pub use error::DocumentError;
pub use html::html_to_text;
pub use image;
pub use limits::Limits;
pub use model::{Block, BlockKind, Document, Format, Highlight, Page, PageUnit, Rect, TextLine};
pub use ocr::{ImageTextReader, OcrLine};
pub use xiaobao_ingest::sniff::TextEncoding;

/// Reads a document from its bytes.
///
/// `name_hint` (a file name) only breaks ties the content leaves open, such
/// as an HTML fragment without `<html>`; it never overrides what the bytes
/// are. `ocr` reads images and scanned PDF pages; without it those give
/// [`DocumentError::NeedsOcr`].
pub fn read_document(
    bytes: &[u8],
    name_hint: Option<&str>,
    limits: &Limits,
    ocr: Option<&dyn ImageTextReader>,
) -> Result<Document, DocumentError> {
    let format = detect(bytes, name_hint, limits)?;
    // The parsers underneath (calamine, lopdf, image) are fuzzed here but
    // not ours: a panic on a hostile file becomes a corrupt-file error, not
    // a crashed request.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_as(bytes, format, limits, ocr)
    }))
    .unwrap_or_else(|_| {
        Err(DocumentError::Corrupt {
            format: format.label_zh(),
            detail: "内部结构异常，解析失败".into(),
        })
    })
}

fn read_as(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    ocr: Option<&dyn ImageTextReader>,
) -> Result<Document, DocumentError> {
    match format {
        Format::Text | Format::Markdown | Format::Html => plain::read(bytes, format),
        Format::Docx => docx::read(bytes, limits),
        Format::Xlsx => xlsx::read(bytes, limits),
        Format::Pdf => pdf::read(bytes, limits, ocr),
        Format::Png | Format::Jpeg | Format::Tiff | Format::Webp => {
            images::read(bytes, format, limits, ocr)
        }
    }
}
