//! Reading order: top to bottom, left to right, column by column.
//!
//! A recursive XY-cut on the boxes, measured in a frame turned by the page's skew so
//! that a scan rotated by a degree or two still separates into rows:
//!
//! 1. a vertical gutter (a strip at least ~one line high wide that no box touches) that
//!    runs through the whole region splits it into columns, read left before right;
//! 2. otherwise the region splits at every horizontal gap into bands; consecutive bands
//!    that share a gutter form one block (the two columns under a full-width title), so
//!    the block is read column by column rather than row by row across the gutter;
//! 3. a band with neither (one row, or rows whose boxes overlap) is read by rows of
//!    overlapping boxes, each left to right.
//!
//! Label/value forms with a wide gap read as two columns — all labels, then all values.

use crate::geometry::Quad;

#[derive(Debug, Clone, Copy)]
struct Span {
    x0: f32,
    x1: f32,
    y0: f32,
    y1: f32,
}

/// The indices of `quads` in reading order.
pub(crate) fn reading_order(quads: &[Quad]) -> Vec<usize> {
    if quads.len() <= 1 {
        return (0..quads.len()).collect();
    }
    let skew = page_direction(quads);
    let (sin, cos) = (-skew).sin_cos();
    let spans: Vec<Span> = quads
        .iter()
        .map(|q| {
            let pts = q.0.map(|p| (p.x * cos - p.y * sin, p.x * sin + p.y * cos));
            Span {
                x0: pts.iter().map(|p| p.0).fold(f32::INFINITY, f32::min),
                x1: pts.iter().map(|p| p.0).fold(f32::NEG_INFINITY, f32::max),
                y0: pts.iter().map(|p| p.1).fold(f32::INFINITY, f32::min),
                y1: pts.iter().map(|p| p.1).fold(f32::NEG_INFINITY, f32::max),
            }
        })
        .collect();
    let unit = median(spans.iter().map(|s| s.y1 - s.y0).collect()).unwrap_or(1.0);
    // Box heights include the detector's margin, about 1.5 times the type size.
    let min_gutter = (0.8 * unit).max(1.0);
    let cutter = Cutter { spans, min_gutter };
    let mut out = Vec::with_capacity(quads.len());
    cutter.order((0..quads.len()).collect(), &mut out);
    out
}

/// The direction text runs on the page, in radians: near 0 for an upright page (its
/// skew), near ±π for a page scanned upside down, whose lines were turned one by one
/// and must also be *ordered* from the image's bottom right.
fn page_direction(quads: &[Quad]) -> f32 {
    use std::f32::consts::PI;
    let wrap = |a: f32| {
        let mut a = a;
        while a > PI {
            a -= 2.0 * PI;
        }
        while a <= -PI {
            a += 2.0 * PI;
        }
        a
    };
    let angles: Vec<f32> = quads.iter().map(|q| q.angle()).collect();
    let upside_down = angles.iter().filter(|a| a.abs() > PI / 2.0).count();
    let base = if 2 * upside_down > angles.len() {
        PI
    } else {
        0.0
    };
    let skew = median(
        angles
            .iter()
            .map(|&a| wrap(a - base))
            .filter(|a| a.abs() < 0.5)
            .collect(),
    )
    .unwrap_or(0.0);
    base + skew
}

struct Cutter {
    spans: Vec<Span>,
    min_gutter: f32,
}

impl Cutter {
    fn order(&self, ids: Vec<usize>, out: &mut Vec<usize>) {
        if ids.len() <= 1 {
            out.extend(ids);
            return;
        }
        if let Some((left, right)) = widest_gap(&ids, |i| (self.spans[i].x0, self.spans[i].x1))
            .filter(|(lo, hi)| hi - lo >= self.min_gutter)
        {
            let cut = (left + right) / 2.0;
            let (l, r): (Vec<usize>, Vec<usize>) =
                ids.iter().partition(|&&i| self.spans[i].x1 <= cut);
            self.order(l, out);
            self.order(r, out);
            return;
        }
        let bands = split_at_gaps(&ids, |i| (self.spans[i].y0, self.spans[i].y1));
        if bands.len() == 1 {
            self.rows(ids, out);
            return;
        }
        // Group consecutive bands that share a gutter into one block.
        let mut block: Vec<usize> = Vec::new();
        let mut shared: Vec<(f32, f32)> = Vec::new();
        for band in bands {
            let gutters = self.gutters(&band);
            let common = intersect(&shared, &gutters, self.min_gutter);
            if !block.is_empty() && !common.is_empty() {
                block.extend(band);
                shared = common;
            } else {
                self.flush(std::mem::take(&mut block), out);
                block = band;
                shared = gutters;
            }
        }
        self.flush(block, out);
    }

    /// A block of one band is read as rows; a block of several shares a gutter that
    /// runs through it, which `order` cuts.
    fn flush(&self, block: Vec<usize>, out: &mut Vec<usize>) {
        if block.is_empty() {
            return;
        }
        let single_band =
            split_at_gaps(&block, |i| (self.spans[i].y0, self.spans[i].y1)).len() == 1;
        if single_band {
            // Within one band gutters only separate pieces of the same rows.
            self.rows(block, out);
        } else {
            self.order(block, out);
        }
    }

    /// Interior x-ranges of at least `min_gutter` that no box of `ids` covers.
    fn gutters(&self, ids: &[usize]) -> Vec<(f32, f32)> {
        gaps(ids, |i| (self.spans[i].x0, self.spans[i].x1))
            .into_iter()
            .filter(|(lo, hi)| hi - lo >= self.min_gutter)
            .collect()
    }

    /// Rows of vertically overlapping boxes, top to bottom, each left to right. A box
    /// joins a row when its centre lies within the row's first box.
    fn rows(&self, mut ids: Vec<usize>, out: &mut Vec<usize>) {
        let centre = |i: usize| (self.spans[i].y0 + self.spans[i].y1) / 2.0;
        ids.sort_by(|&a, &b| centre(a).total_cmp(&centre(b)));
        let mut start = 0;
        while start < ids.len() {
            let head = self.spans[ids[start]];
            let mut end = start + 1;
            while end < ids.len() && centre(ids[end]) <= head.y1 {
                end += 1;
            }
            let row = &mut ids[start..end];
            row.sort_by(|&a, &b| self.spans[a].x0.total_cmp(&self.spans[b].x0));
            out.extend_from_slice(row);
            start = end;
        }
    }
}

/// Uncovered intervals strictly between the boxes' extents on one axis.
fn gaps(ids: &[usize], extent: impl Fn(usize) -> (f32, f32)) -> Vec<(f32, f32)> {
    let mut ranges: Vec<(f32, f32)> = ids.iter().map(|&i| extent(i)).collect();
    ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for (lo, hi) in ranges {
        if reach > f32::NEG_INFINITY && lo > reach {
            out.push((reach, lo));
        }
        reach = reach.max(hi);
    }
    out
}

fn widest_gap(ids: &[usize], extent: impl Fn(usize) -> (f32, f32)) -> Option<(f32, f32)> {
    gaps(ids, extent)
        .into_iter()
        .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))
}

/// Splits `ids` into groups separated by every gap on one axis, in axis order.
fn split_at_gaps(ids: &[usize], extent: impl Fn(usize) -> (f32, f32)) -> Vec<Vec<usize>> {
    let mut sorted = ids.to_vec();
    sorted.sort_by(|&a, &b| extent(a).0.total_cmp(&extent(b).0));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for i in sorted {
        let (lo, hi) = extent(i);
        match groups.last_mut() {
            Some(group) if lo <= reach => group.push(i),
            _ => groups.push(vec![i]),
        }
        reach = reach.max(hi);
    }
    groups
}

fn intersect(a: &[(f32, f32)], b: &[(f32, f32)], min_width: f32) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    for &(a0, a1) in a {
        for &(b0, b1) in b {
            let (lo, hi) = (a0.max(b0), a1.min(b1));
            if hi - lo >= min_width {
                out.push((lo, hi));
            }
        }
    }
    out
}

fn median(mut values: Vec<f32>) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f32::total_cmp);
    Some(values[values.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;

    fn rect(x: f32, y: f32, w: f32, h: f32) -> Quad {
        Quad([
            Point::new(x, y),
            Point::new(x + w, y),
            Point::new(x + w, y + h),
            Point::new(x, y + h),
        ])
    }

    #[test]
    fn single_column_reads_top_to_bottom() {
        let quads = vec![
            rect(10.0, 100.0, 500.0, 30.0),
            rect(10.0, 10.0, 500.0, 30.0),
            rect(10.0, 55.0, 300.0, 30.0),
        ];
        assert_eq!(reading_order(&quads), vec![1, 2, 0]);
    }

    #[test]
    fn two_columns_under_a_title_read_column_by_column() {
        let quads = vec![
            rect(300.0, 60.0, 250.0, 30.0),  // right column, row 1
            rect(10.0, 10.0, 540.0, 30.0),   // title
            rect(10.0, 60.0, 250.0, 30.0),   // left column, row 1
            rect(10.0, 100.0, 250.0, 30.0),  // left column, row 2
            rect(300.0, 100.0, 250.0, 30.0), // right column, row 2
            rect(10.0, 160.0, 540.0, 30.0),  // footer
        ];
        assert_eq!(reading_order(&quads), vec![1, 2, 3, 0, 4, 5]);
    }

    #[test]
    fn pieces_of_one_row_read_left_to_right() {
        let quads = vec![
            rect(400.0, 12.0, 100.0, 30.0),
            rect(10.0, 10.0, 200.0, 30.0),
        ];
        assert_eq!(reading_order(&quads), vec![1, 0]);
    }

    #[test]
    fn upside_down_page_reads_from_the_bottom() {
        // Lines turned by 180°: their first corner is at the bottom right.
        let turned = |y: f32| {
            let [a, b, c, d] = rect(10.0, y, 500.0, 30.0).0;
            Quad([c, d, a, b])
        };
        let quads = vec![turned(10.0), turned(100.0), turned(55.0)];
        assert_eq!(reading_order(&quads), vec![1, 2, 0]);
    }

    #[test]
    fn skewed_lines_keep_their_order() {
        // Long lines rotated by 2°: their axis-aligned extents overlap in y.
        let angle = 2f32.to_radians();
        let (s, c) = angle.sin_cos();
        let line = |y: f32| {
            let r = rect(10.0, y, 1000.0, 30.0);
            r.map(|p| Point::new(p.x * c - p.y * s, p.x * s + p.y * c))
        };
        let quads = vec![line(80.0), line(40.0), line(0.0), line(120.0)];
        assert_eq!(reading_order(&quads), vec![2, 1, 0, 3]);
    }
}
