//! Scan throughput of the full knowledge base: every line of FILE is one
//! text and is scanned (normalisation, literal automaton, regexes,
//! proximity and context rules, allow-lists, disclosure duties, complete
//! findings with excerpts), and the literal deny terms are written to TERMS
//! so that other matchers can be run on the same list.
//!
//! `cargo run --release -p xiaobao-lexicon --example scan_bench -- FILE TERMS [THREADS]`
//!
//! With THREADS above 1 the lines are split into that many contiguous
//! chunks scanned at the same time, all with one shared [`Matcher`].
//! The time includes compiling the knowledge base.
//!
//! Prints one line:
//! `xiaobao <threads> <MB> <seconds> <MB/s> <findings> <peak RSS MiB>`.

use std::time::Instant;

use xiaobao_lexicon::{KnowledgeBase, Matcher, ScanOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(terms_out)) = (args.next(), args.next()) else {
        eprintln!("usage: scan_bench FILE TERMS [THREADS]");
        std::process::exit(2);
    };
    let threads = match args.next().map(|t| t.parse::<usize>()) {
        None => 1,
        Some(Ok(t)) if t > 0 => t,
        Some(_) => {
            eprintln!("THREADS must be a positive number");
            std::process::exit(2);
        }
    };
    let kb = KnowledgeBase::seed().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let mut terms: Vec<String> = kb
        .entries
        .iter()
        .filter(|e| e.enabled)
        .flat_map(|e| e.terms.iter().cloned())
        .collect();
    terms.sort();
    terms.dedup();
    if let Err(e) = std::fs::write(&terms_out, terms.join("\n") + "\n") {
        eprintln!("cannot write {terms_out}: {e}");
        std::process::exit(2);
    }
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        eprintln!("cannot read {file}: {e}");
        std::process::exit(2)
    });
    let lines: Vec<&str> = text.lines().collect();

    let started = Instant::now();
    let matcher = Matcher::compile(&kb).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let options = ScanOptions::default();
    let scan = |chunk: &[&str]| -> usize {
        chunk
            .iter()
            .map(|line| matcher.scan(line, &options).findings.len())
            .sum()
    };
    let findings = if threads == 1 {
        scan(&lines)
    } else {
        let chunk = lines.len().div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = lines.chunks(chunk).map(|c| s.spawn(|| scan(c))).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        eprintln!("a scan thread failed");
                        std::process::exit(2)
                    })
                })
                .sum()
        })
    };
    let secs = started.elapsed().as_secs_f64();
    let mb = text.len() as f64 / 1e6;
    println!(
        "xiaobao {threads} {mb:.1} {secs:.3} {:.2} {findings} {:.0}",
        mb / secs,
        peak_rss_mib()
    );
}

/// Peak resident memory of this process (Linux), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
