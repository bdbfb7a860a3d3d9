//! Complaint intelligence in the product: term statistics kept as complaints
//! arrive, and the hot-word, rising-word and same-event queries the analysis
//! page and the API serve.
//!
//! Every complaint is segmented once, by a background job
//! ([`Services::count_pending_terms`]), into the per day × organisation ×
//! category counts of `term_stats`. Hot and rising words are sums over those
//! counts, kept in memory by [`TermIndex`](crate::term_index::TermIndex), so
//! their cost grows with the number of days and terms, not with the number
//! of complaints; the rising-word test is the text engine's own
//! ([`xiaobao_text::rising_from_counts`]).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;
use xiaobao_domain::actor::Actor;
use xiaobao_domain::taxonomy::Dimension;
use xiaobao_store::StoreError;
use xiaobao_store::term_stats::{TermDoc, TermScope};
use xiaobao_text::{
    ClusterOptions, ClusterReport, Document, RisingOptions, RisingReport, Segmenter,
    TermWindowCounts, WindowCounts, Windows,
};

use crate::Services;

/// Why an analysis query was refused.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("机构 {0} 不存在或不在您的数据范围内")]
    OrgOutOfScope(String),
    #[error("参数有误：{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an analysis looks at: an organisation subtree (default: the user's
/// whole scope), optionally one business category, and a date range.
#[derive(Debug, Clone, Default)]
pub struct AnalysisFilter {
    /// Organisation code; its subtree is analysed.
    pub org: Option<String>,
    /// Code or name of a JR/T 0169 business category.
    pub business_category: Option<String>,
    /// Code or name of a JR/T 0169 channel (dimension A).
    pub channel: Option<String>,
}

/// A hot word with its document count.
#[derive(Debug, Clone, Serialize)]
pub struct HotTerm {
    pub term: String,
    pub docs: i64,
    /// Share of the complaints in scope.
    pub share: f64,
}

/// Hot words of a period.
#[derive(Debug, Clone, Serialize)]
pub struct HotTerms {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total_docs: i64,
    pub terms: Vec<HotTerm>,
}

/// Rising words with a daily series per term (for sparklines).
#[derive(Debug, Clone, Serialize)]
pub struct RisingTerms {
    #[serde(flatten)]
    pub report: RisingReport,
    /// Per term, documents per day from the baseline start to `as_of`.
    pub daily: BTreeMap<String, Vec<i64>>,
}

/// How far the statistics are behind the complaints.
#[derive(Debug, Clone, Serialize)]
pub struct StatsLag {
    pub uncounted: i64,
}

const COUNT_BATCH: i64 = 2_000;
/// Clustering reads at most this many recent complaints per query.
const CLUSTER_LIMIT: i64 = 50_000;

impl Services {
    /// Counts the terms of complaints not yet counted, a batch at a time,
    /// until none is left. Returns how many were counted.
    pub async fn count_pending_terms(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let pending = self.store.pending_term_docs(COUNT_BATCH).await?;
            if pending.is_empty() {
                return Ok(total);
            }
            let docs = tokio::task::spawn_blocking(move || {
                let seg = Segmenter::shared();
                pending
                    .into_iter()
                    .map(|p| {
                        let mut terms = seg.terms(&format!("{} {}", p.title, p.content));
                        terms.sort_unstable();
                        terms.dedup();
                        TermDoc {
                            id: p.id,
                            day: p.received_on,
                            org_code: p.org_code,
                            business_category: p.business_category,
                            channel: p.channel,
                            terms,
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| {
                StoreError::Internal(format!("分词任务失败 segmentation task failed: {e}"))
            })?;
            let n = docs.len();
            let counted = self.store.record_term_docs(&docs).await?;
            total += counted;
            if (n as i64) < COUNT_BATCH {
                return Ok(total);
            }
        }
    }

    /// Brings the in-memory term statistics up to the stored ones (queries
    /// do this themselves; calling it after a start or a counting run keeps
    /// the first query fast). Returns the number of days reloaded.
    pub async fn refresh_term_index(&self) -> Result<usize, StoreError> {
        self.term_index.refresh(&self.store).await
    }

    /// How many complaints the statistics do not include yet.
    pub async fn term_stats_lag(&self) -> Result<StatsLag, StoreError> {
        Ok(StatsLag {
            uncounted: self.store.uncounted_term_docs().await?,
        })
    }

    /// The words of the bank's own name (江南示范银行 → 江南, 示范, 银行 …): they
    /// occur in complaints about every topic and are never one.
    async fn own_name_parts(&self) -> Result<Vec<String>, StoreError> {
        let Some(root) = self.store.root_org().await? else {
            return Ok(Vec::new());
        };
        let seg = Segmenter::shared();
        let mut parts = seg.terms(&root.name);
        parts.push(root.name);
        parts.sort_unstable();
        parts.dedup();
        Ok(parts)
    }

    /// The organisation prefix an actor may analyse, narrowed to `org`.
    async fn analysis_prefix(
        &self,
        actor: &Actor,
        filter: &AnalysisFilter,
    ) -> Result<String, AnalysisError> {
        let scope = actor.scope();
        match filter
            .org
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Ok(scope.prefix().to_string()),
            Some(code) => match self.store.org_by_code(code).await {
                Ok(org) if scope.contains(&org.path) => Ok(org.path),
                Ok(_) | Err(StoreError::NotFound(_)) => {
                    Err(AnalysisError::OrgOutOfScope(code.to_string()))
                }
                Err(e) => Err(e.into()),
            },
        }
    }

    async fn term_scope(
        &self,
        actor: &Actor,
        filter: &AnalysisFilter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<TermScope, AnalysisError> {
        if from > to {
            return Err(AnalysisError::Invalid(format!(
                "开始日期 {from} 晚于结束日期 {to}"
            )));
        }
        let business_category =
            self.taxonomy_code(Dimension::BusinessCategory, &filter.business_category)?;
        let channel = self.taxonomy_code(Dimension::Channel, &filter.channel)?;
        Ok(TermScope {
            org_prefix: self.analysis_prefix(actor, filter).await?,
            business_category,
            channel,
            from: from.to_string(),
            to: to.to_string(),
        })
    }

    /// The taxonomy code of an optional filter value (code, name or alias);
    /// blank means no filter.
    fn taxonomy_code(
        &self,
        dimension: Dimension,
        value: &Option<String>,
    ) -> Result<Option<String>, AnalysisError> {
        match value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => Ok(Some(
                self.taxonomy()
                    .validate(dimension, v)
                    .map_err(|e| AnalysisError::Invalid(e.to_string()))?
                    .code
                    .clone(),
            )),
        }
    }

    /// The most mentioned terms of a period, from the stored statistics.
    pub async fn hot_terms(
        &self,
        actor: &Actor,
        filter: &AnalysisFilter,
        from: NaiveDate,
        to: NaiveDate,
        top: usize,
    ) -> Result<HotTerms, AnalysisError> {
        let scope = self.term_scope(actor, filter, from, to).await?;
        self.term_index.refresh(&self.store).await?;
        let top = top.clamp(1, 500);
        let own = self.own_name_parts().await?;
        let tally = self.term_index.tally(&scope);
        let total_docs = tally.docs as i64;
        let counts = self.term_index.top(&tally, top, &own);
        Ok(HotTerms {
            from,
            to,
            total_docs,
            terms: counts
                .into_iter()
                .map(|(term, docs)| HotTerm {
                    share: if total_docs > 0 {
                        docs as f64 / total_docs as f64
                    } else {
                        0.0
                    },
                    term,
                    docs: docs as i64,
                })
                .collect(),
        })
    }

    /// Terms whose share rose significantly in the window against the
    /// baseline, from the stored statistics, with daily series.
    pub async fn rising_terms(
        &self,
        actor: &Actor,
        filter: &AnalysisFilter,
        options: &RisingOptions,
    ) -> Result<RisingTerms, AnalysisError> {
        let w = Windows::of(options).map_err(|e| AnalysisError::Invalid(e.to_string()))?;
        let window = self
            .term_scope(actor, filter, w.window_start, w.window_end)
            .await?;
        // The same organisation, category and channel: only the dates differ.
        let baseline = TermScope {
            from: w.baseline_start.to_string(),
            to: w.baseline_end.to_string(),
            ..window.clone()
        };
        self.term_index.refresh(&self.store).await?;
        let window_tally = self.term_index.tally(&window);
        let baseline_tally = self.term_index.tally(&baseline);
        let terms = self.term_index.pairs(&window_tally, &baseline_tally);
        let counts = WindowCounts {
            window_total: window_tally.docs as usize,
            baseline_total: baseline_tally.docs as usize,
            terms: terms
                .into_iter()
                .map(|(term, window, baseline)| TermWindowCounts {
                    term,
                    window: window as usize,
                    baseline: baseline as usize,
                    example_ids: Vec::new(),
                })
                .collect(),
        };
        let mut report = xiaobao_text::rising_from_counts(counts, options)
            .map_err(|e| AnalysisError::Invalid(e.to_string()))?;
        let own = self.own_name_parts().await?;
        report.terms.retain(|t| !own.contains(&t.term));
        let shown: Vec<String> = report.terms.iter().map(|t| t.term.clone()).collect();
        let whole = TermScope {
            from: w.baseline_start.to_string(),
            ..window
        };
        // Position of each day from the baseline start to `as_of`; days with
        // no complaints in scope stay zero.
        let days = w
            .baseline_start
            .iter_days()
            .take_while(|d| *d <= w.window_end)
            .count();
        let stored = self.term_index.daily(&whole, &shown);
        let positions: Vec<Option<usize>> = stored
            .days
            .iter()
            .map(|d| {
                let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
                usize::try_from((day - w.baseline_start).num_days()).ok()
            })
            .collect();
        let daily: BTreeMap<String, Vec<i64>> = shown
            .iter()
            .map(|t| {
                let mut values = vec![0i64; days];
                for (pos, n) in positions
                    .iter()
                    .zip(stored.terms.get(t).into_iter().flatten())
                {
                    if let Some(v) = pos.and_then(|i| values.get_mut(i)) {
                        *v = *n as i64;
                    }
                }
                (t.clone(), values)
            })
            .collect();
        Ok(RisingTerms { report, daily })
    }

    /// Same-event clusters among the complaints of a period (at most the
    /// newest 50,000), with members as complaint ids.
    pub async fn complaint_clusters(
        &self,
        actor: &Actor,
        filter: &AnalysisFilter,
        from: NaiveDate,
        to: NaiveDate,
        min_size: usize,
    ) -> Result<ClusterReport, AnalysisError> {
        let scope = self.term_scope(actor, filter, from, to).await?;
        let rows = self.store.analysis_docs(&scope, CLUSTER_LIMIT).await?;
        let docs: Vec<Document> = rows
            .into_iter()
            .filter_map(|r| {
                let date = NaiveDate::parse_from_str(&r.received_on, "%Y-%m-%d").ok()?;
                let mut d = Document::new(r.id, date, format!("{} {}", r.title, r.content));
                d.org = Some(r.org_code);
                d.business_category = Some(r.business_category);
                Some(d)
            })
            .collect();
        let options = ClusterOptions {
            min_size: min_size.max(2),
            ..ClusterOptions::default()
        };
        tokio::task::spawn_blocking(move || {
            xiaobao_text::cluster(&docs, &options, Segmenter::shared())
        })
        .await
        .map_err(|e| AnalysisError::Invalid(format!("聚类任务失败：{e}")))?
        .map_err(|e| AnalysisError::Invalid(e.to_string()))
    }
}

/// `days` days ending on `to` (inclusive).
pub fn period_ending(to: NaiveDate, days: u32) -> NaiveDate {
    to.checked_sub_days(Days::new(u64::from(days.max(1)) - 1))
        .unwrap_or(to)
}
