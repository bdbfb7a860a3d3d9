//! Text as the writers receive it: line breaks made uniform, characters no
//! file format can carry dropped, and lines wrapped to a width.

/// `\r\n` and lone `\r` become `\n`; control characters other than tab and
/// line break, and the non-characters U+FFFE/U+FFFF, are dropped: XML 1.0
/// forbids them and they print as nothing.
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Advance of a character in ems, as the PDF font declares it: printable
/// ASCII is half width, everything else (Chinese, full-width punctuation,
/// the Greek, Cyrillic and pinyin letters of GB 2312) a full em.
pub(crate) fn em(c: char) -> f32 {
    if (' '..='~').contains(&c) { 0.5 } else { 1.0 }
}

pub(crate) fn width_em(s: &str) -> f32 {
    s.chars().map(em).sum()
}

/// Chinese typesetting rules (禁则): these never begin a line…
fn no_line_start(unit: &str) -> bool {
    let mut chars = unit.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if "，。、；：！？）】》」』〕〉”’".contains(c))
}

/// …and these never end one.
fn no_line_end(unit: &str) -> bool {
    let mut chars = unit.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if "（【《「『〔〈“‘".contains(c))
}

/// Splits a line into what may not be broken: runs of printable ASCII
/// (Latin words, numbers, codes) stay whole, spaces are break points, and
/// every other character can be broken before.
fn units(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut word_start = None;
    for (i, c) in s.char_indices() {
        let in_word = ('!'..='~').contains(&c);
        match (in_word, word_start) {
            (true, None) => word_start = Some(i),
            (true, Some(_)) => {}
            (false, start) => {
                if let Some(start) = start {
                    out.push(&s[start..i]);
                    word_start = None;
                }
                out.push(&s[i..i + c.len_utf8()]);
            }
        }
    }
    if let Some(start) = word_start {
        out.push(&s[start..]);
    }
    out
}

/// Wraps one line of text (no `'\n'`) to `width` ems, the first line
/// `indent` ems narrower. Always returns at least one line, and puts at
/// least one character on each, so a column narrower than a character
/// still terminates.
pub(crate) fn wrap(line: &str, width: f32, indent: f32) -> Vec<String> {
    const SLACK: f32 = 1e-3;
    let mut lines: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut used = 0.0;
    let available = |lines: &Vec<String>| {
        if lines.is_empty() {
            width - indent
        } else {
            width
        }
    };
    let finish = |current: &mut Vec<&str>, lines: &mut Vec<String>| {
        let text: String = current.concat();
        lines.push(text.trim_end_matches(' ').to_string());
        current.clear();
    };
    for unit in units(line) {
        let w = width_em(unit);
        if used + w <= available(&lines) + SLACK {
            current.push(unit);
            used += w;
            continue;
        }
        if unit == " " {
            finish(&mut current, &mut lines);
            used = 0.0;
            continue;
        }
        if w > width {
            // A word longer than a whole line: break it anywhere.
            for (i, c) in unit.char_indices() {
                let cw = em(c);
                if used + cw > available(&lines) + SLACK && !current.is_empty() {
                    finish(&mut current, &mut lines);
                    used = 0.0;
                }
                current.push(&unit[i..i + c.len_utf8()]);
                used += cw;
            }
            continue;
        }
        // Break before `unit`, pulling the last character down with it when
        // `unit` may not start a line or that character may not end one.
        let mut carried: Vec<&str> = Vec::new();
        if current.len() > 1
            && (no_line_start(unit) || current.last().is_some_and(|u| no_line_end(u)))
            && let Some(last) = current.pop()
        {
            carried.push(last);
        }
        if current.iter().all(|u| *u == " ") && !carried.is_empty() {
            current.append(&mut carried);
        }
        if !current.is_empty() {
            finish(&mut current, &mut lines);
        }
        used = 0.0;
        for u in carried.into_iter().chain(std::iter::once(unit)) {
            if current.is_empty() && u == " " {
                continue;
            }
            current.push(u);
            used += width_em(u);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        finish(&mut current, &mut lines);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_unifies_line_breaks_and_drops_controls() {
        assert_eq!(clean("a\r\nb\rc\u{1}\u{FFFF}\td"), "a\nb\nc\td");
    }

    #[test]
    fn chinese_breaks_anywhere_latin_at_spaces() {
        assert_eq!(wrap("一二三四五六", 4.0, 0.0), ["一二三四", "五六"]);
        assert_eq!(wrap("一二三四五六", 4.0, 2.0), ["一二", "三四五六"]);
        assert_eq!(
            wrap("see the rules", 4.0, 0.0),
            ["see the", "rules"],
            "words stay whole; the space at the break is dropped"
        );
        assert_eq!(wrap("ABCDEFGHIJ", 2.0, 0.0), ["ABCD", "EFGH", "IJ"]);
        assert_eq!(wrap("", 4.0, 0.0), [""]);
    }

    #[test]
    fn punctuation_rules() {
        // "，" may not start the second line: "四" comes down with it.
        assert_eq!(wrap("一二三四，五", 4.0, 0.0), ["一二三", "四，五"]);
        // "《" may not end the first line.
        assert_eq!(wrap("一二三《四》", 4.0, 0.0), ["一二三", "《四》"]);
    }

    #[test]
    fn a_column_narrower_than_a_character_still_ends() {
        assert_eq!(wrap("一二", 0.5, 0.0), ["一", "二"]);
    }
}
