//! The complaints the rules look at.
//!
//! A record is the text engine's [`Document`] (the fields of the analysis
//! JSON Lines: `id`, `received_at`, `text`, `org`, `business_category`,
//! `channel`) plus facts only the complaint system has: the complainant's
//! blind index, vulnerable-group flags, the due date, when it was closed and
//! its status. Offline streams usually lack those; the rules that need them
//! then simply find nothing.
//!
//! [`Records`] keeps the stream sorted by day with terms computed once, so
//! that evaluating many days (the backtest) or many rules reads date ranges
//! as slices instead of copying documents.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize};
use xiaobao_text::{Document, Segmenter, prepare_terms};

/// Facts about a complaint beyond its text and attributes.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFacts {
    /// Opaque blind index of the complainant's ID or phone number (the same
    /// person gives the same key; the key reveals nothing by itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant_key: Option<String>,
    /// Vulnerable-group flags recorded at intake (老年人, 未成年人, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerable: Vec<String>,
    /// Operational due date of the decision.
    #[serde(
        default,
        deserialize_with = "flexible_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub due_date: Option<NaiveDate>,
    /// Day the complaint was closed (or its clock stopped).
    #[serde(
        default,
        deserialize_with = "flexible_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub closed_at: Option<NaiveDate>,
    /// Contract name of the complaint state (`in_progress`, `closed`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Materialised path of the organisation (`/HO/HZ/HZ01/`), so that a rule
    /// scoped to `HZ` sees the whole subtree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_path: Option<String>,
}

impl fmt::Debug for RecordFacts {
    /// Leaves the complainant key out: it identifies a person across tickets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordFacts")
            .field(
                "complainant_key",
                &self.complainant_key.as_ref().map(|_| ".."),
            )
            .field("vulnerable", &self.vulnerable)
            .field("due_date", &self.due_date)
            .field("closed_at", &self.closed_at)
            .field("status", &self.status)
            .field("org_path", &self.org_path)
            .finish()
    }
}

/// States in which a complaint's deadline no longer runs, when no closing
/// day is known.
const STOPPED_STATES: [&str; 4] = ["closed", "withdrawn", "rejected", "decision_notified"];

impl RecordFacts {
    /// Whether the complaint was still open (its deadline running) on `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        match self.closed_at {
            Some(closed) => closed > day,
            None => !self
                .status
                .as_deref()
                .is_some_and(|s| STOPPED_STATES.contains(&s)),
        }
    }
}

/// One complaint as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Text, date and attributes.
    pub document: Document,
    /// Facts from the complaint system.
    pub facts: RecordFacts,
}

impl Record {
    /// A record with no facts beyond the document.
    pub fn new(document: Document) -> Self {
        Record {
            document,
            facts: RecordFacts::default(),
        }
    }
}

/// A stream of records sorted by day (then id), with analysis terms computed.
#[derive(Debug, Clone, Default)]
pub struct Records {
    docs: Vec<Document>,
    facts: Vec<RecordFacts>,
}

impl Records {
    /// Sorts the records by day and computes missing analysis terms (on all
    /// cores), once for every later evaluation.
    pub fn new(records: Vec<Record>, segmenter: &Segmenter) -> Records {
        let mut records = records;
        records.sort_by(|a, b| {
            a.document
                .date
                .cmp(&b.document.date)
                .then_with(|| a.document.id.cmp(&b.document.id))
        });
        let (mut docs, facts): (Vec<Document>, Vec<RecordFacts>) =
            records.into_iter().map(|r| (r.document, r.facts)).unzip();
        prepare_terms(&mut docs, segmenter);
        Records { docs, facts }
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Day of the earliest record.
    pub fn first_date(&self) -> Option<NaiveDate> {
        self.docs.first().map(|d| d.date)
    }

    /// Day of the latest record.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.docs.last().map(|d| d.date)
    }

    /// All documents, sorted by day.
    pub fn documents(&self) -> &[Document] {
        &self.docs
    }

    /// All facts, parallel to [`Records::documents`].
    pub fn facts(&self) -> &[RecordFacts] {
        &self.facts
    }

    /// Index range of the records received from `from` to `to` inclusive.
    pub fn range(&self, from: NaiveDate, to: NaiveDate) -> std::ops::Range<usize> {
        let start = self.docs.partition_point(|d| d.date < from);
        let end = self.docs.partition_point(|d| d.date <= to).max(start);
        start..end
    }

    /// Documents received from `from` to `to` inclusive.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> &[Document] {
        &self.docs[self.range(from, to)]
    }
}

/// Reads `YYYY-MM-DD`, RFC 3339 (the date as written) or
/// `YYYY-MM-DD HH:MM[:SS]`; `null` is no date.
fn flexible_date<'de, D: Deserializer<'de>>(de: D) -> Result<Option<NaiveDate>, D::Error> {
    let Some(s) = Option::<String>::deserialize(de)? else {
        return Ok(None);
    };
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse_day(s)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("日期无法识别：{s}")))
}

/// Parses a day from the date formats complaint systems export.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.date_naive());
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|dt| dt.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap_or_default()
    }

    #[test]
    fn facts_parse_from_json_lines_fields() {
        let facts: RecordFacts = serde_json::from_str(
            r#"{"complainant_key":"bi:abc","vulnerable":["老年人"],"due_date":"2026-03-20",
                "closed_at":"2026-03-18T10:00:00+08:00","status":"closed","org_path":"/HO/HZ/"}"#,
        )
        .unwrap_or_default();
        assert_eq!(facts.due_date, Some(day("2026-03-20")));
        assert_eq!(facts.closed_at, Some(day("2026-03-18")));
        assert_eq!(facts.vulnerable, vec!["老年人".to_string()]);
        assert!(!format!("{facts:?}").contains("bi:abc"));
        let bad = serde_json::from_str::<RecordFacts>(r#"{"due_date":"20/03/2026"}"#);
        assert!(bad.is_err_and(|e| e.to_string().contains("日期无法识别")));
        let none: RecordFacts =
            serde_json::from_str(r#"{"due_date":null,"closed_at":""}"#).unwrap_or_default();
        assert_eq!((none.due_date, none.closed_at), (None, None));
    }

    #[test]
    fn open_on_uses_closing_day_then_state() {
        let mut f = RecordFacts {
            closed_at: Some(day("2026-03-18")),
            ..RecordFacts::default()
        };
        assert!(f.open_on(day("2026-03-17")));
        assert!(!f.open_on(day("2026-03-18")));
        f.closed_at = None;
        assert!(f.open_on(day("2026-03-18")));
        f.status = Some("withdrawn".into());
        assert!(!f.open_on(day("2026-03-18")));
        f.status = Some("in_progress".into());
        assert!(f.open_on(day("2026-03-18")));
    }

    #[test]
    fn records_sort_and_slice_by_day() {
        let seg = Segmenter::shared();
        let recs = ["2026-01-03", "2026-01-01", "2026-01-02", "2026-01-02"]
            .iter()
            .enumerate()
            .map(|(i, d)| Record::new(Document::new(format!("R{i}"), day(d), "信用卡年费")))
            .collect();
        let records = Records::new(recs, seg);
        assert_eq!(records.first_date(), Some(day("2026-01-01")));
        assert_eq!(records.last_date(), Some(day("2026-01-03")));
        let mid = records.between(day("2026-01-02"), day("2026-01-02"));
        assert_eq!(
            mid.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            ["R2", "R3"]
        );
        assert!(
            records
                .between(day("2026-01-04"), day("2026-01-09"))
                .is_empty()
        );
        assert!(
            records
                .between(day("2026-01-03"), day("2026-01-01"))
                .is_empty()
        );
        assert!(records.documents().iter().all(|d| d.terms.is_some()));
    }
}
