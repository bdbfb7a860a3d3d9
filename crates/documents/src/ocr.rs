//! The seam to optical character recognition, implemented by the caller.

use crate::model::Rect;

/// One line of text found on an image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    pub text: String,
    /// 0.0–1.0, as reported by the recogniser.
    pub confidence: f32,
    /// Where the line is on the image, in pixels from the top-left corner.
    pub bbox: Rect,
}

/// Reads the lines of text on an image. Implemented outside this crate so
/// that the document reader does not carry a recognition model; the error is
/// a message for the user.
pub trait ImageTextReader: Send + Sync {
    fn read(&self, image: &image::DynamicImage) -> Result<Vec<OcrLine>, String>;
}
