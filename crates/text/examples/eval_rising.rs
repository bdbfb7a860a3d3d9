//! Precision and recall of rising-word detection on streams where a known
//! topic is made to rise, built from the real complaint texts of
//! `data/eval/complaints.jsonl`.
//!
//! ```text
//! cargo run --release -p xiaobao-text --example eval_rising [-- data/eval/complaints.jsonl] [--trials 50]
//! ```
//!
//! For each topic (a group of real texts about one problem) the topic's
//! texts are taken out of the background; every trial then builds a 35-day
//! stream (28-day baseline, 7-day window) of `DAILY` background documents a
//! day, drawn at random from the remaining texts, plus the topic's texts at a
//! low baseline rate and, in the window, at a share of the daily volume that
//! rises linearly to a peak (0 % = a null stream with no rise). The stream
//! goes through [`xiaobao_text::rising`] with its default options, and the
//! `significant` terms are compared with the topic:
//!
//! * precision — share of significant terms that occur in the topic's texts;
//! * recall — share of the topic's core terms (in at least two of its texts)
//!   flagged significant;
//! * on null streams, the number of significant terms is the false-alarm count.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use serde::Deserialize;

#[path = "support/jsonl.rs"]
mod jsonl;
use xiaobao_text::{Document, RisingOptions, Segmenter};

/// Background documents a day.
const DAILY: usize = 40;
/// Expected topic documents a day in the baseline (the topic existed before).
const BASELINE_TOPIC_RATE: f64 = 0.25;
/// Peak topic share of the daily volume on the window's last day.
const PEAKS: [f64; 4] = [0.0, 0.05, 0.10, 0.20];

#[derive(Debug, Deserialize)]
struct Labelled {
    id: String,
    text: String,
    business_category: String,
    reason: String,
    is_complaint: bool,
}

/// A topic: a name and a rule picking its texts from the labelled set.
struct Topic {
    name: &'static str,
    picks: fn(&Labelled) -> bool,
}

const TOPICS: [Topic; 3] = [
    Topic {
        name: "存款变保险 (银行代理业务)",
        picks: |r| r.business_category == "银行代理业务",
    },
    Topic {
        name: "催收 (债务催收方式和手段 complaints)",
        picks: |r| r.is_complaint && r.reason == "债务催收方式和手段",
    },
    Topic {
        name: "盗刷 (银行卡 / 消费者资金安全)",
        picks: |r| {
            r.is_complaint && r.business_category == "银行卡" && r.reason == "消费者资金安全"
        },
    },
];

/// SplitMix64: a small, well-mixed generator, so runs are reproducible
/// without a random-number dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A count with mean `mean`: the integer part plus a Bernoulli draw for
    /// the fraction, which is all a stream needs.
    fn count(&mut self, mean: f64) -> usize {
        let whole = mean.floor();
        whole as usize + usize::from(self.unit() < mean - whole)
    }
}

/// One pre-segmented text.
struct Text {
    terms: Vec<String>,
}

struct Tally {
    trials: usize,
    significant: usize,
    significant_on_topic: usize,
    core_found: usize,
    core_total: usize,
    trials_with_detection: usize,
}

fn main() -> ExitCode {
    let mut path = "data/eval/complaints.jsonl".to_string();
    let mut trials = 50usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--trials" {
            match args.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => trials = n,
                _ => {
                    eprintln!("--trials 需要一个正整数");
                    return ExitCode::from(2);
                }
            }
        } else {
            path = arg;
        }
    }
    let rows: Vec<Labelled> = match jsonl::read(&path) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let seg = Segmenter::shared();
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date");
    let options = RisingOptions {
        top: usize::MAX,
        ..RisingOptions::new(as_of)
    };
    let first_day = as_of - Days::new(34);

    println!(
        "{} texts from {path}; {DAILY} background documents a day, 28-day baseline, 7-day window, \
         topic baseline rate {BASELINE_TOPIC_RATE}/day, {trials} trials per cell, FDR {}",
        rows.len(),
        options.fdr
    );
    for topic in &TOPICS {
        let (topic_rows, background_rows): (Vec<&Labelled>, Vec<&Labelled>) =
            rows.iter().partition(|r| (topic.picks)(r));
        if topic_rows.len() < 2 || background_rows.is_empty() {
            eprintln!("话题「{}」的文本不足", topic.name);
            return ExitCode::from(2);
        }
        let to_text = |r: &&Labelled| Text {
            terms: seg.terms(&r.text),
        };
        let topic_texts: Vec<Text> = topic_rows.iter().map(to_text).collect();
        let background: Vec<Text> = background_rows.iter().map(to_text).collect();
        let vocabulary: BTreeSet<&str> = topic_texts
            .iter()
            .flat_map(|t| t.terms.iter().map(String::as_str))
            .collect();
        let mut doc_freq: HashMap<&str, usize> = HashMap::new();
        for t in &topic_texts {
            let distinct: BTreeSet<&str> = t.terms.iter().map(String::as_str).collect();
            for term in distinct {
                *doc_freq.entry(term).or_default() += 1;
            }
        }
        let core: BTreeSet<&str> = doc_freq
            .iter()
            .filter(|(_, n)| **n >= 2)
            .map(|(t, _)| *t)
            .collect();
        println!(
            "\ntopic {}: {} texts ({}), {} core terms: {}",
            topic.name,
            topic_rows.len(),
            topic_rows
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            core.len(),
            core.iter().copied().collect::<Vec<_>>().join(" ")
        );
        for peak in PEAKS {
            let mut tally = Tally {
                trials,
                significant: 0,
                significant_on_topic: 0,
                core_found: 0,
                core_total: 0,
                trials_with_detection: 0,
            };
            let mut injected = 0usize;
            for trial in 0..trials {
                let mut rng = Rng(0x5EED_0000 + trial as u64 * 7919 + (peak * 1000.0) as u64);
                let mut docs = Vec::new();
                for day in 0..35u64 {
                    let date = first_day + Days::new(day);
                    let mut push = |text: &Text, n: usize| {
                        docs.push(Document {
                            id: format!("T{trial}-{day}-{n}"),
                            date,
                            org: None,
                            business_category: None,
                            channel: None,
                            text: String::new(),
                            terms: Some(text.terms.clone()),
                        });
                    };
                    for n in 0..DAILY {
                        push(&background[rng.below(background.len())], n);
                    }
                    let topic_mean = if day < 28 {
                        BASELINE_TOPIC_RATE
                    } else {
                        // Window day 1..=7: share rises linearly to the peak.
                        let step = (day - 27) as f64 / 7.0;
                        BASELINE_TOPIC_RATE + peak * step * DAILY as f64
                    };
                    let k = rng.count(topic_mean);
                    if day >= 28 {
                        injected += k;
                    }
                    for n in 0..k {
                        push(&topic_texts[rng.below(topic_texts.len())], DAILY + n);
                    }
                }
                let report = match xiaobao_text::rising(&docs, &options, seg) {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(2);
                    }
                };
                let significant: Vec<&str> = report
                    .terms
                    .iter()
                    .filter(|t| t.significant)
                    .map(|t| t.term.as_str())
                    .collect();
                tally.significant += significant.len();
                tally.significant_on_topic += significant
                    .iter()
                    .filter(|t| vocabulary.contains(**t))
                    .count();
                tally.core_found += significant.iter().filter(|t| core.contains(**t)).count();
                tally.core_total += core.len();
                if significant.iter().any(|t| core.contains(*t)) {
                    tally.trials_with_detection += 1;
                }
            }
            let precision = (tally.significant > 0)
                .then(|| tally.significant_on_topic as f64 / tally.significant as f64);
            println!(
                "  peak share {:>4.0}%: window topic docs/trial {:>5.1}; significant terms/trial {:>5.2}; \
                 precision {}; recall of core terms {:.2}; trials with a core term flagged {}/{}",
                peak * 100.0,
                injected as f64 / trials as f64,
                tally.significant as f64 / tally.trials as f64,
                precision.map_or_else(|| "  – ".to_string(), |p| format!("{p:.2}")),
                tally.core_found as f64 / tally.core_total.max(1) as f64,
                tally.trials_with_detection,
                tally.trials
            );
        }
    }
    ExitCode::SUCCESS
}
