//! Plane geometry for text boxes: points, oriented rectangles, convex hulls and the
//! minimum-area rectangle around a set of points (what OpenCV's `minAreaRect` gives
//! PaddleOCR's DB post-processing).

use serde::Serialize;

/// A point in image pixels (x to the right, y down).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }

    fn sub(self, other: Point) -> Point {
        Point::new(self.x - other.x, self.y - other.y)
    }

    fn dot(self, other: Point) -> f32 {
        self.x * other.x + self.y * other.y
    }

    pub(crate) fn distance(self, other: Point) -> f32 {
        let d = self.sub(other);
        d.dot(d).sqrt()
    }
}

/// A four-cornered text box in image pixels: top-left, top-right, bottom-right,
/// bottom-left *in reading direction*, so the first edge runs along the text. For a
/// slightly rotated line the box is rotated with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quad(pub [Point; 4]);

impl Serialize for Quad {
    /// Serialised as `[[x, y], …]` with the four corners in order, rounded to tenths
    /// of a pixel: what a viewer needs to draw the box.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let round = |v: f32| (f64::from(v) * 10.0).round() / 10.0;
        let corners: Vec<[f64; 2]> = self.0.iter().map(|p| [round(p.x), round(p.y)]).collect();
        corners.serialize(serializer)
    }
}

/// An axis-aligned rectangle in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Quad {
    /// The smallest axis-aligned rectangle holding the box.
    pub fn bounding_rect(&self) -> Rect {
        let xs = self.0.map(|p| p.x);
        let ys = self.0.map(|p| p.y);
        let min_x = xs.iter().copied().fold(f32::INFINITY, f32::min);
        let max_x = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let min_y = ys.iter().copied().fold(f32::INFINITY, f32::min);
        let max_y = ys.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        Rect {
            x: min_x,
            y: min_y,
            width: max_x - min_x,
            height: max_y - min_y,
        }
    }

    /// Length of the edge along the text (the longer of top and bottom).
    pub fn text_length(&self) -> f32 {
        let [p0, p1, p2, p3] = self.0;
        p0.distance(p1).max(p3.distance(p2))
    }

    /// Height across the text (the longer of left and right).
    pub fn text_height(&self) -> f32 {
        let [p0, p1, p2, p3] = self.0;
        p0.distance(p3).max(p1.distance(p2))
    }

    /// Direction of the text, in radians from the x axis (positive turns clockwise on
    /// screen, since y points down).
    pub fn angle(&self) -> f32 {
        let [p0, p1, ..] = self.0;
        (p1.y - p0.y).atan2(p1.x - p0.x)
    }

    pub(crate) fn map(&self, f: impl Fn(Point) -> Point) -> Quad {
        Quad(self.0.map(f))
    }
}

/// A rectangle with any orientation: `u` runs along the text, `v = (-u.y, u.x)` across
/// it (down the page for horizontal text); the extents are projections on those axes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrientedRect {
    pub u: Point,
    pub v: Point,
    pub u_range: (f32, f32),
    pub v_range: (f32, f32),
}

impl OrientedRect {
    pub fn length(&self) -> f32 {
        self.u_range.1 - self.u_range.0
    }

    pub fn thickness(&self) -> f32 {
        self.v_range.1 - self.v_range.0
    }

    /// Whether `p` lies inside (borders included).
    pub fn contains(&self, p: Point) -> bool {
        let a = p.dot(self.u);
        let b = p.dot(self.v);
        a >= self.u_range.0 && a <= self.u_range.1 && b >= self.v_range.0 && b <= self.v_range.1
    }

    /// Grows every side outwards by `d`.
    ///
    /// PaddleOCR "unclips" a shrunk text kernel with a Vatti polygon offset of
    /// `area * ratio / perimeter` and then takes the minimum-area rectangle of the
    /// result. For a rectangle the offset polygon is the rectangle grown by `d` with
    /// rounded corners, whose minimum-area rectangle is exactly the rectangle grown by
    /// `d` on each side, so this is the same operation without a clipping library.
    pub fn grow(&self, d: f32) -> OrientedRect {
        OrientedRect {
            u_range: (self.u_range.0 - d, self.u_range.1 + d),
            v_range: (self.v_range.0 - d, self.v_range.1 + d),
            ..*self
        }
    }

    /// The distance PaddleOCR's unclip offsets a box by.
    pub fn unclip_distance(&self, ratio: f32) -> f32 {
        let (w, h) = (self.length(), self.thickness());
        let perimeter = 2.0 * (w + h);
        if perimeter <= 0.0 {
            return 0.0;
        }
        w * h * ratio / perimeter
    }

    /// Turns the rectangle so that `u` runs along the text: the more horizontal axis,
    /// left to right, unless the box is at least 1.5 times taller than wide, which is
    /// a vertical line read top to bottom (PaddleOCR's rule for rotating crops).
    pub fn reading_oriented(self) -> OrientedRect {
        // The more horizontal of the two axes, pointing right, is the text direction
        // unless the box turns out to be a vertical line.
        let mut h = if self.u.x.abs() >= self.u.y.abs() {
            self.u
        } else {
            self.v
        };
        if h.x < 0.0 {
            h = Point::new(-h.x, -h.y);
        }
        let v = Point::new(-h.y, h.x);
        let corners = self.corners();
        let project = |axis: Point| {
            corners
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), c| {
                    let t = c.dot(axis);
                    (lo.min(t), hi.max(t))
                })
        };
        let horizontal = OrientedRect {
            u: h,
            v,
            u_range: project(h),
            v_range: project(v),
        };
        if horizontal.thickness() >= 1.5 * horizontal.length() {
            let u = v; // down the page
            let v = Point::new(-u.y, u.x); // to the left
            OrientedRect {
                u,
                v,
                u_range: project(u),
                v_range: project(v),
            }
        } else {
            horizontal
        }
    }

    fn corners(&self) -> [Point; 4] {
        let at =
            |a: f32, b: f32| Point::new(a * self.u.x + b * self.v.x, a * self.u.y + b * self.v.y);
        let (a0, a1) = self.u_range;
        let (b0, b1) = self.v_range;
        [at(a0, b0), at(a1, b0), at(a1, b1), at(a0, b1)]
    }

    /// Corners in reading order (see [`Quad`]).
    pub fn to_quad(self) -> Quad {
        Quad(self.corners())
    }
}

/// Convex hull (Andrew's monotone chain), counter-clockwise in a y-up frame; collinear
/// points dropped. Fewer than three distinct points come back as they are.
pub(crate) fn convex_hull(points: &mut [Point]) -> Vec<Point> {
    points.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    if points.len() < 3 {
        let mut few = points.to_vec();
        few.dedup();
        return few;
    }
    let cross =
        |o: Point, a: Point, b: Point| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    let mut hull: Vec<Point> = Vec::with_capacity(points.len() + 1);
    for &p in points.iter() {
        while hull.len() >= 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0 {
            hull.pop();
        }
        hull.push(p);
    }
    let lower_len = hull.len() + 1;
    for &p in points.iter().rev().skip(1) {
        while hull.len() >= lower_len && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
        {
            hull.pop();
        }
        hull.push(p);
    }
    hull.pop();
    hull.dedup();
    hull
}

/// The minimum-area rectangle around a convex polygon, by trying each hull edge as a
/// side (rotating calipers without the incremental bookkeeping; hulls of text
/// components have a few dozen points).
pub(crate) fn min_area_rect(hull: &[Point]) -> OrientedRect {
    let axis_aligned = || {
        let project = |axis: Point| {
            hull.iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), c| {
                    let t = c.dot(axis);
                    (lo.min(t), hi.max(t))
                })
        };
        let u = Point::new(1.0, 0.0);
        let v = Point::new(0.0, 1.0);
        OrientedRect {
            u,
            v,
            u_range: project(u),
            v_range: project(v),
        }
    };
    if hull.len() < 3 {
        return axis_aligned();
    }
    let mut best = axis_aligned();
    let mut best_area = best.length() * best.thickness();
    for i in 0..hull.len() {
        let a = hull[i];
        let b = hull[(i + 1) % hull.len()];
        let edge = b.sub(a);
        let len = edge.dot(edge).sqrt();
        if len < 1e-6 {
            continue;
        }
        let u = Point::new(edge.x / len, edge.y / len);
        let v = Point::new(-u.y, u.x);
        let (mut u0, mut u1, mut v0, mut v1) = (
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
        );
        for p in hull {
            let s = p.dot(u);
            let t = p.dot(v);
            u0 = u0.min(s);
            u1 = u1.max(s);
            v0 = v0.min(t);
            v1 = v1.max(t);
        }
        let area = (u1 - u0) * (v1 - v0);
        if area < best_area - 1e-3 {
            best_area = area;
            best = OrientedRect {
                u,
                v,
                u_range: (u0, u1),
                v_range: (v0, v1),
            };
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotated_rect_points(cx: f32, cy: f32, w: f32, h: f32, angle: f32) -> Vec<Point> {
        let (s, c) = angle.sin_cos();
        let mut pts = Vec::new();
        for i in 0..=20 {
            for j in 0..=5 {
                let a = -w / 2.0 + w * i as f32 / 20.0;
                let b = -h / 2.0 + h * j as f32 / 5.0;
                pts.push(Point::new(cx + a * c - b * s, cy + a * s + b * c));
            }
        }
        pts
    }

    #[test]
    fn min_area_rect_recovers_a_rotated_line() {
        let angle = 2f32.to_radians();
        let mut pts = rotated_rect_points(300.0, 100.0, 400.0, 30.0, angle);
        let hull = convex_hull(&mut pts);
        let rect = min_area_rect(&hull).reading_oriented();
        assert!((rect.length() - 400.0).abs() < 0.5, "{}", rect.length());
        assert!(
            (rect.thickness() - 30.0).abs() < 0.5,
            "{}",
            rect.thickness()
        );
        let quad = rect.to_quad();
        assert!((quad.angle() - angle).abs() < 1e-3, "{}", quad.angle());
        // Top-left corner first.
        assert!(quad.0[0].x < quad.0[1].x && quad.0[0].y < quad.0[3].y);
    }

    #[test]
    fn tall_boxes_read_top_to_bottom() {
        let mut pts = rotated_rect_points(50.0, 200.0, 30.0, 300.0, 0.0);
        let hull = convex_hull(&mut pts);
        let rect = min_area_rect(&hull).reading_oriented();
        assert!(rect.u.y > 0.99, "{:?}", rect.u);
        assert!((rect.length() - 300.0).abs() < 0.5);
    }

    #[test]
    fn grow_matches_paddle_unclip_distance() {
        let mut pts = rotated_rect_points(0.0, 0.0, 100.0, 20.0, 0.0);
        let rect = min_area_rect(&convex_hull(&mut pts));
        let d = rect.unclip_distance(1.5);
        assert!((d - 100.0 * 20.0 * 1.5 / 240.0).abs() < 1e-3);
        let grown = rect.grow(d);
        assert!((grown.thickness() - (20.0 + 2.0 * d)).abs() < 1e-3);
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let mut one = vec![Point::new(3.0, 4.0)];
        let hull = convex_hull(&mut one);
        let rect = min_area_rect(&hull);
        assert_eq!(rect.length(), 0.0);
        let mut line = vec![
            Point::new(0.0, 0.0),
            Point::new(1.0, 0.0),
            Point::new(2.0, 0.0),
        ];
        let hull = convex_hull(&mut line);
        let rect = min_area_rect(&hull);
        assert_eq!(rect.thickness(), 0.0);
    }
}
