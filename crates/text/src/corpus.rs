//! Documents and scopes shared by the corpus-level analyses (hot words,
//! rising words, clusters).
//!
//! Each analysis needs the same few facts about a complaint — when it was
//! received, by which organisation, in which business category and channel,
//! and its text or already-computed terms — so they share one input type. The
//! server stores terms with each ticket and passes them in, which avoids
//! segmenting the same text on every dashboard refresh; the CLI leaves them
//! empty and [`prepare_terms`] fills them.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::segment::Segmenter;

/// One complaint (or other ticket) as the corpus analyses see it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Ticket id, reported back in examples and cluster members.
    pub id: String,
    /// Date received.
    pub date: NaiveDate,
    /// Organisation (branch) handling the ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// JR/T 0169 business category, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_category: Option<String>,
    /// Intake channel, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Free text of the ticket.
    #[serde(default)]
    pub text: String,
    /// Analysis terms of `text`, if already computed (see
    /// [`crate::segment::Segmenter::terms`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<Vec<String>>,
}

impl fmt::Debug for Document {
    /// Leaves the text out: it may hold personal information.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("id", &self.id)
            .field("date", &self.date)
            .field("org", &self.org)
            .field("business_category", &self.business_category)
            .field("channel", &self.channel)
            .field("text_chars", &self.text.chars().count())
            .field("terms", &self.terms.as_ref().map(Vec::len))
            .finish()
    }
}

impl Document {
    /// A document with the given id, date and text and no other fields.
    pub fn new(id: impl Into<String>, date: NaiveDate, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            date,
            org: None,
            business_category: None,
            channel: None,
            text: text.into(),
            terms: None,
        }
    }

    /// Distinct terms of the document (computed if not stored), sorted.
    pub fn distinct_terms(&self, segmenter: &Segmenter) -> Vec<String> {
        let mut terms = match &self.terms {
            Some(t) => t.clone(),
            None => segmenter.terms(&self.text),
        };
        terms.sort_unstable();
        terms.dedup();
        terms
    }
}

/// Which documents an analysis looks at. Empty fields do not filter; dates
/// are inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// First date included.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last date included.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Organisations included (any of them).
    #[serde(default)]
    pub orgs: Vec<String>,
    /// Business categories included (any of them).
    #[serde(default)]
    pub business_categories: Vec<String>,
    /// Channels included (any of them).
    #[serde(default)]
    pub channels: Vec<String>,
}

impl Scope {
    /// Whether `doc` is in scope.
    pub fn contains(&self, doc: &Document) -> bool {
        self.from.is_none_or(|d| doc.date >= d)
            && self.to.is_none_or(|d| doc.date <= d)
            && self.matches_attributes(doc)
    }

    /// Whether `doc` passes the organisation, category and channel filters
    /// (dates not checked; used by analyses that define their own periods).
    pub fn matches_attributes(&self, doc: &Document) -> bool {
        fn any_of(list: &[String], value: &Option<String>) -> bool {
            list.is_empty() || value.as_ref().is_some_and(|v| list.iter().any(|l| l == v))
        }
        any_of(&self.orgs, &doc.org)
            && any_of(&self.business_categories, &doc.business_category)
            && any_of(&self.channels, &doc.channel)
    }
}

/// Fills in `terms` for every document that lacks them, using all available
/// cores. Analyses that run over the same documents several times (hot words
/// and rising words for one dashboard) should call this once first.
pub fn prepare_terms(docs: &mut [Document], segmenter: &Segmenter) {
    prepare_terms_reporting(docs, segmenter, &|_| {});
}

/// [`prepare_terms`], calling `done` with the number of documents finished
/// every few hundred documents (from the worker threads), for a progress
/// display.
pub fn prepare_terms_reporting(
    docs: &mut [Document],
    segmenter: &Segmenter,
    done: &(dyn Fn(usize) + Sync),
) {
    const REPORT_EVERY: usize = 256;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(16);
    let chunk = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for part in docs.chunks_mut(chunk) {
            scope.spawn(move || {
                for batch in part.chunks_mut(REPORT_EVERY) {
                    for doc in batch.iter_mut().filter(|d| d.terms.is_none()) {
                        doc.terms = Some(segmenter.terms(&doc.text));
                    }
                    done(batch.len());
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn scope_filters() {
        let mut doc = Document::new("1", d(2024, 3, 10), "x");
        doc.org = Some("北京分行".into());
        doc.channel = Some("电话渠道".into());
        let cases: Vec<(Scope, bool)> = vec![
            (Scope::default(), true),
            (
                Scope {
                    from: Some(d(2024, 3, 10)),
                    ..Scope::default()
                },
                true,
            ),
            (
                Scope {
                    from: Some(d(2024, 3, 11)),
                    ..Scope::default()
                },
                false,
            ),
            (
                Scope {
                    to: Some(d(2024, 3, 10)),
                    ..Scope::default()
                },
                true,
            ),
            (
                Scope {
                    to: Some(d(2024, 3, 9)),
                    ..Scope::default()
                },
                false,
            ),
            (
                Scope {
                    orgs: vec!["北京分行".into()],
                    ..Scope::default()
                },
                true,
            ),
            (
                Scope {
                    orgs: vec!["上海分行".into()],
                    ..Scope::default()
                },
                false,
            ),
            (
                Scope {
                    business_categories: vec!["贷款".into()],
                    ..Scope::default()
                },
                false,
            ),
            (
                Scope {
                    channels: vec!["短信渠道".into(), "电话渠道".into()],
                    ..Scope::default()
                },
                true,
            ),
        ];
        for (scope, want) in cases {
            assert_eq!(scope.contains(&doc), want, "{scope:?}");
        }
    }

    #[test]
    fn prepare_terms_fills_missing_only() {
        let seg = Segmenter::shared();
        let mut docs = vec![
            Document::new("a", d(2024, 1, 1), "信用卡年费被乱收"),
            Document {
                terms: Some(vec!["预置".into()]),
                ..Document::new("b", d(2024, 1, 1), "信用卡年费")
            },
        ];
        prepare_terms(&mut docs, seg);
        assert!(
            docs[0]
                .terms
                .as_ref()
                .is_some_and(|t| t.iter().any(|w| w == "年费"))
        );
        assert_eq!(docs[1].terms, Some(vec!["预置".to_string()]));
    }

    #[test]
    fn debug_hides_text() {
        let doc = Document::new("a", d(2024, 1, 1), "电话13812345678");
        assert!(!format!("{doc:?}").contains("13812345678"));
    }
}
