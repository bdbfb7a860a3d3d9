//! Angle classification and text recognition over batches of line strips, and the
//! CTC decoding of the recogniser's output.

use crate::OcrError;
use crate::crop::{LINE_HEIGHT, LineStrip};
use crate::models::{Alphabet, Models};

/// PaddleOCR turns a line only when the classifier is this sure it is upside down; a
/// wrong turn ruins a line, a missed one is caught by nothing else either.
const FLIP_CONFIDENCE: f32 = 0.9;

/// The narrowest input the recogniser sees (PaddleOCR's `rec_image_shape` width);
/// shorter lines are padded, as in training.
const MIN_REC_WIDTH: usize = 320;

/// For each strip, whether the classifier says it is upside down. Strips are processed
/// `batch_size` at a time; `check` runs before each batch (the page's time limit).
pub(crate) fn upside_down(
    models: &Models,
    strips: &[LineStrip],
    batch_size: usize,
    check: &dyn Fn() -> Result<(), OcrError>,
) -> Result<Vec<bool>, OcrError> {
    let mut flipped = Vec::with_capacity(strips.len());
    for batch in strips.chunks(batch_size) {
        check()?;
        let width = batch.iter().map(LineStrip::cls_width).max().unwrap_or(0);
        let slot = 3 * LINE_HEIGHT * width;
        let mut input = vec![0f32; batch.len() * slot];
        for (strip, dst) in batch.iter().zip(input.chunks_exact_mut(slot)) {
            strip.copy_squeezed_into(dst, width);
        }
        let probs = models.classify(input, batch.len(), width)?;
        flipped.extend(probs.iter().map(|[_, p180]| *p180 > FLIP_CONFIDENCE));
    }
    Ok(flipped)
}

/// Recognised text of one line and the mean probability of its characters.
#[derive(Debug, Clone)]
pub(crate) struct LineReading {
    pub text: String,
    pub confidence: f32,
}

/// A strip joins a recognition batch only if the batch's widest strip is at most this
/// much wider. Padding is not free: the recogniser's cost grows with the padded width,
/// and its attention layers see the padding, so a short line batched with long ones
/// reads slightly differently than alone. On the fixture pages (lines of one page
/// differ by 10–40 %) batching everything cost 20–30 % more CPU than one line per call.
const MAX_BATCH_PADDING: f32 = 0.05;

/// Reads every strip. Strips are sorted by width and batched with neighbours of nearly
/// the same width (see [`MAX_BATCH_PADDING`]), at most `batch_size` per model call.
pub(crate) fn read_lines(
    models: &Models,
    strips: &[LineStrip],
    batch_size: usize,
    check: &dyn Fn() -> Result<(), OcrError>,
) -> Result<Vec<LineReading>, OcrError> {
    let mut order: Vec<usize> = (0..strips.len()).collect();
    order.sort_by_key(|&i| strips[i].width);
    let mut readings = vec![
        LineReading {
            text: String::new(),
            confidence: 0.0
        };
        strips.len()
    ];
    let mut batches: Vec<&[usize]> = Vec::new();
    let mut rest = &order[..];
    while let Some(&first) = rest.first() {
        let limit = strips[first].width.max(MIN_REC_WIDTH) as f32 * (1.0 + MAX_BATCH_PADDING);
        let len = rest
            .iter()
            .take(batch_size)
            .take_while(|&&i| strips[i].width as f32 <= limit)
            .count()
            .max(1);
        let (batch, tail) = rest.split_at(len);
        batches.push(batch);
        rest = tail;
    }
    for batch in batches {
        check()?;
        let width = batch
            .iter()
            .map(|&i| strips[i].width)
            .max()
            .unwrap_or(0)
            .max(MIN_REC_WIDTH);
        let slot = 3 * LINE_HEIGHT * width;
        let mut input = vec![0f32; batch.len() * slot];
        for (&i, dst) in batch.iter().zip(input.chunks_exact_mut(slot)) {
            strips[i].copy_into(dst, width);
        }
        let (probs, steps) = models.recognize(input, batch.len(), width)?;
        let classes = models.alphabet.len();
        for (&i, line) in batch.iter().zip(probs.chunks_exact(steps * classes)) {
            readings[i] = ctc_greedy_decode(line, steps, &models.alphabet);
        }
    }
    Ok(readings)
}

/// Best class at every time step; repeats merged, blanks dropped. The confidence is
/// the mean of the kept steps' probabilities (PaddleOCR's line score).
fn ctc_greedy_decode(probs: &[f32], steps: usize, alphabet: &Alphabet) -> LineReading {
    let classes = alphabet.len();
    let mut text = String::new();
    let (mut sum, mut kept) = (0f32, 0usize);
    let mut previous = 0usize;
    for t in 0..steps {
        let row = &probs[t * classes..(t + 1) * classes];
        let (best, p) =
            row.iter()
                .copied()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |acc, (i, p)| if p > acc.1 { (i, p) } else { acc },
                );
        if best != 0 && best != previous {
            text.push_str(alphabet.symbol(best));
            sum += p;
            kept += 1;
        }
        previous = best;
    }
    let confidence = if kept == 0 { 0.0 } else { sum / kept as f32 };
    LineReading {
        text: text.trim().to_owned(),
        confidence,
    }
}
