//! Hot words: the terms that occur in the most complaints of a period.
//!
//! Terms are ranked by document frequency — the number of complaints that
//! mention them — rather than raw occurrences, so one long letter repeating a
//! word twenty times does not outweigh twenty customers mentioning it once.
//! Each term comes with a few example ticket ids (the most recent first) so a
//! supervisor can jump from the word cloud to the complaints behind it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::corpus::{Document, Scope};
use crate::segment::Segmenter;

/// Options for [`hotwords`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotwordOptions {
    /// Number of terms returned.
    pub top: usize,
    /// Example ids kept per term.
    pub examples: usize,
    /// Terms found in fewer documents are left out.
    pub min_docs: usize,
}

impl Default for HotwordOptions {
    fn default() -> Self {
        HotwordOptions {
            top: 50,
            examples: 5,
            min_docs: 1,
        }
    }
}

/// One hot word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotword {
    /// The term.
    pub term: String,
    /// Documents in scope that contain it.
    pub docs: usize,
    /// `docs` divided by the documents in scope.
    pub share: f64,
    /// Total occurrences over those documents.
    pub occurrences: usize,
    /// Up to `examples` ids of documents containing the term, most recent first.
    pub example_ids: Vec<String>,
}

/// Result of [`hotwords`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotwordReport {
    /// Documents in scope.
    pub total_docs: usize,
    /// Terms, by document frequency (then occurrences, then term).
    pub terms: Vec<Hotword>,
}

/// Counts terms over the documents in `scope` and returns the `top` by
/// document frequency.
pub fn hotwords(
    docs: &[Document],
    scope: &Scope,
    options: &HotwordOptions,
    segmenter: &Segmenter,
) -> HotwordReport {
    let mut in_scope: Vec<&Document> = docs.iter().filter(|d| scope.contains(d)).collect();
    // Most recent first, so the first ids collected per term are the examples.
    in_scope.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));

    struct Acc {
        docs: usize,
        occurrences: usize,
        examples: Vec<usize>,
    }
    let mut counts: HashMap<String, Acc> = HashMap::new();
    for (idx, doc) in in_scope.iter().enumerate() {
        let mut terms = match &doc.terms {
            Some(t) => t.clone(),
            None => segmenter.terms(&doc.text),
        };
        terms.sort_unstable();
        let mut i = 0;
        while i < terms.len() {
            let mut j = i + 1;
            while j < terms.len() && terms[j] == terms[i] {
                j += 1;
            }
            let term = std::mem::take(&mut terms[i]);
            let acc = counts.entry(term).or_insert(Acc {
                docs: 0,
                occurrences: 0,
                examples: Vec::new(),
            });
            acc.docs += 1;
            acc.occurrences += j - i;
            if acc.examples.len() < options.examples {
                acc.examples.push(idx);
            }
            i = j;
        }
    }

    let total = in_scope.len();
    let mut terms: Vec<Hotword> = counts
        .into_iter()
        .filter(|(_, a)| a.docs >= options.min_docs.max(1))
        .map(|(term, a)| Hotword {
            term,
            docs: a.docs,
            share: a.docs as f64 / total.max(1) as f64,
            occurrences: a.occurrences,
            example_ids: a.examples.iter().map(|&i| in_scope[i].id.clone()).collect(),
        })
        .collect();
    terms.sort_by(|a, b| {
        b.docs
            .cmp(&a.docs)
            .then(b.occurrences.cmp(&a.occurrences))
            .then_with(|| a.term.cmp(&b.term))
    });
    terms.truncate(options.top);
    HotwordReport {
        total_docs: total,
        terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, d).unwrap_or_default()
    }

    fn corpus() -> Vec<Document> {
        let texts = [
            (1, "信用卡年费被乱收，要求退还年费年费年费"),
            (2, "信用卡被盗刷，要求赔偿"),
            (3, "信用卡分期手续费太高"),
            (4, "频繁催收，每天催收好几次"),
            (5, "信用卡被盗刷，银行不处理"),
            (6, "房贷提前还款被收违约金"),
        ];
        texts
            .iter()
            .map(|(d, t)| Document::new(format!("T{d}"), day(*d), *t))
            .collect()
    }

    #[test]
    fn ranks_by_document_frequency() {
        let seg = Segmenter::shared();
        let report = hotwords(
            &corpus(),
            &Scope::default(),
            &HotwordOptions::default(),
            seg,
        );
        assert_eq!(report.total_docs, 6);
        let get = |w: &str| report.terms.iter().find(|h| h.term == w);
        // 信用卡 in 3 docs (T1, T2, T5; T3 says 信用卡分期), 年费 in 1 doc 4 times
        let xyk = get("信用卡").map(|h| (h.docs, h.occurrences));
        assert_eq!(xyk, Some((3, 3)));
        assert_eq!(get("年费").map(|h| (h.docs, h.occurrences)), Some((1, 4)));
        assert_eq!(report.terms[0].term, "信用卡");
        // 盗刷 is second (2 docs) and its examples are the most recent first
        assert_eq!(
            get("盗刷").map(|h| h.example_ids.clone()),
            Some(vec!["T5".to_string(), "T2".to_string()])
        );
        let pos = |w: &str| {
            report
                .terms
                .iter()
                .position(|h| h.term == w)
                .unwrap_or(usize::MAX)
        };
        assert!(pos("盗刷") < pos("年费"));
        // boilerplate never shows up
        for w in ["要求", "银行", "处理"] {
            assert!(get(w).is_none(), "{w} should be a stop word");
        }
    }

    #[test]
    fn respects_scope_and_limits() {
        let seg = Segmenter::shared();
        let scope = Scope {
            from: Some(day(4)),
            to: Some(day(6)),
            ..Scope::default()
        };
        let opts = HotwordOptions {
            top: 2,
            examples: 1,
            min_docs: 1,
        };
        let report = hotwords(&corpus(), &scope, &opts, seg);
        assert_eq!(report.total_docs, 3);
        assert_eq!(report.terms.len(), 2);
        assert!(report.terms.iter().all(|h| h.example_ids.len() <= 1));
        assert!(report.terms.iter().all(|h| h.term != "年费"));
        assert_eq!(report.terms[0].term, "催收");
        assert_eq!(report.terms[0].occurrences, 2);
    }

    #[test]
    fn uses_precomputed_terms() {
        let seg = Segmenter::shared();
        let mut docs = corpus();
        for d in &mut docs {
            d.terms = Some(vec!["预置词".into()]);
        }
        let report = hotwords(&docs, &Scope::default(), &HotwordOptions::default(), seg);
        assert_eq!(report.terms.len(), 1);
        assert_eq!(report.terms[0].docs, 6);
    }

    #[test]
    fn min_docs_and_empty_input() {
        let seg = Segmenter::shared();
        let opts = HotwordOptions {
            min_docs: 3,
            ..HotwordOptions::default()
        };
        let report = hotwords(&corpus(), &Scope::default(), &opts, seg);
        assert!(report.terms.iter().all(|h| h.docs >= 3));
        assert!(!report.terms.is_empty());
        let empty = hotwords(&[], &Scope::default(), &HotwordOptions::default(), seg);
        assert_eq!(empty.total_docs, 0);
        assert!(empty.terms.is_empty());
    }
}
