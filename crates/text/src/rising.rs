//! Rising terms: what customers suddenly complain about more than before.
//!
//! For every term the share of complaints mentioning it in a recent window
//! (default the 7 days up to `as_of`) is compared with its share in a baseline
//! (default the 28 days before the window). Shares rather than counts are
//! compared, so a general rise in volume (a system outage, a holiday backlog)
//! does not make every word "rise".
//!
//! The evidence for a rise is an exact one-sided test: given that `k` of all
//! window + baseline documents mention the term, how surprising is it that
//! `k_w` or more of them fall in the window, whose share of documents is
//! `N_w / (N_w + N_b)`? This is Fisher's exact test on the 2×2 table
//! (term / no term × window / baseline). The score is `-log10(p)`, which ranks
//! 40 → 160 far above 1 → 3 although the latter has the larger ratio.
//!
//! Thousands of terms are tested at once, so by chance alone some would look
//! significant. The `significant` flag therefore uses the Benjamini–Hochberg
//! procedure at false-discovery rate `fdr` (default 0.01): on a stream without
//! real change, the expected number of flagged terms is close to zero.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::TextError;
use crate::corpus::{Document, Scope};
use crate::segment::Segmenter;
use crate::stats::{benjamini_hochberg, hypergeom_upper_tail_ln};

/// Options for [`rising`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RisingOptions {
    /// Last day of the window (inclusive).
    pub as_of: NaiveDate,
    /// Window length in days.
    pub window_days: u32,
    /// Baseline length in days, immediately before the window.
    pub baseline_days: u32,
    /// Number of terms returned (best first).
    pub top: usize,
    /// A term needs at least this many window documents to be flagged.
    pub min_window_docs: usize,
    /// Benjamini–Hochberg false-discovery rate for the `significant` flag.
    pub fdr: f64,
    /// Example ids (most recent window documents) kept per term.
    pub examples: usize,
    /// Further filters (organisation, category, channel). Its dates are ignored.
    pub scope: Scope,
}

impl RisingOptions {
    /// Defaults: 7-day window, 28-day baseline, top 50, FDR 0.01.
    pub fn new(as_of: NaiveDate) -> Self {
        RisingOptions {
            as_of,
            window_days: 7,
            baseline_days: 28,
            top: 50,
            min_window_docs: 3,
            fdr: 0.01,
            examples: 5,
            scope: Scope::default(),
        }
    }
}

/// One term's comparison of window and baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RisingTerm {
    /// The term.
    pub term: String,
    /// Window documents that mention the term.
    pub window_docs: usize,
    /// Baseline documents that mention the term.
    pub baseline_docs: usize,
    /// `window_docs` / documents in the window.
    pub window_rate: f64,
    /// `baseline_docs` / documents in the baseline.
    pub baseline_rate: f64,
    /// Window documents expected at the baseline share.
    pub expected_window_docs: f64,
    /// Ratio of window share to baseline share, each with 0.5 added to the
    /// counts so that a term absent from the baseline has a finite growth.
    pub growth: f64,
    /// `-log10` of the one-sided exact p-value (higher = stronger evidence).
    pub score: f64,
    /// One-sided exact p-value.
    pub p_value: f64,
    /// Benjamini–Hochberg adjusted p-value over all tested terms.
    pub q_value: f64,
    /// Whether the rise is significant at the configured FDR (and the term
    /// has enough window documents).
    pub significant: bool,
    /// Ids of the most recent window documents mentioning the term.
    pub example_ids: Vec<String>,
}

/// Result of [`rising`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RisingReport {
    /// First day of the window.
    pub window_start: NaiveDate,
    /// Last day of the window (`as_of`).
    pub window_end: NaiveDate,
    /// First day of the baseline.
    pub baseline_start: NaiveDate,
    /// Last day of the baseline.
    pub baseline_end: NaiveDate,
    /// Documents in the window.
    pub window_total: usize,
    /// Documents in the baseline.
    pub baseline_total: usize,
    /// Terms tested (seen at least once in window or baseline).
    pub tested_terms: usize,
    /// Terms flagged significant.
    pub significant_terms: usize,
    /// Terms seen in the window, best first (by score, then window documents).
    pub terms: Vec<RisingTerm>,
}

/// The window and baseline date ranges of a rising-word comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub baseline_start: NaiveDate,
    pub baseline_end: NaiveDate,
}

impl Windows {
    /// The windows of `options`, after checking the options.
    pub fn of(options: &RisingOptions) -> Result<Windows, TextError> {
        if options.window_days == 0 {
            return Err(TextError::InvalidOption {
                name: "window_days",
                reason: "窗口天数必须大于 0".into(),
            });
        }
        if options.baseline_days == 0 {
            return Err(TextError::InvalidOption {
                name: "baseline_days",
                reason: "基期天数必须大于 0".into(),
            });
        }
        if !(options.fdr > 0.0 && options.fdr < 1.0) {
            return Err(TextError::InvalidOption {
                name: "fdr",
                reason: "错误发现率须在 0 与 1 之间".into(),
            });
        }
        let back = |date: NaiveDate, days: u32| -> Result<NaiveDate, TextError> {
            date.checked_sub_days(Days::new(u64::from(days)))
                .ok_or(TextError::InvalidOption {
                    name: "as_of",
                    reason: "日期超出可计算范围".into(),
                })
        };
        let window_end = options.as_of;
        let window_start = back(window_end, options.window_days - 1)?;
        Ok(Windows {
            window_start,
            window_end,
            baseline_end: back(window_start, 1)?,
            baseline_start: back(window_start, options.baseline_days)?,
        })
    }
}

/// Document counts of one term in the window and the baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermWindowCounts {
    pub term: String,
    /// Window documents mentioning the term.
    pub window: usize,
    /// Baseline documents mentioning the term.
    pub baseline: usize,
    /// Ids of recent window documents mentioning it (may be empty).
    pub example_ids: Vec<String>,
}

/// Counts gathered elsewhere (from stored statistics, say) for
/// [`rising_from_counts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowCounts {
    /// Documents in the window.
    pub window_total: usize,
    /// Documents in the baseline.
    pub baseline_total: usize,
    /// Every term seen in the window or the baseline.
    pub terms: Vec<TermWindowCounts>,
}

/// Compares term shares in the window with the baseline; see the module
/// documentation for the method.
pub fn rising(
    docs: &[Document],
    options: &RisingOptions,
    segmenter: &Segmenter,
) -> Result<RisingReport, TextError> {
    let w = Windows::of(options)?;
    let mut window_docs: Vec<&Document> = Vec::new();
    let mut baseline_docs: Vec<&Document> = Vec::new();
    for doc in docs.iter().filter(|d| options.scope.matches_attributes(d)) {
        if doc.date >= w.window_start && doc.date <= w.window_end {
            window_docs.push(doc);
        } else if doc.date >= w.baseline_start && doc.date <= w.baseline_end {
            baseline_docs.push(doc);
        }
    }
    window_docs.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));

    let mut acc: HashMap<String, TermWindowCounts> = HashMap::new();
    for doc in &window_docs {
        for term in doc.distinct_terms(segmenter) {
            let a = acc.entry(term).or_default();
            a.window += 1;
            if a.example_ids.len() < options.examples {
                a.example_ids.push(doc.id.clone());
            }
        }
    }
    for doc in &baseline_docs {
        for term in doc.distinct_terms(segmenter) {
            acc.entry(term).or_default().baseline += 1;
        }
    }
    let counts = WindowCounts {
        window_total: window_docs.len(),
        baseline_total: baseline_docs.len(),
        terms: acc
            .into_iter()
            .map(|(term, mut a)| {
                a.term = term;
                a
            })
            .collect(),
    };
    rising_from_counts(counts, options)
}

/// The statistical part of [`rising`], on counts gathered by the caller. The
/// server uses it with its stored term statistics, so a rising-word query over
/// any number of complaints is a sum of stored counts plus this test.
pub fn rising_from_counts(
    counts: WindowCounts,
    options: &RisingOptions,
) -> Result<RisingReport, TextError> {
    let w = Windows::of(options)?;
    let n_w = counts.window_total as u64;
    let n_b = counts.baseline_total as u64;
    let population = n_w + n_b;
    let mut entries: Vec<(TermWindowCounts, f64)> = counts
        .terms
        .into_iter()
        .map(|a| {
            // Counts from a store may be inconsistent with the totals for a
            // moment (a job adding complaints); clamp rather than fail.
            let k_w = (a.window as u64).min(n_w);
            let k = ((a.window + a.baseline) as u64).min(population);
            let ln_p = hypergeom_upper_tail_ln(k_w, population, k, n_w);
            (a, ln_p)
        })
        .collect();
    let p_values: Vec<f64> = entries.iter().map(|(_, ln_p)| ln_p.exp()).collect();
    let q_values = benjamini_hochberg(&p_values);
    let tested = entries.len();

    let rate = |k: usize, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let mut terms: Vec<RisingTerm> = Vec::new();
    for (i, (a, ln_p)) in entries.drain(..).enumerate() {
        if a.window == 0 {
            continue;
        }
        let smoothed_w = (a.window as f64 + 0.5) / (n_w as f64 + 0.5);
        let smoothed_b = (a.baseline as f64 + 0.5) / (n_b as f64 + 0.5);
        let score = -ln_p / std::f64::consts::LN_10;
        let significant = q_values[i] <= options.fdr && a.window >= options.min_window_docs;
        let mut example_ids = a.example_ids;
        example_ids.truncate(options.examples);
        terms.push(RisingTerm {
            term: a.term,
            window_docs: a.window,
            baseline_docs: a.baseline,
            window_rate: rate(a.window, n_w),
            baseline_rate: rate(a.baseline, n_b),
            expected_window_docs: if population == 0 {
                0.0
            } else {
                (a.window + a.baseline) as f64 * n_w as f64 / population as f64
            },
            growth: smoothed_w / smoothed_b,
            score: if score.is_finite() {
                score.max(0.0)
            } else {
                f64::MAX
            },
            p_value: p_values[i],
            q_value: q_values[i],
            significant,
            example_ids,
        });
    }
    let significant_terms = terms.iter().filter(|t| t.significant).count();
    terms.sort_by(|a, b| {
        b.significant
            .cmp(&a.significant)
            .then(b.score.total_cmp(&a.score))
            .then(b.window_docs.cmp(&a.window_docs))
            .then_with(|| a.term.cmp(&b.term))
    });
    terms.truncate(options.top);
    Ok(RisingReport {
        window_start: w.window_start,
        window_end: w.window_end,
        baseline_start: w.baseline_start,
        baseline_end: w.baseline_end,
        window_total: counts.window_total,
        baseline_total: counts.baseline_total,
        tested_terms: tested,
        significant_terms,
        terms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64: a small deterministic generator for synthetic streams.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.checked_add_days(Days::new(n)))
            .unwrap_or_default()
    }

    /// Documents over `days` days, each with `per_doc` terms drawn from a
    /// Zipf(1.0) distribution over `vocab` terms. Window days (the last 7)
    /// get `window_volume` times the daily volume, to check that a general
    /// volume rise is not mistaken for rising terms.
    fn stationary(
        seed: u64,
        vocab: usize,
        days: u64,
        per_day: usize,
        window_volume: f64,
    ) -> Vec<Document> {
        let mut rng = Rng(seed);
        let weights: Vec<f64> = (0..vocab).map(|r| 1.0 / (r as f64 + 1.0)).collect();
        let total: f64 = weights.iter().sum();
        let mut cdf = Vec::with_capacity(vocab);
        let mut acc = 0.0;
        for w in &weights {
            acc += w / total;
            cdf.push(acc);
        }
        let mut docs = Vec::new();
        for d in 0..days {
            let n = if d >= days - 7 {
                (per_day as f64 * window_volume) as usize
            } else {
                per_day
            };
            for i in 0..n {
                let terms: Vec<String> = (0..8)
                    .map(|_| {
                        let u = rng.unit();
                        let r = cdf.partition_point(|&c| c < u).min(vocab - 1);
                        format!("词{r}")
                    })
                    .collect();
                docs.push(Document {
                    terms: Some(terms),
                    ..Document::new(format!("D{d}-{i}"), day(d), "")
                });
            }
        }
        docs
    }

    #[test]
    fn stationary_stream_flags_almost_nothing() {
        let seg = Segmenter::shared();
        let mut flagged = 0;
        let mut tested = 0;
        for seed in 1..=4 {
            let docs = stationary(seed, 6000, 35, 300, 1.6);
            let report =
                rising(&docs, &RisingOptions::new(day(34)), seg).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(report.window_total, 7 * 480);
            assert_eq!(report.baseline_total, 28 * 300);
            tested += report.tested_terms;
            flagged += report.significant_terms;
        }
        assert!(tested >= 4 * 3000, "only {tested} terms tested");
        assert!(
            flagged <= 1,
            "{flagged} false discoveries on a stationary stream"
        );
    }

    #[test]
    fn injected_topic_is_detected_and_ranked_first() {
        let seg = Segmenter::shared();
        let mut docs = stationary(7, 6000, 35, 300, 1.0);
        let mut rng = Rng(99);
        for doc in docs.iter_mut() {
            let in_window = doc.date >= day(28);
            let p = if in_window { 0.04 } else { 0.004 };
            if rng.unit() < p
                && let Some(t) = doc.terms.as_mut()
            {
                t.push("网点停业".into());
            }
        }
        let report =
            rising(&docs, &RisingOptions::new(day(34)), seg).unwrap_or_else(|e| panic!("{e}"));
        let first = &report.terms[0];
        assert_eq!(first.term, "网点停业");
        assert!(first.significant);
        assert!(first.growth > 5.0, "growth {}", first.growth);
        assert!(
            report.significant_terms <= 2,
            "{} significant",
            report.significant_terms
        );
        assert_eq!(first.example_ids.len(), 5);
        assert!(
            first
                .example_ids
                .iter()
                .all(|id| id.starts_with("D3") || id.starts_with("D28") || id.starts_with("D29"))
        );
    }

    #[test]
    fn large_rise_outranks_small_count_rise() {
        let seg = Segmenter::shared();
        let mut docs = Vec::new();
        // 100 documents a day over 35 days; `常见` appears in a third of them.
        let mut next = 0;
        let mut add = |docs: &mut Vec<Document>, d: u64, terms: &[&str]| {
            next += 1;
            docs.push(Document {
                terms: Some(terms.iter().map(|s| s.to_string()).collect()),
                ..Document::new(format!("N{next}"), day(d), "")
            });
        };
        for d in 0..35u64 {
            for i in 0..100 {
                let mut t = vec!["填充"];
                if i % 3 == 0 {
                    t.push("常见");
                }
                // real rise: 40 a week in the baseline (160 over 4 weeks), 160 in the window week
                let big = if d >= 28 {
                    i < 23
                } else if d < 20 {
                    i < 6
                } else {
                    i < 5
                };
                if big {
                    t.push("大幅上升");
                }
                // small counts: 1 in the baseline, 3 in the window
                if i == 50 && (d == 3 || d >= 32) {
                    t.push("零星");
                }
                add(&mut docs, d, &t);
            }
        }
        let report =
            rising(&docs, &RisingOptions::new(day(34)), seg).unwrap_or_else(|e| panic!("{e}"));
        let get = |w: &str| report.terms.iter().find(|t| t.term == w).cloned();
        let big = get("大幅上升").unwrap_or_else(|| panic!("missing"));
        let small = get("零星").unwrap_or_else(|| panic!("missing"));
        assert_eq!((small.baseline_docs, small.window_docs), (1, 3));
        assert_eq!((big.baseline_docs, big.window_docs), (160, 161));
        assert!(
            small.growth > big.growth,
            "the small term must have the larger ratio for this test"
        );
        assert!(big.significant && !small.significant);
        assert!(big.score > small.score);
        assert_eq!(report.terms[0].term, "大幅上升");
        let common = get("常见").unwrap_or_else(|| panic!("missing"));
        assert!(!common.significant, "{common:?}");
    }

    #[test]
    fn windows_and_validation() {
        let seg = Segmenter::shared();
        let docs = vec![
            Document {
                terms: Some(vec!["甲".into()]),
                ..Document::new("w", day(10), "")
            },
            Document {
                terms: Some(vec!["甲".into()]),
                ..Document::new("w0", day(4), "")
            },
            Document {
                terms: Some(vec!["甲".into()]),
                ..Document::new("b", day(3), "")
            },
            Document {
                terms: Some(vec!["甲".into()]),
                ..Document::new("old", day(0), "")
            },
            Document {
                terms: Some(vec!["甲".into()]),
                ..Document::new("future", day(11), "")
            },
        ];
        let mut opts = RisingOptions::new(day(10));
        opts.baseline_days = 3;
        let report = rising(&docs, &opts, seg).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.window_start, report.window_end), (day(4), day(10)));
        assert_eq!(
            (report.baseline_start, report.baseline_end),
            (day(1), day(3))
        );
        assert_eq!((report.window_total, report.baseline_total), (2, 1));
        opts.window_days = 0;
        assert!(matches!(
            rising(&docs, &opts, seg),
            Err(TextError::InvalidOption {
                name: "window_days",
                ..
            })
        ));
        let mut opts = RisingOptions::new(day(10));
        opts.fdr = 0.0;
        assert!(rising(&docs, &opts, seg).is_err());
    }
}
