//! Reads the fixture pages listed in `pages.tsv` and reports, per page and per kind
//! (clean / degraded), the character error rate and seconds per page; with
//! `--tesseract`, runs Debian's `tesseract -l chi_sim --psm 6` on the same pages in
//! the same run and prints both side by side.
//!
//! ```sh
//! cargo run --release -p xiaobao-ocr --example ocr-eval -- crates/ocr/tests/fixtures \
//!     [--tesseract] [--repeat N] [--unclip R] [--batch N] [--max-side N]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use xiaobao_ocr::metrics::character_error_rate;
use xiaobao_ocr::{OcrEngine, OcrOptions, decode_image};

struct Page {
    image: PathBuf,
    kind: String,
    reference: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut tesseract = false;
    let mut repeat = 1usize;
    let mut options = OcrOptions::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tesseract" => tesseract = true,
            "--repeat" => repeat = args.next().ok_or("--repeat N")?.parse()?,
            "--unclip" => options.unclip_ratio = args.next().ok_or("--unclip R")?.parse()?,
            "--batch" => options.batch_size = args.next().ok_or("--batch N")?.parse()?,
            "--max-side" => options.max_side = args.next().ok_or("--max-side N")?.parse()?,
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.ok_or("usage: ocr-eval FIXTURE_DIR [--tesseract] [--repeat N] [--unclip R] [--batch N] [--max-side N]")?;
    let pages = read_manifest(&dir)?;

    let load_started = Instant::now();
    let engine = OcrEngine::new()?;
    let load = load_started.elapsed();
    println!("model load: {:.3} s", load.as_secs_f64());
    // rten runs each model on a rayon pool of one thread per physical core unless
    // RTEN_NUM_THREADS says otherwise; per-page figures depend on it.
    match std::env::var("RTEN_NUM_THREADS") {
        Ok(n) => println!("xiaobao-ocr threads: {n} (RTEN_NUM_THREADS)"),
        Err(_) => println!("xiaobao-ocr threads: rten's default, one per physical core"),
    }

    let mut totals: BTreeMap<String, Totals> = BTreeMap::new();
    println!(
        "{:<24} {:>8} {:>8} {:>8}{}",
        "page",
        "CER",
        "wall s",
        "CPU s",
        if tesseract {
            "   tesseract CER   wall s    CPU s"
        } else {
            ""
        }
    );
    for page in &pages {
        let bytes = std::fs::read(&page.image)?;
        let image = decode_image(&bytes)?;
        let mut text = String::new();
        let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
        for _ in 0..repeat {
            let (cpu_before, _) = cpu_seconds();
            let started = Instant::now();
            let result = engine.recognize(&image, &options)?;
            wall = wall.min(started.elapsed().as_secs_f64());
            cpu = cpu.min(cpu_seconds().0 - cpu_before);
            text = result.text();
        }
        let cer = character_error_rate(&page.reference, &text);
        let name = page.image.file_name().unwrap_or_default().to_string_lossy();
        let entry = totals.entry(page.kind.clone()).or_default();
        entry.pages += 1.0;
        entry.ours.add(cer, wall, cpu);
        let mut line = format!("{name:<24} {:>7.2}% {wall:>8.3} {cpu:>8.2}", cer * 100.0);
        if tesseract {
            let (t_text, t_wall, t_cpu) = run_tesseract(&page.image, repeat)?;
            let t_cer = character_error_rate(&page.reference, &t_text);
            entry.tesseract.add(t_cer, t_wall, t_cpu);
            line += &format!("   {:>12.2}% {t_wall:>8.3} {t_cpu:>8.2}", t_cer * 100.0);
        }
        println!("{line}");
        if std::env::var_os("OCR_EVAL_SHOW").is_some() {
            println!("{text}");
        }
    }
    println!();
    for (kind, t) in &totals {
        let n = t.pages;
        println!(
            "{kind:<9} {n:>2} pages  xiaobao-ocr: CER {:.2}%, {:.3} s/page wall, {:.2} CPU s/page",
            t.ours.cer / n * 100.0,
            t.ours.wall / n,
            t.ours.cpu / n
        );
        if tesseract {
            println!(
                "{:<9} {n:>2} pages  tesseract:   CER {:.2}%, {:.3} s/page wall, {:.2} CPU s/page",
                "",
                t.tesseract.cer / n * 100.0,
                t.tesseract.wall / n,
                t.tesseract.cpu / n
            );
            println!(
                "{:<9}           time ratio tesseract / xiaobao-ocr: wall {:.2}, CPU {:.2}",
                "",
                t.tesseract.wall / t.ours.wall,
                t.tesseract.cpu / t.ours.cpu
            );
        }
    }
    Ok(())
}

#[derive(Default)]
struct Sums {
    cer: f64,
    wall: f64,
    cpu: f64,
}

impl Sums {
    fn add(&mut self, cer: f64, wall: f64, cpu: f64) {
        self.cer += cer;
        self.wall += wall;
        self.cpu += cpu;
    }
}

#[derive(Default)]
struct Totals {
    pages: f64,
    ours: Sums,
    tesseract: Sums,
}

/// CPU seconds used so far by this process (`own`) and by its waited-for children,
/// from /proc/self/stat: on a shared machine CPU time is steadier than wall time.
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime is field 14 overall.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let tick = 100.0; // USER_HZ on Linux
    let get = |i: usize| f.get(i).copied().unwrap_or(0.0) / tick;
    // rest[0] is field 3 (state): utime 14 -> 11, stime 15 -> 12, cutime 16 -> 13, cstime 17 -> 14.
    (get(11) + get(12), get(13) + get(14))
}

fn read_manifest(dir: &Path) -> Result<Vec<Page>, Box<dyn std::error::Error>> {
    let manifest = std::fs::read_to_string(dir.join("pages.tsv"))?;
    let mut pages = Vec::new();
    for line in manifest.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [image, kind, references] = fields[..] else {
            return Err(format!("bad manifest line: {line}").into());
        };
        let mut reference = String::new();
        for name in references.split(',') {
            reference += &std::fs::read_to_string(dir.join("texts").join(name))?;
        }
        pages.push(Page {
            image: dir.join("pages").join(image),
            kind: kind.to_owned(),
            reference,
        });
    }
    Ok(pages)
}

/// Runs tesseract `repeat` times on one page; the text, the fastest wall time
/// (process start included, as a user of the command sees it) and the least CPU time.
fn run_tesseract(
    image: &Path,
    repeat: usize,
) -> Result<(String, f64, f64), Box<dyn std::error::Error>> {
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    let mut text = String::new();
    for _ in 0..repeat {
        let (_, children_before) = cpu_seconds();
        let started = Instant::now();
        let output = Command::new("tesseract")
            .arg(image)
            .args(["stdout", "-l", "chi_sim", "--psm", "6"])
            .env("OMP_THREAD_LIMIT", "1")
            .output()?;
        wall = wall.min(started.elapsed().as_secs_f64());
        cpu = cpu.min(cpu_seconds().1 - children_before);
        if !output.status.success() {
            return Err(format!("tesseract failed on {}", image.display()).into());
        }
        text = String::from_utf8_lossy(&output.stdout).into_owned();
    }
    Ok((text, wall, cpu))
}
