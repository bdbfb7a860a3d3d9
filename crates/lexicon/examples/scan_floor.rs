//! Lower bounds of the scan: how fast the first stages alone go on the
//! same text as `scan_bench`, so that the cost of everything after them
//! (context rules, regexes, disclosure duties, findings) can be told apart.
//!
//! `cargo run --release -p xiaobao-lexicon --example scan_floor -- FILE`
//!
//! Every line of FILE is one text. Prints three lines, `<stage> <seconds>
//! <MB/s>`: normalisation alone; normalisation followed by a character-wise
//! automaton (daachorse, overlapping search) over the normalised deny terms
//! of the seed knowledge base; and the complete `Matcher::scan`.

use std::time::Instant;

use daachorse::CharwiseDoubleArrayAhoCorasick;
use xiaobao_lexicon::normalize::{Normalized, normalize_into, normalize_literal};
use xiaobao_lexicon::{KnowledgeBase, Matcher, ScanOptions};

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: scan_floor FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        eprintln!("cannot read {file}: {e}");
        std::process::exit(2)
    });
    let lines: Vec<&str> = text.lines().collect();
    let mb = text.len() as f64 / 1e6;
    let kb = KnowledgeBase::seed().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut terms: Vec<String> = kb
        .entries
        .iter()
        .filter(|e| e.enabled)
        .flat_map(|e| e.terms.iter().map(|t| normalize_literal(t)))
        .filter(|t| !t.is_empty())
        .collect();
    terms.sort();
    terms.dedup();
    let automaton = CharwiseDoubleArrayAhoCorasick::<u32>::new(&terms).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let matcher = Matcher::compile(&kb).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    // Builds the normalisation tables before timing.
    let mut n = Normalized::default();
    normalize_into("預期收益", &mut n);

    let report = |stage: &str, secs: f64, count: usize| {
        println!("{stage} {secs:.3} {:.1} ({count})", mb / secs);
    };

    let started = Instant::now();
    let mut chars = 0;
    for line in &lines {
        normalize_into(line, &mut n);
        chars += n.len();
    }
    report("normalise", started.elapsed().as_secs_f64(), chars);

    let started = Instant::now();
    let mut hits = 0;
    for line in &lines {
        normalize_into(line, &mut n);
        hits += automaton.find_overlapping_iter(n.as_str()).count();
    }
    report(
        "normalise+deny-automaton",
        started.elapsed().as_secs_f64(),
        hits,
    );

    let started = Instant::now();
    let hits: usize = lines
        .iter()
        .map(|line| matcher.count_literal_occurrences(line))
        .sum();
    report(
        "normalise+literal-automaton",
        started.elapsed().as_secs_f64(),
        hits,
    );

    let options = ScanOptions::default();
    let started = Instant::now();
    let findings: usize = lines
        .iter()
        .map(|line| matcher.scan(line, &options).findings.len())
        .sum();
    report("scan", started.elapsed().as_secs_f64(), findings);
}
