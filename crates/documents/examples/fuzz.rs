//! Mutation fuzzing of every parser without a nightly toolchain:
//! `cargo run --release -p xiaobao-documents --example fuzz -- FORMAT N [SEED]`
//! with FORMAT one of text, html, docx, xlsx, pdf, image, or all.
//!
//! Each execution takes a real fixture (for DOCX and XLSX also the XML part
//! inside, re-zipped; for PDF also a copy with its streams decompressed, so
//! that mutations reach content streams and fonts rather than only breaking
//! checksums) and applies a few seeded random mutations: bit flips,
//! interesting bytes, deleted, duplicated or inserted runs, truncation. Any
//! panic is a failure, including one that `read_document` caught and turned
//! into an error (a panic hook counts them): the input is written to
//! `fuzz-crash-*.bin` and the run exits with status 1. Runs are
//! deterministic for a given seed.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use xiaobao_documents::image::DynamicImage;
use xiaobao_documents::{ImageTextReader, Limits, OcrLine, read_document};

/// Finds no text: lets scanned pages and images run through decoding.
struct Blank;

impl ImageTextReader for Blank {
    fn read(&self, _: &DynamicImage) -> Result<Vec<OcrLine>, String> {
        Ok(Vec::new())
    }
}

/// Panics seen by the hook, caught or not.
static PANICS: AtomicU64 = AtomicU64::new(0);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    const INTERESTING: [u8; 10] = [0, 1, 0x7F, 0x80, 0xFF, b'<', b'>', b'/', b'0', b'9'];
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 if len > 1 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                data.drain(start..end);
            }
            3 if len > 1 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let chunk = data[start..end].to_vec();
                let at = rng.below(len);
                data.splice(at..at, chunk);
            }
            4 => {
                let at = rng.below(len + 1);
                let bytes: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            5 if len > 1 => data.truncate(rng.below(len)),
            _ => {
                // A number somewhere becomes huge or negative.
                if let Some(i) = (0..8)
                    .map(|_| rng.below(len.max(1)))
                    .find(|&i| data.get(i).is_some_and(u8::is_ascii_digit))
                {
                    let n: &[u8] = [&b"99999999999"[..], b"-1", b"0", b"4294967296"][rng.below(4)];
                    data.splice(i..i + 1, n.iter().copied());
                }
            }
        }
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An OOXML package with one part replaced, stored uncompressed.
fn rezip(package: &[u8], part: &str, content: &[u8]) -> Vec<u8> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(package)).expect("fixture is a zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("fixture entry");
        let name = entry.name().expect("fixture entry name").to_string();
        out.start_file(name.as_str(), options).expect("zip write");
        if name == part {
            out.write_all(content).expect("zip write");
        } else {
            std::io::copy(&mut entry, &mut out).expect("zip copy");
        }
    }
    out.finish().expect("zip finish").into_inner()
}

fn part(package: &[u8], name: &str) -> Vec<u8> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(package)).expect("fixture is a zip");
    let mut entry = archive.by_name(name).expect("fixture part");
    let mut out = Vec::new();
    std::io::copy(&mut entry, &mut out).expect("read part");
    out
}

fn decompressed_pdf(bytes: &[u8]) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(bytes).expect("fixture PDF");
    doc.decompress();
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save PDF");
    out
}

/// How one execution's input is made.
enum Seed {
    Raw(Vec<u8>),
    Part {
        package: Vec<u8>,
        name: &'static str,
        xml: Vec<u8>,
    },
}

fn seeds(format: &str) -> Vec<Seed> {
    match format {
        "text" => ["marketing.md", "marketing-gbk.txt"]
            .map(|f| Seed::Raw(fixture(f)))
            .into(),
        "html" => vec![Seed::Raw(fixture("marketing.html"))],
        "docx" => {
            let docx = fixture("marketing.docx");
            let xml = part(&docx, "word/document.xml");
            vec![
                Seed::Raw(docx.clone()),
                Seed::Part {
                    package: docx,
                    name: "word/document.xml",
                    xml,
                },
            ]
        }
        "xlsx" => {
            let xlsx = fixture("products.xlsx");
            let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
            let strings = part(&xlsx, "xl/sharedStrings.xml");
            let workbook = part(&xlsx, "xl/workbook.xml");
            vec![
                Seed::Raw(xlsx.clone()),
                Seed::Part {
                    package: xlsx.clone(),
                    name: "xl/worksheets/sheet1.xml",
                    xml: sheet,
                },
                Seed::Part {
                    package: xlsx.clone(),
                    name: "xl/sharedStrings.xml",
                    xml: strings,
                },
                Seed::Part {
                    package: xlsx,
                    name: "xl/workbook.xml",
                    xml: workbook,
                },
            ]
        }
        "pdf" => {
            let marketing = fixture("marketing.pdf");
            let scanned = fixture("scanned.pdf");
            vec![
                Seed::Raw(decompressed_pdf(&marketing)),
                Seed::Raw(decompressed_pdf(&scanned)),
                Seed::Raw(marketing),
                Seed::Raw(fixture("scanned-jpeg.pdf")),
            ]
        }
        "image" => ["page.png", "page.jpg", "page.tiff", "page.webp"]
            .map(|f| Seed::Raw(fixture(f)))
            .into(),
        other => {
            eprintln!("unknown format {other}: text, html, docx, xlsx, pdf, image, all");
            std::process::exit(2);
        }
    }
}

fn run(format: &str, executions: u64, seed: u64) -> bool {
    let seeds = seeds(format);
    let mut rng = Rng(seed.max(1));
    let limits = Limits::default();
    let started = Instant::now();
    let (mut ok, mut refused) = (0u64, 0u64);
    let mut slowest = Duration::ZERO;
    for n in 0..executions {
        let input = match &seeds[n as usize % seeds.len()] {
            Seed::Raw(bytes) => {
                let mut data = bytes.clone();
                mutate(&mut rng, &mut data);
                data
            }
            Seed::Part { package, name, xml } => {
                let mut data = xml.clone();
                mutate(&mut rng, &mut data);
                rezip(package, name, &data)
            }
        };
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            read_document(&input, None, &limits, Some(&Blank))
        }));
        slowest = slowest.max(t.elapsed());
        let panicked = PANICS.swap(0, Ordering::SeqCst) > 0;
        match result {
            Ok(Ok(_)) if !panicked => ok += 1,
            Ok(Err(_)) if !panicked => refused += 1,
            _ => {
                let path = format!("fuzz-crash-{format}-{seed}-{n}.bin");
                let _ = std::fs::write(&path, &input);
                eprintln!("{format}: panic at execution {n}; input written to {path}");
                return false;
            }
        }
    }
    println!(
        "{format}: {executions} executions, seed {seed}, no panic: {ok} read, {refused} refused with an error; {:.1} s, slowest {} ms",
        started.elapsed().as_secs_f64(),
        slowest.as_millis()
    );
    true
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let format = args.first().map(String::as_str).unwrap_or("all");
    let executions: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(7);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    let formats: Vec<&str> = if format == "all" {
        vec!["text", "html", "docx", "xlsx", "pdf", "image"]
    } else {
        vec![format]
    };
    let mut clean = true;
    for f in formats {
        clean &= run(f, executions, seed);
    }
    std::process::exit(if clean { 0 } else { 1 });
}
