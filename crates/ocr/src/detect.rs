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

/// The first detection pass limits the page's longer side to this many pixels
/// (PaddleOCR's default `limit_side_len`): print of ordinary size then comes out
/// 15–40 pixels high, which the detector finds reliably, at a fraction of the cost of
/// the full-resolution page (detection time grows with the area).
pub(crate) const FIRST_PASS_SIDE: u32 = 960;

/// A second pass is run when the thinnest lines found come out thinner than this in
/// the first pass's pixels: small print at a coarse scale yields merged or missed
/// lines.
const MIN_LINE_THICKNESS: f32 = 16.0;

/// The line thickness, in the detector's pixels, the second pass aims for (characters
/// then come out about 24 pixels high, within the sizes DB was trained on).
const TARGET_LINE_THICKNESS: f32 = 24.0;

/// A second pass is also run when more than this fraction of the page's ink lies
/// outside every box of the first pass: text too small for the coarse scale may
/// not have been found at all, so its height cannot be measured.
const MAX_UNCOVERED_INK: f32 = 0.03;

/// For that check each box is grown by this fraction of its thickness on every side.
const COVER_MARGIN: f32 = 0.5;

/// Pixels darker than this (0–255 grey) count as ink for that check.
const INK_LEVEL: u8 = 128;

/// The detector's input: the page resized by about `scale`, both sides rounded to
/// multiples of 32 (the network downsamples five times).
pub(crate) struct DetInput {
    /// NCHW, `[1, 3, height, width]`, normalised.
    pub tensor: Vec<f32>,
    pub width: usize,
    pub height: usize,
    /// Input pixels per page pixel, across and down (`scale` after rounding).
    scale_x: f32,
    scale_y: f32,
    /// Which of the resized page's pixels are ink (dark), row-major.
    ink: Vec<bool>,
}

/// The scale at which a `width × height` page's longer side is at most `max_side`
/// (never above 1: the detector gains nothing from enlarged pixels).
pub(crate) fn scale_to_fit(width: u32, height: u32, max_side: u32) -> f32 {
    let longer = width.max(height) as f32;
    (max_side as f32 / longer).min(1.0)
}

pub(crate) fn prepare(image: &RgbImage, scale: f32) -> DetInput {
    let (w, h) = image.dimensions();
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
    let mut ink = vec![false; plane];
    for (i, px) in source.pixels().enumerate() {
        // BGR: channel 0 is blue.
        for c in 0..3 {
            let value = px.0[2 - c] as f32 / 255.0;
            tensor[c * plane + i] = (value - DET_MEAN[c]) / DET_STD[c];
        }
        let [r, g, b] = px.0;
        let grey = (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000;
        ink[i] = grey < u32::from(INK_LEVEL);
    }
    DetInput {
        tensor,
        width: dw as usize,
        height: dh as usize,
        scale_x: dw as f32 / w as f32,
        scale_y: dh as f32 / h as f32,
        ink,
    }
}

/// After a detection pass on `input`, which found `boxes` (in page pixels), the scale
/// a second pass should use, or `None` if the first pass's boxes are good: its lines
/// are thick enough in the detector's pixels and cover the page's ink. `max_scale`
/// bounds the second pass (the caller's `max_side`).
pub(crate) fn second_pass_scale(
    input: &DetInput,
    boxes: &[DetectedBox],
    max_scale: f32,
) -> Option<f32> {
    let scale = input.scale_x.min(input.scale_y);
    if max_scale <= scale * 1.05 {
        return None;
    }
    let mut thickness: Vec<f32> = boxes.iter().map(|b| b.quad.text_height()).collect();
    thickness.sort_by(f32::total_cmp);
    // The thinnest lines decide, not the median: a large title must not hide small
    // body text. The 10th percentile ignores the odd sliver.
    let thin = thickness.get(thickness.len() / 10).copied();
    if let Some(thin) = thin
        && thin * scale < MIN_LINE_THICKNESS
    {
        return Some((TARGET_LINE_THICKNESS / thin).clamp(scale, max_scale));
    }
    if thin.is_none() || uncovered_ink(input, boxes) > MAX_UNCOVERED_INK {
        return Some(max_scale);
    }
    None
}

/// The fraction of the input's ink pixels outside the bounding rectangles of all
/// `boxes` (given in page pixels).
fn uncovered_ink(input: &DetInput, boxes: &[DetectedBox]) -> f32 {
    let total = input.ink.iter().filter(|&&i| i).count();
    if total == 0 {
        return 0.0;
    }
    let mut covered = vec![false; input.ink.len()];
    let (w, h) = (input.width, input.height);
    let (sx, sy) = (input.scale_x, input.scale_y);
    for b in boxes {
        // Boxes from a coarse pass hug the strokes; the tops and bottoms of the
        // characters are not text that was missed.
        let r = b.quad.bounding_rect();
        let grow = b.quad.text_height() * COVER_MARGIN;
        let r = crate::geometry::Rect {
            x: r.x - grow,
            y: r.y - grow,
            width: r.width + 2.0 * grow,
            height: r.height + 2.0 * grow,
        };
        let x0 = ((r.x * sx).floor().max(0.0) as usize).min(w);
        let y0 = ((r.y * sy).floor().max(0.0) as usize).min(h);
        let x1 = (((r.x + r.width) * sx).ceil().max(0.0) as usize).min(w);
        let y1 = (((r.y + r.height) * sy).ceil().max(0.0) as usize).min(h);
        for y in y0..y1 {
            covered[y * w + x0..y * w + x1].fill(true);
        }
    }
    let outside = input
        .ink
        .iter()
        .zip(&covered)
        .filter(|&(&ink, &cov)| ink && !cov)
        .count();
    outside as f32 / total as f32
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
        let input = prepare(&image, scale_to_fit(100, 45, 960));
        assert_eq!((input.width, input.height), (96, 32));
        assert_eq!(input.tensor.len(), 3 * 96 * 32);
        let big = RgbImage::from_pixel(3000, 1000, image::Rgb([0, 0, 0]));
        let input = prepare(&big, scale_to_fit(3000, 1000, 960));
        assert_eq!((input.width, input.height), (960, 320));
    }

    fn line(x: u16, y: u16, length: u16, thickness: u16) -> DetectedBox {
        let [x, y, length, thickness] = [x, y, length, thickness].map(f32::from);
        DetectedBox {
            quad: Quad([
                Point::new(x, y),
                Point::new(x + length, y),
                Point::new(x + length, y + thickness),
                Point::new(x, y + thickness),
            ]),
        }
    }

    /// A 1000 × 500 page with black ink in the given rectangles (x, y, w, h).
    fn page_with_ink(rects: &[(u32, u32, u32, u32)]) -> RgbImage {
        RgbImage::from_fn(1000, 500, |x, y| {
            let inside = rects
                .iter()
                .any(|&(rx, ry, rw, rh)| x >= rx && x < rx + rw && y >= ry && y < ry + rh);
            image::Rgb(if inside { [0, 0, 0] } else { [255, 255, 255] })
        })
    }

    #[test]
    fn thick_lines_that_cover_the_ink_need_no_second_pass() {
        let page = page_with_ink(&[(100, 100, 800, 60), (100, 300, 800, 60)]);
        let input = prepare(&page, 0.5);
        let boxes = [line(95, 95, 810, 70), line(95, 295, 810, 70)];
        assert_eq!(second_pass_scale(&input, &boxes, 1.0), None);
    }

    #[test]
    fn thin_lines_ask_for_a_finer_scale() {
        let page = page_with_ink(&[(100, 100, 800, 40)]);
        let input = prepare(&page, 0.25);
        // 48 page pixels are 12 at this scale, too thin; 24 / 48 makes them 24.
        let boxes = [line(95, 96, 810, 48)];
        let scale = second_pass_scale(&input, &boxes, 1.0).expect("second pass");
        assert!((scale - 0.5).abs() < 1e-4, "{scale}");
        // Bounded by the caller's limit.
        assert_eq!(second_pass_scale(&input, &boxes, 0.4), Some(0.4));
    }

    #[test]
    fn ink_outside_every_box_asks_for_full_resolution() {
        let page = page_with_ink(&[(100, 100, 800, 60), (100, 300, 800, 60)]);
        let input = prepare(&page, 0.5);
        let boxes = [line(95, 95, 810, 70)];
        assert_eq!(second_pass_scale(&input, &boxes, 0.8), Some(0.8));
        // Nothing found at all: also the finest scale allowed.
        assert_eq!(second_pass_scale(&input, &[], 0.8), Some(0.8));
        // Already at the finest scale: nothing more to try.
        let fine = prepare(&page, 0.8);
        assert_eq!(second_pass_scale(&fine, &[], 0.8), None);
    }
}
