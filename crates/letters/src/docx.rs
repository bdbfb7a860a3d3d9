//! The letter as a minimal WordprocessingML package: the parts Word, WPS and
//! LibreOffice need and no more. Layout lives in named styles (`Title`,
//! `Heading1`, …) rather than on each paragraph, so that a user who edits the
//! letter keeps its look, and readers that map styles to structure (ours
//! included) see the title and headings as such.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;

use crate::table::{self, Shape};
use crate::text::clean;
use crate::{Block, Letter, LetterError};

/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
/// 25 mm.
const MARGIN: u32 = 1_418;
const TEXT_WIDTH: u32 = PAGE_WIDTH - 2 * MARGIN;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

pub(crate) fn write(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    let document = document_xml(letter)?;
    let parts: [(&str, String); 8] = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", package_rels()),
        ("docProps/core.xml", core_properties(&letter.title)),
        ("word/_rels/document.xml.rels", document_rels()),
        ("word/document.xml", document),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings()),
        ("word/footer1.xml", footer()),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let failed = |e: &dyn std::fmt::Display| LetterError::Docx(e.to_string());
    for (name, xml) in parts {
        zip.start_file(name, options).map_err(|e| failed(&e))?;
        zip.write_all(xml.as_bytes()).map_err(|e| failed(&e))?;
    }
    let bytes = zip.finish().map_err(|e| failed(&e))?.into_inner();
    Ok(bytes)
}

fn content_types() -> String {
    let main = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    format!(
        r#"{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/><Override PartName="/word/settings.xml" ContentType="{main}.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="{main}.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#
    )
}

fn package_rels() -> String {
    format!(
        r#"{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#
    )
}

fn document_rels() -> String {
    format!(
        r#"{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#
    )
}

/// The title shows in the file's properties and in the window title.
fn core_properties(title: &str) -> String {
    format!(
        r#"{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:language>zh-CN</dc:language></cp:coreProperties>"#,
        escape(&clean(title).replace(['\n', '\t'], " "))
    )
}

fn settings() -> String {
    format!(
        r#"{XML_DECL}<w:settings xmlns:w="{W_NS}"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#
    )
}

/// "第 X 页 共 Y 页", centred, from page fields Word fills in.
fn footer() -> String {
    let field = |code: &str| {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {code} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
        )
    };
    format!(
        r#"{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><w:t xml:space="preserve">第 </w:t></w:r>{}<w:r><w:t xml:space="preserve"> 页 共 </w:t></w:r>{}<w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:ftr>"#,
        field("PAGE"),
        field("NUMPAGES")
    )
}

/// 宋体 for text and 黑体 for the title and headings, the faces of Chinese
/// official documents; Latin letters and digits in Times New Roman. Sizes
/// follow the Chinese scale: 二号 (22 pt) title, 三号 (16 pt) headings,
/// 小四 (12 pt) body, 五号 (10.5 pt) tables.
fn styles() -> String {
    format!(
        r#"{XML_DECL}<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="宋体" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/><w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="DocumentNumber"><w:name w:val="Document Number"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="360"/><w:jc w:val="center"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:jc w:val="left"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/><w:b/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="120"/><w:ind w:firstLineChars="200" w:firstLine="480"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="right"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#
    )
}

fn document_xml(letter: &Letter) -> Result<String, LetterError> {
    let mut body = String::new();
    if !letter.title.trim().is_empty() {
        paragraph(&mut body, "Title", &letter.title);
    }
    if let Some(reference) = letter.reference.as_deref().filter(|r| !r.trim().is_empty()) {
        paragraph(&mut body, "DocumentNumber", reference);
    }
    for block in &letter.blocks {
        match block {
            Block::Heading(text) => paragraph(&mut body, "Heading1", text),
            Block::Paragraph(text) => paragraph(&mut body, "BodyText", text),
            Block::Table {
                header,
                rows,
                widths,
            } => {
                if let Some(shape) = table::shape(header, rows, widths)? {
                    table_xml(&mut body, &shape, header, rows);
                }
            }
            Block::Signature(lines) => {
                // Two empty lines set the signature apart from the text.
                body.push_str(r#"<w:p><w:pPr><w:pStyle w:val="Signature"/></w:pPr></w:p>"#);
                for line in lines {
                    paragraph(&mut body, "Signature", line);
                }
            }
        }
    }
    Ok(format!(
        r#"{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/><w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="851" w:footer="851" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="312"/></w:sectPr></w:body></w:document>"#
    ))
}

/// One paragraph in `style`; `'\n'` becomes a line break and a tab a tab.
fn paragraph(out: &mut String, style: &str, text: &str) {
    let _ = write!(out, r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#);
    runs(out, text, false);
    out.push_str("</w:p>");
}

fn runs(out: &mut String, text: &str, bold: bool) {
    let text = clean(text);
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    if bold {
        out.push_str("<w:rPr><w:b/></w:rPr>");
    }
    let mut pending = String::new();
    let flush = |out: &mut String, pending: &mut String| {
        if !pending.is_empty() {
            let _ = write!(
                out,
                r#"<w:t xml:space="preserve">{}</w:t>"#,
                escape(pending)
            );
            pending.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\n' => {
                flush(out, &mut pending);
                out.push_str("<w:br/>");
            }
            '\t' => {
                flush(out, &mut pending);
                out.push_str("<w:tab/>");
            }
            c => pending.push(c),
        }
    }
    flush(out, &mut pending);
    out.push_str("</w:r>");
}

/// A fixed-layout table over the text width, single borders, the header
/// row shaded, bold and repeated on every page.
fn table_xml(out: &mut String, shape: &Shape, header: &[String], rows: &[Vec<String>]) {
    let mut widths: Vec<u32> = shape
        .fractions
        .iter()
        .map(|f| (f * TEXT_WIDTH as f32).round() as u32)
        .collect();
    let assigned: u32 = widths[..widths.len() - 1].iter().sum();
    if let Some(last) = widths.last_mut() {
        *last = TEXT_WIDTH.saturating_sub(assigned);
    }
    let border =
        |side: &str| format!(r#"<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>"#);
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:tblBorders>{}{}{}{}{}{}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#,
        border("top"),
        border("left"),
        border("bottom"),
        border("right"),
        border("insideH"),
        border("insideV"),
    );
    for w in &widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    if !header.is_empty() {
        row_xml(out, &widths, header, true);
    }
    for row in rows {
        row_xml(out, &widths, row, false);
    }
    // Word needs a paragraph between a table and what follows; it also
    // spaces the table from the next block.
    out.push_str("</w:tbl><w:p/>");
}

fn row_xml(out: &mut String, widths: &[u32], cells: &[String], header: bool) {
    out.push_str("<w:tr>");
    if header {
        out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
    }
    for (i, w) in widths.iter().enumerate() {
        let _ = write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>"#);
        if header {
            out.push_str(r#"<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>"#);
        }
        out.push_str(r#"</w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>"#);
        if let Some(text) = cells.get(i) {
            runs(out, text, header);
        }
        out.push_str("</w:p></w:tc>");
    }
    out.push_str("</w:tr>");
}

/// Escapes the five XML special characters, so text survives whether it
/// ends up in an element or an attribute.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }

    #[test]
    fn line_breaks_and_tabs_become_elements() {
        let mut out = String::new();
        runs(&mut out, "一\r\n二\t三\u{7}", false);
        assert_eq!(
            out,
            r#"<w:r><w:t xml:space="preserve">一</w:t><w:br/><w:t xml:space="preserve">二</w:t><w:tab/><w:t xml:space="preserve">三</w:t></w:r>"#
        );
    }
}
