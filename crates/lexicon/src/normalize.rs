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

/// One piece of the normalised text over which the maps back are affine:
/// normalised char `norm + d` of the segment came from original char
/// `orig + d`, and only its first char can have a break before it.
///
/// Most text is runs of characters kept exactly as they are, so one
/// segment covers a whole run instead of three map entries per character;
/// that per-character bookkeeping used to be the larger part of
/// normalisation. A character that breaks the pattern (several normalised
/// characters from one original, a decimal point kept out of order, a break
/// before it) starts a new segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Normalised char index of the segment's first char.
    norm: usize,
    /// Original char index of the segment's first char.
    orig: usize,
    /// Byte offset of the segment's first char in the normalised text.
    byte: usize,
    /// The break before the segment's first char.
    brk: Break,
}

/// Normalised text plus the bookkeeping needed to map back.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// The normalised text as chars, built on first use: the matcher works
    /// on `text` and the maps below and never needs it.
    chars: OnceLock<Vec<char>>,
    /// The maps back, by segment in text order; the first starts at char 0.
    segments: Vec<Segment>,
    /// Number of normalised chars.
    len: usize,
    /// The break after the last normalised char (the trailing run).
    trailing: Break,
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
        self.chars.get_or_init(|| self.text.chars().collect())
    }

    /// Number of normalised chars.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing survived normalisation.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of normalised text this value can hold without allocating.
    pub(crate) fn capacity(&self) -> usize {
        self.text.capacity()
    }

    /// Number of chars in the original text.
    pub fn original_len(&self) -> usize {
        self.orig_len
    }

    /// Index of the segment holding normalised char `k` (`k < len()`).
    #[inline]
    fn segment_of_char(&self, k: usize) -> usize {
        self.segments.partition_point(|s| s.norm <= k) - 1
    }

    /// Converts a byte offset in the normalised text (as returned by the
    /// automaton and by `regex`) to a normalised char index: the char
    /// holding that byte, or `len()` at or past the end.
    pub fn char_at_byte(&self, byte: usize) -> usize {
        if byte >= self.text.len() {
            return self.len;
        }
        let seg = &self.segments[self.segments.partition_point(|s| s.byte <= byte) - 1];
        let inside = self.text[seg.byte..]
            .char_indices()
            .take_while(|(at, _)| seg.byte + at <= byte)
            .count();
        seg.norm + inside - 1
    }

    /// Byte offset of normalised char `i` (or the text length).
    pub fn byte_at_char(&self, i: usize) -> usize {
        if i >= self.len {
            return self.text.len();
        }
        let seg = &self.segments[self.segment_of_char(i)];
        let rest = &self.text[seg.byte..];
        seg.byte
            + rest
                .char_indices()
                .nth(i - seg.norm)
                .map_or(rest.len(), |(at, _)| at)
    }

    /// Original char index of normalised char `k` (`k < len()`).
    fn orig_of(&self, k: usize) -> usize {
        let seg = &self.segments[self.segment_of_char(k)];
        seg.orig + (k - seg.norm)
    }

    /// Maps a normalised char span to a char span in the original text.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || start >= self.len {
            let at = if start < self.len {
                self.orig_of(start)
            } else {
                self.orig_len
            };
            return (at, at);
        }
        let end = end.min(self.len);
        (self.orig_of(start), self.orig_of(end - 1) + 1)
    }

    /// The break before normalised char `k` (`k == len()` gives the trailing break).
    pub fn break_before(&self, k: usize) -> Break {
        match k.cmp(&self.len) {
            std::cmp::Ordering::Less => {
                let seg = &self.segments[self.segment_of_char(k)];
                if seg.norm == k { seg.brk } else { Break::None }
            }
            std::cmp::Ordering::Equal => self.trailing,
            std::cmp::Ordering::Greater => Break::None,
        }
    }

    /// Whether the span `[start, end)` runs across a sentence break.
    pub fn crosses_sentence(&self, start: usize, end: usize) -> bool {
        if end <= start + 1 || end > self.len() {
            return false;
        }
        // Breaks strictly inside the span sit at positions start+1 ..= end-1,
        // and only segments start with a break.
        let first = self.segments.partition_point(|s| s.norm <= start);
        self.segments[first..]
            .iter()
            .take_while(|s| s.norm < end)
            .any(|s| s.brk >= Break::Sentence)
    }

    /// Start of the unit containing normalised char `k`: walks back until a
    /// break at least as strong as `level`.
    pub fn unit_start(&self, k: usize, level: Break) -> usize {
        let i = k.min(self.len);
        if i == 0 || level == Break::None || (i == self.len && self.trailing >= level) {
            return i;
        }
        // Only the first char of a segment can have a break before it.
        let last = self
            .segments
            .partition_point(|s| s.norm <= i.min(self.len - 1));
        self.segments[..last]
            .iter()
            .rev()
            .find(|s| s.norm == 0 || s.brk >= level)
            .map_or(0, |s| s.norm)
    }

    /// End (exclusive) of the unit containing the char just before `k`.
    pub fn unit_end(&self, k: usize, level: Break) -> usize {
        let i = k.min(self.len);
        if level == Break::None {
            return i;
        }
        let first = self.segments.partition_point(|s| s.norm < i);
        self.segments[first..]
            .iter()
            .find(|s| s.brk >= level)
            .map_or(self.len, |s| s.norm)
    }

    /// The normalised substring for a char span.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        let end = end.min(self.len());
        let start = start.min(end);
        &self.text[self.byte_at_char(start)..self.byte_at_char(end)]
    }

    /// Starts normalised char `self.len` (original char `orig`, at byte
    /// `byte` of the text, after break `brk`): a new segment unless the
    /// current one simply continues.
    #[inline(always)]
    fn open(&mut self, orig: usize, byte: usize, brk: Break) {
        if brk == Break::None
            && let Some(last) = self.segments.last()
            && last.orig + (self.len - last.norm) == orig
        {
            return;
        }
        self.segments.push(Segment {
            norm: self.len,
            orig,
            byte,
            brk,
        });
    }
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

/// What stripping does with a character after folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// A letter, digit or significant symbol: kept.
    Keep,
    /// `.`: kept only between two digits.
    Dot,
    /// A line break: removed, counted.
    Newline,
    /// Removed, separating sentences.
    Sentence,
    /// Removed, separating clauses.
    Clause,
    /// Removed without structure.
    Drop,
}

impl Class {
    const ALL: [Class; 6] = [
        Class::Keep,
        Class::Dot,
        Class::Newline,
        Class::Sentence,
        Class::Clause,
        Class::Drop,
    ];

    fn of(c: char) -> Class {
        if c.is_alphanumeric() || is_significant_symbol(c) {
            Class::Keep
        } else if c == '.' {
            Class::Dot
        } else if c == '\n' || c == '\u{2028}' || c == '\u{2029}' {
            Class::Newline
        } else {
            match break_class(c) {
                Break::Sentence => Class::Sentence,
                Break::Clause => Class::Clause,
                _ => Class::Drop,
            }
        }
    }
}

/// Calls `f` with each character that NFKC, lower-casing and look-alike
/// folding make of `c`, in order. This is the definition; [`FoldTable`]
/// caches it for the Basic Multilingual Plane.
fn fold_units(c: char, mut f: impl FnMut(char)) {
    for d in c.nfkc() {
        for l in d.to_lowercase() {
            f(fold_char(l));
        }
    }
}

/// Per-character normalisation of the Basic Multilingual Plane, computed
/// once: NFKC, lower-casing and look-alike folding each cost a table search
/// or two per character, and text is scanned far more often than the
/// tables change, so one array index per character replaces them.
///
/// Each entry packs the folded character (bits 0–20), its [`Class`] (bits
/// 21–23) and whether traditional → simplified conversion could change it
/// (bit 24). Characters that fold to anything other than exactly one
/// character are marked [`FoldTable::COMPLEX`] and take the general path.
struct FoldTable {
    entries: Box<[u32]>,
    /// One bit per BMP character, set for characters that stay exactly as
    /// they are and are kept (most CJK characters, letters and digits), the
    /// common case. As a bit set the whole table is 8 KiB and stays in the
    /// first-level cache; a byte per character (64 KiB) missed it on most
    /// CJK characters.
    plain: Box<[u64]>,
}

impl FoldTable {
    const COMPLEX: u32 = 1 << 31;
    const CONVERTIBLE: u32 = 1 << 24;
    const PHRASE_ONLY: u32 = 1 << 25;
    const CHAR_MASK: u32 = (1 << 21) - 1;

    fn get() -> &'static FoldTable {
        static TABLE: OnceLock<FoldTable> = OnceLock::new();
        TABLE.get_or_init(FoldTable::build)
    }

    fn build() -> FoldTable {
        let convertible = ConvertibleChars::get();
        let mut entries = vec![Self::COMPLEX; 0x1_0000].into_boxed_slice();
        let mut plain = vec![0u64; 0x1_0000 / 64].into_boxed_slice();
        for (cp, slot) in entries.iter_mut().enumerate() {
            let Some(c) = char::from_u32(cp as u32) else {
                continue;
            };
            let mut out = [None, None];
            let mut count = 0usize;
            fold_units(c, |u| {
                if count < 2 {
                    out[count] = Some(u);
                }
                count += 1;
            });
            if let (1, Some(u)) = (count, out[0]) {
                let mut e = u as u32 | (Class::of(u) as u32) << 21;
                // A character folded out of the BMP is not in the
                // convertible set; let the converter look at it.
                if (u as u32) >= 0x1_0000 || convertible.contains(u) {
                    e |= Self::CONVERTIBLE;
                }
                if PHRASE_ONLY.contains(&u) {
                    e |= Self::PHRASE_ONLY;
                }
                *slot = e;
                // `%` sets off the numeric-run fix-up, so it is never plain.
                if u == c
                    && e & (Self::CONVERTIBLE | Self::PHRASE_ONLY) == 0
                    && Class::of(u) == Class::Keep
                    && u != '%'
                {
                    plain[cp / 64] |= 1 << (cp % 64);
                }
            }
        }
        FoldTable { entries, plain }
    }

    /// Whether `c` is kept exactly as it is (see [`FoldTable::plain`]).
    #[inline(always)]
    fn is_plain(&self, c: char) -> bool {
        let i = c as usize;
        self.plain
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    /// The entry for a BMP character, or `None` for characters outside it
    /// and for characters that do not fold to exactly one character.
    #[inline]
    fn lookup(&self, c: char) -> Option<(char, Class, Conversion)> {
        let e = *self.entries.get(c as usize)?;
        if e & Self::COMPLEX != 0 {
            return None;
        }
        let ch = char::from_u32(e & Self::CHAR_MASK)?;
        let class = Class::ALL[((e >> 21) & 7) as usize];
        let conversion = Conversion {
            alone: e & Self::CONVERTIBLE != 0,
            in_phrase: e & Self::PHRASE_ONLY != 0,
        };
        Some((ch, class, conversion))
    }
}

/// The BMP characters whose presence means traditional → simplified
/// conversion may change the text. When a text contains none of them (and
/// nothing outside the BMP), the conversion is the identity and is skipped.
///
/// OpenCC converts by longest dictionary match, character entries and
/// phrase entries alike, taking the first candidate. A text is changed only
/// if some matching entry maps to something else. For single characters
/// the set is read from the converter itself (every BMP character converted
/// on its own). Phrase entries that change a text nearly always contain a
/// character that also changes on its own; the exceptions are phrases such
/// as 回覆 → 回复 or 瞭解 → 了解, whose changed characters stay as they
/// are when alone: [`PHRASE_ONLY`] lists those characters, which are not in
/// this set, and [`PhraseOnlyKeys`] the phrases that change them.
struct ConvertibleChars {
    bits: Vec<u64>,
}

/// Characters that OpenCC's t2s phrase dictionary changes inside phrases
/// although they are left alone on their own (TSPhrases of OpenCC 1.1, as
/// shipped in ferrous-opencc 0.4: 瞭解, 藉口, 回覆, 沈默, 牴牾, 衹得).
const PHRASE_ONLY: &[char] = &['沈', '牴', '瞭', '藉', '衹', '覆'];

/// How traditional → simplified conversion may change a character.
#[derive(Debug, Clone, Copy, Default)]
struct Conversion {
    /// It changes on its own (or is outside the set's reach).
    alone: bool,
    /// It is one of [`PHRASE_ONLY`]: it changes inside some phrases only.
    in_phrase: bool,
}

impl Conversion {
    fn of(c: char) -> Conversion {
        Conversion {
            alone: (c as u32) >= 0x1_0000 || ConvertibleChars::get().contains(c),
            in_phrase: PHRASE_ONLY.contains(&c),
        }
    }
}

/// The phrase keys of the t2s dictionary in which a [`PHRASE_ONLY`]
/// character changes (listed in `t2s_phrase_only.txt`), by that character.
/// The keys are those of OpenCC's `TSPhrases.txt` (Apache License 2.0, as
/// shipped in ferrous-opencc 0.4), the dictionary the converter itself
/// uses; a test checks each against the converter.
///
/// Common words such as 覆盖 contain 覆 without being such a phrase, and
/// converting every text that contains them was a measurable share of the
/// scan; a text that holds none of these phrases and no character that
/// changes on its own converts to itself.
struct PhraseOnlyKeys {
    /// `(character, byte offset of it in the key, key)`.
    keys: Vec<(char, usize, &'static str)>,
}

impl PhraseOnlyKeys {
    fn get() -> &'static PhraseOnlyKeys {
        static KEYS: OnceLock<PhraseOnlyKeys> = OnceLock::new();
        KEYS.get_or_init(|| {
            let mut keys = Vec::new();
            for key in include_str!("t2s_phrase_only.txt").lines() {
                for (at, c) in key.char_indices() {
                    if PHRASE_ONLY.contains(&c) {
                        keys.push((c, at, key));
                    }
                }
            }
            PhraseOnlyKeys { keys }
        })
    }

    /// Whether one of the phrases occurs in `text`.
    fn any_in(&self, text: &str) -> bool {
        text.char_indices()
            .filter(|(_, c)| PHRASE_ONLY.contains(c))
            .any(|(at, c)| {
                self.keys.iter().any(|&(k, offset, key)| {
                    k == c
                        && at >= offset
                        && text.as_bytes()[at - offset..].starts_with(key.as_bytes())
                })
            })
    }
}

impl ConvertibleChars {
    fn get() -> &'static ConvertibleChars {
        static SET: OnceLock<ConvertibleChars> = OnceLock::new();
        SET.get_or_init(ConvertibleChars::build)
    }

    fn build() -> ConvertibleChars {
        let mut bits = vec![0u64; 0x1_0000 / 64];
        let Some(cc) = opencc() else {
            // No converter: nothing is ever converted.
            return ConvertibleChars { bits };
        };
        let mut set = |c: char| bits[c as usize / 64] |= 1 << (c as usize % 64);
        // Every BMP character on its own line: no dictionary key contains a
        // line break, so each line converts independently.
        let all: Vec<char> = (0u32..0x1_0000)
            .filter_map(char::from_u32)
            .filter(|c| *c != '\n')
            .collect();
        let mut joined = String::with_capacity(all.len() * 4);
        for c in &all {
            joined.push(*c);
            joined.push('\n');
        }
        let converted = cc.convert(&joined);
        let lines: Vec<&str> = converted.split('\n').collect();
        if lines.len() == all.len() + 1 {
            for (c, line) in all.iter().zip(&lines) {
                let mut it = line.chars();
                if !(it.next() == Some(*c) && it.next().is_none()) {
                    set(*c);
                }
            }
        } else {
            // Unexpected shape: treat every non-ASCII character as
            // convertible, which keeps results exact at the old speed.
            for c in all.iter().filter(|c| !c.is_ascii()) {
                set(*c);
            }
        }
        ConvertibleChars { bits }
    }

    fn contains(&self, c: char) -> bool {
        let i = c as usize;
        i < 0x1_0000 && self.bits[i / 64] & (1 << (i % 64)) != 0
    }
}

/// Normalises `input`.
///
/// Steps: NFKC per character (full-width → half-width, ① → 1, compatibility
/// ideographs → unified), lower-casing, look-alike folding, removal of
/// everything that is not a letter, digit or significant symbol (keeping a
/// decimal point between digits), traditional → simplified conversion, and
/// the numeric-run fix-up (`1OO%` → `100%`).
pub fn normalize(input: &str) -> Normalized {
    let mut n = Normalized::default();
    normalize_into(input, &mut n);
    n
}

/// Normalises `input` into `out`, reusing its buffers. Same result as
/// [`normalize`]; for scanning many texts without allocating per text.
pub fn normalize_into(input: &str, out: &mut Normalized) {
    normalize_with(input, out, &mut ());
}

/// Receives each kept character as normalisation produces it, so that a
/// consumer (the literal automaton) can work while the character is at
/// hand instead of decoding the normalised text again.
pub(crate) trait KeptSink {
    /// Normalised char `index` is `c`.
    fn kept(&mut self, index: usize, c: char);
}

impl KeptSink for () {
    #[inline(always)]
    fn kept(&mut self, _index: usize, _c: char) {}
}

/// [`normalize_into`], handing every kept character to `sink` in order.
///
/// Returns `false` when a final step (traditional → simplified conversion,
/// the numeric-run fix-up) rewrote the text after the characters were
/// handed over: `out` is then right and what `sink` saw is not, and the
/// caller has to read `out` again.
pub(crate) fn normalize_with<S: KeptSink>(
    input: &str,
    dest: &mut Normalized,
    sink: &mut S,
) -> bool {
    // Worked on as a local and put back at the end: the vectors' lengths
    // and pointers can then stay in registers through the per-character
    // loop instead of being reloaded from `dest` for every push.
    let mut local = std::mem::take(dest);
    let walked = normalize_local(input, &mut local, sink);
    *dest = local;
    walked
}

#[inline(always)]
fn normalize_local<S: KeptSink>(input: &str, out: &mut Normalized, sink: &mut S) -> bool {
    out.text.clear();
    out.chars.take();
    out.segments.clear();
    out.len = 0;
    out.text.reserve(input.len());

    let table = FoldTable::get();
    let mut st = Strip::default();
    let mut orig_len = 0usize;
    // Byte offset in `input` where the current run of plain characters
    // starts. Plain characters are kept exactly as they are, so a run is
    // copied into the text in one piece when it ends, instead of being
    // encoded again character by character.
    let mut run: Option<usize> = None;
    for (i, (at, c)) in input.char_indices().enumerate() {
        orig_len = i + 1;
        if st.dot.is_none() && table.is_plain(c) {
            // Inside a run nothing was removed since the last kept
            // character, so the run continues the current segment; the
            // run's flags are settled when it ends.
            if run.is_none() {
                run = Some(at);
                let brk = st.closing_break();
                out.open(i, out.text.len(), brk);
            }
            sink.kept(out.len, c);
            out.len += 1;
            continue;
        }
        if let Some(start) = run.take() {
            st.end_run(&input[start..at]);
            out.text.push_str(&input[start..at]);
        }
        if let Some((u, class, conversion)) = table.lookup(c) {
            st.unit(out, sink, u, class, conversion, i);
        } else {
            // Outside the BMP (emoji, rare ideographs) or an expanding
            // character: the general path. A kept character outside the
            // BMP is not covered by the convertible set, so it sends the
            // text through the converter.
            fold_units(c, |u| {
                let class = Class::of(u);
                st.unit(out, sink, u, class, Conversion::of(u), i);
            });
        }
    }
    if let Some(start) = run {
        st.end_run(&input[start..]);
        out.text.push_str(&input[start..]);
    }
    // A trailing dot has no digit after it.
    out.trailing = st.closing_break();
    out.orig_len = orig_len;

    let mut chars: Option<Vec<char>> = None;
    // Traditional → simplified. OpenCC converts phrase by phrase; when a
    // phrase changes length the position map would break, so fall back to
    // converting character by character. Skipped when no kept character
    // can be converted (the conversion would be the identity).
    if st.non_ascii
        && (st.convertible || (st.phrase_only && PhraseOnlyKeys::get().any_in(&out.text)))
        && let Some(cc) = opencc()
    {
        let chars = chars.get_or_insert_with(|| out.text.chars().collect());
        let converted = cc.convert(&out.text);
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

    if st.percent && (chars.is_some() || numeric_run_has_lookalike(&out.text)) {
        let chars = chars.get_or_insert_with(|| out.text.chars().collect());
        fold_numeric_runs(chars);
    }

    let Some(chars) = chars else {
        return true;
    };
    // Same chars per segment, possibly of other byte lengths.
    out.text.clear();
    let mut segments = out.segments.iter_mut().peekable();
    for (k, c) in chars.iter().enumerate() {
        if let Some(seg) = segments.next_if(|s| s.norm == k) {
            seg.byte = out.text.len();
        }
        out.text.push(*c);
    }
    false
}

/// State of the stripping pass: the break collected since the last kept
/// character and the previous unit (for the decimal-point rule).
#[derive(Default)]
struct Strip {
    pending: Break,
    newlines: u32,
    prev_unit_digit: bool,
    last_kept_digit: bool,
    /// A `.` waiting for the next unit to decide whether it is a decimal
    /// point: its original index, and whether a digit came before it.
    dot: Option<(usize, bool)>,
    /// Some kept character may be changed by traditional → simplified
    /// conversion.
    convertible: bool,
    /// Some kept character is one of [`PHRASE_ONLY`].
    phrase_only: bool,
    non_ascii: bool,
    percent: bool,
}

impl Strip {
    /// The break before the next kept character; resets the collected one.
    #[inline(always)]
    fn closing_break(&mut self) -> Break {
        let mut b = self.pending;
        if self.newlines >= 2 {
            b = Break::Sentence;
        } else if self.newlines == 1 {
            b = b.max(Break::Line);
        }
        self.pending = Break::None;
        self.newlines = 0;
        b
    }

    /// Settles the flags after a run of plain characters, all kept as
    /// they are (see [`normalize_with`]).
    #[inline]
    fn end_run(&mut self, run: &str) {
        self.non_ascii |= !run.is_ascii();
        // The last byte is an ASCII digit exactly when the last char is.
        let digit = run.as_bytes().last().is_some_and(u8::is_ascii_digit);
        self.last_kept_digit = digit;
        self.prev_unit_digit = digit;
    }

    #[inline(always)]
    fn keep<S: KeptSink>(&mut self, out: &mut Normalized, sink: &mut S, c: char, orig: usize) {
        let b = self.closing_break();
        out.open(orig, out.text.len(), b);
        out.text.push(c);
        sink.kept(out.len, c);
        out.len += 1;
        self.non_ascii |= !c.is_ascii();
        self.percent |= c == '%';
        self.last_kept_digit = c.is_ascii_digit();
    }

    /// One unit: a character after folding, with its original index.
    #[inline(always)]
    fn unit<S: KeptSink>(
        &mut self,
        out: &mut Normalized,
        sink: &mut S,
        c: char,
        class: Class,
        conversion: Conversion,
        orig: usize,
    ) {
        if let Some((at, digit_before)) = self.dot.take()
            && digit_before
            && c.is_ascii_digit()
        {
            self.keep(out, sink, '.', at);
        }
        match class {
            Class::Keep => {
                self.keep(out, sink, c, orig);
                self.convertible |= conversion.alone;
                self.phrase_only |= conversion.in_phrase;
            }
            Class::Dot => {
                self.dot = Some((orig, self.prev_unit_digit && self.last_kept_digit));
            }
            Class::Newline => self.newlines += 1,
            Class::Sentence => self.pending = self.pending.max(Break::Sentence),
            Class::Clause => self.pending = self.pending.max(Break::Clause),
            Class::Drop => {}
        }
        self.prev_unit_digit = c.is_ascii_digit();
    }
}

/// Whether some `%` follows a run of digits and look-alikes that contains a
/// look-alike, the only case in which [`fold_numeric_runs`] changes
/// anything. The run is ASCII, so bytes can be read backwards.
fn numeric_run_has_lookalike(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(k, b)| {
        *b == b'%'
            && bytes[..k]
                .iter()
                .rev()
                .take_while(|p| p.is_ascii_digit() || matches!(p, b'o' | b'l' | b'i'))
                .any(|p| matches!(p, b'o' | b'l' | b'i'))
    })
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
    n.len() == 1 && n.text.starts_with(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normaliser as first written, step by step with a vector per
    /// step: the definition that the table-driven one must reproduce.
    fn reference(input: &str) -> (String, Vec<usize>, Vec<Break>, usize) {
        let mut units: Vec<(char, usize)> = Vec::new();
        let mut orig_len = 0usize;
        for (i, c) in input.chars().enumerate() {
            orig_len = i + 1;
            for d in c.nfkc() {
                for l in d.to_lowercase() {
                    units.push((fold_char(l), i));
                }
            }
        }
        let mut chars: Vec<char> = Vec::new();
        let mut orig: Vec<usize> = Vec::new();
        let mut brk: Vec<Break> = Vec::new();
        let mut pending = Break::None;
        let mut newlines = 0u32;
        let close = |pending: Break, newlines: u32| {
            if newlines >= 2 {
                Break::Sentence
            } else if newlines == 1 {
                pending.max(Break::Line)
            } else {
                pending
            }
        };
        for (idx, &(c, o)) in units.iter().enumerate() {
            let keep = if c.is_alphanumeric() || is_significant_symbol(c) {
                true
            } else if c == '.' {
                let prev_digit = chars.last().is_some_and(|p| p.is_ascii_digit())
                    && idx > 0
                    && units[idx - 1].0.is_ascii_digit();
                let next_digit = units.get(idx + 1).is_some_and(|n| n.0.is_ascii_digit());
                prev_digit && next_digit
            } else {
                false
            };
            if keep {
                brk.push(close(pending, newlines));
                chars.push(c);
                orig.push(o);
                pending = Break::None;
                newlines = 0;
            } else if c == '\n' || c == '\u{2028}' || c == '\u{2029}' {
                newlines += 1;
            } else {
                pending = pending.max(break_class(c));
            }
        }
        brk.push(close(pending, newlines));
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
            for c in chars.iter_mut() {
                *c = fold_char(*c);
            }
        }
        fold_numeric_runs(&mut chars);
        (chars.into_iter().collect(), orig, brk, orig_len)
    }

    /// The maps back as one entry per normalised char, the way they were
    /// stored before segments: what every method of [`Normalized`] must
    /// answer exactly.
    struct PerChar {
        text: String,
        byte_of: Vec<usize>,
        orig: Vec<usize>,
        brk: Vec<Break>,
        orig_len: usize,
    }

    impl PerChar {
        fn new(input: &str) -> PerChar {
            let (text, orig, brk, orig_len) = reference(input);
            let mut byte_of: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            byte_of.push(text.len());
            PerChar {
                text,
                byte_of,
                orig,
                brk,
                orig_len,
            }
        }

        fn len(&self) -> usize {
            self.orig.len()
        }

        fn char_at_byte(&self, byte: usize) -> usize {
            match self.byte_of.binary_search(&byte) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            }
        }

        fn byte_at_char(&self, i: usize) -> usize {
            self.byte_of.get(i).copied().unwrap_or(self.text.len())
        }

        fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
            if start >= end || start >= self.orig.len() {
                let at = self.orig.get(start).copied().unwrap_or(self.orig_len);
                return (at, at);
            }
            let end = end.min(self.orig.len());
            (self.orig[start], self.orig[end - 1] + 1)
        }

        fn break_before(&self, k: usize) -> Break {
            self.brk.get(k).copied().unwrap_or_default()
        }

        fn crosses_sentence(&self, start: usize, end: usize) -> bool {
            if end <= start + 1 || end > self.len() {
                return false;
            }
            self.brk[start + 1..end]
                .iter()
                .any(|b| *b >= Break::Sentence)
        }

        fn unit_start(&self, k: usize, level: Break) -> usize {
            let mut i = k.min(self.len());
            while i > 0 && self.brk[i] < level {
                i -= 1;
            }
            i
        }

        fn unit_end(&self, k: usize, level: Break) -> usize {
            let n = self.len();
            let mut i = k.min(n);
            while i < n && self.brk[i] < level {
                i += 1;
            }
            i
        }

        fn slice(&self, start: usize, end: usize) -> &str {
            let end = end.min(self.len());
            let start = start.min(end);
            &self.text[self.byte_of[start]..self.byte_of[end]]
        }
    }

    /// Compares the text and every method of `n` with the per-char
    /// reference, at every position and span (and a little past the end).
    #[track_caller]
    fn same_as_reference(n: &Normalized, input: &str) {
        let r = PerChar::new(input);
        assert_eq!(n.as_str(), r.text, "text of {input:?}");
        assert_eq!(n.len(), r.len(), "length of {input:?}");
        assert_eq!(n.is_empty(), r.len() == 0);
        assert_eq!(n.original_len(), r.orig_len);
        assert_eq!(n.chars(), r.text.chars().collect::<Vec<_>>().as_slice());
        let len = r.len();
        for byte in 0..=r.text.len() + 2 {
            assert_eq!(
                n.char_at_byte(byte),
                r.char_at_byte(byte),
                "char_at_byte({byte}) of {input:?}"
            );
        }
        for k in 0..=len + 2 {
            assert_eq!(
                n.byte_at_char(k),
                r.byte_at_char(k),
                "byte_at_char({k}) of {input:?}"
            );
            assert_eq!(
                n.break_before(k),
                r.break_before(k),
                "break_before({k}) of {input:?}"
            );
            for level in [Break::None, Break::Clause, Break::Line, Break::Sentence] {
                assert_eq!(
                    n.unit_start(k, level),
                    r.unit_start(k, level),
                    "unit_start({k}, {level:?}) of {input:?}"
                );
                assert_eq!(
                    n.unit_end(k, level),
                    r.unit_end(k, level),
                    "unit_end({k}, {level:?}) of {input:?}"
                );
            }
            for e in 0..=len + 2 {
                assert_eq!(
                    n.original_span(k, e),
                    r.original_span(k, e),
                    "original_span({k}, {e}) of {input:?}"
                );
                assert_eq!(
                    n.crosses_sentence(k, e),
                    r.crosses_sentence(k, e),
                    "crosses_sentence({k}, {e}) of {input:?}"
                );
                assert_eq!(n.slice(k, e), r.slice(k, e), "slice({k}, {e}) of {input:?}");
            }
        }
    }

    /// Characters that exercise every path: plain CJK, traditional
    /// characters and the phrase-only ones (回覆, 瞭解), full-width and
    /// upper-case letters, expanding compatibility characters, look-alikes,
    /// digits around `.` and `%`, characters outside the BMP (emoji, an
    /// Extension B ideograph), removed characters and every break.
    const MIXED: &[&str] = &[
        "保",
        "本",
        "收",
        "益",
        "回",
        "覆",
        "瞭",
        "解",
        "沈",
        "默",
        "銀",
        "險",
        "穩",
        "賺",
        "乾",
        "燥",
        "么",
        "麽",
        "a",
        "O",
        "o",
        "l",
        "I",
        "Ｂ",
        "ｒ",
        "３",
        "1",
        "0",
        "9",
        ".",
        "%",
        "％",
        "〇",
        "零",
        "夲",
        "а",
        "㍿",
        "①",
        "😀",
        "\u{20000}",
        "\u{2F800}",
        " ",
        "\u{200b}",
        "*",
        "，",
        "。",
        "！",
        "\n",
        "\u{2028}",
        "、",
        "\u{FEFF}",
        "1OO%",
        "3.5",
        ".",
        "；",
        "?",
        "\n\n",
        "Ａ",
        "ﾟ",
        "A",
        "X",
        "x",
        "回覆",
        "瞭解",
        "說",
        "🏦",
        "盖",
        "口",
        "過",
    ];

    proptest::proptest! {
        #[test]
        fn table_normaliser_matches_reference(
            parts in proptest::collection::vec(proptest::sample::select(MIXED), 0..40),
            again in proptest::collection::vec(proptest::sample::select(MIXED), 0..40),
        ) {
            let input: String = parts.concat();
            let n = normalize(&input);
            same_as_reference(&n, &input);
            // A reused value gives the same result as a fresh one.
            let mut reused = n;
            let second: String = again.concat();
            normalize_into(&second, &mut reused);
            same_as_reference(&reused, &second);
        }
    }

    #[test]
    fn every_bmp_character_alone_matches_reference() {
        let mut reused = Normalized::default();
        let mut buf = [0u8; 4];
        for c in (0u32..0x1_0000).filter_map(char::from_u32) {
            let input = c.encode_utf8(&mut buf);
            normalize_into(input, &mut reused);
            same_as_reference(&reused, input);
        }
    }

    #[test]
    fn folding_is_idempotent() {
        // The converter is skipped when it would change nothing; that is
        // only sound if folding an already folded character is a no-op.
        for c in (0u32..0x11_0000).filter_map(char::from_u32) {
            assert_eq!(fold_char(fold_char(c)), fold_char(c), "{c:?}");
        }
    }

    #[test]
    fn phrase_only_characters_change_only_in_phrases() {
        let cc = opencc().expect("built-in t2s converter");
        for (phrase, simplified) in [("回覆", "回复"), ("瞭解", "了解"), ("沈默", "沉默")]
        {
            assert_eq!(cc.convert(phrase), simplified);
            assert_eq!(normalize_literal(phrase), simplified);
        }
        for c in PHRASE_ONLY {
            let mut buf = [0u8; 4];
            assert_eq!(cc.convert(c.encode_utf8(&mut buf)), c.to_string());
            assert!(!ConvertibleChars::get().contains(*c));
        }
        assert!(ConvertibleChars::get().contains('銀'));
        assert!(!ConvertibleChars::get().contains('银'));
        // Common words with these characters are not converted; phrases
        // that change them are.
        assert!(!PhraseOnlyKeys::get().any_in("覆盖范围"));
        assert!(PhraseOnlyKeys::get().any_in("请回覆"));
        assert!(!PhraseOnlyKeys::get().any_in("覆回"));
    }

    #[test]
    fn listed_phrases_change_their_phrase_only_character() {
        let cc = opencc().expect("built-in t2s converter");
        let keys = &PhraseOnlyKeys::get().keys;
        assert!(keys.len() > 100, "{}", keys.len());
        for &(c, at, key) in keys {
            let converted = cc.convert(key);
            assert_eq!(converted.len(), key.len(), "{key} → {converted}");
            assert!(
                !converted[at..].starts_with(c),
                "{key} → {converted} keeps {c}"
            );
        }
    }

    /// Every two-character text in which OpenCC changes a phrase-only
    /// character holds one of the listed phrases: the list misses no
    /// two-character key of the dictionary.
    #[test]
    fn phrase_list_covers_every_two_character_key() {
        let cc = opencc().expect("built-in t2s converter");
        for c in PHRASE_ONLY {
            let others: Vec<char> = (0u32..0x1_0000)
                .filter_map(char::from_u32)
                .filter(|x| !x.is_whitespace() && !x.is_control())
                .collect();
            for before in [true, false] {
                let pairs: Vec<String> = others
                    .iter()
                    .map(|x| {
                        if before {
                            format!("{x}{c}")
                        } else {
                            format!("{c}{x}")
                        }
                    })
                    .collect();
                let converted = cc.convert(&pairs.join("\n"));
                let lines: Vec<&str> = converted.split('\n').collect();
                assert_eq!(lines.len(), pairs.len());
                for (pair, line) in pairs.iter().zip(lines) {
                    let kept = if before {
                        line.ends_with(*c)
                    } else {
                        line.starts_with(*c)
                    };
                    if !kept {
                        assert!(PhraseOnlyKeys::get().any_in(pair), "{pair} → {line}");
                    }
                }
            }
        }
    }

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
