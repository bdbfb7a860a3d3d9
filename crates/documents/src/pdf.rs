//! PDF: the text layer page by page, with positions; pages without text are
//! scanned pages, whose images are handed to OCR.
//!
//! The text is read by following the page's content stream (text and
//! graphics state, fonts), not by `lopdf`'s own extraction, for two reasons:
//! positions (lines, paragraphs and their boxes on the page), and fonts that
//! carry both an `/Encoding` with made-up glyph names and a `/ToUnicode` map
//! (Chromium's Type 3 CJK fonts): the map is the one that tells the
//! characters, so it is preferred whenever present. Glyph widths are
//! estimated (one em for CJK, half an em otherwise): enough to place boxes,
//! since writers position each run explicitly.

use std::collections::BTreeMap;

use image::{DynamicImage, GrayImage, RgbImage};
use lopdf::content::Content;
use lopdf::{Dictionary, Encoding, LoadOptions, Object, ObjectId};

use crate::builder::{Builder, NewBlock};
use crate::error::DocumentError;
use crate::images::{add_ocr_page, check_pixels};
use crate::limits::Limits;
use crate::model::{BlockKind, Document, Format, Page, PageUnit, Rect};
use crate::ocr::ImageTextReader;

const WHAT: &str = "PDF 文档";

fn corrupt(detail: impl Into<String>) -> DocumentError {
    DocumentError::Corrupt {
        format: WHAT,
        detail: detail.into(),
    }
}

pub(crate) fn read(
    bytes: &[u8],
    limits: &Limits,
    ocr: Option<&dyn ImageTextReader>,
) -> Result<Document, DocumentError> {
    let pdf = load(bytes, limits)?;
    let pages = pdf.get_pages();
    if pages.len() > limits.max_pages {
        return Err(DocumentError::TooManyPages {
            pages: pages.len(),
            limit: limits.max_pages,
        });
    }
    if pages.is_empty() {
        return Err(corrupt("没有任何页面"));
    }
    let mut read_pages = Vec::with_capacity(pages.len());
    let mut scanned = Vec::new();
    for (&number, &id) in &pages {
        let geometry = Geometry::of(&pdf, id);
        let paragraphs = page_paragraphs(&pdf, id, &geometry, limits)?;
        let has_images = paragraphs.is_empty()
            && pdf
                .get_page_images(id)
                .map(|images| !images.is_empty())
                .unwrap_or(false);
        if has_images {
            scanned.push(number);
        }
        read_pages.push((number, id, geometry, paragraphs, has_images));
    }
    if !scanned.is_empty() && ocr.is_none() {
        return Err(DocumentError::NeedsOcr {
            what: WHAT,
            pages: scanned,
        });
    }
    let mut builder = Builder::new(Format::Pdf);
    for (number, id, geometry, paragraphs, has_images) in read_pages {
        if let (true, Some(ocr)) = (has_images, ocr) {
            let image = page_image(&pdf, id, limits)?;
            add_ocr_page(&mut builder, number, image, ocr)?;
            continue;
        }
        builder.add_page(Page {
            width: Some(geometry.width),
            height: Some(geometry.height),
            unit: Some(PageUnit::Points),
            ..Page::bare(number)
        });
        for (i, p) in paragraphs.iter().enumerate() {
            builder.push(
                "\n",
                NewBlock {
                    bbox: Some(p.bbox),
                    lines: p.lines.clone(),
                    ..NewBlock::new(number, i as u32 + 1, p.kind.clone(), &p.text)
                },
            );
        }
    }
    if !builder.has_text() && scanned.is_empty() {
        return Err(DocumentError::NoText {
            what: WHAT,
            hint: "（文字可能已转为曲线，或全是空白页）",
        });
    }
    Ok(builder.finish())
}

fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document, DocumentError> {
    // lopdf rebuilds a lost cross-reference table from the objects it finds,
    // which turns a truncated file into a document missing its end. Every
    // complete PDF ends with an end-of-file marker (ISO 32000-1, 7.5.5).
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(corrupt(
            "文件不完整，缺少结尾标记 %%EOF，可能是下载或上传中断",
        ));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(limits.stream_bytes()),
        ..LoadOptions::default()
    };
    let encrypted = || DocumentError::Encrypted { format: WHAT };
    match lopdf::Document::load_mem_with_options(bytes, options) {
        // Documents with only an owner password open without one, as in any
        // viewer; lopdf decrypts them on load.
        Ok(doc) if doc.is_encrypted() => Err(encrypted()),
        Ok(doc) => Ok(doc),
        Err(e) => {
            let text = e.to_string();
            if text.to_lowercase().contains("decrypt")
                || text.to_lowercase().contains("password")
                || text.to_lowercase().contains("encrypt")
            {
                Err(encrypted())
            } else {
                Err(corrupt(text))
            }
        }
    }
}

/// Where a page is: its media box, for turning PDF coordinates (from the
/// bottom left) into top-left ones.
struct Geometry {
    left: f32,
    top: f32,
    width: f32,
    height: f32,
}

impl Geometry {
    fn of(pdf: &lopdf::Document, page: ObjectId) -> Geometry {
        let mut node = pdf.get_dictionary(page).ok();
        let mut hops = 0;
        while let Some(dict) = node {
            if let Ok(Object::Array(a)) = dict.get(b"MediaBox").map(|o| deref(pdf, o))
                && let [x0, y0, x1, y1] = a
                    .iter()
                    .map(|o| deref(pdf, o).as_float().unwrap_or(0.0))
                    .collect::<Vec<_>>()[..]
            {
                return Geometry {
                    left: x0.min(x1),
                    top: y0.max(y1),
                    width: (x1 - x0).abs(),
                    height: (y1 - y0).abs(),
                };
            }
            hops += 1;
            node = dict
                .get(b"Parent")
                .and_then(Object::as_reference)
                .ok()
                .filter(|_| hops < 32)
                .and_then(|id| pdf.get_dictionary(id).ok());
        }
        // US Letter, the default of PDF writers that omit the box.
        Geometry {
            left: 0.0,
            top: 792.0,
            width: 612.0,
            height: 792.0,
        }
    }
}

fn deref<'a>(pdf: &'a lopdf::Document, o: &'a Object) -> &'a Object {
    pdf.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// A string shown at one place, in top-left page coordinates.
struct Run {
    text: String,
    x: f32,
    baseline: f32,
    size: f32,
    width: f32,
}

/// Wide characters (CJK, full-width forms) take about one em.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn number(o: &Object) -> Option<f32> {
    o.as_float().ok().filter(|v| v.is_finite())
}

fn matrix(ops: &[Object]) -> Option<Matrix> {
    let v: Vec<f32> = ops.iter().filter_map(number).collect();
    (v.len() == 6 && ops.len() == 6).then(|| [v[0], v[1], v[2], v[3], v[4], v[5]])
}

/// Text and graphics state of the content stream being followed.
struct Interpreter<'a> {
    encodings: &'a BTreeMap<Vec<u8>, Encoding<'a>>,
    geometry: &'a Geometry,
    ctm: Matrix,
    stack: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    font: Option<&'a Encoding<'a>>,
    size: f32,
    leading: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    runs: Vec<Run>,
}

impl<'a> Interpreter<'a> {
    fn translate_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn advance(&mut self, tx: f32) {
        self.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.tm);
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(encoding) = self.font else { return };
        let Ok(text) = lopdf::Document::decode_text(encoding, bytes) else {
            return;
        };
        let text: String = text
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .map(crate::radicals::unify)
            .collect();
        let advance: f32 = text
            .chars()
            .map(|c| {
                let em = if is_wide(c) { 1.0 } else { 0.5 };
                let word = if c == ' ' { self.word_spacing } else { 0.0 };
                (em * self.size + self.char_spacing + word) * self.scale
            })
            .sum();
        let trm = mul(&self.tm, &self.ctm);
        let x_scale = trm[0].hypot(trm[1]);
        let y_scale = trm[2].hypot(trm[3]);
        let size = (self.size * y_scale).abs();
        if !text.is_empty() && size.is_finite() && trm[4].is_finite() && trm[5].is_finite() {
            self.runs.push(Run {
                text,
                x: trm[4] - self.geometry.left,
                baseline: self.geometry.top - trm[5],
                size,
                width: (advance * x_scale).abs(),
            });
        }
        self.advance(advance);
    }

    fn run(&mut self, content: &Content) {
        for op in &content.operations {
            let args = &op.operands;
            match op.operator.as_str() {
                "q" if self.stack.len() < 256 => self.stack.push(self.ctm),
                "Q" => {
                    if let Some(m) = self.stack.pop() {
                        self.ctm = m;
                    }
                }
                "cm" => {
                    if let Some(m) = matrix(args) {
                        self.ctm = mul(&m, &self.ctm);
                    }
                }
                "BT" => {
                    self.tm = IDENTITY;
                    self.tlm = IDENTITY;
                }
                "Tf" => {
                    self.font = args
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|name| self.encodings.get(name));
                    self.size = args.get(1).and_then(number).unwrap_or(self.size);
                }
                "Tc" => self.char_spacing = args.first().and_then(number).unwrap_or(0.0),
                "Tw" => self.word_spacing = args.first().and_then(number).unwrap_or(0.0),
                "Tz" => self.scale = args.first().and_then(number).unwrap_or(100.0) / 100.0,
                "TL" => self.leading = args.first().and_then(number).unwrap_or(0.0),
                "Tm" => {
                    if let Some(m) = matrix(args) {
                        self.tm = m;
                        self.tlm = m;
                    }
                }
                "Td" | "TD" => {
                    if let (Some(tx), Some(ty)) =
                        (args.first().and_then(number), args.get(1).and_then(number))
                    {
                        if op.operator == "TD" {
                            self.leading = -ty;
                        }
                        self.translate_line(tx, ty);
                    }
                }
                "T*" => self.translate_line(0.0, -self.leading),
                "Tj" => {
                    if let Some(Ok(s)) = args.first().map(Object::as_str) {
                        self.show(s);
                    }
                }
                "'" => {
                    self.translate_line(0.0, -self.leading);
                    if let Some(Ok(s)) = args.first().map(Object::as_str) {
                        self.show(s);
                    }
                }
                "\"" => {
                    self.word_spacing = args.first().and_then(number).unwrap_or(0.0);
                    self.char_spacing = args.get(1).and_then(number).unwrap_or(0.0);
                    self.translate_line(0.0, -self.leading);
                    if let Some(Ok(s)) = args.get(2).map(Object::as_str) {
                        self.show(s);
                    }
                }
                "TJ" => {
                    if let Some(Ok(items)) = args.first().map(Object::as_array) {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s),
                                other => {
                                    if let Some(n) = number(other) {
                                        self.advance(-n / 1000.0 * self.size * self.scale);
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// A paragraph of a page, ready for the builder.
struct Paragraph {
    text: String,
    kind: BlockKind,
    bbox: Rect,
    /// (char start, char end) relative to `text`, and the line's box.
    lines: Vec<(usize, usize, Rect)>,
}

struct Line {
    text: String,
    x0: f32,
    x1: f32,
    baseline: f32,
    size: f32,
}

impl Line {
    fn rect(&self) -> Rect {
        Rect {
            x: self.x0,
            y: self.baseline - self.size * 0.88,
            width: (self.x1 - self.x0).max(0.0),
            height: self.size * 1.1,
        }
    }
}

fn page_paragraphs(
    pdf: &lopdf::Document,
    page: ObjectId,
    geometry: &Geometry,
    limits: &Limits,
) -> Result<Vec<Paragraph>, DocumentError> {
    let max = limits.stream_bytes();
    let fonts = pdf.get_page_fonts(page).unwrap_or_default();
    // Prefer /ToUnicode over /Encoding: a copy of the font without
    // /Encoding makes lopdf fall through to the map.
    let fonts: Vec<(Vec<u8>, std::borrow::Cow<'_, Dictionary>)> = fonts
        .into_iter()
        .map(|(name, font)| {
            let identity = matches!(
                font.get(b"Encoding").and_then(Object::as_name),
                Ok(b"Identity-H" | b"Identity-V")
            );
            if font.has(b"ToUnicode") && font.has(b"Encoding") && !identity {
                let mut copy = font.clone();
                copy.remove(b"Encoding");
                (name, std::borrow::Cow::Owned(copy))
            } else {
                (name, std::borrow::Cow::Borrowed(font))
            }
        })
        .collect();
    let mut encodings = BTreeMap::new();
    for (name, font) in &fonts {
        match font.get_font_encoding_with_limit(pdf, max) {
            Ok(e) => {
                encodings.insert(name.clone(), e);
            }
            Err(lopdf::Error::Decompress(e)) => return Err(corrupt(format!("字体解压失败：{e}"))),
            Err(_) => {}
        }
    }
    let data = pdf
        .get_page_content_with_limit(page, max)
        .map_err(|e| corrupt(format!("页面内容无法解压：{e}")))?;
    let content = Content::decode(&data).map_err(|e| corrupt(format!("页面内容无效：{e}")))?;
    let mut interpreter = Interpreter {
        encodings: &encodings,
        geometry,
        ctm: IDENTITY,
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        font: None,
        size: 0.0,
        leading: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        scale: 1.0,
        runs: Vec::new(),
    };
    interpreter.run(&content);
    Ok(paragraphs(lines(interpreter.runs)))
}

fn needs_space(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(b), Some(a)) => {
            !b.is_whitespace() && !a.is_whitespace() && !is_wide(b) && !is_wide(a)
        }
        _ => false,
    }
}

/// Runs on one baseline, in content order, make a line; a gap wider than a
/// space becomes one between Latin words, and any gap over an em separates
/// table columns.
fn lines(runs: Vec<Run>) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for run in runs {
        let blank = run.text.trim().is_empty();
        if let Some(line) = lines.last_mut() {
            let size = line.size.max(run.size);
            let same =
                (run.baseline - line.baseline).abs() <= 0.4 * size && run.x >= line.x1 - 0.5 * size;
            if same {
                let gap = run.x - line.x1;
                let before = line.text.chars().next_back();
                let after = run.text.chars().next();
                if !blank
                    && (gap > size || (gap > 0.2 * size && needs_space(before, after)))
                    && !line.text.ends_with(' ')
                {
                    line.text.push(' ');
                }
                if blank {
                    if !line.text.ends_with(' ') {
                        line.text.push(' ');
                    }
                } else {
                    line.text.push_str(&run.text);
                }
                line.x1 = line.x1.max(run.x + run.width);
                line.size = size;
                continue;
            }
        }
        if blank {
            continue;
        }
        lines.push(Line {
            x0: run.x,
            x1: run.x + run.width,
            baseline: run.baseline,
            size: run.size,
            text: run.text,
        });
    }
    for line in &mut lines {
        let trimmed = line.text.trim_end().len();
        line.text.truncate(trimmed);
    }
    lines
}

/// Lines make a paragraph while they follow each other closely in the same
/// size; a larger gap, a change of size or a jump upwards (a new column)
/// starts the next. Paragraphs well above the page's usual size are headings.
fn paragraphs(lines: Vec<Line>) -> Vec<Paragraph> {
    let mut sizes: Vec<(f32, usize)> = lines
        .iter()
        .map(|l| (l.size, l.text.chars().count()))
        .collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = sizes.iter().map(|s| s.1).sum();
    let mut seen = 0;
    let body = sizes
        .iter()
        .find(|s| {
            seen += s.1;
            seen * 2 >= total
        })
        .map_or(0.0, |s| s.0);

    let mut out: Vec<Paragraph> = Vec::new();
    let mut prev: Option<(f32, f32)> = None; // baseline, size
    for line in lines {
        let rect = line.rect();
        let continues = prev.is_some_and(|(baseline, size)| {
            let big = size.max(line.size);
            (line.size - size).abs() <= 0.12 * big
                && line.baseline > baseline
                && line.baseline - baseline <= 1.75 * big
        });
        prev = Some((line.baseline, line.size));
        if let (true, Some(p)) = (continues, out.last_mut()) {
            if needs_space(p.text.chars().next_back(), line.text.chars().next()) {
                p.text.push(' ');
            }
            let start = p.text.chars().count();
            p.text.push_str(&line.text);
            p.lines.push((start, p.text.chars().count(), rect));
            p.bbox = p.bbox.union(&rect);
            continue;
        }
        let ratio = if body > 0.0 { line.size / body } else { 1.0 };
        let kind = if ratio >= 1.8 {
            BlockKind::Heading { level: 1 }
        } else if ratio >= 1.45 {
            BlockKind::Heading { level: 2 }
        } else if ratio >= 1.2 {
            BlockKind::Heading { level: 3 }
        } else {
            BlockKind::Paragraph
        };
        let len = line.text.chars().count();
        out.push(Paragraph {
            lines: vec![(0, len, rect)],
            bbox: rect,
            text: line.text,
            kind,
        });
    }
    out
}

/// The image of a scanned page: its largest image XObject, decoded.
fn page_image(
    pdf: &lopdf::Document,
    page: ObjectId,
    limits: &Limits,
) -> Result<DynamicImage, DocumentError> {
    let images = pdf
        .get_page_images(page)
        .map_err(|e| corrupt(format!("页面图像无效：{e}")))?;
    let image = images
        .iter()
        .max_by_key(|i| i.width.saturating_mul(i.height))
        .ok_or_else(|| corrupt("扫描页没有图像"))?;
    decode_image(pdf, image, limits)
}

fn decode_image(
    pdf: &lopdf::Document,
    image: &lopdf::xobject::PdfImage<'_>,
    limits: &Limits,
) -> Result<DynamicImage, DocumentError> {
    let (w, h) = (image.width, image.height);
    if w <= 0 || h <= 0 || w > u32::MAX as i64 || h > u32::MAX as i64 {
        return Err(corrupt(format!("图像尺寸无效：{w}×{h}")));
    }
    check_pixels(w as u64, h as u64, limits)?;
    let (w, h) = (w as u32, h as u32);
    let filters = image.filters.clone().unwrap_or_default();
    let last = filters.last().map(String::as_str);
    match last {
        Some("DCTDecode") if filters.len() == 1 => {
            return crate::images::decode(image.content, Format::Jpeg, limits);
        }
        Some("JPXDecode") => return Err(unsupported_image("JPEG 2000")),
        Some("JBIG2Decode") => return Err(unsupported_image("JBIG2")),
        Some("CCITTFaxDecode") => return Err(unsupported_image("CCITT 传真")),
        _ => {}
    }
    let stream = pdf
        .get_object(image.id)
        .and_then(Object::as_stream)
        .map_err(|e| corrupt(format!("图像对象无效：{e}")))?;
    let data = stream
        .get_plain_content_with_limit(limits.stream_bytes())
        .map_err(|e| corrupt(format!("图像无法解压：{e}")))?;
    let bpc = image.bits_per_component.unwrap_or(8);
    let (components, palette) = color_space(pdf, image.origin_dict)?;
    let samples = expand_bits(&data, w, h, components.max(1), bpc, palette.is_none())?;
    let pixels = (w as usize) * (h as usize);
    let raw = match (components, palette) {
        (1, Some((base, table))) => {
            let mut rgb = Vec::with_capacity(pixels * 3);
            for &i in &samples[..pixels] {
                let at = i as usize * base;
                let px = table.get(at..at + base).unwrap_or(&[0, 0, 0]);
                rgb.extend(to_rgb(px));
            }
            return Ok(DynamicImage::ImageRgb8(
                RgbImage::from_raw(w, h, rgb).ok_or_else(|| corrupt("图像数据不完整"))?,
            ));
        }
        (1, None) => samples[..pixels].to_vec(),
        (3, _) => samples[..pixels * 3].to_vec(),
        (4, _) => samples[..pixels * 4]
            .chunks_exact(4)
            .flat_map(to_rgb)
            .collect(),
        (n, _) => return Err(unsupported_image(&format!("{n} 通道色彩"))),
    };
    let image = if components == 1 {
        GrayImage::from_raw(w, h, raw).map(DynamicImage::ImageLuma8)
    } else {
        RgbImage::from_raw(w, h, raw).map(DynamicImage::ImageRgb8)
    };
    image.ok_or_else(|| corrupt("图像数据不完整"))
}

fn unsupported_image(kind: &str) -> DocumentError {
    DocumentError::Unsupported {
        what: format!("PDF 中的 {kind} 编码扫描图像"),
    }
}

fn to_rgb(px: &[u8]) -> [u8; 3] {
    match *px {
        [c, m, y, k] => {
            let k = 255 - u16::from(k);
            let f = |v: u8| ((255 - u16::from(v)) * k / 255) as u8;
            [f(c), f(m), f(y)]
        }
        [r, g, b] => [r, g, b],
        [g] => [g, g, g],
        _ => [0, 0, 0],
    }
}

/// Components per pixel, and for /Indexed the base components and palette.
type ColorSpace = (usize, Option<(usize, Vec<u8>)>);

fn color_space(pdf: &lopdf::Document, dict: &Dictionary) -> Result<ColorSpace, DocumentError> {
    let Ok(cs) = dict.get(b"ColorSpace").map(|o| deref(pdf, o)) else {
        // Image masks and JPEG-like data without a space: treat as grey.
        return Ok((1, None));
    };
    components(pdf, cs, 0)
}

fn components(pdf: &lopdf::Document, cs: &Object, depth: u8) -> Result<ColorSpace, DocumentError> {
    if depth > 4 {
        return Err(corrupt("色彩空间嵌套过深"));
    }
    match cs {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Ok((1, None)),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Ok((3, None)),
            b"DeviceCMYK" | b"CMYK" => Ok((4, None)),
            other => Err(unsupported_image(&String::from_utf8_lossy(other))),
        },
        Object::Array(a) => match a.first().and_then(|o| o.as_name().ok()) {
            Some(b"ICCBased") => {
                let n = a
                    .get(1)
                    .map(|o| deref(pdf, o))
                    .and_then(|o| o.as_stream().ok())
                    .and_then(|s| s.dict.get(b"N").and_then(Object::as_i64).ok())
                    .unwrap_or(3);
                Ok((n.clamp(1, 4) as usize, None))
            }
            Some(b"Indexed" | b"I") => {
                let base = a
                    .get(1)
                    .map(|o| deref(pdf, o))
                    .ok_or_else(|| corrupt("索引色彩空间缺少基础空间"))?;
                let (base_n, _) = components(pdf, base, depth + 1)?;
                let table = match a.get(3).map(|o| deref(pdf, o)) {
                    Some(Object::String(s, _)) => s.clone(),
                    Some(Object::Stream(s)) => {
                        s.get_plain_content().map_err(|e| corrupt(e.to_string()))?
                    }
                    _ => return Err(corrupt("索引色彩空间缺少调色板")),
                };
                Ok((1, Some((base_n, table))))
            }
            Some(other) => Err(unsupported_image(&String::from_utf8_lossy(other))),
            None => Err(corrupt("色彩空间无效")),
        },
        _ => Err(corrupt("色彩空间无效")),
    }
}

/// Unpacks samples of 1, 2, 4 or 8 bits (rows padded to whole bytes) to
/// one byte each, scaled to 0–255 except for palette indices.
fn expand_bits(
    data: &[u8],
    w: u32,
    h: u32,
    components: usize,
    bpc: i64,
    scale: bool,
) -> Result<Vec<u8>, DocumentError> {
    let per_row = w as usize * components;
    let needed = |bits: usize| (per_row * bits).div_ceil(8) * h as usize;
    match bpc {
        8 => {
            if data.len() < per_row * h as usize {
                return Err(corrupt("图像数据不完整"));
            }
            Ok(data.to_vec())
        }
        1 | 2 | 4 => {
            let bits = bpc as usize;
            if data.len() < needed(bits) {
                return Err(corrupt("图像数据不完整"));
            }
            let row_bytes = (per_row * bits).div_ceil(8);
            let max = (1u16 << bits) - 1;
            let mut out = Vec::with_capacity(per_row * h as usize);
            for row in data.chunks(row_bytes).take(h as usize) {
                for i in 0..per_row {
                    let bit = i * bits;
                    let byte = row[bit / 8];
                    let v = (byte >> (8 - bits - bit % 8)) as u16 & max;
                    out.push(if scale {
                        (v * 255 / max) as u8
                    } else {
                        v as u8
                    });
                }
            }
            Ok(out)
        }
        16 => {
            if data.len() < per_row * 2 * h as usize {
                return Err(corrupt("图像数据不完整"));
            }
            Ok(data.chunks_exact(2).map(|c| c[0]).collect())
        }
        other => Err(corrupt(format!("每分量位数无效：{other}"))),
    }
}
