//! Quality of the seed knowledge base on a held-out set of real marketing,
//! agreement, script, collection and service texts
//! (`data/eval/marketing.jsonl`, sources in `data/eval/README.md`).
//!
//! The set is never used to write or tune knowledge-base entries; this
//! program scans each text with the seed knowledge base, for the text's own
//! material kind, and compares with the violations a person labelled.
//!
//! ```text
//! cargo run --release -p xiaobao-lexicon --example eval_scan [-- data/eval/marketing.jsonl] [--misses]
//! ```
//!
//! A text counts as flagged when the scan has at least one 禁止 or 警示
//! finding (提示 findings and missing disclosures do not count); it counts
//! as a violation when its label list is not empty. Per category, a text is
//! predicted in a category when a 禁止/警示 finding of that category fires.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use serde::Deserialize;
use xiaobao_lexicon::{KnowledgeBase, Matcher, MaterialKind, ScanOptions, Severity};

/// One labelled line of the evaluation file.
#[derive(Debug, Deserialize)]
struct Labelled {
    id: String,
    kind: String,
    text: String,
    violations: Vec<String>,
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, expected: bool, predicted: bool) {
        match (expected, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn precision(&self) -> Option<f64> {
        (self.tp + self.fp > 0).then(|| self.tp as f64 / (self.tp + self.fp) as f64)
    }
    fn recall(&self) -> Option<f64> {
        (self.tp + self.fn_ > 0).then(|| self.tp as f64 / (self.tp + self.fn_) as f64)
    }
    fn f1(&self) -> Option<f64> {
        match (self.precision(), self.recall()) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        }
    }
}

fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "  – ".to_string(), |x| format!("{x:.2}"))
}

fn main() -> ExitCode {
    let mut path = "data/eval/marketing.jsonl".to_string();
    let mut show_misses = false;
    for arg in std::env::args().skip(1) {
        if arg == "--misses" {
            show_misses = true;
        } else {
            path = arg;
        }
    }
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("无法读取 {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let kb = match KnowledgeBase::seed() {
        Ok(kb) => kb,
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("{d}");
            }
            return ExitCode::from(2);
        }
    };
    let matcher = match Matcher::compile(&kb) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };

    let mut text_level = Counts::default();
    let mut per_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut per_category: BTreeMap<String, Counts> = BTreeMap::new();
    let mut missing_disclosures = 0usize;
    let mut rows = 0usize;
    for (i, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Labelled = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}:{}: 格式错误: {e}", i + 1);
                return ExitCode::from(2);
            }
        };
        let Some(kind) = MaterialKind::parse(&row.kind) else {
            eprintln!("{path}:{}: 未知的材料类型 {}", i + 1, row.kind);
            return ExitCode::from(2);
        };
        rows += 1;
        let report = matcher.scan(&row.text, &ScanOptions::for_kind(kind));
        missing_disclosures += report.missing_disclosures.len();
        let predicted: BTreeSet<String> = report
            .findings
            .iter()
            .filter(|f| matches!(f.severity, Severity::Forbidden | Severity::Warning))
            .map(|f| f.category.as_str().to_string())
            .collect();
        let expected: BTreeSet<String> = row.violations.iter().cloned().collect();
        text_level.add(!expected.is_empty(), !predicted.is_empty());
        per_kind
            .entry(row.kind.clone())
            .or_default()
            .add(!expected.is_empty(), !predicted.is_empty());
        for c in expected.union(&predicted) {
            per_category
                .entry(c.clone())
                .or_default()
                .add(expected.contains(c), predicted.contains(c));
        }
        if show_misses && expected != predicted {
            let fired: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{}「{}」{}", f.entry_id, f.text, f.severity.as_str()))
                .collect();
            println!(
                "diff {}: labelled {:?} found {:?} [{}] — {}",
                row.id,
                expected,
                predicted,
                fired.join(", "),
                row.text.chars().take(40).collect::<String>()
            );
        }
    }
    let t = &text_level;
    println!(
        "{rows} texts from {path}: {} labelled with a violation, {} clean",
        t.tp + t.fn_,
        t.fp + t.tn
    );
    println!(
        "text level (flagged = any 禁止/警示 finding): precision {} recall {} F1 {} (tp {} fp {} fn {} tn {})",
        show(t.precision()),
        show(t.recall()),
        show(t.f1()),
        t.tp,
        t.fp,
        t.fn_,
        t.tn
    );
    for (kind, c) in &per_kind {
        println!(
            "  kind {kind:<10} n={:<3} precision {} recall {} (tp {} fp {} fn {} tn {})",
            c.tp + c.fp + c.fn_ + c.tn,
            show(c.precision()),
            show(c.recall()),
            c.tp,
            c.fp,
            c.fn_,
            c.tn
        );
    }
    println!("per category (a text counts once per category):");
    for (cat, c) in &per_category {
        println!(
            "  {cat:<10} labelled {:<3} found {:<3} precision {} recall {}",
            c.tp + c.fn_,
            c.tp + c.fp,
            show(c.precision()),
            show(c.recall())
        );
    }
    println!("missing-disclosure findings (not counted above): {missing_disclosures}");
    ExitCode::SUCCESS
}
