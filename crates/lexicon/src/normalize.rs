//! Text normalisation for matching, with a map back to the original text.
//!
//! Marketing copy that wants to slip past a filter rarely changes the words;
//! it changes how they are written: full-width letters, traditional
//! characters, spaces or zero-width characters or emoji between the
//! characters of a term, look-alike characters. The matcher therefore never
//! looks at the original text. It looks at a normalised copy in which all of
//! these variants collapse to one spelling, and every normalised character
//! remembers which original character it came from, so that findings can
//! point at the original text.
//!
//! The same function normalises the knowledge-base literals, which is what
//! makes a literal written as `保 本` or `保本` or `保夲` equivalent.

use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;

/// How strongly the characters removed between two kept characters separate
/// them. Literal matches may run across `Clause` breaks (that is how
/// `保，本` is caught) but never across a `Sentence` break; negation cues
/// are looked for only inside the current clause; proximity rules stay
/// inside one line or sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Break {
    /// Nothing, or only characters that carry no structure (spaces,
    /// zero-width characters, symbols, emoji, quotes, brackets).
    #[default]
    None,
    /// Clause punctuation: ，、；：, ; : and the like.
    Clause,
    /// A single line break.
    Line,
    /// A sentence end (。！？!?) or a blank line.
    Sentence,
}

/// Normalised text plus the bookkeeping needed to map back.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    chars: Vec<char>,
    /// Byte offset in `text` of each normalised char, plus `text.len()`.
    byte_of: Vec<usize>,
    /// Original char index of each normalised char.
    orig: Vec<usize>,
    /// `brk[k]`: the strongest break among the characters removed between
    /// normalised chars `k-1` and `k` (`brk[0]` covers the leading run and
    /// `brk[len]` the trailing run).
    brk: Vec<Break>,
    /// Prefix counts: number of positions `1..=k` with a sentence break.
    sentence_prefix: Vec<u32>,
    /// Number of chars in the original text.
    orig_len: usize,
}

impl Normalized {
    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The normalised text as chars.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// Number of normalised chars.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether nothing survived normalisation.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Number of chars in the original text.
    pub fn original_len(&self) -> usize {
        self.orig_len
    }

    /// Converts a byte offset in the normalised text (as returned by the
    /// automaton and by `regex`) to a normalised char index.
    pub fn char_at_byte(&self, byte: usize) -> usize {
        match self.byte_of.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset of normalised char `i` (or the text length).
    pub fn byte_at_char(&self, i: usize) -> usize {
        self.byte_of.get(i).copied().unwrap_or(self.text.len())
    }

    /// Maps a normalised char span to a char span in the original text.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || start >= self.orig.len() {
            let at = self.orig.get(start).copied().unwrap_or(self.orig_len);
            return (at, at);
        }
        let end = end.min(self.orig.len());
        (self.orig[start], self.orig[end - 1] + 1)
    }

    /// The break before normalised char `k` (`k == len()` gives the trailing break).
    pub fn break_before(&self, k: usize) -> Break {
        self.brk.get(k).copied().unwrap_or_default()
    }

    /// Whether the span `[start, end)` runs across a sentence break.
    pub fn crosses_sentence(&self, start: usize, end: usize) -> bool {
        if end <= start + 1 || end > self.chars.len() {
            return false;
        }
        // Breaks strictly inside the span sit at positions start+1 ..= end-1.
        self.sentence_prefix[end - 1] > self.sentence_prefix[start]
    }

    /// Start of the unit containing normalised char `k`: walks back until a
    /// break at least as strong as `level`.
    pub fn unit_start(&self, k: usize, level: Break) -> usize {
        let mut i = k.min(self.chars.len());
        while i > 0 && self.brk[i] < level {
            i -= 1;
        }
        i
    }

    /// End (exclusive) of the unit containing the char just before `k`.
    pub fn unit_end(&self, k: usize, level: Break) -> usize {
        let n = self.chars.len();
        let mut i = k.min(n);
        while i < n && self.brk[i] < level {
            i += 1;
        }
        i
    }

    /// The normalised substring for a char span.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        let end = end.min(self.chars.len());
        let start = start.min(end);
        &self.text[self.byte_of[start]..self.byte_of[end]]
    }
}

/// One char after NFKC and lower-casing, before stripping.
struct Unit {
    ch: char,
    orig: usize,
}

fn opencc() -> Option<&'static OpenCC> {
    static T2S: OnceLock<Option<OpenCC>> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Look-alike and variant characters folded to the spelling the knowledge
/// base uses. Applied after NFKC and lower-casing, before stripping, so that
/// symbols such as `○` become significant before they would be dropped.
///
/// Kept deliberately small: each mapping is a character that in Chinese
/// financial copy only ever stands in for the target (Japanese shinjitai,
/// rare variants, the circle used as zero). ASCII letters are not folded to
/// digits here; see [`fold_numeric_runs`].
fn fold_char(c: char) -> char {
    match c {
        // Zero: 零 and its stand-ins all become the digit, so that
        // 零风险 / 0风险 / 〇风险 / ○风险 are one pattern.
        '零' | '〇' | '○' | '◯' | '⭕' => '0',
        '٪' | '﹪' => '%',
        '＝' => '=',
        // CJK variants and look-alikes seen in evasive copy.
        '夲' => '本',
        '囯' | '囻' | '圀' => '国',
        '穏' => '稳',
        '収' => '收',
        '険' => '险',
        '証' => '证',
        '済' => '济',
        '経' => '经',
        '売' => '卖',
        '価' => '价',
        '対' => '对',
        '広' => '广',
        '実' => '实',
        '関' => '关',
        '気' => '气',
        '総' => '总',
        '浄' | '凈' => '净',
        '嬴' | '羸' => '赢',
        '亐' => '亏',
        '銭' => '钱',
        '労' => '劳',
        '権' => '权',
        '図' => '图',
        '団' => '团',
        '帰' => '归',
        '応' => '应',
        '従' => '从',
        '弁' => '办',
        '処' => '处',
        '冊' => '册',
        '査' => '查',
        '覧' => '览',
        '兌' => '兑',
        '剛' => '刚',
        '倶' => '俱',
        '讐' => '仇',
        // Cyrillic and Greek letters that look like Latin ones.
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'с' => 'c',
        'т' | 'τ' => 't',
        'у' => 'y',
        'х' | 'χ' => 'x',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'α' => 'a',
        'ν' => 'v',
        'κ' => 'k',
        other => other,
    }
}

/// Break class of a character that will be removed.
fn break_class(c: char) -> Break {
    match c {
        '。' | '！' | '？' | '!' | '?' | '｡' | '‼' | '⁇' | '⁈' | '⁉' => {
            Break::Sentence
        }
        '，' | ',' | '、' | '；' | ';' | '：' | ':' | '…' | '︰' | '﹐' | '﹑' | '﹔' | '﹕' => {
            Break::Clause
        }
        _ => Break::None,
    }
}

/// Characters other than letters and digits that carry meaning in terms:
/// `100%`, `理财=存款`, `≈存款`.
fn is_significant_symbol(c: char) -> bool {
    matches!(c, '%' | '‰' | '=' | '≈')
}

/// Normalises `input`.
///
/// Steps: NFKC per character (full-width → half-width, ① → 1, compatibility
/// ideographs → unified), lower-casing, look-alike folding, removal of
/// everything that is not a letter, digit or significant symbol (keeping a
/// decimal point between digits), traditional → simplified conversion, and
/// the numeric-run fix-up (`1OO%` → `100%`).
pub fn normalize(input: &str) -> Normalized {
    // Phase 1: NFKC + lowercase + fold, remembering the origin.
    let mut units: Vec<Unit> = Vec::with_capacity(input.len());
    let mut orig_len = 0usize;
    for (i, c) in input.chars().enumerate() {
        orig_len = i + 1;
        for d in c.nfkc() {
            for l in d.to_lowercase() {
                units.push(Unit {
                    ch: fold_char(l),
                    orig: i,
                });
            }
        }
    }

    // Phase 2: strip, tracking breaks.
    let mut chars: Vec<char> = Vec::with_capacity(units.len());
    let mut orig: Vec<usize> = Vec::with_capacity(units.len());
    let mut brk: Vec<Break> = Vec::with_capacity(units.len() + 1);
    let mut pending = Break::None;
    let mut newlines = 0u32;
    for (idx, u) in units.iter().enumerate() {
        let c = u.ch;
        let keep = if c.is_alphanumeric() || is_significant_symbol(c) {
            true
        } else if c == '.' {
            let prev_digit = chars.last().is_some_and(|p| p.is_ascii_digit())
                && idx > 0
                && units[idx - 1].ch.is_ascii_digit();
            let next_digit = units.get(idx + 1).is_some_and(|n| n.ch.is_ascii_digit());
            prev_digit && next_digit
        } else {
            false
        };
        if keep {
            let mut b = pending;
            if newlines >= 2 {
                b = Break::Sentence;
            } else if newlines == 1 {
                b = b.max(Break::Line);
            }
            brk.push(b);
            chars.push(c);
            orig.push(u.orig);
            pending = Break::None;
            newlines = 0;
        } else if c == '\n' || c == '\u{2028}' || c == '\u{2029}' {
            newlines += 1;
        } else {
            pending = pending.max(break_class(c));
        }
    }
    {
        let mut b = pending;
        if newlines >= 2 {
            b = Break::Sentence;
        } else if newlines == 1 {
            b = b.max(Break::Line);
        }
        brk.push(b);
    }

    // Phase 3: traditional → simplified. OpenCC converts phrase by phrase;
    // when a phrase changes length the position map would break, so fall
    // back to converting character by character.
    if chars.iter().any(|c| !c.is_ascii())
        && let Some(cc) = opencc()
    {
        let joined: String = chars.iter().collect();
        let converted = cc.convert(&joined);
        if converted.chars().count() == chars.len() {
            for (slot, c) in chars.iter_mut().zip(converted.chars()) {
                *slot = c;
            }
        } else {
            let mut buf = [0u8; 4];
            for slot in chars.iter_mut().filter(|c| !c.is_ascii()) {
                let one = cc.convert(slot.encode_utf8(&mut buf));
                let mut it = one.chars();
                if let (Some(c), None) = (it.next(), it.next()) {
                    *slot = c;
                }
            }
        }
        // OpenCC may map into characters the fold table rewrites.
        for c in chars.iter_mut() {
            *c = fold_char(*c);
        }
    }

    fold_numeric_runs(&mut chars);

    let mut text = String::with_capacity(chars.len() * 3);
    let mut byte_of = Vec::with_capacity(chars.len() + 1);
    for c in &chars {
        byte_of.push(text.len());
        text.push(*c);
    }
    byte_of.push(text.len());

    let mut sentence_prefix = Vec::with_capacity(brk.len());
    let mut acc = 0u32;
    for (k, b) in brk.iter().enumerate() {
        if k > 0 && *b >= Break::Sentence {
            acc += 1;
        }
        sentence_prefix.push(acc);
    }

    Normalized {
        text,
        chars,
        byte_of,
        orig,
        brk,
        sentence_prefix,
        orig_len,
    }
}

/// In a run of digits and digit look-alikes directly followed by `%`, reads
/// `o` as `0` and `l`/`i` as `1` (`1OO%` → `100%`). Restricted to runs that
/// contain a real digit and end in `%`, because elsewhere these letters are
/// letters.
fn fold_numeric_runs(chars: &mut [char]) {
    let is_lookalike = |c: char| matches!(c, 'o' | 'l' | 'i');
    let mut k = 0;
    while k < chars.len() {
        if chars[k] == '%' {
            let mut s = k;
            while s > 0 && (chars[s - 1].is_ascii_digit() || is_lookalike(chars[s - 1])) {
                s -= 1;
            }
            if s < k
                && chars[s..k].iter().any(|c| c.is_ascii_digit())
                && chars[s..k].iter().any(|c| is_lookalike(*c))
            {
                for c in &mut chars[s..k] {
                    *c = match *c {
                        'o' => '0',
                        'l' | 'i' => '1',
                        other => other,
                    };
                }
            }
        }
        k += 1;
    }
}

/// Normalises a knowledge-base literal to the form the automaton stores.
pub fn normalize_literal(s: &str) -> String {
    normalize(s).text
}

/// Whether a character would survive normalisation unchanged; used by the
/// checker to warn about regex literals the normalised text cannot contain.
pub fn char_survives_unchanged(c: char) -> bool {
    let mut buf = [0u8; 4];
    let n = normalize(c.encode_utf8(&mut buf));
    n.chars.len() == 1 && n.chars[0] == c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_dodge_characters_and_maps_back() {
        let n = normalize("保\u{200b} 本！");
        assert_eq!(n.as_str(), "保本");
        assert_eq!(n.original_span(0, 2), (0, 4));
    }

    #[test]
    fn full_width_and_circled_digits() {
        assert_eq!(normalize_literal("１００％"), "100%");
        assert_eq!(normalize_literal("①"), "1");
        assert_eq!(normalize_literal("ＡＢＣ"), "abc");
    }

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(normalize_literal("穩賺不賠"), "稳赚不赔");
        assert_eq!(normalize_literal("保證收益"), "保证收益");
    }

    #[test]
    fn zero_lookalikes() {
        assert_eq!(normalize_literal("〇风险"), "0风险");
        assert_eq!(normalize_literal("○风险"), "0风险");
        assert_eq!(normalize_literal("零风险"), "0风险");
        assert_eq!(normalize_literal("1OO%"), "100%");
        assert_eq!(normalize_literal("looking"), "looking");
    }

    #[test]
    fn decimal_point_kept_only_between_digits() {
        assert_eq!(normalize_literal("3.85%"), "3.85%");
        assert_eq!(normalize_literal("保.本"), "保本");
    }

    #[test]
    fn breaks_are_recorded() {
        let n = normalize("不保本。保证，收益");
        assert_eq!(n.as_str(), "不保本保证收益");
        assert_eq!(n.break_before(3), Break::Sentence);
        assert_eq!(n.break_before(5), Break::Clause);
        assert!(n.crosses_sentence(2, 4));
        assert!(!n.crosses_sentence(3, 7));
    }

    #[test]
    fn blank_line_is_a_sentence_break_single_newline_is_not() {
        let n = normalize("保\n本");
        assert!(!n.crosses_sentence(0, 2));
        let n = normalize("保\n\n本");
        assert!(n.crosses_sentence(0, 2));
    }

    #[test]
    fn offsets_with_expanding_nfkc() {
        // ㍿ expands to four chars; all map to original index 1.
        let n = normalize("a㍿b");
        assert_eq!(n.as_str(), "a株式会社b");
        assert_eq!(n.original_span(1, 5), (1, 2));
        assert_eq!(n.original_span(5, 6), (2, 3));
    }
}
