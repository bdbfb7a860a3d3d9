//! Word documents: the paragraphs and tables of `word/document.xml`.
//!
//! Pages are not stored in a DOCX; Word records where it last broke pages
//! (`w:lastRenderedPageBreak`), which gives the page numbers a reviewer saw.
//! Files from other writers carry only explicit page breaks, which are used
//! instead. Text inside `mc:Fallback` repeats the `mc:Choice` it stands in
//! for, and deleted or field-code text is not in `w:t`, so neither is read.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::builder::{Builder, NewBlock};
use crate::error::DocumentError;
use crate::limits::Limits;
use crate::model::{BlockKind, Document, Format, Page};

const PART: &str = "word/document.xml";

fn corrupt(detail: impl Into<String>) -> DocumentError {
    DocumentError::Corrupt {
        format: Format::Docx.label_zh(),
        detail: detail.into(),
    }
}

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Document, DocumentError> {
    // `detect` has checked the central directory: entry count, declared
    // sizes and encryption. The reader stops each entry at its declared size.
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("ZIP 结构无效：{e}")))?;
    let entry = archive
        .by_name(PART)
        .map_err(|_| corrupt(format!("缺少正文部件 {PART}")))?;
    let mut xml = Vec::new();
    entry
        .take(limits.max_zip_uncompressed)
        .read_to_end(&mut xml)
        .map_err(|e| corrupt(format!("正文解压失败：{e}")))?;
    let xml = String::from_utf8(xml).map_err(|_| corrupt("正文不是 UTF-8 编码的 XML"))?;
    parse(&xml, limits)
}

/// Where the parser is inside tables: (row, column) of each open table.
#[derive(Default)]
struct State {
    tables: Vec<(u32, u32)>,
    in_text: bool,
    fallback_depth: u32,
    paragraph: Option<Paragraph>,
    page: u32,
}

struct Paragraph {
    text: String,
    heading: Option<u8>,
    page: Option<u32>,
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b':').next().unwrap_or(name)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let name = a.key.as_ref();
        (local(name.as_bytes()) == key.as_bytes()).then(|| a.value.into_owned())
    })
}

/// `Heading1`, `heading 2`, `Title`, and the Chinese built-in `标题 1`.
fn heading_level(style: &str) -> Option<u8> {
    let s = style.to_lowercase();
    if s == "title" {
        return Some(1);
    }
    let rest = s
        .strip_prefix("heading")
        .or_else(|| s.strip_prefix("标题"))?
        .trim();
    rest.parse::<u8>().ok().filter(|l| (1..=9).contains(l))
}

pub(crate) fn parse(xml: &str, limits: &Limits) -> Result<Document, DocumentError> {
    let rendered_breaks = xml.contains("lastRenderedPageBreak");
    let mut reader = Reader::from_str(xml);
    let mut st = State {
        page: 1,
        ..State::default()
    };
    let mut builder = Builder::new(Format::Docx);
    let mut blocks: Vec<(u32, BlockKind, String)> = Vec::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            corrupt(format!(
                "正文 XML 无效（位置 {}）：{e}",
                reader.buffer_position()
            ))
        })?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            let name = e.name();
            let name = local(name.as_ref().as_bytes());
            if name == b"Fallback" && !empty {
                st.fallback_depth += 1;
            }
            if st.fallback_depth > 0 {
                continue;
            }
            match name {
                b"p" if !empty => {
                    st.paragraph = Some(Paragraph {
                        text: String::new(),
                        heading: None,
                        page: None,
                    })
                }
                b"pStyle" => {
                    if let (Some(p), Some(v)) = (st.paragraph.as_mut(), attr(e, "val")) {
                        p.heading = heading_level(&v);
                    }
                }
                b"outlineLvl" => {
                    if let (Some(p), Some(v)) = (st.paragraph.as_mut(), attr(e, "val")) {
                        p.heading = v.parse::<u8>().ok().filter(|l| *l < 9).map(|l| l + 1);
                    }
                }
                b"t" if !empty => st.in_text = true,
                b"tab" => push_text(&mut st, "\t"),
                b"br" | b"cr" => {
                    if attr(e, "type").as_deref() == Some("page") {
                        if !rendered_breaks {
                            st.page += 1;
                        }
                    } else {
                        push_text(&mut st, "\n");
                    }
                }
                b"pageBreakBefore"
                    if !rendered_breaks
                        && attr(e, "val").is_none_or(|v| v != "0" && v != "false") =>
                {
                    st.page += 1;
                }
                b"lastRenderedPageBreak" => {
                    st.page += 1;
                }
                b"tbl" if !empty => st.tables.push((0, 0)),
                b"tr" if !empty => {
                    if let Some(t) = st.tables.last_mut() {
                        *t = (t.0 + 1, 0);
                    }
                }
                b"tc" if !empty => {
                    if let Some(t) = st.tables.last_mut() {
                        t.1 += 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::End(e) => {
                let name = e.name();
                let name = local(name.as_ref().as_bytes());
                if name == b"Fallback" {
                    st.fallback_depth = st.fallback_depth.saturating_sub(1);
                    continue;
                }
                if st.fallback_depth > 0 {
                    continue;
                }
                match name {
                    b"t" => st.in_text = false,
                    b"p" => {
                        if let Some(p) = st.paragraph.take()
                            && !p.text.trim().is_empty()
                        {
                            let page = p.page.unwrap_or(st.page);
                            let kind = match (st.tables.last(), p.heading) {
                                (Some((row, col)), _) => BlockKind::TableCell {
                                    sheet: None,
                                    row: *row,
                                    col: *col,
                                },
                                (None, Some(level)) => BlockKind::Heading { level },
                                (None, None) => BlockKind::Paragraph,
                            };
                            blocks.push((page, kind, p.text.trim().to_string()));
                        }
                    }
                    b"tbl" => {
                        st.tables.pop();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if st.in_text && st.fallback_depth == 0 => {
                let text = t.xml10_content();
                push_text(&mut st, &text);
            }
            Event::GeneralRef(r) if st.in_text && st.fallback_depth == 0 => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c {
                    push_text(&mut st, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let pages = blocks.last().map_or(1, |b| b.0).max(st.page);
    if pages as usize > limits.max_pages {
        return Err(DocumentError::TooManyPages {
            pages: pages as usize,
            limit: limits.max_pages,
        });
    }
    for n in 1..=pages {
        builder.add_page(Page::bare(n));
    }
    let mut numbering = (0, 0);
    for (page, kind, text) in blocks {
        numbering = if numbering.0 == page {
            (page, numbering.1 + 1)
        } else {
            (page, 1)
        };
        builder.push("\n", NewBlock::new(page, numbering.1, kind, &text));
    }
    if !builder.has_text() {
        return Err(DocumentError::NoText {
            what: Format::Docx.label_zh(),
            hint: "",
        });
    }
    Ok(builder.finish())
}

fn push_text(st: &mut State, s: &str) {
    let page = st.page;
    if let Some(p) = st.paragraph.as_mut() {
        if p.page.is_none() && !s.trim().is_empty() {
            p.page = Some(page);
        }
        p.text.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    #[test]
    fn paragraphs_tables_headings_and_rendered_pages() {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>
            <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>稳盈理财</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">本产品保</w:t></w:r><w:r><w:t>本 &amp; 保息</w:t></w:r></w:p>
            <w:p><w:r><w:delText>删除的字</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>
            <mc:AlternateContent><mc:Choice><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Choice>
            <mc:Fallback><w:p><w:r><w:t>文本框</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>期限</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>365天</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>一万元</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:lastRenderedPageBreak/><w:t>第二页</w:t></w:r></w:p>
            </w:body></w:document>"#
        );
        let doc = parse(&xml, &Limits::default()).unwrap();
        assert_eq!(
            doc.text,
            "稳盈理财\n本产品保本 & 保息\n文本框\n期限\n365天\n一万元\n第二页"
        );
        assert_eq!(doc.blocks[0].kind, BlockKind::Heading { level: 1 });
        assert_eq!(
            doc.blocks[5].kind,
            BlockKind::TableCell {
                sheet: None,
                row: 2,
                col: 2
            }
        );
        assert_eq!(doc.pages.len(), 2);
        assert_eq!((doc.blocks[6].page, doc.blocks[6].paragraph), (2, 1));
        assert_eq!((doc.blocks[5].page, doc.blocks[5].paragraph), (1, 6));
    }

    #[test]
    fn malformed_xml_is_corrupt_not_a_panic() {
        let e = parse("<w:document><w:body><w:p></w:body>", &Limits::default()).unwrap_err();
        assert!(matches!(e, DocumentError::Corrupt { .. }), "{e:?}");
        let e = parse(
            &format!("<w:document {W}><w:body/></w:document>"),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, DocumentError::NoText { .. }), "{e:?}");
    }
}
