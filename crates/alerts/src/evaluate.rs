//! The evaluator: every rule, as of one day, over the records available then.
//!
//! The live server and the backtest call the same function. The server, at
//! each run of its evaluator job, reads the records the rules need (the
//! longest look-back of the enabled rules, see [`Evaluator::lookback_days`])
//! and calls [`Evaluator::evaluate`] for today; at intake it calls
//! [`Evaluator::evaluate_ticket`] for the per-ticket rules. The backtest
//! ([`Evaluator::backtest`]) replays a stream day by day through
//! `evaluate`, printing each alert on the first day it fires.
//!
//! `evaluate` ignores records received after the day it is asked about, so a
//! replay never sees the future.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use sha2::{Digest, Sha256};
use xiaobao_text::cluster::{ClusterOptions, cluster};
use xiaobao_text::rising::{RisingOptions, rising};
use xiaobao_text::signals::{SignalGroup, SignalTag, scan};
use xiaobao_text::stats::benjamini_hochberg;
use xiaobao_text::{Document, Scope, Segmenter, pii};

use crate::AlertsError;
use crate::candidate::{AlertCandidate, AlertScope, DailyCount, Evidence, LabelCount, MAX_IDS};
use crate::record::{Record, RecordFacts, Records};
use crate::rules::{RuleKind, RuleScope, RuleSet, Severity};
use crate::volume::{WeekdayProfile, spike_test};

/// Longest backtest in one run, in days (ten years).
pub const MAX_BACKTEST_DAYS: i64 = 3660;

/// Runs a rule set over complaint records.
#[derive(Debug, Clone)]
pub struct Evaluator {
    rules: RuleSet,
    segmenter: &'static Segmenter,
}

fn back(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

fn next(day: NaiveDate) -> Option<NaiveDate> {
    day.checked_add_days(Days::new(1))
}

/// Whether a record is inside a rule's scope.
fn in_scope(scope: &RuleScope, doc: &Document, facts: &RecordFacts) -> bool {
    let org_ok = scope.orgs.is_empty()
        || scope.orgs.iter().any(|code| {
            doc.org.as_deref() == Some(code.as_str())
                || facts
                    .org_path
                    .as_deref()
                    .is_some_and(|p| p.split('/').any(|seg| seg == code))
        });
    let category_ok = scope.categories.is_empty()
        || doc
            .business_category
            .as_ref()
            .is_some_and(|c| scope.categories.contains(c));
    org_ok && category_ok
}

fn unrestricted(scope: &RuleScope) -> bool {
    scope.orgs.is_empty() && scope.categories.is_empty()
}

/// Daily counts of `docs` matching `keep` for the days `from..=to`.
fn daily_series(
    docs: &[Document],
    from: NaiveDate,
    to: NaiveDate,
    keep: impl Fn(&Document) -> bool,
) -> Vec<DailyCount> {
    let mut counts: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        counts.insert(d, 0);
        match next(d) {
            Some(n) => d = n,
            None => break,
        }
    }
    for doc in docs.iter().filter(|d| d.date >= from && d.date <= to) {
        if keep(doc) {
            *counts.entry(doc.date).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(date, count)| DailyCount { date, count })
        .collect()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// A short, stable digest of a complainant key: enough to tell alerts about
/// different people apart, useless for finding the person.
fn complainant_digest(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..6])
}

/// Vulnerable-group names as recorded at intake, mapped to the text engine's
/// labels where the taxonomy has an alias.
fn canonical_group(name: &str) -> &str {
    match name.trim() {
        "残疾人" => "残障人士",
        other => other,
    }
}

impl Evaluator {
    /// An evaluator for `rules` (validated by [`RuleSet::from_json`]).
    pub fn new(rules: RuleSet) -> Self {
        Evaluator {
            rules,
            segmenter: Segmenter::shared(),
        }
    }

    /// The rules in force.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Days of history before the evaluated day that the enabled rules read
    /// (the server loads records received since `day - lookback_days`, plus
    /// every complaint still open, for the deadline rules).
    pub fn lookback_days(&self) -> u32 {
        let r = &self.rules;
        let mut days = 0;
        if r.volume_spike.enabled {
            days = days.max(r.volume_spike.params.baseline_days);
        }
        if r.rising_term.enabled {
            let p = &r.rising_term.params;
            days = days.max(p.window_days + p.baseline_days);
        }
        if r.same_event_cluster.enabled {
            days = days.max(2 * r.same_event_cluster.params.window_days);
        }
        if r.repeat_complainant.enabled {
            days = days.max(r.repeat_complainant.params.window_days);
        }
        days
    }

    /// Every enabled rule as of `day`, over the records received up to and
    /// including `day`. Candidates come sorted by rule, then key.
    pub fn evaluate(
        &self,
        day: NaiveDate,
        records: &Records,
    ) -> Result<Vec<AlertCandidate>, AlertsError> {
        let mut out = Vec::new();
        if self.rules.volume_spike.enabled {
            self.volume_spike(day, records, &mut out);
        }
        if self.rules.rising_term.enabled {
            self.rising_term(day, records, &mut out)?;
        }
        if self.rules.same_event_cluster.enabled {
            self.same_event_cluster(day, records, &mut out)?;
        }
        if self.rules.repeat_complainant.enabled {
            self.repeat_complainant(day, records, &mut out);
        }
        if self.rules.sla_at_risk.enabled || self.rules.sla_overdue.enabled {
            self.deadlines(day, records, &mut out);
        }
        let today = records.range(day, day);
        for (doc, facts) in records.documents()[today.clone()]
            .iter()
            .zip(&records.facts()[today])
        {
            self.ticket(doc, facts, &mut out);
        }
        out.sort_by(|a, b| {
            a.rule
                .cmp(&b.rule)
                .then_with(|| a.dedup_key.cmp(&b.dedup_key))
        });
        out.dedup_by(|a, b| a.dedup_key == b.dedup_key);
        Ok(out)
    }

    /// The per-ticket rules (`escalation_language`, `vulnerable_customer`,
    /// `sensitive_data`) for one new complaint, dated its receipt day. Call
    /// it at intake with the original (unmasked) text: the C3 check must see
    /// what the customer wrote; nothing of the text is copied into the result.
    pub fn evaluate_ticket(&self, record: &Record) -> Vec<AlertCandidate> {
        let mut out = Vec::new();
        self.ticket(&record.document, &record.facts, &mut out);
        out
    }

    /// Replays `records` day by day from `from` to `to` and returns every
    /// alert on the first day it fires. An alert that keeps firing on the
    /// following days is not repeated; one that stops and fires again later
    /// appears again, as a new alert would in the server.
    pub fn backtest(
        &self,
        records: &Records,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<AlertCandidate>, AlertsError> {
        if from > to {
            return Err(AlertsError::InvalidPeriod { from, to });
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_BACKTEST_DAYS {
            return Err(AlertsError::PeriodTooLong {
                days,
                max: MAX_BACKTEST_DAYS,
            });
        }
        let mut out = Vec::new();
        let mut active: HashSet<String> = HashSet::new();
        let mut day = from;
        loop {
            let mut today = HashSet::new();
            for candidate in self.evaluate(day, records)? {
                today.insert(candidate.dedup_key.clone());
                if !active.contains(&candidate.dedup_key) {
                    out.push(candidate);
                }
            }
            active = today;
            if day >= to {
                break;
            }
            match next(day) {
                Some(n) => day = n,
                None => break,
            }
        }
        Ok(out)
    }

    fn candidate(
        &self,
        rule: RuleKind,
        day: NaiveDate,
        severity: Severity,
        scope: AlertScope,
        title: String,
        evidence: Evidence,
    ) -> AlertCandidate {
        AlertCandidate {
            rule,
            org: scope.org.clone(),
            date: day,
            severity,
            dedup_key: scope.key(rule),
            scope,
            title,
            recipients: self.rules.common(rule).recipients.to_vec(),
            evidence,
        }
    }

    // -----------------------------------------------------------------------
    // volume_spike

    fn volume_spike(&self, day: NaiveDate, records: &Records, out: &mut Vec<AlertCandidate>) {
        let cfg = &self.rules.volume_spike;
        let p = &cfg.params;
        let base_from = back(day, p.baseline_days);
        let base_to = back(day, 1);
        // Without the whole baseline in the data the level is unknown.
        if records.first_date().is_none_or(|first| first > base_from) {
            return;
        }
        let range = records.range(base_from, day);
        let docs = &records.documents()[range.clone()];
        let facts = &records.facts()[range];

        let mut weekday_counts = [0u64; 7];
        let mut weekday_days = [0u64; 7];
        let mut d = base_from;
        while d <= base_to {
            weekday_days[d.weekday().num_days_from_monday() as usize] += 1;
            match next(d) {
                Some(n) => d = n,
                None => break,
            }
        }
        type Unit = (String, Option<String>);
        let mut units: BTreeMap<Unit, (u64, u64)> = BTreeMap::new();
        for (doc, f) in docs.iter().zip(facts) {
            if !in_scope(&cfg.scope, doc, f) {
                continue;
            }
            let today = doc.date == day;
            if !today {
                weekday_counts[doc.date.weekday().num_days_from_monday() as usize] += 1;
            }
            let Some(org) = doc.org.clone() else { continue };
            let mut keys = vec![(org.clone(), None)];
            if p.by_category
                && let Some(c) = &doc.business_category
            {
                keys.push((org, Some(c.clone())));
            }
            for key in keys {
                let e = units.entry(key).or_default();
                if today {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
        if units.is_empty() {
            return;
        }
        let profile = WeekdayProfile::estimate(weekday_counts, weekday_days);
        let w_today = profile.weight(day);
        let w_base = profile.sum(base_from, base_to);
        let tests: Vec<(&Unit, (u64, u64), _)> = units
            .iter()
            .map(|(unit, &(y, s))| (unit, (y, s), spike_test(y, s, w_today, w_base)))
            .collect();
        let p_values: Vec<f64> = tests.iter().map(|t| t.2.p_value).collect();
        let q_values = benjamini_hochberg(&p_values);
        let series_from = back(day, p.series_days.saturating_sub(1));
        for ((unit, (y, s), test), q) in tests.into_iter().zip(q_values) {
            let ratio = if test.expected > 0.0 {
                y as f64 / test.expected
            } else {
                f64::INFINITY
            };
            if !(q <= p.fdr && y >= u64::from(p.min_count) && ratio >= p.min_ratio) {
                continue;
            }
            let (org, category) = unit;
            let matches = |doc: &Document| {
                doc.org.as_deref() == Some(org.as_str())
                    && category
                        .as_ref()
                        .is_none_or(|c| doc.business_category.as_ref() == Some(c))
            };
            let in_unit =
                |doc: &Document, f: &RecordFacts| matches(doc) && in_scope(&cfg.scope, doc, f);
            let ids: Vec<String> = docs
                .iter()
                .zip(facts)
                .filter(|(doc, f)| doc.date == day && in_unit(doc, f))
                .take(MAX_IDS)
                .map(|(doc, _)| doc.id.clone())
                .collect();
            let series_range = records.range(series_from, day);
            let series = {
                let sd = &records.documents()[series_range.clone()];
                let sf = &records.facts()[series_range];
                let keep: HashSet<&str> = sd
                    .iter()
                    .zip(sf)
                    .filter(|(doc, f)| in_unit(doc, f))
                    .map(|(doc, _)| doc.id.as_str())
                    .collect();
                daily_series(sd, series_from, day, |doc| keep.contains(doc.id.as_str()))
            };
            let what = match category {
                Some(c) => format!("{org}「{c}」"),
                None => org.clone(),
            };
            let title = format!(
                "{what}投诉量异常上升：{day} 收到 {y} 件，按自身基线预期约 {:.1} 件",
                test.expected
            );
            let evidence = Evidence {
                count: y,
                expected: Some(round4(test.expected)),
                baseline_count: Some(s),
                baseline_from: Some(base_from),
                baseline_to: Some(base_to),
                ratio: ratio.is_finite().then(|| round4(ratio)),
                p_value: Some(test.p_value),
                q_value: Some(q),
                complaint_ids: ids,
                series,
                ..Evidence::default()
            };
            let scope = AlertScope {
                org: Some(org.clone()),
                category: category.clone(),
                ..AlertScope::default()
            };
            out.push(self.candidate(
                RuleKind::VolumeSpike,
                day,
                cfg.severity,
                scope,
                title,
                evidence,
            ));
        }
    }

    // -----------------------------------------------------------------------
    // rising_term

    fn rising_term(
        &self,
        day: NaiveDate,
        records: &Records,
        out: &mut Vec<AlertCandidate>,
    ) -> Result<(), AlertsError> {
        let cfg = &self.rules.rising_term;
        let p = &cfg.params;
        let window_from = back(day, p.window_days - 1);
        let base_from = back(window_from, p.baseline_days);
        if records.first_date().is_none_or(|first| first > base_from) {
            return Ok(());
        }
        let range = records.range(base_from, day);
        let owned: Vec<Document>;
        let docs: &[Document] = if unrestricted(&cfg.scope) {
            &records.documents()[range]
        } else {
            owned = records.documents()[range.clone()]
                .iter()
                .zip(&records.facts()[range])
                .filter(|(d, f)| in_scope(&cfg.scope, d, f))
                .map(|(d, _)| d.clone())
                .collect();
            &owned
        };
        // Scopes with enough recent complaints: the whole bank, each
        // organisation, each category.
        let mut org_counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut cat_counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut total = 0;
        for doc in docs.iter().filter(|d| d.date >= window_from) {
            total += 1;
            if let Some(o) = doc.org.as_deref() {
                *org_counts.entry(o).or_default() += 1;
            }
            if let Some(c) = doc.business_category.as_deref() {
                *cat_counts.entry(c).or_default() += 1;
            }
        }
        let mut scopes: Vec<(Option<String>, Option<String>)> = Vec::new();
        if total >= p.min_scope_docs {
            scopes.push((None, None));
        }
        if p.by_org {
            scopes.extend(
                org_counts
                    .iter()
                    .filter(|(_, n)| **n >= p.min_scope_docs)
                    .map(|(o, _)| (Some(o.to_string()), None)),
            );
        }
        if p.by_category {
            scopes.extend(
                cat_counts
                    .iter()
                    .filter(|(_, n)| **n >= p.min_scope_docs)
                    .map(|(c, _)| (None, Some(c.to_string()))),
            );
        }
        // Every term of every scope is one test; the false-discovery rate is
        // controlled over all of them together, since testing 30 scopes at
        // the rule's rate each would multiply the false alarms by 30.
        let mut reports = Vec::with_capacity(scopes.len());
        let mut p_values: Vec<f64> = Vec::new();
        for (org, category) in scopes {
            let mut options = RisingOptions::new(day);
            options.window_days = p.window_days;
            options.baseline_days = p.baseline_days;
            options.fdr = p.fdr;
            options.min_window_docs = p.min_window_docs;
            options.top = usize::MAX;
            options.examples = MAX_IDS;
            options.scope = Scope {
                orgs: org.iter().cloned().collect(),
                business_categories: category.iter().cloned().collect(),
                ..Scope::default()
            };
            let report = rising(docs, &options, self.segmenter)?;
            p_values.extend(report.terms.iter().map(|t| t.p_value));
            // Terms seen only in the baseline were tested too (p = 1).
            p_values.extend(std::iter::repeat_n(
                1.0,
                report.tested_terms.saturating_sub(report.terms.len()),
            ));
            reports.push((org, category, options.scope, report));
        }
        let q_values = benjamini_hochberg(&p_values);
        let mut offset = 0;
        for (org, category, scope_filter, report) in reports {
            let q_of = |i: usize| q_values.get(offset + i).copied().unwrap_or(1.0);
            let mut flagged: Vec<(usize, f64)> = report
                .terms
                .iter()
                .enumerate()
                .filter(|(i, t)| t.window_docs >= p.min_window_docs && q_of(*i) <= p.fdr)
                .map(|(i, _)| (i, q_of(i)))
                .collect();
            offset += report.tested_terms.max(report.terms.len());
            flagged.sort_by(|a, b| {
                report.terms[b.0]
                    .score
                    .total_cmp(&report.terms[a.0].score)
                    .then_with(|| report.terms[a.0].term.cmp(&report.terms[b.0].term))
            });
            for (i, q) in flagged.into_iter().take(p.max_terms) {
                let t = &report.terms[i];
                let term = t.term.clone();
                let series = daily_series(docs, report.baseline_start, day, |doc| {
                    scope_filter.matches_attributes(doc)
                        && doc.terms.as_ref().is_some_and(|ts| ts.contains(&term))
                });
                let where_ = match (&org, &category) {
                    (Some(o), _) => o.clone(),
                    (None, Some(c)) => format!("「{c}」类"),
                    (None, None) => "全行".to_string(),
                };
                let title = format!(
                    "{where_}「{term}」相关投诉快速上升：近 {} 天 {} 件（占 {:.1}%），此前 {} 天 {} 件（占 {:.1}%）",
                    p.window_days,
                    t.window_docs,
                    t.window_rate * 100.0,
                    p.baseline_days,
                    t.baseline_docs,
                    t.baseline_rate * 100.0
                );
                let evidence = Evidence {
                    count: t.window_docs as u64,
                    expected: Some(round4(t.expected_window_docs)),
                    baseline_count: Some(t.baseline_docs as u64),
                    baseline_from: Some(report.baseline_start),
                    baseline_to: Some(report.baseline_end),
                    ratio: Some(round4(t.growth)),
                    p_value: Some(t.p_value),
                    q_value: Some(q),
                    terms: vec![term.clone()],
                    complaint_ids: t.example_ids.clone(),
                    series,
                    ..Evidence::default()
                };
                let scope = AlertScope {
                    org: org.clone(),
                    category: category.clone(),
                    term: Some(term),
                    ..AlertScope::default()
                };
                out.push(self.candidate(
                    RuleKind::RisingTerm,
                    day,
                    cfg.severity,
                    scope,
                    title,
                    evidence,
                ));
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------
    // same_event_cluster

    /// Clusters are found among the complaints of the last `2 × window_days`
    /// and alert while at least `min_size` of their members fall in the last
    /// `window_days`. The cluster is identified by its earliest member in the
    /// longer period, which therefore stays the same for as long as an event
    /// shorter than `window_days` keeps alerting.
    fn same_event_cluster(
        &self,
        day: NaiveDate,
        records: &Records,
        out: &mut Vec<AlertCandidate>,
    ) -> Result<(), AlertsError> {
        let cfg = &self.rules.same_event_cluster;
        let p = &cfg.params;
        let window_from = back(day, p.window_days - 1);
        let lookback_from = back(window_from, p.window_days);
        let range = records.range(lookback_from, day);
        let docs: Vec<Document> = records.documents()[range.clone()]
            .iter()
            .zip(&records.facts()[range])
            .filter(|(d, f)| in_scope(&cfg.scope, d, f))
            .map(|(d, _)| d.clone())
            .collect();
        if docs.len() < p.min_size {
            return Ok(());
        }
        let options = ClusterOptions {
            threshold: p.threshold,
            min_size: p.min_size,
            major_size: p.major_size,
            ..ClusterOptions::default()
        };
        let report = cluster(&docs, &options, self.segmenter)?;
        let date_of: HashMap<&str, NaiveDate> =
            docs.iter().map(|d| (d.id.as_str(), d.date)).collect();
        for c in &report.clusters {
            let recent: Vec<&String> = c
                .member_ids
                .iter()
                .filter(|id| date_of.get(id.as_str()).is_some_and(|d| *d >= window_from))
                .collect();
            let size = recent.len();
            if size < p.min_size {
                continue;
            }
            let Some(anchor) = c.member_ids.first() else {
                continue;
            };
            let org = c
                .orgs
                .first()
                .map(|o| o.org.clone())
                .filter(|o| o != "未知");
            let terms: Vec<String> = c.top_terms.iter().take(3).map(|t| t.term.clone()).collect();
            let mut series_counts: BTreeMap<NaiveDate, u64> = BTreeMap::new();
            let mut d = window_from;
            while d <= day {
                series_counts.insert(d, 0);
                match next(d) {
                    Some(n) => d = n,
                    None => break,
                }
            }
            for id in &recent {
                if let Some(date) = date_of.get(id.as_str()) {
                    *series_counts.entry(*date).or_default() += 1;
                }
            }
            let mut breakdown: BTreeMap<&str, u64> = BTreeMap::new();
            for id in &recent {
                if let Some(doc) = docs.iter().find(|d| d.id == **id) {
                    *breakdown
                        .entry(doc.org.as_deref().unwrap_or("未知"))
                        .or_default() += 1;
                }
            }
            let mut breakdown: Vec<LabelCount> = breakdown
                .into_iter()
                .map(|(label, count)| LabelCount {
                    label: label.to_string(),
                    count,
                })
                .collect();
            breakdown.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
            let evidence = Evidence {
                count: size as u64,
                terms: terms.clone(),
                complaint_ids: recent.iter().take(MAX_IDS).map(|s| s.to_string()).collect(),
                breakdown,
                series: series_counts
                    .into_iter()
                    .map(|(date, count)| DailyCount { date, count })
                    .collect(),
                ..Evidence::default()
            };
            let where_ = org
                .clone()
                .map(|o| format!("，主要涉及{o}"))
                .unwrap_or_default();
            let topic = if terms.is_empty() {
                String::new()
            } else {
                format!("（{}）", terms.join("、"))
            };
            let scope = AlertScope {
                org: org.clone(),
                complaint: Some(anchor.clone()),
                ..AlertScope::default()
            };
            out.push(self.candidate(
                RuleKind::SameEventCluster,
                day,
                cfg.severity,
                scope.clone(),
                format!(
                    "同事件集中投诉：近 {} 天 {size} 件相似投诉{topic}{where_}",
                    p.window_days
                ),
                evidence.clone(),
            ));
            if size >= p.major_size {
                let scope = AlertScope {
                    level: Some("major".into()),
                    ..scope
                };
                out.push(self.candidate(
                    RuleKind::SameEventCluster,
                    day,
                    Severity::High,
                    scope,
                    format!(
                        "重大投诉预警：近 {} 天 {size} 件相似投诉{topic}{where_}，已达 {} 件（令2020年第3号第二十九条），请启动重大投诉应急预案",
                        p.window_days, p.major_size
                    ),
                    evidence,
                ));
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------
    // repeat_complainant

    fn repeat_complainant(&self, day: NaiveDate, records: &Records, out: &mut Vec<AlertCandidate>) {
        let cfg = &self.rules.repeat_complainant;
        let p = &cfg.params;
        let from = back(day, p.window_days - 1);
        let range = records.range(from, day);
        let docs = &records.documents()[range.clone()];
        let facts = &records.facts()[range];
        let mut by_person: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (doc, f)) in docs.iter().zip(facts).enumerate() {
            if let Some(key) = f.complainant_key.as_deref().filter(|k| !k.is_empty())
                && in_scope(&cfg.scope, doc, f)
            {
                by_person.entry(key).or_default().push(i);
            }
        }
        for (key, idx) in by_person {
            if idx.len() < p.min_complaints {
                continue;
            }
            let latest = &docs[idx[idx.len() - 1]];
            let org = latest.org.clone();
            let mut cats: BTreeMap<&str, u64> = BTreeMap::new();
            for &i in &idx {
                *cats
                    .entry(docs[i].business_category.as_deref().unwrap_or("未分类"))
                    .or_default() += 1;
            }
            let evidence = Evidence {
                count: idx.len() as u64,
                complaint_ids: idx
                    .iter()
                    .take(MAX_IDS)
                    .map(|&i| docs[i].id.clone())
                    .collect(),
                breakdown: cats
                    .into_iter()
                    .map(|(label, count)| LabelCount {
                        label: label.to_string(),
                        count,
                    })
                    .collect(),
                series: {
                    let ids: HashSet<&str> = idx.iter().map(|&i| docs[i].id.as_str()).collect();
                    daily_series(docs, from, day, |d| ids.contains(d.id.as_str()))
                },
                ..Evidence::default()
            };
            let scope = AlertScope {
                complainant: Some(complainant_digest(key)),
                ..AlertScope::default()
            };
            let title = format!(
                "重复投诉：同一投诉人近 {} 天内投诉 {} 次{}",
                p.window_days,
                idx.len(),
                org.as_ref()
                    .map(|o| format!("，最近一次由{o}处理"))
                    .unwrap_or_default()
            );
            let mut candidate = self.candidate(
                RuleKind::RepeatComplainant,
                day,
                cfg.severity,
                scope,
                title,
                evidence,
            );
            // The owner is the organisation of the latest complaint; it is not
            // part of the scope, since the next complaint may go elsewhere.
            candidate.org = org;
            out.push(candidate);
        }
    }

    // -----------------------------------------------------------------------
    // sla_at_risk, sla_overdue

    fn deadlines(&self, day: NaiveDate, records: &Records, out: &mut Vec<AlertCandidate>) {
        let at_risk = &self.rules.sla_at_risk;
        let overdue = &self.rules.sla_overdue;
        let upto = records.range(NaiveDate::MIN, day);
        for (doc, f) in records.documents()[upto.clone()]
            .iter()
            .zip(&records.facts()[upto])
        {
            let Some(due) = f.due_date else { continue };
            if !f.open_on(day) {
                continue;
            }
            let left = (due - day).num_days();
            let (rule, severity, scope_ok, title) = if left < 0 {
                (
                    RuleKind::SlaOverdue,
                    overdue.severity,
                    overdue.enabled && in_scope(&overdue.scope, doc, f),
                    format!("投诉 {} 已超过办理期限 {} 天（期限 {due}）", doc.id, -left),
                )
            } else if left <= i64::from(at_risk.params.days_left) {
                (
                    RuleKind::SlaAtRisk,
                    at_risk.severity,
                    at_risk.enabled && in_scope(&at_risk.scope, doc, f),
                    format!("投诉 {} 距办理期限还剩 {left} 天（期限 {due}）", doc.id),
                )
            } else {
                continue;
            };
            if !scope_ok {
                continue;
            }
            let scope = AlertScope {
                org: doc.org.clone(),
                complaint: Some(doc.id.clone()),
                ..AlertScope::default()
            };
            let evidence = Evidence {
                count: 1,
                complaint_ids: vec![doc.id.clone()],
                due_date: Some(due),
                days_left: Some(left),
                ..Evidence::default()
            };
            out.push(self.candidate(rule, day, severity, scope, title, evidence));
        }
    }

    // -----------------------------------------------------------------------
    // Per-ticket rules.

    fn ticket(&self, doc: &Document, facts: &RecordFacts, out: &mut Vec<AlertCandidate>) {
        let rules = &self.rules;
        let day = doc.date;
        let scope = AlertScope {
            org: doc.org.clone(),
            complaint: Some(doc.id.clone()),
            ..AlertScope::default()
        };
        let evidence = |tags: Vec<String>| Evidence {
            count: 1,
            tags,
            complaint_ids: vec![doc.id.clone()],
            ..Evidence::default()
        };
        let need_scan = rules.escalation_language.enabled
            || (rules.vulnerable_customer.enabled && rules.vulnerable_customer.params.text_cues);
        let signals = if need_scan {
            scan(&doc.text)
        } else {
            Default::default()
        };

        let esc = &rules.escalation_language;
        if esc.enabled && in_scope(&esc.scope, doc, facts) {
            let tags: Vec<SignalTag> = signals
                .tags
                .iter()
                .copied()
                .filter(|t| t.group() == SignalGroup::Escalation && esc.params.tags.contains(t))
                .collect();
            if !tags.is_empty() {
                let self_harm = tags.contains(&SignalTag::SelfHarm);
                let severity = if self_harm {
                    esc.severity.max(esc.params.self_harm_severity)
                } else {
                    esc.severity
                };
                let labels: Vec<String> = tags.iter().map(|t| t.label_zh().to_string()).collect();
                let title = if self_harm {
                    format!(
                        "投诉 {} 含极端言行表述，请立即关注：{}",
                        doc.id,
                        labels.join("、")
                    )
                } else {
                    format!("投诉 {} 有升级风险：{}", doc.id, labels.join("、"))
                };
                out.push(self.candidate(
                    RuleKind::EscalationLanguage,
                    day,
                    severity,
                    scope.clone(),
                    title,
                    evidence(labels),
                ));
            }
        }

        let vul = &rules.vulnerable_customer;
        if vul.enabled && in_scope(&vul.scope, doc, facts) {
            let mut groups: Vec<String> = Vec::new();
            let mut add = |name: &str| {
                let name = canonical_group(name);
                if vul.params.groups.iter().any(|g| canonical_group(g) == name)
                    && !groups.iter().any(|g| g == name)
                {
                    groups.push(name.to_string());
                }
            };
            for flag in &facts.vulnerable {
                add(flag);
            }
            if vul.params.text_cues {
                for tag in signals
                    .tags
                    .iter()
                    .filter(|t| t.group() == SignalGroup::Vulnerable)
                {
                    add(tag.label_zh());
                }
            }
            if !groups.is_empty() {
                let title = format!(
                    "特殊群体投诉 {}：{}，请机构消保联系人关注",
                    doc.id,
                    groups.join("、")
                );
                out.push(self.candidate(
                    RuleKind::VulnerableCustomer,
                    day,
                    vul.severity,
                    scope.clone(),
                    title,
                    evidence(groups),
                ));
            }
        }

        let sen = &rules.sensitive_data;
        if sen.enabled && in_scope(&sen.scope, doc, facts) {
            let kinds = pii::mask(&doc.text).c3_kinds();
            if !kinds.is_empty() {
                let labels: Vec<String> = kinds.iter().map(|k| k.label_zh().to_string()).collect();
                let title = format!(
                    "投诉 {} 含 C3 类鉴别信息（{}），已删除；请提醒客户修改并核查账户安全",
                    doc.id,
                    labels.join("、")
                );
                out.push(self.candidate(
                    RuleKind::SensitiveData,
                    day,
                    sen.severity,
                    scope,
                    title,
                    evidence(labels),
                ));
            }
        }
    }
}
