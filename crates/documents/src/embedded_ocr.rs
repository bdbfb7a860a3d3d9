//! The embedded PP-OCRv4 engine (`xiaobao-ocr`) as the document reader's
//! [`ImageTextReader`]. The models are loaded on the first image only, so
//! reading a Word file or a text PDF costs nothing for them.

use std::sync::OnceLock;

use xiaobao_ocr::{OcrEngine, OcrOptions};

use crate::model::Rect;
use crate::ocr::{ImageTextReader, OcrLine};

/// Reads images with the embedded OCR engine, loaded on first use.
#[derive(Default)]
pub struct EmbeddedOcr {
    engine: OnceLock<Result<OcrEngine, String>>,
    options: OcrOptions,
}

impl EmbeddedOcr {
    /// An engine with the given options (time limit per page, …).
    pub fn with_options(options: OcrOptions) -> EmbeddedOcr {
        EmbeddedOcr {
            engine: OnceLock::new(),
            options,
        }
    }
}

impl ImageTextReader for EmbeddedOcr {
    fn read(&self, image: &image::DynamicImage) -> Result<Vec<OcrLine>, String> {
        let engine = self
            .engine
            .get_or_init(|| OcrEngine::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)?;
        let page = engine
            .recognize(image, &self.options)
            .map_err(|e| e.to_string())?;
        Ok(page
            .lines
            .into_iter()
            .map(|l| {
                let r = l.bbox.bounding_rect();
                OcrLine {
                    text: l.text,
                    confidence: l.confidence,
                    bbox: Rect {
                        x: r.x,
                        y: r.y,
                        width: r.width,
                        height: r.height,
                    },
                }
            })
            .collect())
    }
}
