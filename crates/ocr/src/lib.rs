//! OCR for Chinese bank documents, in pure Rust.
//!
//! PaddleOCR's PP-OCRv4 Chinese models (text detection, line angle classification and
//! line recognition) are embedded in the binary and run with the `rten` runtime, so a
//! bank's offline server needs neither a C library nor a model download. The pipeline:
//!
//! 1. **detect** — the page, resized so its sides are multiples of 32 and its longer
//!    side at most 960 pixels, goes through the DB detector; its probability map is
//!    thresholded, split into connected components, and each component becomes a
//!    minimum-area rectangle, kept if its mean probability reaches
//!    [`OcrOptions::box_threshold`] and grown back ("unclipped") to the line's size.
//!    When the thinnest lines found are under 16 pixels thick at that scale, or ink
//!    lies outside every box, detection runs again at a finer scale (lines about 24
//!    pixels thick, longer side at most [`OcrOptions::max_side`]); the boxes are in
//!    page pixels either way;
//! 2. **crop** — each box is sampled into a level strip 48 pixels high, so lines
//!    tilted by a degree or two come out straight;
//! 3. **classify** — the angle classifier turns upside-down strips around;
//! 4. **recognise** — strips of similar width are read in batches, the CTC output
//!    decoded greedily with the mean character probability as the line's confidence;
//! 5. **order** — lines are put in reading order (see [`order`](crate::order)).
//!
//! Every line keeps its box in page pixels, so a finding in the text can be shown on
//! the page image.

mod crop;
mod detect;
mod error;
mod geometry;
pub mod metrics;
mod models;
mod order;
mod recognize;

use std::time::{Duration, Instant};

use image::{DynamicImage, GenericImageView, ImageFormat, RgbImage};
use serde::Serialize;

pub use error::OcrError;
pub use geometry::{Point, Quad, Rect};

use detect::DbParams;
use models::Models;

/// Pages with more pixels than this are refused rather than risking the server's
/// memory (an A3 page at 600 dpi has about 70 million).
pub const MAX_PIXELS: u64 = 100_000_000;

/// Tuning knobs; [`OcrOptions::default`] suits scans and screenshots of documents.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// Work on one page stops with [`OcrError::Timeout`] once this much time has
    /// passed. Checked between stages and batches, so a page may overrun by about one
    /// model call.
    pub time_limit: Duration,
    /// Detection never looks at the page with its longer side above this many pixels
    /// (recognition always reads the full-resolution page). It first looks at 960
    /// pixels and only goes finer, up to this limit, for small print (see the crate
    /// documentation); a larger limit finds smaller print on large pages, detection
    /// time grows with the area.
    pub max_side: u32,
    /// Probability above which a pixel counts as text.
    pub det_threshold: f32,
    /// Mean probability a detected box needs to be kept.
    pub box_threshold: f32,
    /// How far a detected kernel is grown back to the full line (PaddleOCR's unclip
    /// ratio: offset = area × ratio / perimeter).
    pub unclip_ratio: f32,
    /// Lines classified and recognised per model call.
    pub batch_size: usize,
    /// Lines whose confidence is below this are dropped as noise.
    pub min_confidence: f32,
    /// Whether to run the angle classifier (turn upside-down lines around).
    pub classify_angle: bool,
}

impl Default for OcrOptions {
    fn default() -> Self {
        OcrOptions {
            time_limit: Duration::from_secs(60),
            max_side: 2048,
            det_threshold: 0.3,
            box_threshold: 0.6,
            unclip_ratio: 1.5,
            batch_size: 6,
            min_confidence: 0.5,
            classify_angle: true,
        }
    }
}

impl OcrOptions {
    fn validate(&self) -> Result<(), OcrError> {
        let unit = |name: &str, v: f32| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(OcrError::BadOptions(format!(
                    "{name} 应在 0 到 1 之间，实际为 {v}"
                )))
            }
        };
        unit("det_threshold", self.det_threshold)?;
        unit("box_threshold", self.box_threshold)?;
        unit("min_confidence", self.min_confidence)?;
        if !(self.unclip_ratio > 0.0 && self.unclip_ratio <= 10.0) {
            return Err(OcrError::BadOptions(format!(
                "unclip_ratio 应在 0 到 10 之间，实际为 {}",
                self.unclip_ratio
            )));
        }
        if self.batch_size == 0 || self.batch_size > 256 {
            return Err(OcrError::BadOptions(format!(
                "batch_size 应在 1 到 256 之间，实际为 {}",
                self.batch_size
            )));
        }
        if !(32..=16384).contains(&self.max_side) {
            return Err(OcrError::BadOptions(format!(
                "max_side 应在 32 到 16384 之间，实际为 {}",
                self.max_side
            )));
        }
        Ok(())
    }
}

/// One recognised line.
#[derive(Debug, Clone, Serialize)]
pub struct TextLine {
    pub text: String,
    /// Mean probability of the line's characters, 0–1.
    pub confidence: f32,
    /// The line's box in page pixels, corners in reading order starting top-left.
    pub bbox: Quad,
    /// Whether the line was upside down and turned before reading.
    pub angle_flipped: bool,
}

/// The text of one page with its layout.
#[derive(Debug, Clone, Serialize)]
pub struct PageText {
    pub width: u32,
    pub height: u32,
    /// Lines in reading order.
    pub lines: Vec<TextLine>,
    /// Time spent recognising the page (decoding the file not included).
    #[serde(rename = "elapsed_ms", serialize_with = "as_millis")]
    pub elapsed: Duration,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis().min(u64::MAX as u128) as u64)
}

impl PageText {
    /// The lines' text, one per line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }
}

/// The loaded models. Loading parses about 16 MB of embedded networks (tens of
/// milliseconds); create one engine and share it (`Arc<OcrEngine>`): it is
/// `Send + Sync` and [`OcrEngine::recognize`] takes `&self`.
pub struct OcrEngine {
    models: Models,
}

impl std::fmt::Debug for OcrEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcrEngine")
            .field("classes", &self.models.alphabet.len())
            .finish()
    }
}

impl OcrEngine {
    /// Loads the embedded models.
    pub fn new() -> Result<OcrEngine, OcrError> {
        Ok(OcrEngine {
            models: Models::load()?,
        })
    }

    /// Reads the text of one page.
    pub fn recognize(
        &self,
        image: &DynamicImage,
        options: &OcrOptions,
    ) -> Result<PageText, OcrError> {
        let started = Instant::now();
        options.validate()?;
        let check = || {
            if started.elapsed() >= options.time_limit {
                Err(OcrError::timeout(options.time_limit))
            } else {
                Ok(())
            }
        };
        check()?;
        let (width, height) = image.dimensions();
        if width == 0 || height == 0 {
            return Err(OcrError::BadImage("图片尺寸为零".into()));
        }
        if u64::from(width) * u64::from(height) > MAX_PIXELS {
            return Err(OcrError::BadImage(format!(
                "图片过大（{width}×{height} 像素，上限 {MAX_PIXELS} 像素）"
            )));
        }
        let page = to_rgb_on_white(image);

        let params = DbParams {
            threshold: options.det_threshold,
            box_threshold: options.box_threshold,
            unclip_ratio: options.unclip_ratio,
        };
        let detect_at = |scale: f32| -> Result<_, OcrError> {
            let mut input = detect::prepare(&page, scale);
            let tensor = std::mem::take(&mut input.tensor);
            let prob = self.models.detect(tensor, input.height, input.width)?;
            let boxes = detect::boxes_from_probability_map(
                &prob,
                input.width,
                input.height,
                width,
                height,
                params,
            );
            Ok((input, boxes))
        };
        let max_scale = detect::scale_to_fit(width, height, options.max_side);
        let first_scale =
            detect::scale_to_fit(width, height, options.max_side.min(detect::FIRST_PASS_SIDE));
        check()?;
        let (first_input, mut boxes) = detect_at(first_scale)?;
        if let Some(scale) = detect::second_pass_scale(&first_input, &boxes, max_scale) {
            drop(first_input);
            check()?;
            boxes = detect_at(scale)?.1;
        }
        check()?;

        let mut strips: Vec<_> = boxes
            .iter()
            .map(|b| crop::line_strip(&page, &b.quad))
            .collect();
        let flipped = if options.classify_angle {
            recognize::upside_down(&self.models, &strips, options.batch_size, &check)?
        } else {
            vec![false; strips.len()]
        };
        for (strip, &flip) in strips.iter_mut().zip(&flipped) {
            if flip {
                strip.rotate_180();
            }
        }
        let readings = recognize::read_lines(&self.models, &strips, options.batch_size, &check)?;

        let mut kept: Vec<TextLine> = Vec::new();
        for ((detected, reading), flip) in boxes.iter().zip(readings).zip(flipped) {
            if reading.text.is_empty() || reading.confidence < options.min_confidence {
                continue;
            }
            let bbox = if flip {
                // The line reads the other way: its first corner is the old third.
                let [a, b, c, d] = detected.quad.0;
                Quad([c, d, a, b])
            } else {
                detected.quad
            };
            kept.push(TextLine {
                text: reading.text,
                confidence: reading.confidence,
                bbox,
                angle_flipped: flip,
            });
        }
        let quads: Vec<Quad> = kept.iter().map(|l| l.bbox).collect();
        let order = order::reading_order(&quads);
        let mut slots: Vec<Option<TextLine>> = kept.into_iter().map(Some).collect();
        let lines = order.into_iter().filter_map(|i| slots[i].take()).collect();
        Ok(PageText {
            width,
            height,
            lines,
            elapsed: started.elapsed(),
        })
    }
}

/// Decodes an image file from its bytes, recognising the format by content (PNG,
/// JPEG, TIFF, WebP), not by file name.
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage, OcrError> {
    let format = image::guess_format(bytes).map_err(|_| {
        OcrError::BadImage("不是可识别的图片格式（支持 PNG、JPEG、TIFF、WebP）".into())
    })?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Tiff | ImageFormat::WebP
    ) {
        return Err(OcrError::BadImage(format!(
            "不支持的图片格式 {format:?}（支持 PNG、JPEG、TIFF、WebP）"
        )));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(1 << 30);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| OcrError::BadImage(format!("图片已损坏或无法解码（{e}）")))
}

/// Flattens any colour type to RGB; transparent pixels become white, which is how a
/// viewer shows a transparent document image.
fn to_rgb_on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let alpha = a as u32;
        let blend = |c: u8| ((c as u32 * alpha + 255 * (255 - alpha)) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}
