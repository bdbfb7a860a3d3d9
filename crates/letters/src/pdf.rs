//! The letter as a PDF: laid out here line by line (the format has no
//! paragraphs, only positioned text), with the standard non-embedded Chinese
//! font "STSong-Light".
//!
//! Text is drawn in reading order: a table cell's lines before the next
//! cell's, a row before the next row. Text extraction that follows the
//! content stream (copy and paste, search, our own document reader) then
//! gets each cell whole rather than the rows of neighbouring cells
//! interleaved.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use lopdf::{Dictionary, Object, Stream, StringFormat, dictionary};

use crate::table::{self, CONTENT_WIDTH_PT, MARGIN_PT, Shape};
use crate::text::{clean, width_em, wrap};
use crate::{Block, Letter, LetterError};

const PAGE_WIDTH: f32 = 595.276;
const PAGE_HEIGHT: f32 = 841.89;
/// Lowest point text may reach, from the top of the page.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN_PT;

const FONT: &str = "STSong-Light";
/// Printed in place of characters UCS-2 cannot encode.
const REPLACEMENT: char = '□';

/// Size and line height of one kind of text, in points. A paragraph's lines
/// are closer than 1.75 of the size and paragraphs further apart, which is
/// how readers (ours included) tell lines from paragraphs.
#[derive(Clone, Copy)]
struct Style {
    size: f32,
    leading: f32,
    bold: bool,
}

const TITLE: Style = Style {
    size: 22.0,
    leading: 32.0,
    bold: true,
};
const HEADING: Style = Style {
    size: 16.0,
    leading: 26.0,
    bold: true,
};
const BODY: Style = Style {
    size: 12.0,
    leading: 20.0,
    bold: false,
};
const CELL: Style = Style {
    size: 10.5,
    leading: 15.0,
    bold: false,
};
const CELL_HEADER: Style = Style { bold: true, ..CELL };
const FOOTER: Style = Style {
    size: 9.0,
    leading: 12.0,
    bold: false,
};
const PARAGRAPH_GAP: f32 = 8.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 4.0;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Right,
}

pub(crate) fn write(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    let mut layout = Layout::new();
    let title = printable(&letter.title);
    if !title.trim().is_empty() {
        layout.text(&title, TITLE, 0.0, Align::Center);
        layout.y += 4.0;
    }
    if let Some(reference) = letter.reference.as_deref().map(printable)
        && !reference.trim().is_empty()
    {
        layout.text(&reference, BODY, 0.0, Align::Center);
    }
    if layout.y > MARGIN_PT {
        layout.y += 16.0;
    }
    for block in &letter.blocks {
        match block {
            Block::Heading(text) => layout.heading(&printable(text)),
            Block::Paragraph(text) => {
                layout.text(&printable(text), BODY, 2.0, Align::Left);
                layout.y += PARAGRAPH_GAP;
            }
            Block::Table {
                header,
                rows,
                widths,
            } => {
                if let Some(shape) = table::shape(header, rows, widths)? {
                    layout.table(&shape, header, rows);
                }
            }
            Block::Signature(lines) => layout.signature(lines),
        }
    }
    layout.finish_page();
    assemble(&letter.title, layout)
}

/// Text as the font can print it: clean, tabs as two ems of spaces, and
/// characters beyond UCS-2 replaced.
fn printable(s: &str) -> String {
    clean(s)
        .chars()
        .flat_map(|c| match c {
            '\t' => vec![' '; 4],
            c if (c as u32) > 0xFFFF => vec![REPLACEMENT],
            c => vec![c],
        })
        .collect()
}

/// Pages being filled, top to bottom.
struct Layout {
    pages: Vec<String>,
    ops: String,
    /// Top of the next line, in points from the top of the page.
    y: f32,
    /// Every UCS-2 code drawn, for the `/ToUnicode` map.
    used: BTreeSet<u16>,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: Vec::new(),
            ops: String::new(),
            y: MARGIN_PT,
            used: BTreeSet::new(),
        }
    }

    fn finish_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = MARGIN_PT;
    }

    fn at_top(&self) -> bool {
        self.y <= MARGIN_PT + 0.01
    }

    /// Starts a new page unless `height` more points fit on this one (or
    /// this one is still empty: nothing would fit better on the next).
    fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.at_top() {
            self.finish_page();
        }
    }

    /// Draws one line whose box starts at `top`, with its left end at `x`.
    fn line_at(&mut self, x: f32, top: f32, style: Style, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let baseline = top + (style.leading - style.size) / 2.0 + 0.86 * style.size;
        let mut hex = String::with_capacity(line.len() * 4);
        for unit in line.encode_utf16() {
            self.used.insert(unit);
            let _ = write!(hex, "{unit:04X}");
        }
        let ops = &mut self.ops;
        if style.bold {
            // Fill and stroke the outline: a bold look without a bold font.
            let _ = write!(ops, "q 2 Tr {:.2} w ", style.size * 0.03);
        }
        let _ = write!(
            ops,
            "BT /F1 {:.2} Tf {:.2} {:.2} Td <{hex}> Tj ET",
            style.size,
            x,
            PAGE_HEIGHT - baseline
        );
        ops.push_str(if style.bold { " Q\n" } else { "\n" });
    }

    /// Wrapped text over the full width; `indent` ems on each paragraph's
    /// first line.
    fn text(&mut self, text: &str, style: Style, indent: f32, align: Align) {
        let width = CONTENT_WIDTH_PT / style.size;
        for (i, segment) in text.split('\n').enumerate() {
            let indent = if i == 0 { indent } else { 0.0 };
            for (j, line) in wrap(segment, width, indent).iter().enumerate() {
                self.need(style.leading);
                let used = width_em(line) * style.size;
                let x = match align {
                    Align::Left if j == 0 => MARGIN_PT + indent * style.size,
                    Align::Left => MARGIN_PT,
                    Align::Center => MARGIN_PT + (CONTENT_WIDTH_PT - used).max(0.0) / 2.0,
                    Align::Right => MARGIN_PT + (CONTENT_WIDTH_PT - used).max(0.0),
                };
                self.line_at(x, self.y, style, line);
                self.y += style.leading;
            }
        }
    }

    /// A heading stays with at least one line of what follows.
    fn heading(&mut self, text: &str) {
        if !self.at_top() {
            self.y += 8.0;
        }
        let lines = text
            .split('\n')
            .map(|s| wrap(s, CONTENT_WIDTH_PT / HEADING.size, 0.0).len())
            .sum::<usize>();
        self.need(lines as f32 * HEADING.leading + BODY.leading);
        self.text(text, HEADING, 0.0, Align::Left);
        self.y += 2.0;
    }

    /// Signature lines stay together, a blank line below the text.
    fn signature(&mut self, lines: &[String]) {
        let lines: Vec<String> = lines.iter().map(|l| printable(l)).collect();
        let count: usize = lines
            .iter()
            .flat_map(|l| l.split('\n'))
            .map(|s| wrap(s, CONTENT_WIDTH_PT / BODY.size, 0.0).len())
            .sum();
        if !self.at_top() {
            self.y += BODY.leading;
        }
        self.need(count as f32 * BODY.leading);
        for line in &lines {
            self.text(line, BODY, 0.0, Align::Right);
        }
    }

    fn table(&mut self, shape: &Shape, header: &[String], rows: &[Vec<String>]) {
        let widths: Vec<f32> = shape
            .fractions
            .iter()
            .map(|f| f * CONTENT_WIDTH_PT)
            .collect();
        let header = (!header.is_empty()).then(|| cell_lines(&widths, header, CELL_HEADER));
        let header_height = header.as_ref().map_or(0.0, |h| row_height(h, CELL));
        // A header taller than a quarter page is not worth repeating.
        let repeat = header_height <= (BOTTOM - MARGIN_PT) / 4.0;
        let first = rows
            .first()
            .map_or(0.0, |r| row_height(&cell_lines(&widths, r, CELL), CELL));
        self.need(header_height + first.min(CELL.leading + 2.0 * CELL_PAD_Y));
        if let Some(h) = &header {
            self.place_row(&widths, h.clone(), CELL_HEADER, true, None);
        }
        let repeated = header.as_deref().filter(|_| repeat);
        for row in rows {
            self.place_row(
                &widths,
                cell_lines(&widths, row, CELL),
                CELL,
                false,
                repeated,
            );
        }
        self.y += 10.0;
    }

    /// Puts a row on this page if it fits, else on the next (after the
    /// repeated header); a row taller than a page is split between pages.
    fn place_row(
        &mut self,
        widths: &[f32],
        mut lines: Vec<Vec<String>>,
        style: Style,
        shaded: bool,
        header: Option<&[Vec<String>]>,
    ) {
        let header_height = header.map_or(0.0, |h| row_height(h, CELL));
        let mut fresh = false;
        loop {
            let height = row_height(&lines, style);
            if self.y + height <= BOTTOM {
                self.row(widths, &lines, style, shaded);
                return;
            }
            if height <= BOTTOM - MARGIN_PT - header_height && !fresh && !self.at_top() {
                self.new_table_page(widths, header);
                fresh = true;
                continue;
            }
            // Taller than a page: as many lines as fit here, the rest on
            // the next page.
            let fit = ((BOTTOM - self.y - 2.0 * CELL_PAD_Y) / style.leading).floor();
            if fit < 1.0 {
                self.new_table_page(widths, header);
                fresh = true;
                continue;
            }
            let fit = fit as usize;
            let (now, rest): (Vec<_>, Vec<_>) = lines
                .iter()
                .map(|cell| {
                    let at = fit.min(cell.len());
                    (cell[..at].to_vec(), cell[at..].to_vec())
                })
                .unzip();
            self.row(widths, &now, style, shaded);
            lines = rest;
            self.new_table_page(widths, header);
            fresh = true;
        }
    }

    fn new_table_page(&mut self, widths: &[f32], header: Option<&[Vec<String>]>) {
        self.finish_page();
        if let Some(h) = header {
            self.row(widths, h, CELL_HEADER, true);
        }
    }

    /// One row at the cursor: shading, each cell's lines, then the borders.
    fn row(&mut self, widths: &[f32], cells: &[Vec<String>], style: Style, shaded: bool) {
        let height = row_height(cells, style);
        let top = self.y;
        let bottom_pdf = PAGE_HEIGHT - top - height;
        if shaded {
            let _ = writeln!(
                self.ops,
                "0.906 g {:.2} {:.2} {:.2} {:.2} re f 0 g",
                MARGIN_PT, bottom_pdf, CONTENT_WIDTH_PT, height
            );
        }
        let mut x = MARGIN_PT;
        for (cell, width) in cells.iter().zip(widths) {
            for (i, line) in cell.iter().enumerate() {
                let line_top = top + CELL_PAD_Y + i as f32 * style.leading;
                self.line_at(x + CELL_PAD_X, line_top, style, line);
            }
            x += width;
        }
        let mut x = MARGIN_PT;
        self.ops.push_str("0.5 w");
        for width in widths {
            let _ = write!(
                self.ops,
                " {:.2} {:.2} {:.2} {:.2} re",
                x, bottom_pdf, width, height
            );
            x += width;
        }
        self.ops.push_str(" S\n");
        self.y += height;
    }
}

/// Each column's wrapped lines; missing cells are empty.
fn cell_lines(widths: &[f32], cells: &[String], style: Style) -> Vec<Vec<String>> {
    widths
        .iter()
        .enumerate()
        .map(|(i, width)| {
            let text = cells.get(i).map(|c| printable(c)).unwrap_or_default();
            let room = (width - 2.0 * CELL_PAD_X) / style.size;
            text.split('\n')
                .flat_map(|segment| wrap(segment, room, 0.0))
                .collect()
        })
        .collect()
}

fn row_height(cells: &[Vec<String>], style: Style) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    lines as f32 * style.leading + 2.0 * CELL_PAD_Y
}

/// Page numbers, then the PDF objects around the pages.
fn assemble(title: &str, mut layout: Layout) -> Result<Vec<u8>, LetterError> {
    let total = layout.pages.len();
    let pages = std::mem::take(&mut layout.pages);
    let mut contents = Vec::with_capacity(total);
    for (i, ops) in pages.into_iter().enumerate() {
        layout.ops = ops;
        let number = format!("第 {} 页 共 {} 页", i + 1, total);
        let x = MARGIN_PT + (CONTENT_WIDTH_PT - width_em(&number) * FOOTER.size) / 2.0;
        layout.line_at(
            x,
            PAGE_HEIGHT - MARGIN_PT / 2.0 - FOOTER.leading,
            FOOTER,
            &number,
        );
        contents.push(std::mem::take(&mut layout.ops));
    }

    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = font(&mut doc, &layout.used);
    let mut kids = Vec::with_capacity(total);
    for ops in contents {
        let mut stream = Stream::new(Dictionary::new(), ops.into_bytes());
        stream
            .compress()
            .map_err(|e| LetterError::Pdf(e.to_string()))?;
        let content_id = doc.add_object(stream);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Count" => total as i64,
            "Kids" => kids,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
            "Resources" => dictionary! {
                "Font" => dictionary! { "F1" => font_id },
            },
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => Object::string_literal("zh-CN"),
        "ViewerPreferences" => dictionary! { "DisplayDocTitle" => true },
    });
    let info_id = doc.add_object(dictionary! {
        "Title" => text_string(&clean(title).replace(['\n', '\t'], " ")),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| LetterError::Pdf(e.to_string()))?;
    Ok(bytes)
}

/// A PDF text string in UTF-16BE with its byte order mark, which carries any
/// character (the document title is shown by the viewer, not the font).
fn text_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The Type 0 font over Adobe-GB1 (ISO 32000-1, 9.7.6 and the standard
/// CJK fonts listed for Acrobat), with a `/ToUnicode` map of the codes drawn.
fn font(doc: &mut lopdf::Document, used: &BTreeSet<u16>) -> lopdf::ObjectId {
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => FONT,
        "Flags" => 6,
        "FontBBox" => vec![(-25).into(), (-254).into(), 1000.into(), 880.into()],
        "ItalicAngle" => 0,
        "Ascent" => 880,
        "Descent" => -120,
        "CapHeight" => 880,
        "StemV" => 93,
    });
    let descendant = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType0",
        "BaseFont" => FONT,
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("GB1"),
            "Supplement" => 2,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        // UniGB-UCS2-H maps U+0020–U+007E to CIDs 1–95: half width, as the
        // line breaking measures them.
        "W" => vec![1.into(), 95.into(), 500.into()],
    });
    let mut to_unicode = Stream::new(Dictionary::new(), to_unicode_cmap(used).into_bytes());
    // Small and plain text either way; compression cannot fail on a Vec.
    let _ = to_unicode.compress();
    let to_unicode = doc.add_object(to_unicode);
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => FONT,
        "Encoding" => "UniGB-UCS2-H",
        "DescendantFonts" => vec![Object::Reference(descendant)],
        "ToUnicode" => to_unicode,
    })
}

/// With UniGB-UCS2-H a character's code is its UCS-2 value, so the map is
/// the identity over the codes drawn (ISO 32000-1, 9.10.3).
fn to_unicode_cmap(used: &BTreeSet<u16>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let codes: Vec<u16> = used.iter().copied().collect();
    for chunk in codes.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for code in chunk {
            let _ = writeln!(cmap, "<{code:04X}> <{code:04X}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_beyond_ucs2_are_replaced_not_a_panic() {
        assert_eq!(printable("𠀀😀甲\t乙"), "□□甲    乙");
    }

    #[test]
    fn to_unicode_lists_each_code_in_blocks_of_a_hundred() {
        let used: BTreeSet<u16> = (0x4E00..0x4E00 + 150).collect();
        let cmap = to_unicode_cmap(&used);
        assert!(cmap.contains("100 beginbfchar\n<4E00> <4E00>\n"));
        assert!(cmap.contains("50 beginbfchar\n<4E64> <4E64>\n"));
        assert_eq!(cmap.matches("endbfchar").count(), 2);
    }
}
