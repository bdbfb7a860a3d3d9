//! Text detection: the DB (differentiable binarisation) model gives every pixel a
//! probability of being inside a text line's shrunk kernel; the post-processing here
//! turns that map into oriented line boxes the way PaddleOCR's `DBPostProcess` does —
//! threshold, connected components, minimum-area rectangle, mean-probability score,
//! unclip — without OpenCV or a polygon-clipping library.

use image::RgbImage;
use image::imageops::{self, FilterType};

use crate::geometry::{Point, Quad, convex_hull, min_area_rect};

/// ImageNet statistics the PP-OCR detector was trained with, in the BGR channel order
/// PaddleOCR feeds it (it reads images with OpenCV).
const DET_MEAN: [f32; 3] = [0.485, 0.456, 0.406];
const DET_STD: [f32; 3] = [0.229, 0.224, 0.225];

/// Components whose box is thinner than this (in probability-map pixels) are noise.
const MIN_BOX_SIDE: f32 = 3.0;

/// PaddleOCR stops after this many candidate components; a page has far fewer lines,
/// and a pathological image (noise everywhere) must not cost unbounded time.
const MAX_CANDIDATES: usize = 1000;

/// The detector's input: the page resized so both sides are multiples of 32 (the
/// network downsamples five times) and the longer side is at most `max_side`.
pub(crate) struct DetInput {
    /// NCHW, `[1, 3, height, width]`, normalised.
    pub tensor: Vec<f32>,
    pub width: usize,
    pub height: usize,
}

pub(crate) fn prepare(image: &RgbImage, max_side: u32) -> DetInput {
    let (w, h) = image.dimensions();
    let longer = w.max(h) as f32;
    let scale = if longer > max_side as f32 {
        max_side as f32 / longer
    } else {
        1.0
    };
    let to_32 = |side: u32| -> u32 {
        let scaled = (side as f32 * scale / 32.0).round() as u32 * 32;
        scaled.max(32)
    };
    let (dw, dh) = (to_32(w), to_32(h));
    let resized;
    let source = if (dw, dh) == (w, h) {
        image
    } else {
        resized = imageops::resize(image, dw, dh, FilterType::Triangle);
        &resized
    };
    let plane = (dw * dh) as usize;
    let mut tensor = vec![0f32; 3 * plane];
    for (i, px) in source.pixels().enumerate() {
        // BGR: channel 0 is blue.
        for c in 0..3 {
            let value = px.0[2 - c] as f32 / 255.0;
            tensor[c * plane + i] = (value - DET_MEAN[c]) / DET_STD[c];
        }
    }
    DetInput {
        tensor,
        width: dw as usize,
        height: dh as usize,
    }
}

/// Parameters of the post-processing (see [`crate::OcrOptions`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DbParams {
    pub threshold: f32,
    pub box_threshold: f32,
    pub unclip_ratio: f32,
}

/// A detected line: its box in page pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DetectedBox {
    pub quad: Quad,
}

/// Turns a probability map of `map_w × map_h` into line boxes in the coordinates of a
/// `page_w × page_h` page.
pub(crate) fn boxes_from_probability_map(
    prob: &[f32],
    map_w: usize,
    map_h: usize,
    page_w: u32,
    page_h: u32,
    params: DbParams,
) -> Vec<DetectedBox> {
    debug_assert_eq!(prob.len(), map_w * map_h);
    let bitmap: Vec<bool> = prob.iter().map(|&p| p > params.threshold).collect();
    let sx = page_w as f32 / map_w as f32;
    let sy = page_h as f32 / map_h as f32;
    let mut boxes = Vec::new();
    for mut outline in connected_components(&bitmap, map_w, map_h)
        .into_iter()
        .take(MAX_CANDIDATES)
    {
        let hull = convex_hull(&mut outline);
        let kernel = min_area_rect(&hull);
        if kernel.length().min(kernel.thickness()) < MIN_BOX_SIDE {
            continue;
        }
        let score = mean_inside(prob, map_w, map_h, &kernel);
        if score < params.box_threshold {
            continue;
        }
        let grown = kernel.grow(kernel.unclip_distance(params.unclip_ratio));
        if grown.length().min(grown.thickness()) < MIN_BOX_SIDE + 2.0 {
            continue;
        }
        let quad = grown.reading_oriented().to_quad().map(|p| {
            // Map pixel centres of the map to page pixels, clamped to the page.
            Point::new(
                (p.x * sx).clamp(0.0, page_w as f32),
                (p.y * sy).clamp(0.0, page_h as f32),
            )
        });
        boxes.push(DetectedBox { quad });
    }
    boxes
}

/// Mean probability over the map pixels whose centres lie inside `rect`
/// (PaddleOCR's "fast" box score).
fn mean_inside(
    prob: &[f32],
    map_w: usize,
    map_h: usize,
    rect: &crate::geometry::OrientedRect,
) -> f32 {
    let bounds = rect.to_quad().bounding_rect();
    let x0 = bounds.x.floor().max(0.0) as usize;
    let y0 = bounds.y.floor().max(0.0) as usize;
    let x1 = ((bounds.x + bounds.width).ceil() as usize).min(map_w.saturating_sub(1));
    let y1 = ((bounds.y + bounds.height).ceil() as usize).min(map_h.saturating_sub(1));
    let (mut sum, mut count) = (0f64, 0usize);
    for y in y0..=y1 {
        for x in x0..=x1 {
            if rect.contains(Point::new(x as f32, y as f32)) {
                sum += prob[y * map_w + x] as f64;
                count += 1;
            }
        }
    }
    if count == 0 {
        0.0
    } else {
        (sum / count as f64) as f32
    }
}

/// 8-connected components of `bitmap`, each given as the leftmost and rightmost pixel
/// centre of every row it covers. Those points have the same convex hull as the whole
/// component, at a fraction of the size.
fn connected_components(bitmap: &[bool], width: usize, height: usize) -> Vec<Vec<Point>> {
    let mut visited = vec![false; bitmap.len()];
    let mut row_min = vec![usize::MAX; height];
    let mut row_max = vec![0usize; height];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    for start in 0..bitmap.len() {
        if !bitmap[start] || visited[start] {
            continue;
        }
        visited[start] = true;
        stack.push(start);
        let (mut top, mut bottom) = (start / width, start / width);
        while let Some(index) = stack.pop() {
            let (x, y) = (index % width, index / width);
            row_min[y] = row_min[y].min(x);
            row_max[y] = row_max[y].max(x);
            top = top.min(y);
            bottom = bottom.max(y);
            let (xl, xr) = (x.saturating_sub(1), (x + 1).min(width - 1));
            let (yt, yb) = (y.saturating_sub(1), (y + 1).min(height - 1));
            for ny in yt..=yb {
                for nx in xl..=xr {
                    let n = ny * width + nx;
                    if bitmap[n] && !visited[n] {
                        visited[n] = true;
                        stack.push(n);
                    }
                }
            }
        }
        let mut outline = Vec::with_capacity(2 * (bottom - top + 1));
        for y in top..=bottom {
            if row_min[y] != usize::MAX {
                outline.push(Point::new(row_min[y] as f32, y as f32));
                if row_max[y] != row_min[y] {
                    outline.push(Point::new(row_max[y] as f32, y as f32));
                }
            }
            row_min[y] = usize::MAX;
            row_max[y] = 0;
        }
        components.push(outline);
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> DbParams {
        DbParams {
            threshold: 0.3,
            box_threshold: 0.6,
            unclip_ratio: 1.5,
        }
    }

    #[test]
    fn two_blobs_give_two_boxes_scaled_to_the_page() {
        let (w, h) = (64, 32);
        let mut prob = vec![0f32; w * h];
        for y in 4..10 {
            for x in 5..40 {
                prob[y * w + x] = 0.9;
            }
        }
        for y in 20..26 {
            for x in 10..60 {
                prob[y * w + x] = 0.8;
            }
        }
        let boxes = boxes_from_probability_map(&prob, w, h, 128, 64, params());
        assert_eq!(boxes.len(), 2);
        let first = boxes[0].quad.bounding_rect();
        // Kernel 34 x 5 map pixels, grown by 34*5*1.5/78 ≈ 3.27 on each side, times 2.
        assert!((first.x - (5.0 - 3.27) * 2.0).abs() < 0.1, "{first:?}");
        assert!((first.width - (34.0 + 6.54) * 2.0).abs() < 0.1, "{first:?}");
    }

    #[test]
    fn weak_and_tiny_blobs_are_dropped() {
        let (w, h) = (32, 32);
        let mut prob = vec![0f32; w * h];
        // Above the pixel threshold but below the box threshold.
        for y in 2..12 {
            for x in 2..30 {
                prob[y * w + x] = 0.4;
            }
        }
        // A speck.
        prob[20 * w + 20] = 1.0;
        let boxes = boxes_from_probability_map(&prob, w, h, 32, 32, params());
        assert!(boxes.is_empty(), "{boxes:?}");
    }

    #[test]
    fn prepare_rounds_sides_to_multiples_of_32() {
        let image = RgbImage::from_pixel(100, 45, image::Rgb([255, 255, 255]));
        let input = prepare(&image, 960);
        assert_eq!((input.width, input.height), (96, 32));
        assert_eq!(input.tensor.len(), 3 * 96 * 32);
        let big = RgbImage::from_pixel(3000, 1000, image::Rgb([0, 0, 0]));
        let input = prepare(&big, 960);
        assert_eq!((input.width, input.height), (960, 320));
    }
}
