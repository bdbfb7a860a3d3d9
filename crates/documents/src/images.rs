//! Image files: read by OCR only.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader};

use crate::builder::{Builder, NewBlock};
use crate::error::DocumentError;
use crate::limits::Limits;
use crate::model::{BlockKind, Document, Format, Page, PageUnit};
use crate::ocr::ImageTextReader;

pub(crate) fn read(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
    ocr: Option<&dyn ImageTextReader>,
) -> Result<Document, DocumentError> {
    let image = decode(bytes, format, limits)?;
    let Some(ocr) = ocr else {
        return Err(DocumentError::NeedsOcr {
            what: format.label_zh(),
            pages: vec![1],
        });
    };
    let mut builder = Builder::new(format);
    add_ocr_page(&mut builder, 1, image, ocr)?;
    Ok(builder.finish())
}

fn image_format(format: Format) -> ImageFormat {
    match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Tiff => ImageFormat::Tiff,
        Format::Webp => ImageFormat::WebP,
        _ => ImageFormat::Png,
    }
}

/// Decodes an image after checking its size in the header, so that a small
/// file declaring a huge canvas costs nothing.
pub(crate) fn decode(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<DynamicImage, DocumentError> {
    let corrupt = |e: image::ImageError| DocumentError::Corrupt {
        format: format.label_zh(),
        detail: e.to_string(),
    };
    let reader = || ImageReader::with_format(Cursor::new(bytes), image_format(format));
    let (w, h) = reader().into_dimensions().map_err(corrupt)?;
    check_pixels(u64::from(w), u64::from(h), limits)?;
    let mut reader = reader();
    let mut image_limits = image::Limits::default();
    // Room for the decoded canvas in the widest pixel format (RGBA, 16 bits).
    image_limits.max_alloc = Some(limits.max_image_pixels.saturating_mul(8).max(1 << 20));
    reader.limits(image_limits);
    reader.decode().map_err(corrupt)
}

pub(crate) fn check_pixels(width: u64, height: u64, limits: &Limits) -> Result<(), DocumentError> {
    if width.saturating_mul(height) > limits.max_image_pixels {
        return Err(DocumentError::ImageTooLarge {
            width,
            height,
            limit: limits.max_image_pixels,
        });
    }
    Ok(())
}

/// Runs OCR on one page image and appends its lines, one block each, with
/// boxes in the image's pixels. The image is kept on the page so that the
/// boxes can be drawn on it.
pub(crate) fn add_ocr_page(
    builder: &mut Builder,
    page: u32,
    image: DynamicImage,
    ocr: &dyn ImageTextReader,
) -> Result<(), DocumentError> {
    let lines = ocr
        .read(&image)
        .map_err(|message| DocumentError::Ocr { page, message })?;
    let mut paragraph = 0;
    for line in &lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        paragraph += 1;
        let bbox = line.bbox.is_finite().then_some(line.bbox);
        let len = text.chars().count();
        builder.push(
            "\n",
            NewBlock {
                bbox,
                confidence: line.confidence.is_finite().then_some(line.confidence),
                lines: bbox.map(|b| (0, len, b)).into_iter().collect(),
                ..NewBlock::new(page, paragraph, BlockKind::OcrLine, text)
            },
        );
    }
    builder.add_page(Page {
        width: Some(image.width() as f32),
        height: Some(image.height() as f32),
        unit: Some(PageUnit::Pixels),
        image: Some(image),
        ..Page::bare(page)
    });
    Ok(())
}
