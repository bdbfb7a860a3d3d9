//! Writes the JSON of the report of every line of FILE under every scan
//! option (no material kind, then each kind in turn), one report per line,
//! so that two builds of the matcher can be compared byte for byte:
//!
//! `cargo run --release -p xiaobao-lexicon --example scan_digest -- FILE | sha256sum`

use std::io::Write;

use xiaobao_lexicon::{KnowledgeBase, Matcher, MaterialKind, ScanOptions};

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: scan_digest FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        eprintln!("cannot read {file}: {e}");
        std::process::exit(2)
    });
    let kb = KnowledgeBase::seed().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let matcher = Matcher::compile(&kb).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let options: Vec<ScanOptions> = std::iter::once(ScanOptions::default())
        .chain(MaterialKind::ALL.iter().copied().map(ScanOptions::for_kind))
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    for line in text.lines() {
        for opts in &options {
            let report = matcher.scan(line, opts);
            let written = serde_json::to_writer(&mut out, &report)
                .map_err(std::io::Error::from)
                .and_then(|()| out.write_all(b"\n"));
            if let Err(e) = written {
                eprintln!("cannot write: {e}");
                std::process::exit(2);
            }
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("cannot write: {e}");
        std::process::exit(2);
    }
}
