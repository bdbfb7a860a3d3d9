//! Scans stdin lines with the seed knowledge base and prints findings; a
//! quick way to try wording against the KB while editing it.
//!
//! `cargo run -p xiaobao-lexicon --example lexscan -- [kind] < texts.txt`

use std::io::Read;

use xiaobao_lexicon::{KnowledgeBase, Matcher, MaterialKind, ScanOptions};

fn main() {
    let kb = match KnowledgeBase::seed() {
        Ok(kb) => kb,
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("{d}");
            }
            std::process::exit(2);
        }
    };
    let matcher = match Matcher::compile(&kb) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let kind = std::env::args()
        .nth(1)
        .and_then(|k| MaterialKind::parse(&k));
    let opts = ScanOptions { kind };
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        std::process::exit(2);
    }
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let report = matcher.scan(line, &opts);
        println!("» {line}");
        for f in &report.findings {
            println!(
                "    {}..{} 「{}」 {} {} {}",
                f.start, f.end, f.text, f.entry_id, f.severity, f.title
            );
        }
        for m in &report.missing_disclosures {
            println!("    缺失 {} {} {}", m.rule_id, m.severity, m.title);
        }
    }
}
