//! The visible text of an HTML page, as a reader sees it.

/// Extracts the visible text of an HTML document: drops tags, comments,
/// scripts and styles, decodes entities, collapses source whitespace, and
/// turns block boundaries into line breaks (inline tags add nothing, so
/// `保<b>本</b>` still reads 保本). Offsets in the report refer to this text.
pub fn html_to_text(html: &str) -> String {
    const SKIP: &[&str] = &["script", "style", "noscript", "template", "svg", "head"];
    const BLOCK: &[&str] = &[
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "blockquote",
        "pre",
        "hr",
        "dl",
        "dt",
        "dd",
        "form",
        "figure",
        "figcaption",
        "title",
        "body",
        "html",
        "address",
        "caption",
        "tbody",
        "thead",
        "tfoot",
    ];
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    let bytes = html.as_bytes();
    let mut pending_space = false;
    let push_break = |out: &mut String, n: usize| {
        while out.ends_with(' ') {
            out.pop();
        }
        let have = out.chars().rev().take_while(|c| *c == '\n').count();
        for _ in have..n {
            if !out.is_empty() {
                out.push('\n');
            }
        }
    };
    while i < html.len() {
        if bytes[i] == b'<' {
            if lower[i..].starts_with("<!--") {
                i = lower[i + 4..]
                    .find("-->")
                    .map_or(html.len(), |p| i + 4 + p + 3);
                continue;
            }
            // `inner` is the tag without its brackets; an unclosed tag runs
            // to the end of the text (whose last char may be multi-byte).
            let (end, inner_end) = match html[i..].find('>') {
                Some(p) => (i + p + 1, i + p),
                None => (html.len(), html.len()),
            };
            let inner = &lower[i + 1..inner_end];
            if inner.starts_with('!') || inner.starts_with('?') {
                // <!DOCTYPE …>, <![CDATA[…]]>-less declarations, <?xml …?>.
                i = end;
                continue;
            }
            let closing = inner.starts_with('/');
            let name: String = inner
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name.is_empty() {
                // A lone '<' in text.
                out.push('<');
                i += 1;
                continue;
            }
            if !closing && SKIP.contains(&name.as_str()) && !inner.ends_with('/') {
                let close = format!("</{name}");
                i = match lower[end..].find(&close) {
                    Some(p) => lower[end + p..]
                        .find('>')
                        .map_or(html.len(), |q| end + p + q + 1),
                    None => html.len(),
                };
                if name == "head" {
                    push_break(&mut out, 2);
                }
                continue;
            }
            if name == "br" {
                push_break(&mut out, 1);
                pending_space = false;
            } else if BLOCK.contains(&name.as_str()) {
                push_break(&mut out, 2);
                pending_space = false;
            } else if name == "td" || name == "th" {
                pending_space = true;
            }
            i = end;
            continue;
        }
        if bytes[i] == b'&'
            && let Some((decoded, len)) = decode_entity(&html[i..])
        {
            if pending_space && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            pending_space = false;
            out.push(decoded);
            i += len;
            continue;
        }
        let c = html[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            pending_space = true;
        } else {
            if pending_space && !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
        i += c.len_utf8();
    }
    out.trim().to_string()
}

/// Decodes one entity at the start of `s`; returns the char and the length
/// consumed.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    // Look for the ';' among the first few chars only (entities are short),
    // stepping by chars so that a multi-byte character is never split.
    let semi = s
        .char_indices()
        .take(12)
        .find(|(_, c)| *c == ';')
        .map(|(i, _)| i)?;
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(code)?
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
            "ldquo" => '“',
            "rdquo" => '”',
            "lsquo" => '‘',
            "rsquo" => '’',
            "mdash" => '—',
            "ndash" => '–',
            "hellip" => '…',
            "middot" => '·',
            "yen" => '¥',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "times" => '×',
            "divide" => '÷',
            "percnt" => '%',
            "zwj" => '\u{200d}',
            "zwnj" => '\u{200c}',
            "shy" => '\u{ad}',
            _ => return None,
        }
    };
    Some((c, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_extraction_drops_markup_and_keeps_inline_words_together() {
        let html = "<html><head><title>t</title><style>p{color:red}</style></head>\
                    <body><p>本产品<b>保</b>本</p><script>var a='保本';</script>\
                    <p>A&amp;B&nbsp;&#20445;&#x672C;</p><!-- 保本 --></body></html>";
        assert_eq!(html_to_text(html), "本产品保本\n\nA&B 保本");
    }

    #[test]
    fn unclosed_tag_before_multibyte_end_is_text_end() {
        assert_eq!(html_to_text("<p>收益<b 高达"), "收益");
    }

    #[test]
    fn entities_next_to_multibyte_text_do_not_split_chars() {
        assert_eq!(
            html_to_text("<p>&保本保息保本保息</p>"),
            "&保本保息保本保息"
        );
        assert_eq!(
            html_to_text("<p>&#x4FDD;&#26412;&unknown;</p>"),
            "保本&unknown;"
        );
    }
}
