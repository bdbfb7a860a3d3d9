//! What the rules raise: alert candidates with their evidence.
//!
//! A candidate is what a rule finds on one day. The server turns it into an
//! alert (or leaves an open alert with the same [`AlertCandidate::dedup_key`]
//! alone); the backtest prints it. Evidence carries numbers, never text: ids
//! link to the complaints, which are shown masked and to authorised users
//! only, so a candidate can travel to a chat group or an e-mail.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::rules::{RuleKind, Severity};

/// What one alert is about. Fields that do not apply are absent; the rule
/// plus the scope identify an alert for de-duplication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AlertScope {
    /// Organisation code (absent: the whole bank).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// JR/T 0169 business category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Term (rising terms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The complaint concerned (per-ticket and deadline rules), or the first
    /// complaint of a same-event cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint: Option<String>,
    /// A short digest of the complainant's blind index (repeat complaints);
    /// stable per person, useless for finding the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complainant: Option<String>,
    /// A level within the rule (`major` for a 重大投诉 cluster), so that
    /// crossing it raises its own alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

impl AlertScope {
    /// The de-duplication key of `rule` in this scope:
    /// `rule;org=…;category=…` with only the fields present, in a fixed
    /// order, `%`, `;` and `=` percent-escaped inside values.
    pub fn key(&self, rule: RuleKind) -> String {
        let mut key = rule.as_str().to_string();
        let parts = [
            ("org", &self.org),
            ("category", &self.category),
            ("term", &self.term),
            ("complaint", &self.complaint),
            ("complainant", &self.complainant),
            ("level", &self.level),
        ];
        for (name, value) in parts {
            if let Some(v) = value {
                key.push(';');
                key.push_str(name);
                key.push('=');
                for c in v.chars() {
                    match c {
                        '%' => key.push_str("%25"),
                        ';' => key.push_str("%3B"),
                        '=' => key.push_str("%3D"),
                        c => key.push(c),
                    }
                }
            }
        }
        key
    }
}

/// Complaints on one day, for the evidence chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyCount {
    /// The day.
    pub date: NaiveDate,
    /// Complaints that day.
    pub count: u64,
}

/// A labelled count (members per organisation, complaints per group, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelCount {
    /// What is counted.
    pub label: String,
    /// How many.
    pub count: u64,
}

/// The facts behind an alert. Only the fields a rule fills are serialised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Complaints behind the alert (today's count, cluster size, …).
    pub count: u64,
    /// What the baseline predicted for `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<f64>,
    /// Complaints in the baseline period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_count: Option<u64>,
    /// First day of the baseline period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_from: Option<NaiveDate>,
    /// Last day of the baseline period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_to: Option<NaiveDate>,
    /// Observed over expected (for terms: window share over baseline share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// One-sided exact p-value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg adjusted p-value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_value: Option<f64>,
    /// Terms (rising term, a cluster's top terms).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// Labels of what was found (escalation cues, vulnerable groups, kinds of
    /// C3 data — never the values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Ids of the complaints concerned (at most [`MAX_IDS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complaint_ids: Vec<String>,
    /// Breakdown (cluster members per organisation, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakdown: Vec<LabelCount>,
    /// Due date of the complaint (deadline rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Days left to the due date, negative when overdue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Daily counts up to the alert day, for a small chart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<DailyCount>,
}

/// Complaint ids kept in one alert's evidence.
pub const MAX_IDS: usize = 20;

/// One alert a rule raises on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertCandidate {
    /// The rule.
    pub rule: RuleKind,
    /// Owner organisation (the scope's organisation; absent: the whole bank,
    /// which the head office owns).
    pub org: Option<String>,
    /// Day evaluated (`YYYY-MM-DD`).
    pub date: NaiveDate,
    /// Severity.
    pub severity: Severity,
    /// What the alert is about.
    pub scope: AlertScope,
    /// One open alert per key: the rule and the scope.
    pub dedup_key: String,
    /// One-line Chinese title, free of personal data.
    pub title: String,
    /// Channel names from the rule.
    pub recipients: Vec<String>,
    /// Numbers, baseline, terms, complaint ids, daily series.
    pub evidence: Evidence,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_escaped() {
        let scope = AlertScope {
            org: Some("HZ01".into()),
            category: Some("银行卡;信用卡=x%".into()),
            ..AlertScope::default()
        };
        assert_eq!(
            scope.key(RuleKind::VolumeSpike),
            "volume_spike;org=HZ01;category=银行卡%3B信用卡%3Dx%25"
        );
        assert_eq!(
            AlertScope::default().key(RuleKind::RisingTerm),
            "rising_term"
        );
        let a = AlertScope {
            org: Some("A".into()),
            term: Some("B".into()),
            ..AlertScope::default()
        };
        let b = AlertScope {
            category: Some("A".into()),
            term: Some("B".into()),
            ..AlertScope::default()
        };
        assert_ne!(a.key(RuleKind::RisingTerm), b.key(RuleKind::RisingTerm));
    }
}
