//! Plain text, Markdown and HTML: one page, paragraphs separated by blank
//! lines (Markdown headings and HTML blocks are paragraphs of their own).

use xiaobao_ingest::sniff::decode_text;

use crate::builder::Builder;
use crate::error::DocumentError;
use crate::html::html_to_text;
use crate::model::{Block, BlockKind, Document, Format, Page};

pub(crate) fn read(bytes: &[u8], format: Format) -> Result<Document, DocumentError> {
    let (raw, encoding) = decode_text(bytes).map_err(|_| DocumentError::Encoding)?;
    let raw = raw.strip_prefix('\u{FEFF}').unwrap_or(&raw);
    let text = if format == Format::Html {
        html_to_text(raw)
    } else {
        raw.to_string()
    };
    let blocks = paragraphs(&text, format == Format::Markdown);
    if blocks.is_empty() {
        return Err(if format == Format::Html {
            DocumentError::NoText {
                what: Format::Html.label_zh(),
                hint: "（只有标签、脚本或样式）",
            }
        } else {
            DocumentError::Empty
        });
    }
    let mut builder = Builder::new(format);
    builder.add_page(Page::bare(1));
    let mut doc = builder.finish();
    doc.text = text;
    doc.blocks = blocks;
    doc.encoding = Some(encoding);
    Ok(doc)
}

/// Paragraph blocks over `text` as it stands: runs of non-blank lines, with
/// Markdown ATX headings (`# …`) on their own.
fn paragraphs(text: &str, markdown: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (char_start, char_end)
    let mut offset = 0;
    let close = |open: &mut Option<(usize, usize)>, blocks: &mut Vec<Block>, kind: BlockKind| {
        if let Some((s, e)) = open.take() {
            blocks.push(Block {
                page: 1,
                paragraph: blocks.len() as u32 + 1,
                char_start: s,
                char_end: e,
                bbox: None,
                confidence: None,
                kind,
                lines: Vec::new(),
            });
        }
    };
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let len = body.chars().count();
        let lead = body.chars().take_while(|c| c.is_whitespace()).count();
        let trail = body.chars().rev().take_while(|c| c.is_whitespace()).count();
        if body.trim().is_empty() {
            close(&mut open, &mut blocks, BlockKind::Paragraph);
        } else if let Some(level) = markdown.then(|| heading_level(body)).flatten() {
            close(&mut open, &mut blocks, BlockKind::Paragraph);
            open = Some((offset + lead, offset + len - trail));
            close(&mut open, &mut blocks, BlockKind::Heading { level });
        } else {
            let start = open.map_or(offset + lead, |(s, _)| s);
            open = Some((start, offset + len - trail));
        }
        offset += line.chars().count();
    }
    close(&mut open, &mut blocks, BlockKind::Paragraph);
    blocks
}

fn heading_level(line: &str) -> Option<u8> {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|c| *c == '#').count();
    ((1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t'])).then_some(hashes as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices(text: &str, markdown: bool) -> Vec<(String, BlockKind)> {
        let chars: Vec<char> = text.chars().collect();
        paragraphs(text, markdown)
            .into_iter()
            .map(|b| (chars[b.char_start..b.char_end].iter().collect(), b.kind))
            .collect()
    }

    #[test]
    fn paragraphs_are_runs_of_lines_and_headings_stand_alone() {
        let md = "# 稳盈理财\n本产品\n保本保息\r\n\n  - 起购一万元  \n";
        let got = slices(md, true);
        assert_eq!(
            got,
            vec![
                ("# 稳盈理财".into(), BlockKind::Heading { level: 1 }),
                ("本产品\n保本保息".into(), BlockKind::Paragraph),
                ("- 起购一万元".into(), BlockKind::Paragraph),
            ]
        );
        let txt = slices("#话题 不是标题\n\n\n第二段", false);
        assert_eq!(txt.len(), 2);
        assert_eq!(txt[0].1, BlockKind::Paragraph);
    }

    #[test]
    fn text_is_kept_verbatim_with_its_encoding() {
        let gbk = [0xb1, 0xa3, 0xb1, 0xbe, b'\n', b'\n', b'x'];
        let doc = read(&gbk, Format::Text).unwrap();
        assert_eq!(doc.text, "保本\n\nx");
        assert_eq!(
            doc.encoding,
            Some(xiaobao_ingest::sniff::TextEncoding::Gb18030)
        );
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!((doc.blocks[1].char_start, doc.blocks[1].paragraph), (4, 2));
        let bom = read("\u{FEFF}保本".as_bytes(), Format::Text).unwrap();
        assert_eq!(bom.text, "保本");
    }

    #[test]
    fn html_without_text_is_refused() {
        let e = read(b"<html><script>x()</script></html>", Format::Html).unwrap_err();
        assert!(matches!(e, DocumentError::NoText { .. }), "{e:?}");
    }
}
