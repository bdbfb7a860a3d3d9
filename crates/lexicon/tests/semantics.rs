//! Literal matching semantics, checked against a plain brute-force
//! reference: allow phrases suppress deny terms they cover, the longest deny
//! term wins, matches never cross a sentence end, and offsets map back into
//! the original text through removed characters.

use std::collections::BTreeSet;

use proptest::prelude::*;
use xiaobao_lexicon::{
    Category, Entry, KnowledgeBase, LegalBasis, Matcher, MaterialKind, ScanOptions, Severity,
};

fn basis() -> Vec<LegalBasis> {
    vec![LegalBasis {
        law: "测试法".into(),
        article: "Art. 1".into(),
        gist: "测试".into(),
    }]
}

fn deny(id: &str, term: &str) -> Entry {
    Entry {
        id: id.into(),
        title: format!("禁用 {term}"),
        category: Category::Absolute,
        severity: Severity::Warning,
        kinds: vec![MaterialKind::Marketing],
        terms: vec![term.into()],
        regexes: vec![],
        proximity: vec![],
        allow: vec![],
        allow_regexes: vec![],
        context: Default::default(),
        basis: basis(),
        suggestion: "改写".into(),
        note: None,
        enabled: true,
    }
}

fn allow(id: &str, phrase: &str) -> Entry {
    Entry {
        terms: vec![],
        allow: vec![phrase.into()],
        // An entry needs a pattern to be valid; give it one that the
        // generated texts can never contain.
        regexes: vec!["never-in-text".into()],
        ..deny(id, "")
    }
}

fn kb(entries: Vec<Entry>) -> KnowledgeBase {
    KnowledgeBase::new(entries, vec![])
}

fn spans(m: &Matcher, text: &str) -> BTreeSet<(usize, usize, String)> {
    m.scan(text, &ScanOptions::for_kind(MaterialKind::Marketing))
        .findings
        .into_iter()
        .map(|f| (f.start, f.end, f.entry_id.to_string()))
        .collect()
}

/// Characters the generated texts are made of: letters and CJK characters
/// that normalisation keeps as they are, two characters it removes without
/// a trace (space, `*`) and a sentence end.
const KEPT: &[char] = &['a', 'b', 'c', '甲', '乙'];
const ALPHABET: &[char] = &['a', 'b', 'c', '甲', '乙', ' ', '*', '。'];

/// The reference: normalise by dropping removable characters, enumerate
/// every occurrence of every pattern, then apply the rules literally.
fn reference(
    text: &str,
    denies: &[(String, String)],
    allows: &[String],
) -> BTreeSet<(usize, usize, String)> {
    let mut norm: Vec<char> = Vec::new();
    let mut orig: Vec<usize> = Vec::new();
    let mut sentence_break_before: Vec<bool> = Vec::new();
    let mut pending_break = false;
    for (i, c) in text.chars().enumerate() {
        if KEPT.contains(&c) {
            norm.push(c);
            orig.push(i);
            sentence_break_before.push(pending_break);
            pending_break = false;
        } else if c == '。' {
            pending_break = true;
        }
    }
    let occurrences = |pat: &str| -> Vec<(usize, usize)> {
        let p: Vec<char> = pat.chars().collect();
        let mut out = Vec::new();
        if p.is_empty() || p.len() > norm.len() {
            return out;
        }
        for s in 0..=norm.len() - p.len() {
            let e = s + p.len();
            let crosses = (s + 1..e).any(|k| sentence_break_before[k]);
            if norm[s..e] == p[..] && !crosses {
                out.push((s, e));
            }
        }
        out
    };
    let allow_spans: Vec<(usize, usize)> = allows.iter().flat_map(|a| occurrences(a)).collect();
    let mut cands: Vec<(usize, usize, String)> = Vec::new();
    for (id, term) in denies {
        for (s, e) in occurrences(term) {
            let covered = allow_spans.iter().any(|&(a, b)| a <= s && e <= b);
            if !covered {
                cands.push((s, e, id.clone()));
            }
        }
    }
    let survivors: Vec<&(usize, usize, String)> = cands
        .iter()
        .filter(|(s, e, _)| {
            !cands
                .iter()
                .any(|(s2, e2, _)| s2 <= s && e <= e2 && (s2, e2) != (s, e))
        })
        .collect();
    survivors
        .into_iter()
        .map(|(s, e, id)| (orig[*s], orig[*e - 1] + 1, id.clone()))
        .collect()
}

fn pattern() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(KEPT), 1..4)
        .prop_map(|v| v.into_iter().collect())
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..48)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn literal_semantics_match_brute_force(
        deny_pats in proptest::collection::vec(pattern(), 1..7),
        allow_pats in proptest::collection::vec(pattern(), 0..3),
        t in text(),
    ) {
        let denies: Vec<(String, String)> = deny_pats
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("D-{i:02}"), p.clone()))
            .collect();
        let mut entries: Vec<Entry> = denies.iter().map(|(id, p)| deny(id, p)).collect();
        entries.extend(allow_pats.iter().enumerate().map(|(i, p)| allow(&format!("A-{i:02}"), p)));
        let matcher = Matcher::compile(&kb(entries)).expect("compiles");
        prop_assert_eq!(spans(&matcher, &t), reference(&t, &denies, &allow_pats));
    }

    #[test]
    fn finding_text_is_the_original_slice(t in text(), p in pattern()) {
        let matcher = Matcher::compile(&kb(vec![deny("D", &p)])).expect("compiles");
        let chars: Vec<char> = t.chars().collect();
        for f in matcher.scan(&t, &ScanOptions::default()).findings {
            let slice: String = chars[f.start..f.end].iter().collect();
            prop_assert_eq!(&f.text, &slice);
            let kept: String = slice.chars().filter(|c| KEPT.contains(c)).collect();
            prop_assert_eq!(kept, p.clone());
        }
    }
}

#[test]
fn longest_term_wins_over_contained_term() {
    let m = Matcher::compile(&kb(vec![
        deny("SHORT", "知识产权"),
        deny("LONG", "国家知识产权局"),
    ]))
    .unwrap();
    let found = spans(&m, "国家知识产权局发布");
    assert_eq!(found, BTreeSet::from([(0, 7, "LONG".to_string())]));
    let found = spans(&m, "保护知识产权");
    assert_eq!(found, BTreeSet::from([(2, 6, "SHORT".to_string())]));
}

#[test]
fn allow_phrase_suppresses_contained_deny_term() {
    let m = Matcher::compile(&kb(vec![
        deny("DENY", "知识产权"),
        allow("ALLOW", "国家知识产权局"),
    ]))
    .unwrap();
    assert!(spans(&m, "国家知识产权局").is_empty());
    assert_eq!(
        spans(&m, "国家知识产权局认定的知识产权"),
        BTreeSet::from([(10, 14, "DENY".to_string())])
    );
}

#[test]
fn allow_wins_a_tie_on_the_same_literal() {
    let m = Matcher::compile(&kb(vec![deny("DENY", "保本"), allow("ALLOW", "保本")])).unwrap();
    assert!(spans(&m, "保本").is_empty());
}

#[test]
fn partial_overlap_does_not_suppress() {
    // The allow phrase 不保 overlaps 保本 but does not cover it.
    let m = Matcher::compile(&kb(vec![deny("DENY", "保本"), allow("ALLOW", "不保")])).unwrap();
    assert_eq!(
        spans(&m, "不保本"),
        BTreeSet::from([(1, 3, "DENY".to_string())])
    );
}

#[test]
fn matches_do_not_cross_a_sentence_end() {
    let m = Matcher::compile(&kb(vec![deny("DENY", "保本")])).unwrap();
    assert!(spans(&m, "确保。本行").is_empty());
    assert_eq!(
        spans(&m, "保，本"),
        BTreeSet::from([(0, 3, "DENY".to_string())])
    );
}

#[test]
fn offsets_map_through_removed_and_expanded_characters() {
    let m = Matcher::compile(&kb(vec![deny("DENY", "保本")])).unwrap();
    // Zero-width space, emoji with variation selector, full-width space.
    let text = "产品\u{200b}保\u{2764}\u{fe0f}　本！";
    let f = &m.scan(text, &ScanOptions::default()).findings;
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].start, f[0].end), (3, 8));
    assert_eq!(f[0].text, "保\u{2764}\u{fe0f}　本");
}

#[test]
fn kind_filter_applies() {
    let mut e = deny("DENY", "保本");
    e.kinds = vec![MaterialKind::Agreement];
    let m = Matcher::compile(&kb(vec![e])).unwrap();
    assert!(
        m.scan("保本", &ScanOptions::for_kind(MaterialKind::Marketing))
            .findings
            .is_empty()
    );
    assert_eq!(
        m.scan("保本", &ScanOptions::for_kind(MaterialKind::Agreement))
            .findings
            .len(),
        1
    );
    assert_eq!(m.scan("保本", &ScanOptions::default()).findings.len(), 1);
}
