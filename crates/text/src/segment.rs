//! Word segmentation with a banking vocabulary and an analysis stop list.
//!
//! jieba's general dictionary splits banking terms the way a newspaper would
//! (`信用卡 / 分期`, `暴力 / 催收`), which hides the topics complaint analysis
//! is looking for. The [`Segmenter`] therefore loads, on top of jieba's
//! dictionary:
//!
//! * selected finance terms from THUOCL 财经 that jieba lacks (`网银`, `盗刷`,
//!   `到账` …), at modest frequencies so they do not swallow neighbours;
//! * the project's banking dictionary (`data/dict/banking.txt`), whose entries
//!   are forced to stay whole.
//!
//! Building a jieba instance costs about 200 ms, so the segmenter is built once
//! and shared ([`Segmenter::shared`]); callers that want their own copy (for
//! example with extra words) can build one with [`Segmenter::new`].
//!
//! Two outputs serve two purposes:
//! * [`Segmenter::tokens`] — every word of the text, stop words included, for
//!   search and display;
//! * [`Segmenter::terms`] — analysis terms for hot words, rising words,
//!   clustering labels and classification: stop words, punctuation, numbers,
//!   single characters and personal information are left out, so that a phone
//!   number or `本人` never becomes a "hot word".

use std::collections::HashSet;
use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::normalize::normalize;
use crate::pii;

const BANKING_DICT: &str = include_str!("../../../data/dict/banking.txt");
const THUOCL_CAIJING: &str = include_str!("../../../data/thuocl/THUOCL_caijing.txt");
const STOPWORDS_ZH: &str = include_str!("../../../data/stopwords-zh/stopwords-zh.txt");
const COMPLAINT_STOPWORDS: &str = include_str!("../../../data/dict/complaint-stopwords.txt");

/// THUOCL words below this document frequency are mostly company and stock
/// names; they are not added.
const THUOCL_MIN_DF: u64 = 50;

static SHARED: LazyLock<Segmenter> = LazyLock::new(Segmenter::new);

/// A word of a segmented text with its char span in the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word.
    pub word: String,
    /// Char offset of the first char (in the normalised text).
    pub start: usize,
    /// Char offset one past the last char (in the normalised text).
    pub end: usize,
}

/// Jieba with the banking dictionary plus the analysis stop list.
pub struct Segmenter {
    jieba: Jieba,
    stopwords: HashSet<String>,
    banking_words: usize,
    malformed_dictionary_lines: Vec<usize>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("banking_words", &self.banking_words)
            .field("stopwords", &self.stopwords.len())
            .finish()
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl Segmenter {
    /// Builds a segmenter from the embedded dictionaries (about 200 ms in a
    /// release build). Prefer [`Segmenter::shared`].
    pub fn new() -> Self {
        let mut jieba = Jieba::new();
        for line in THUOCL_CAIJING.lines() {
            let mut parts = line.split_whitespace();
            let (Some(word), Some(df)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(df) = df.parse::<u64>() else { continue };
            if df < THUOCL_MIN_DF
                || word.chars().count() < 2
                || !word.chars().all(is_cjk)
                || jieba.has_word(word)
            {
                continue;
            }
            let freq = (df / 20).clamp(5, 300) as usize;
            jieba.add_word(word, Some(freq), Some("n"));
        }

        let mut banking_words = 0;
        let mut malformed = Vec::new();
        for (i, line) in BANKING_DICT.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let word = parts.next().unwrap_or_default();
            let freq = parts.next().map(str::parse::<usize>);
            let tag = parts.next();
            match freq {
                Some(Ok(freq)) if parts.next().is_none() => {
                    // Force the word to stay whole: at least the frequency
                    // jieba needs to prefer it over its parts.
                    let needed = jieba.suggest_freq(word);
                    jieba.add_word(word, Some(freq.max(needed)), tag);
                    banking_words += 1;
                }
                _ => malformed.push(i + 1),
            }
        }

        let stopwords = STOPWORDS_ZH
            .lines()
            .chain(COMPLAINT_STOPWORDS.lines())
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .map(normalize)
            .filter(|w| !w.is_empty())
            .collect();

        Segmenter {
            jieba,
            stopwords,
            banking_words,
            malformed_dictionary_lines: malformed,
        }
    }

    /// The process-wide segmenter, built on first use.
    pub fn shared() -> &'static Segmenter {
        &SHARED
    }

    /// Number of entries loaded from the banking dictionary.
    pub fn banking_words(&self) -> usize {
        self.banking_words
    }

    /// 1-based line numbers of banking-dictionary lines that could not be
    /// parsed (expected to be empty; checked by the test suite).
    pub fn malformed_dictionary_lines(&self) -> &[usize] {
        &self.malformed_dictionary_lines
    }

    /// Whether `word` (already normalised) is on the analysis stop list.
    pub fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }

    /// Whether the dictionary knows `word` as a whole word.
    pub fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// Segments already-normalised text (jieba precise mode with HMM for
    /// unknown words), keeping every token except whitespace.
    pub fn cut_normalized(&self, normalized: &str) -> Vec<Token> {
        self.jieba
            .cut(normalized, true)
            .into_iter()
            .filter(|t| !t.word.trim().is_empty())
            .map(|t| Token {
                word: t.word.to_string(),
                start: t.start,
                end: t.end,
            })
            .collect()
    }

    /// Search/display tokens: the normalised text in precise mode, without
    /// whitespace and punctuation. Stop words, numbers and single chars stay.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let normalized = normalize(text);
        self.jieba
            .cut(&normalized, true)
            .into_iter()
            .filter(|t| !is_punctuation_or_space(t.word))
            .map(|t| t.word.to_string())
            .collect()
    }

    /// Writes the search/display tokens of already-normalised text to `out`,
    /// separated by single spaces: [`Segmenter::tokens`] without allocating
    /// a string per token (the `segment` verb's inner loop).
    pub fn write_tokens_normalized(&self, normalized: &str, out: &mut String) {
        let mut first = true;
        for t in self.jieba.cut(normalized, true) {
            if is_punctuation_or_space(t.word) {
                continue;
            }
            if !first {
                out.push(' ');
            }
            out.push_str(t.word);
            first = false;
        }
    }

    /// Index tokens: like [`Segmenter::tokens`] but in jieba's search mode,
    /// which also emits the dictionary sub-words of long words
    /// (`信用卡分期` → `信用`, `信用卡`, `分期`, `信用卡分期`), so a search for a
    /// part finds the whole.
    pub fn search_tokens(&self, text: &str) -> Vec<String> {
        let normalized = normalize(text);
        self.jieba
            .cut_for_search(&normalized, true)
            .into_iter()
            .filter(|t| !is_punctuation_or_space(t.word))
            .map(|t| t.word.to_string())
            .collect()
    }

    /// Analysis terms of `text`, in text order with repetitions.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let analysis = analysis_text(&normalize(text));
        self.terms_of_analysis_text(&analysis)
    }

    /// Analysis terms of a text that has already been through
    /// [`analysis_text`].
    pub(crate) fn terms_of_analysis_text(&self, analysis: &str) -> Vec<String> {
        self.jieba
            .cut(analysis, true)
            .into_iter()
            .filter_map(|t| self.analysis_term(t.word))
            .collect()
    }

    /// Applies the analysis filter to one token; returns the term to count.
    fn analysis_term(&self, word: &str) -> Option<String> {
        let mut chars = word.chars();
        let first = chars.next()?;
        // A single char is not a term.
        chars.next()?;
        if !word.chars().any(|c| c.is_alphabetic()) {
            return None; // numbers, amounts, punctuation runs, masks
        }
        // Latin acronyms are conventionally upper case in banking (ETC, APP,
        // ATM, POS); folding makes `app` and `APP` one term.
        let term = if word.is_ascii() {
            word.to_ascii_uppercase()
        } else {
            word.to_string()
        };
        if first.is_ascii_digit() && term.chars().filter(|c| c.is_ascii_digit()).count() >= 4 {
            return None; // serial-number-like alphanumerics
        }
        if self.stopwords.contains(&term) || self.stopwords.contains(word) {
            return None;
        }
        Some(term)
    }
}

/// Builds the text that analysis segments: personal information is cut out
/// (a C3 secret leaves only its keyword, such as `验证码`, so the topic stays
/// visible) and the pieces are separated by spaces so that no word spans a cut.
pub fn analysis_text(normalized: &str) -> String {
    let detections = pii::detect_normalized(normalized);
    if detections.is_empty() {
        return normalized.to_string();
    }
    let chars: Vec<char> = normalized.chars().collect();
    let mut out = String::with_capacity(normalized.len());
    let mut pos = 0;
    for d in &detections {
        out.extend(&chars[pos..d.start.min(chars.len())]);
        out.push(' ');
        if d.kind.is_c3() {
            out.push_str(d.kind.keyword());
            out.push(' ');
        }
        pos = d.end.min(chars.len());
    }
    out.extend(&chars[pos..]);
    out
}

/// Search tokens of `text` using the shared segmenter.
pub fn tokens(text: &str) -> Vec<String> {
    Segmenter::shared().tokens(text)
}

/// Analysis terms of `text` using the shared segmenter.
pub fn terms(text: &str) -> Vec<String> {
    Segmenter::shared().terms(text)
}

fn is_punctuation_or_space(word: &str) -> bool {
    // Ideographs and ASCII first: the general Unicode table is slow for CJK.
    !word
        .chars()
        .any(|c| is_cjk(c) || c.is_ascii_alphanumeric() || c.is_alphanumeric())
}

/// Whether `c` is a CJK unified ideograph (basic block or extension A).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg() -> &'static Segmenter {
        Segmenter::shared()
    }

    /// The `segment` verb's single-normalisation path gives the tokens of
    /// masking first and segmenting the masked text, on real complaint texts
    /// and on texts full of personal data in every written form.
    #[test]
    fn masking_normalised_text_equals_normalising_masked_text() {
        let eval = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/eval/complaints.jsonl"
        ))
        .unwrap();
        let mut texts: Vec<String> = eval
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["text"].as_str().unwrap().to_string()
            })
            .collect();
        assert!(texts.len() >= 50);
        texts.extend(
            [
                "本人手机13812345678，身份证号11010519491231002X，卡号6222021234567890128。",
                "联系电话：１３８ １２３４ ５６７８　邮箱 zhang.san@example.com 謝謝",
                "验证码 482913 已告诉对方，密码123456也说了，CVN2是123，有效期 12/28",
                "尾号1234的信用卡被盗刷 5,000.00 元，订单号 202611270000123456789",
                "  前后有空格\t\u{200B}零宽字符 ① ② ③ 電話 138-1234-5678  ",
            ]
            .map(String::from),
        );
        let masked = texts.iter().filter(|t| pii::mask_text(t) != **t).count();
        assert!(masked >= 4, "only {masked} texts hold personal data");
        let seg = seg();
        for text in &texts {
            let expected = seg.tokens(&pii::mask_text(text)).join(" ");
            let mut got = String::new();
            seg.write_tokens_normalized(&pii::mask_normalized(&normalize(text)), &mut got);
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn dictionary_loads_cleanly() {
        let s = seg();
        assert!(
            s.malformed_dictionary_lines().is_empty(),
            "{:?}",
            s.malformed_dictionary_lines()
        );
        assert!(
            s.banking_words() >= 300,
            "only {} banking words",
            s.banking_words()
        );
    }

    #[test]
    fn banking_terms_stay_whole() {
        let cases: &[(&str, &str)] = &[
            ("我办理了信用卡分期，每月还款", "信用卡分期"),
            ("逾期后遭到暴力催收", "暴力催收"),
            ("被收取了违约金", "违约金"),
            ("购买的结构性存款到期", "结构性存款"),
            ("申请提前还款被拒", "提前还款"),
            ("卡片被盗刷了三笔", "盗刷"),
            ("ATM吞卡了", "吞卡"),
            ("只还了最低还款额", "最低还款额"),
            ("每月只能最低还款", "最低还款"),
            ("ETC扣费两次", "ETC"),
        ];
        for (text, word) in cases {
            let toks = seg().tokens(text);
            assert!(
                toks.iter().any(|t| t == word),
                "{text:?} → {toks:?} lacks {word}"
            );
        }
    }

    #[test]
    fn tokens_drop_punctuation_but_keep_stopwords() {
        let toks = seg().tokens("本人的信用卡，被盗刷了！");
        assert!(toks.contains(&"本人".to_string()), "{toks:?}");
        assert!(toks.contains(&"了".to_string()), "{toks:?}");
        assert!(!toks.iter().any(|t| t == "," || t == "!"), "{toks:?}");
    }

    #[test]
    fn search_tokens_include_sub_words() {
        let toks = seg().search_tokens("信用卡分期");
        for w in ["信用卡", "信用卡分期"] {
            assert!(toks.iter().any(|t| t == w), "{toks:?} lacks {w}");
        }
    }

    #[test]
    fn terms_filter_table() {
        // (text, must contain, must not contain)
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "您好，本人投诉银行信用卡年费问题，要求退还年费。",
                &["信用卡", "年费", "退还"],
                &["您好", "本人", "投诉", "银行", "问题", "要求", "，"],
            ),
            (
                "2024年3月扣款5000元",
                &["扣款"],
                &["2024", "5000", "年", "元"],
            ),
            ("手机银行app闪退", &["手机银行", "APP", "闪退"], &["app"]),
            (
                "我的电话13812345678，卡号6222021234567890128",
                &["电话", "卡号"],
                &["13812345678", "6222021234567890128", "138", "8000"],
            ),
            ("对方骗取了验证码123456", &["验证码", "骗取"], &["123456"]),
            ("銀行帳戶被凍結", &["冻结"], &["凍結"]),
        ];
        for (text, must, must_not) in cases {
            let terms = seg().terms(text);
            for w in *must {
                assert!(
                    terms.iter().any(|t| t == w),
                    "{text:?} → {terms:?} lacks {w}"
                );
            }
            for w in *must_not {
                assert!(
                    !terms.iter().any(|t| t == w),
                    "{text:?} → {terms:?} has {w}"
                );
            }
        }
    }

    #[test]
    fn analysis_text_cuts_pii() {
        let a = analysis_text("电话13812345678谢谢");
        assert!(!a.contains("13812345678"), "{a}");
        assert!(a.starts_with("电话") && a.ends_with("谢谢"), "{a}");
        let b = analysis_text("验证码是654321");
        assert!(b.contains("验证码") && !b.contains("654321"), "{b}");
    }
}
