//! Cutting text lines out of the page for the angle classifier and the recogniser:
//! each (possibly slightly rotated) box is sampled straight into a 48-pixel-high
//! strip, so a line tilted by a degree or two comes out level.

use image::RgbImage;

use crate::geometry::{Point, Quad};

/// Line height both the recogniser and the angle classifier take.
pub(crate) const LINE_HEIGHT: usize = 48;

/// The strip reaches this fraction of the box's height beyond its top and bottom
/// edges. DB boxes hug the ink; with the margin the characters fill about 60–65% of
/// the strip's height, close to the crops the recogniser was trained on, and the strip
/// is 38% shorter than without, which shortens recognition with it: its cost is
/// proportional to the strip's width. A margin of 0.2 read the fixture pages equally
/// well (see BENCHMARKS.md, section OCR) with strips 14% longer.
const CROP_MARGIN: f32 = 0.3;

/// Strips longer than this are squeezed to it, which bounds the memory one absurd box
/// (a page-wide rule, say) can take.
const MAX_LINE_WIDTH: usize = 4800;

/// The angle classifier's narrowest input (PaddleOCR's `cls_image_shape`); shorter
/// lines are padded to it.
pub(crate) const CLS_WIDTH: usize = 192;

/// The widest input the classifier is given; longer lines are squeezed into it.
/// PaddleOCR squeezes every line into 192 columns, but a page-wide line is then
/// compressed eight-fold and the classifier's verdict on it becomes a coin toss
/// (0.896 for one upside-down line of the fixtures, against a threshold of 0.9);
/// at 384 columns the same lines score above 0.98 either way, for about twice the
/// classifier's small cost.
pub(crate) const CLS_MAX_WIDTH: usize = 384;

/// One line, resampled to [`LINE_HEIGHT`] and normalised to `[-1, 1]`, in the planar
/// BGR layout (`[3, 48, width]`) the PP-OCR models were trained on.
#[derive(Debug, Clone)]
pub(crate) struct LineStrip {
    pub data: Vec<f32>,
    pub width: usize,
}

impl LineStrip {
    /// Turns the strip upside down (rotation by 180°): reversing a row-major plane
    /// reverses both its rows and its columns.
    pub fn rotate_180(&mut self) {
        let plane = LINE_HEIGHT * self.width;
        for channel in self.data.chunks_mut(plane) {
            channel.reverse();
        }
    }

    /// Writes the strip into a `[3, 48, out_width]` slot, left-aligned; the rest of the
    /// slot keeps its value (zero, the models' padding). Wider strips are cut.
    pub fn copy_into(&self, slot: &mut [f32], out_width: usize) {
        let w = self.width.min(out_width);
        for c in 0..3 {
            for y in 0..LINE_HEIGHT {
                let src = c * LINE_HEIGHT * self.width + y * self.width;
                let dst = c * LINE_HEIGHT * out_width + y * out_width;
                slot[dst..dst + w].copy_from_slice(&self.data[src..src + w]);
            }
        }
    }

    /// The classifier's input width for this strip: its own width, within
    /// [`CLS_WIDTH`]..=[`CLS_MAX_WIDTH`].
    pub fn cls_width(&self) -> usize {
        self.width.clamp(CLS_WIDTH, CLS_MAX_WIDTH)
    }

    /// The classifier's view: the strip squeezed (by area averaging) to at most
    /// `out_width` columns, written left-aligned into a `[3, 48, out_width]` slot.
    pub fn copy_squeezed_into(&self, slot: &mut [f32], out_width: usize) {
        if self.width <= out_width {
            self.copy_into(slot, out_width);
            return;
        }
        let ratio = self.width as f32 / out_width as f32;
        for c in 0..3 {
            for y in 0..LINE_HEIGHT {
                let row = &self.data[c * LINE_HEIGHT * self.width + y * self.width..][..self.width];
                for x in 0..out_width {
                    let from = (x as f32 * ratio) as usize;
                    let to = (((x + 1) as f32 * ratio) as usize).clamp(from + 1, self.width);
                    let mean = row[from..to].iter().sum::<f32>() / (to - from) as f32;
                    slot[c * LINE_HEIGHT * out_width + y * out_width + x] = mean;
                }
            }
        }
    }
}

/// Samples the box `quad` of `page`, with a margin, into a level strip 48 pixels high.
///
/// The box's corners map to the strip's corners by an affine map (boxes are
/// rectangles, made parallelograms at most by unequal x/y scaling, for which the map
/// is exact). Pixels are read bilinearly, averaging a few samples per output pixel when
/// the line is much taller than 48 pixels so that large print does not alias; outside
/// the page the border pixel repeats.
pub(crate) fn line_strip(page: &RgbImage, quad: &Quad) -> LineStrip {
    // Widen the box across the text by CROP_MARGIN of its height on each side.
    let [p0, p1, _, p3] = quad.0;
    let off = Point::new((p3.x - p0.x) * CROP_MARGIN, (p3.y - p0.y) * CROP_MARGIN);
    let p0 = Point::new(p0.x - off.x, p0.y - off.y);
    let p1 = Point::new(p1.x - off.x, p1.y - off.y);
    let p3 = Point::new(p3.x + off.x, p3.y + off.y);
    let height = p0.distance(p3).max(1.0);
    let scale = height / LINE_HEIGHT as f32;
    let width = ((p0.distance(p1) / scale).round() as usize).clamp(1, MAX_LINE_WIDTH);
    let along = Point::new(p1.x - p0.x, p1.y - p0.y);
    let across = Point::new(p3.x - p0.x, p3.y - p0.y);
    let samples = (scale.ceil() as usize).clamp(1, 4);
    let plane = LINE_HEIGHT * width;
    let mut data = vec![0f32; 3 * plane];
    let inv = 1.0 / (samples * samples) as f32;
    for y in 0..LINE_HEIGHT {
        for x in 0..width {
            let mut acc = [0f32; 3];
            for sy in 0..samples {
                let fy = (y as f32 + (sy as f32 + 0.5) / samples as f32) / LINE_HEIGHT as f32;
                for sx in 0..samples {
                    let fx = (x as f32 + (sx as f32 + 0.5) / samples as f32) / width as f32;
                    let px = p0.x + fx * along.x + fy * across.x;
                    let py = p0.y + fx * along.y + fy * across.y;
                    let rgb = bilinear(page, px, py);
                    for c in 0..3 {
                        acc[c] += rgb[c];
                    }
                }
            }
            for c in 0..3 {
                // Planar BGR, normalised as (v / 255 - 0.5) / 0.5.
                let value = acc[2 - c] * inv;
                data[c * plane + y * width + x] = value / 127.5 - 1.0;
            }
        }
    }
    LineStrip { data, width }
}

/// The colour at continuous position (`x`, `y`), pixel centres at half-integers.
fn bilinear(page: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (w, h) = page.dimensions();
    let fx = (x - 0.5).clamp(0.0, (w - 1) as f32);
    let fy = (y - 0.5).clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (fx.floor() as u32, fy.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (tx, ty) = (fx - x0 as f32, fy - y0 as f32);
    let get = |xx: u32, yy: u32| page.get_pixel(xx, yy).0;
    let (a, b, c, d) = (get(x0, y0), get(x1, y0), get(x0, y1), get(x1, y1));
    let mut out = [0f32; 3];
    for i in 0..3 {
        let top = a[i] as f32 * (1.0 - tx) + b[i] as f32 * tx;
        let bottom = c[i] as f32 * (1.0 - tx) + d[i] as f32 * tx;
        out[i] = top * (1.0 - ty) + bottom * ty;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn strip_keeps_aspect_ratio_and_orientation() {
        // A page white on the left half, black on the right.
        let page = RgbImage::from_fn(200, 100, |x, _| {
            if x < 100 {
                Rgb([255, 255, 255])
            } else {
                Rgb([0, 0, 0])
            }
        });
        let quad = Quad([
            Point::new(0.0, 20.0),
            Point::new(200.0, 20.0),
            Point::new(200.0, 44.0),
            Point::new(0.0, 44.0),
        ]);
        let mut strip = line_strip(&page, &quad);
        // 200 x 24 box, grown to 200 x 38.4 by the margin, at height 48.
        assert_eq!(strip.width, 250);
        let at = |s: &LineStrip, x: usize| s.data[LINE_HEIGHT / 2 * s.width + x];
        assert!((at(&strip, 10) - 1.0).abs() < 1e-4);
        assert!((at(&strip, 245) + 1.0).abs() < 1e-4);
        strip.rotate_180();
        assert!((at(&strip, 10) + 1.0).abs() < 1e-4);
        let mut slot = vec![0f32; 3 * LINE_HEIGHT * CLS_WIDTH];
        strip.copy_squeezed_into(&mut slot, CLS_WIDTH);
        assert!((slot[LINE_HEIGHT / 2 * CLS_WIDTH] + 1.0).abs() < 1e-4);
        assert!((slot[LINE_HEIGHT / 2 * CLS_WIDTH + CLS_WIDTH - 1] - 1.0).abs() < 1e-4);
    }
}
