//! Quality of the shipped classifier on a held-out set of real complaint
//! texts (`data/eval/complaints.jsonl`, sources in `data/eval/README.md`).
//!
//! The set is never used for training or tuning; this program only reads it,
//! predicts each text with the default model and compares with the labels a
//! person assigned by reading the text.
//!
//! ```text
//! cargo run --release -p xiaobao-text --example eval_classify [-- data/eval/complaints.jsonl]
//! ```
//!
//! Prints accuracy, macro-F1 and per-class precision/recall for
//! `business_category` and `reason`, precision/recall of `is_complaint`
//! (positive class: a complaint), and with `--misses` every wrong prediction.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use serde::Deserialize;

#[path = "support/jsonl.rs"]
mod jsonl;

/// One labelled line of the evaluation file.
#[derive(Debug, Deserialize)]
struct Labelled {
    id: String,
    text: String,
    business_category: String,
    reason: String,
    is_complaint: bool,
}

/// Predicted and expected label of one text for one head.
struct Pair {
    expected: String,
    predicted: String,
}

/// Per-class counts behind precision and recall.
#[derive(Default)]
struct Counts {
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "  – ".to_string(), |x| format!("{x:.2}"))
}

/// Prints accuracy, macro-F1 over the classes present in the labels, and a
/// per-class table.
fn report_head(name: &str, pairs: &[Pair]) {
    let mut per: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut correct = 0;
    for p in pairs {
        if p.expected == p.predicted {
            correct += 1;
            per.entry(&p.expected).or_default().true_positive += 1;
        } else {
            per.entry(&p.expected).or_default().false_negative += 1;
            per.entry(&p.predicted).or_default().false_positive += 1;
        }
    }
    let labelled: BTreeSet<&str> = pairs.iter().map(|p| p.expected.as_str()).collect();
    // Macro-F1 over the classes that occur in the labels: a class the model
    // predicts but nobody labelled has no recall to average.
    let f1s: Vec<f64> = labelled
        .iter()
        .map(|c| {
            let k = &per[c];
            let p = ratio(k.true_positive, k.true_positive + k.false_positive).unwrap_or(0.0);
            let r = ratio(k.true_positive, k.true_positive + k.false_negative).unwrap_or(0.0);
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            }
        })
        .collect();
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len().max(1) as f64;
    println!(
        "{name}: n={} accuracy {:.3}, macro-F1 {:.3} ({} labelled classes)",
        pairs.len(),
        correct as f64 / pairs.len().max(1) as f64,
        macro_f1,
        labelled.len()
    );
    for (label, k) in &per {
        let support = k.true_positive + k.false_negative;
        println!(
            "  {label:<28} n={support:<3} precision {} recall {}",
            show(ratio(k.true_positive, k.true_positive + k.false_positive)),
            show(ratio(k.true_positive, support)),
        );
    }
}

fn main() -> ExitCode {
    let mut path = "data/eval/complaints.jsonl".to_string();
    let mut show_misses = false;
    for arg in std::env::args().skip(1) {
        if arg == "--misses" {
            show_misses = true;
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
    let model = match xiaobao_text::default_model() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };

    let mut category = Vec::new();
    let mut reason = Vec::new();
    let mut reason_complaints = Vec::new();
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    for r in &rows {
        let p = model.predict(&r.text);
        if show_misses
            && (p.business_category.label != r.business_category
                || p.reason.label != r.reason
                || p.is_complaint != r.is_complaint)
        {
            println!(
                "miss {}: expected {}/{}/{} got {}/{}/{} — {}",
                r.id,
                r.business_category,
                r.reason,
                r.is_complaint,
                p.business_category.label,
                p.reason.label,
                p.is_complaint,
                r.text.chars().take(40).collect::<String>()
            );
        }
        category.push(Pair {
            expected: r.business_category.clone(),
            predicted: p.business_category.label.clone(),
        });
        let pair = Pair {
            expected: r.reason.clone(),
            predicted: p.reason.label.clone(),
        };
        if r.is_complaint {
            reason_complaints.push(Pair {
                expected: pair.expected.clone(),
                predicted: pair.predicted.clone(),
            });
        }
        reason.push(pair);
        match (r.is_complaint, p.is_complaint) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    println!(
        "{} texts ({} complaints, {} enquiries/praise) from {path}",
        rows.len(),
        tp + fn_,
        fp + tn
    );
    report_head("business_category", &category);
    report_head("reason (all texts)", &reason);
    report_head("reason (complaints only)", &reason_complaints);
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    println!(
        "is_complaint: accuracy {:.3}, precision {} recall {} (tp {tp} fp {fp} fn {fn_} tn {tn}); \
         non-complaint precision {} recall {}",
        (tp + tn) as f64 / rows.len().max(1) as f64,
        show(precision),
        show(recall),
        show(ratio(tn, tn + fn_)),
        show(ratio(tn, tn + fp)),
    );
    ExitCode::SUCCESS
}
