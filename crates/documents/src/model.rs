//! What a read document looks like.

use serde::{Deserialize, Serialize};
use xiaobao_ingest::sniff::TextEncoding;

/// A format this crate reads, as found from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Docx,
    Xlsx,
    Pdf,
    Png,
    Jpeg,
    Tiff,
    Webp,
}

impl Format {
    /// Chinese name for messages.
    pub fn label_zh(self) -> &'static str {
        match self {
            Format::Text => "纯文本",
            Format::Markdown => "Markdown 文档",
            Format::Html => "HTML 网页",
            Format::Docx => "Word 文档（.docx）",
            Format::Xlsx => "Excel 工作簿（.xlsx）",
            Format::Pdf => "PDF 文档",
            Format::Png => "PNG 图片",
            Format::Jpeg => "JPEG 图片",
            Format::Tiff => "TIFF 图片",
            Format::Webp => "WebP 图片",
        }
    }

    /// Images are read by OCR only.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            Format::Png | Format::Jpeg | Format::Tiff | Format::Webp
        )
    }
}

/// A rectangle on a page, from its top-left corner, in the page's
/// [`PageUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x0 = self.x.min(other.x);
        let y0 = self.y.min(other.y);
        let x1 = (self.x + self.width).max(other.x + other.width);
        let y1 = (self.y + self.height).max(other.y + other.height);
        Rect {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        }
    }

    /// The horizontal slice from fraction `from` to fraction `to` of the
    /// width: where a run of characters sits on a line of horizontal text,
    /// assuming even character widths (exact for CJK, close for the rest).
    pub fn slice(&self, from: f32, to: f32) -> Rect {
        let from = from.clamp(0.0, 1.0);
        let to = to.clamp(from, 1.0);
        Rect {
            x: self.x + self.width * from,
            y: self.y,
            width: self.width * (to - from),
            height: self.height,
        }
    }

    pub(crate) fn is_finite(&self) -> bool {
        [self.x, self.y, self.width, self.height]
            .iter()
            .all(|v| v.is_finite())
    }
}

/// What a block is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph,
    /// A heading; level 1 is the largest.
    Heading {
        level: u8,
    },
    /// A cell of a table (DOCX) or worksheet (XLSX, with its sheet name);
    /// row and column are 1-based as Excel and Word show them.
    TableCell {
        #[serde(skip_serializing_if = "Option::is_none")]
        sheet: Option<String>,
        row: u32,
        col: u32,
    },
    /// One line read by OCR.
    OcrLine,
}

/// One line of a block on the page, for highlighting part of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TextLine {
    /// Char offsets into [`Document::text`].
    pub char_start: usize,
    pub char_end: usize,
    pub bbox: Rect,
}

/// A piece of the document's text with its place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// 1-based page (sheet, for a workbook; always 1 for formats without pages).
    pub page: u32,
    /// 1-based paragraph within the page (the row's ordinal among non-empty
    /// rows, for a worksheet).
    pub paragraph: u32,
    /// Char offsets into [`Document::text`]; `char_end` is exclusive.
    pub char_start: usize,
    pub char_end: usize,
    pub bbox: Option<Rect>,
    /// OCR confidence, 0.0–1.0.
    pub confidence: Option<f32>,
    pub kind: BlockKind,
    /// The block's lines with their boxes, when positions are known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<TextLine>,
}

/// What the numbers of a page's boxes mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageUnit {
    /// PDF points (1/72 inch), from the top-left of the page.
    Points,
    /// Pixels of [`Page::image`].
    Pixels,
}

/// A page (a worksheet, for a workbook).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub width: Option<f32>,
    pub height: Option<f32>,
    pub unit: Option<PageUnit>,
    /// The image that was read by OCR (an image file, or a scanned PDF page),
    /// so that boxes can be drawn on it.
    #[serde(skip)]
    pub image: Option<image::DynamicImage>,
}

impl Page {
    pub(crate) fn bare(number: u32) -> Page {
        Page {
            number,
            name: None,
            width: None,
            height: None,
            unit: None,
            image: None,
        }
    }
}

/// A document read whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub format: Format,
    /// How a text file was encoded; `None` for other formats.
    pub encoding: Option<TextEncoding>,
    pub pages: Vec<Page>,
    /// All the text. For plain text and Markdown it is the file's text
    /// unchanged, so that line numbers match the editor; for other formats
    /// the blocks joined by line breaks (cells of one worksheet row by tabs).
    pub text: String,
    /// In text order, not overlapping.
    pub blocks: Vec<Block>,
}

/// Where a char range of [`Document::text`] lies in one block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Highlight {
    /// Index into [`Document::blocks`].
    pub block: usize,
    pub page: u32,
    pub paragraph: u32,
    /// The part of the range inside this block.
    pub char_start: usize,
    pub char_end: usize,
    /// Boxes to draw on the page: one per line touched when lines are known
    /// (narrowed to the characters), else the block's box, else none.
    pub boxes: Vec<Rect>,
}

impl Document {
    /// The blocks, pages and boxes that the chars `start..end` of
    /// [`Document::text`] cover, in text order. Separators between blocks
    /// belong to none; a range over nothing gives nothing.
    pub fn locate(&self, start: usize, end: usize) -> Vec<Highlight> {
        // The text's chars, decoded only when a box must be narrowed.
        let chars = std::cell::OnceCell::new();
        let chars = || {
            chars
                .get_or_init(|| self.text.chars().collect::<Vec<char>>())
                .as_slice()
        };
        let first = self.blocks.partition_point(|b| b.char_end <= start);
        self.blocks[first..]
            .iter()
            .enumerate()
            .take_while(|(_, b)| b.char_start < end)
            .filter_map(|(i, b)| {
                let s = start.max(b.char_start);
                let e = end.min(b.char_end);
                (s < e).then(|| Highlight {
                    block: first + i,
                    page: b.page,
                    paragraph: b.paragraph,
                    char_start: s,
                    char_end: e,
                    boxes: boxes_for(b, s, e, &chars),
                })
            })
            .collect()
    }

    /// The page a char offset is on: the block holding it, else the next
    /// block (an offset on a separator belongs to what follows).
    pub fn page_at(&self, offset: usize) -> Option<u32> {
        let i = self.blocks.partition_point(|b| b.char_end <= offset);
        self.blocks.get(i).or(self.blocks.last()).map(|b| b.page)
    }
}

/// How wide a char prints relative to a CJK character: ASCII and the
/// half-width forms take about half, everything else a whole cell.
fn advance(c: char) -> f32 {
    if c.is_ascii() || ('\u{FF61}'..='\u{FFDC}').contains(&c) {
        0.5
    } else {
        1.0
    }
}

fn boxes_for<'a>(block: &Block, s: usize, e: usize, chars: &dyn Fn() -> &'a [char]) -> Vec<Rect> {
    if block.lines.is_empty() {
        return block.bbox.into_iter().collect();
    }
    block
        .lines
        .iter()
        .filter(|l| l.char_start < e && s < l.char_end)
        .map(|l| {
            let (a, b) = (
                s.max(l.char_start) - l.char_start,
                e.min(l.char_end) - l.char_start,
            );
            // Narrow by printed width where the line's text is known (a run
            // of digits or Latin letters is half as wide as as many Chinese
            // characters), else by char count.
            match chars().get(l.char_start..l.char_end) {
                Some(line) if !line.is_empty() => {
                    let width = |cs: &[char]| cs.iter().copied().map(advance).sum::<f32>();
                    let total = width(line).max(f32::EPSILON);
                    let from = width(&line[..a]);
                    let to = from + width(&line[a..b]);
                    l.bbox.slice(from / total, to / total)
                }
                _ => {
                    let len = (l.char_end - l.char_start).max(1) as f32;
                    l.bbox.slice(a as f32 / len, b as f32 / len)
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(page: u32, s: usize, e: usize, lines: Vec<TextLine>) -> Block {
        Block {
            page,
            paragraph: 1,
            char_start: s,
            char_end: e,
            bbox: Some(Rect {
                x: 0.0,
                y: 0.0,
                width: 100.0,
                height: 20.0,
            }),
            confidence: None,
            kind: BlockKind::Paragraph,
            lines,
        }
    }

    #[test]
    fn ranges_map_to_blocks_pages_and_narrowed_boxes() {
        // "0123456789\nabcdefghij": a block of two 5-char lines, then one without lines.
        let line = |s, e, y| TextLine {
            char_start: s,
            char_end: e,
            bbox: Rect {
                x: 10.0,
                y,
                width: 50.0,
                height: 10.0,
            },
        };
        let doc = Document {
            format: Format::Pdf,
            encoding: None,
            pages: vec![Page::bare(1), Page::bare(2)],
            text: "0123456789\nabcdefghij".into(),
            blocks: vec![
                block(1, 0, 10, vec![line(0, 5, 0.0), line(5, 10, 12.0)]),
                block(2, 11, 21, vec![]),
            ],
        };
        let h = doc.locate(3, 13);
        assert_eq!(h.len(), 2);
        assert_eq!(
            (h[0].block, h[0].page, h[0].char_start, h[0].char_end),
            (0, 1, 3, 10)
        );
        assert_eq!(h[0].boxes.len(), 2);
        assert!((h[0].boxes[0].x - 40.0).abs() < 1e-3);
        assert!((h[0].boxes[0].width - 20.0).abs() < 1e-3);
        assert_eq!(h[0].boxes[1].width, 50.0);
        assert_eq!((h[1].page, h[1].char_start, h[1].char_end), (2, 11, 13));
        assert_eq!(h[1].boxes.len(), 1);
        assert!(
            doc.locate(10, 11).is_empty(),
            "the separator belongs to no block"
        );
        assert!(doc.locate(4, 4).is_empty());
        assert_eq!(doc.page_at(10), Some(2));
        assert_eq!(doc.page_at(2), Some(1));
        assert_eq!(doc.page_at(99), Some(2));
    }

    #[test]
    fn boxes_are_narrowed_by_printed_width() {
        // "收益率4.5%" on one line 100 wide: three ideographs and four
        // half-width chars make 5 cells; "4.5%" starts after 3 of them.
        let doc = Document {
            format: Format::Png,
            encoding: None,
            pages: vec![Page::bare(1)],
            text: "收益率4.5%".into(),
            blocks: vec![block(
                1,
                0,
                7,
                vec![TextLine {
                    char_start: 0,
                    char_end: 7,
                    bbox: Rect {
                        x: 0.0,
                        y: 0.0,
                        width: 100.0,
                        height: 10.0,
                    },
                }],
            )],
        };
        let b = doc.locate(3, 7)[0].boxes[0];
        assert!((b.x - 300.0 / 5.0).abs() < 1e-3, "{b:?}");
        assert!((b.width - 200.0 / 5.0).abs() < 1e-3, "{b:?}");
    }
}
