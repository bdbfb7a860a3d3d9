//! Text normalisation: one canonical form for every later stage.
//!
//! Complaint texts arrive from call-centre transcripts, web forms, scanned
//! letters and regulator transfers. The same word shows up in full-width
//! (`ＡＴＭ`), traditional (`凍結`) or with invisible characters pasted from a
//! chat app. Segmentation, PII detection, clustering and classification must
//! all see the same characters, so every one of them starts here:
//!
//! 1. control and zero-width/format characters are removed;
//! 2. NFKC folds full-width letters, digits and punctuation to half-width;
//! 3. punctuation variants (curly quotes, corner brackets, dashes) are mapped
//!    to one representative;
//! 4. whitespace runs (including the ideographic space) collapse to one ASCII
//!    space and the ends are trimmed;
//! 5. traditional characters become simplified (OpenCC `t2s`).
//!
//! [`normalize_with_map`] additionally records, for every output character,
//! the range of input characters it came from, so that a finding in the
//! normalised text (a phone number, a risk word) can be reported, or masked,
//! at its place in the text the user actually wrote.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// The OpenCC traditional→simplified converter, built on first use, with a
/// table of the characters it can change.
///
/// The conversion tables are compiled into the binary, so loading cannot fail
/// on a correct build; if it ever does, normalisation still runs without the
/// traditional→simplified step and [`t2s_available`] reports the loss.
static T2S: LazyLock<Option<T2s>> = LazyLock::new(T2s::load);

/// Whether traditional→simplified conversion is active in this build.
pub fn t2s_available() -> bool {
    T2S.is_some()
}

/// OpenCC `t2s` plus a bitmap of the characters that can change under it.
///
/// OpenCC segments its input and looks every position up in its phrase and
/// character tables, which costs about 0.25 µs per character. Nearly all
/// complaint texts are already simplified, so a text without a single
/// changeable character skips the converter; this keeps normalisation cheap
/// enough for clustering a million texts.
struct T2s {
    cc: OpenCC,
    /// One bit per code point below [`PROBE_LIMIT`]: set if `t2s` may change it.
    changeable: Vec<u64>,
}

/// Code points at or above this are not probed and always take the converter.
const PROBE_LIMIT: u32 = 0x3_0000;

/// Ranges that hold every character OpenCC's `t2s` tables convert.
const PROBE_RANGES: [(u32, u32); 8] = [
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x2_0000, 0x2_EBEF),
];

/// Characters that `t2s` leaves alone on their own but converts inside some
/// phrases (`沈默` → `沉默`, `回覆` → `回复`), from OpenCC's `TSPhrases`.
const PHRASE_ONLY: &str = "彷沈牴瞭藉衹覆";

impl T2s {
    fn load() -> Option<T2s> {
        let cc = OpenCC::from_config(BuiltinConfig::T2s).ok()?;
        let mut changeable = vec![0u64; (PROBE_LIMIT as usize).div_ceil(64)];
        let mut mark = |c: char| {
            let i = c as usize;
            if let Some(word) = changeable.get_mut(i / 64) {
                *word |= 1 << (i % 64);
            }
        };
        let probe: String = PROBE_RANGES
            .iter()
            .flat_map(|&(a, b)| (a..=b).filter_map(char::from_u32))
            .collect();
        let converted = cc.convert(&probe);
        if converted.chars().count() == probe.chars().count() {
            for (a, b) in probe.chars().zip(converted.chars()) {
                if a != b {
                    mark(a);
                }
            }
        } else {
            let mut buf = [0u8; 4];
            for a in probe.chars() {
                let single = a.encode_utf8(&mut buf);
                if cc.convert(single) != *single {
                    mark(a);
                }
            }
        }
        PHRASE_ONLY.chars().for_each(&mut mark);
        Some(T2s { cc, changeable })
    }

    /// Whether `text` holds a character the converter may change.
    fn needed(&self, text: &str) -> bool {
        text.chars().any(|c| {
            let i = c as u32;
            if i < 0x2E80 {
                return false;
            }
            if i >= PROBE_LIMIT {
                return true;
            }
            let i = i as usize;
            self.changeable[i / 64] & (1 << (i % 64)) != 0
        })
    }
}

/// Text after normalisation together with a map back to the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// For each char of `text`: the half-open range of input chars it came from.
    origin: Vec<(usize, usize)>,
    /// Number of chars in the input.
    input_chars: usize,
}

impl Normalized {
    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Consumes the value and returns the normalised text.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Number of chars in the normalised text.
    pub fn len_chars(&self) -> usize {
        self.origin.len()
    }

    /// Number of chars in the original input.
    pub fn input_len_chars(&self) -> usize {
        self.input_chars
    }

    /// Input char range that produced normalised char `index`.
    pub fn origin_of(&self, index: usize) -> Option<(usize, usize)> {
        self.origin.get(index).copied()
    }

    /// Maps a half-open char span of the normalised text to the half-open char
    /// span of the input that covers it. Out-of-range spans are clamped; an
    /// empty span maps to an empty span at the corresponding input position.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let n = self.origin.len();
        if n == 0 {
            return (0, 0);
        }
        let start = start.min(n);
        let end = end.min(n).max(start);
        if start == end {
            let pos = if start < n {
                self.origin[start].0
            } else {
                self.input_chars
            };
            return (pos, pos);
        }
        (self.origin[start].0, self.origin[end - 1].1)
    }
}

/// Normalises `text` (see the module documentation for the steps).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold(text, |c, _| out.push(c));
    convert_t2s(out)
}

/// Normalises `text` and keeps a map from normalised char offsets back to
/// input char offsets.
pub fn normalize_with_map(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let input_chars = fold(text, |c, range| {
        out.push(c);
        origin.push(range);
    });
    let text = match T2S.as_ref() {
        Some(t2s) if t2s.needed(&out) => {
            let cc = &t2s.cc;
            let converted = cc.convert(&out);
            if converted.chars().count() == origin.len() {
                converted
            } else {
                // OpenCC's t2s tables map phrases to phrases of the same
                // length; should a table ever break that, convert char by char
                // so the offset map stays exact.
                out.chars()
                    .map(|c| {
                        let mut buf = [0u8; 4];
                        let s = cc.convert(c.encode_utf8(&mut buf));
                        let mut it = s.chars();
                        match (it.next(), it.next()) {
                            (Some(first), None) => first,
                            _ => c,
                        }
                    })
                    .collect()
            }
        }
        _ => out,
    };
    Normalized {
        text,
        origin,
        input_chars,
    }
}

fn convert_t2s(text: String) -> String {
    match T2S.as_ref() {
        Some(t2s) if t2s.needed(&text) => t2s.cc.convert(&text),
        _ => text,
    }
}

/// `t2s` applied unconditionally (for tests of the skip table).
#[cfg(test)]
fn convert_t2s_always(text: &str) -> String {
    T2S.as_ref()
        .map_or_else(|| text.to_string(), |t| t.cc.convert(text))
}

/// Runs steps 1–4 and calls `emit` with every output char and the input char
/// range it came from. Returns the number of input chars.
fn fold(text: &str, mut emit: impl FnMut(char, (usize, usize))) -> usize {
    // Pending whitespace run (input char range); emitted as one space only if
    // something non-blank follows and something non-blank came before.
    let mut pending_space: Option<(usize, usize)> = None;
    let mut emitted_any = false;
    let mut chars = text.chars().enumerate().peekable();
    let mut cluster: Vec<char> = Vec::with_capacity(4);
    let mut input_chars = 0;

    while let Some((i, c)) = chars.next() {
        input_chars = i + 1;
        if is_removed(c) {
            continue;
        }
        // A cluster is a base char plus the combining marks that follow it, so
        // that NFKC can compose them (e + U+0301 → é).
        cluster.clear();
        cluster.push(c);
        let start = i;
        let mut end = i + 1;
        while let Some(&(j, next)) = chars.peek() {
            if can_combine(next) && canonical_combining_class(next) != 0 {
                cluster.push(next);
                end = j + 1;
                input_chars = j + 1;
                chars.next();
            } else {
                break;
            }
        }
        let range = (start, end);
        let mut emit_one = |ch: char| {
            if ch.is_whitespace() || ch.is_control() {
                pending_space = Some(match pending_space {
                    Some((s, _)) => (s, range.1),
                    None => range,
                });
            } else {
                if let Some(space) = pending_space.take()
                    && emitted_any
                {
                    emit(' ', space);
                }
                emit(ch, range);
                emitted_any = true;
            }
        };
        if cluster.len() == 1
            && (c.is_ascii() || matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'))
        {
            // Fast path: ASCII and unified ideographs are already NFKC and
            // need no punctuation mapping.
            emit_one(c);
            continue;
        }
        for n in cluster.iter().copied().nfkc() {
            match canonical_punctuation(n) {
                Mapped::One(m) => emit_one(m),
                Mapped::Ellipsis => {
                    for _ in 0..3 {
                        emit_one('.');
                    }
                }
            }
        }
    }
    input_chars
}

/// Whether `c` may be a combining mark: none lies below U+0300 or among the
/// unified ideographs, so the common characters skip the table lookup.
fn can_combine(c: char) -> bool {
    c >= '\u{300}' && !matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

enum Mapped {
    One(char),
    Ellipsis,
}

/// One representative per punctuation family, applied after NFKC (which has
/// already folded the full-width ASCII forms such as `，` `：` `（`).
fn canonical_punctuation(c: char) -> Mapped {
    let m = match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{301D}' | '\u{301E}'
        | '\u{301F}' | '\u{300C}' | '\u{300D}' | '\u{300E}' | '\u{300F}' => '"',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
        '\u{3010}' | '\u{3016}' | '\u{3014}' | '\u{3018}' => '[',
        '\u{3011}' | '\u{3017}' | '\u{3015}' | '\u{3019}' => ']',
        '\u{3008}' => '\u{300A}',
        '\u{3009}' => '\u{300B}',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{2500}' => '-',
        '\u{301C}' | '\u{223C}' => '~',
        '\u{30FB}' | '\u{2022}' | '\u{2027}' => '\u{00B7}',
        '\u{22EF}' => return Mapped::Ellipsis,
        other => other,
    };
    Mapped::One(m)
}

/// Characters that carry no text: controls (other than whitespace, which is
/// collapsed instead), zero-width and bidirectional format characters,
/// variation selectors and the soft hyphen.
fn is_removed(c: char) -> bool {
    if c.is_control() {
        return !c.is_whitespace();
    }
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            ("ＡＴＭ吞卡１２３", "ATM吞卡123"),
            ("信用卡（分期）：逾期！", "信用卡(分期):逾期!"),
            ("我的銀行帳戶被凍結", "我的银行帐户被冻结"),
            ("信用卡\u{200B}分\u{FEFF}期", "信用卡分期"),
            ("  多个　\t空格\n\n换行  ", "多个 空格 换行"),
            ("“引号”和「直角」", "\"引号\"和\"直角\""),
            ("【通知】〔2024〕", "[通知][2024]"),
            ("等待……", "等待......"),
            ("等待⋯", "等待..."),
            ("电话—转接——完毕", "电话-转接--完毕"),
            ("〈合同〉", "《合同》"),
            ("cafe\u{0301}", "café"),
            ("a\u{0007}b", "ab"),
            ("", ""),
            ("\u{200B}\u{3000}", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), *want, "input {input:?}");
            assert_eq!(
                normalize_with_map(input).text(),
                *want,
                "map input {input:?}"
            );
        }
    }

    #[test]
    fn t2s_is_loaded() {
        assert!(t2s_available());
    }

    /// The skip table must never skip a text the converter would change.
    #[test]
    fn skip_table_agrees_with_the_converter() {
        let samples = [
            "我的銀行帳戶被凍結",
            "沈默是金",
            "回覆郵件",
            "一目瞭然",
            "以免藉口",
            "牴觸情緒",
            "衹得如此",
            "彷彿",
            "乾隆年間",
            "頭髮",
            "簡體字沒有變化",
            "信用卡年费被乱收",
            "覆盖全国",
            "沈阳分行",
        ];
        for s in samples {
            assert_eq!(convert_t2s(s.to_string()), convert_t2s_always(s), "{s}");
        }
        let training = include_str!("../../../data/classify/train.jsonl");
        for line in training.lines() {
            assert_eq!(convert_t2s(line.to_string()), convert_t2s_always(line));
        }
        // Every probed character: converting it alone either leaves it alone
        // or it is marked.
        let t2s = T2S
            .as_ref()
            .map(|t| t.changeable.iter().map(|w| w.count_ones()).sum::<u32>());
        assert!(t2s.is_some_and(|n| n > 2000), "{t2s:?}");
    }

    #[test]
    fn map_points_back_to_input() {
        let input = "ａ\u{200B}  凍結…x";
        let n = normalize_with_map(input);
        assert_eq!(n.text(), "a 冻结...x");
        let orig: Vec<char> = input.chars().collect();
        // 'a' ← full-width a at 0
        assert_eq!(n.origin_of(0), Some((0, 1)));
        // the collapsed space covers both input spaces (2..4), ZWSP at 1 removed
        assert_eq!(n.origin_of(1), Some((2, 4)));
        // 冻 ← 凍
        assert_eq!(n.origin_of(2), Some((4, 5)));
        assert_eq!(orig[4], '凍');
        // each of the three dots comes from the one ellipsis char
        for i in 4..7 {
            assert_eq!(n.origin_of(i), Some((6, 7)));
        }
        assert_eq!(n.original_span(2, 4), (4, 6));
        assert_eq!(n.original_span(4, 8), (6, 8));
        assert_eq!(n.original_span(8, 8), (8, 8));
        assert_eq!(n.input_len_chars(), 8);
    }

    #[test]
    fn idempotent_on_samples() {
        for s in [
            "ＡＴＭ吞卡，（全角）",
            "銀行 \u{3000} 帳戶……",
            "「直角」〜～",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once);
        }
    }
}
