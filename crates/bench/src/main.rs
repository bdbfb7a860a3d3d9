//! `xiaobao-bench`: benchmark helpers that anyone can rerun.
//!
//! - `gen-complaints --count N --output F.jsonl` writes N generated complaints
//!   (the demo generator: realistic texts, seasonal and branch effects,
//!   same-event bursts) in the import format, for `xiaobao import complaints`.
//! - `list-latency --database URL` times complaint lists and full-text
//!   searches through the store, as a head-office officer and as a branch
//!   handler, and prints p50/p95/max per query.
//!
//! - `term-stats --database URL` loads the term statistics of N generated
//!   complaints and times hot-word and rising-word queries.
//!
//! `scripts/bench-complaints` and `scripts/bench-analysis` run them on SQLite
//! and PostgreSQL.

mod term_stats;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};
use xiaobao_domain::complaint::china_date;
use xiaobao_store::Store;
use xiaobao_store::complaints::{ComplaintFilter, DeadlineFilter};

#[derive(Parser)]
#[command(name = "xiaobao-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write generated complaints as import JSON Lines.
    GenComplaints {
        #[arg(long)]
        count: usize,
        #[arg(long)]
        output: PathBuf,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Days the complaints span, ending today.
        #[arg(long, default_value_t = 365)]
        days: u32,
    },
    /// Load term statistics of generated complaints; time hot and rising words.
    TermStats {
        #[arg(long)]
        database: String,
        #[arg(long, default_value_t = 1_000_000)]
        complaints: usize,
        #[arg(long, default_value_t = 365)]
        days: u32,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Time complaint lists and searches against a loaded database.
    ListLatency {
        #[arg(long)]
        database: String,
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::GenComplaints {
            count,
            output,
            seed,
            days,
        } => gen_complaints(count, output, seed, days),
        Command::TermStats {
            database,
            complaints,
            days,
            runs,
        } => tokio::runtime::Runtime::new()?
            .block_on(term_stats::run(&database, complaints, days, runs)),
        Command::ListLatency { database, runs } => {
            tokio::runtime::Runtime::new()?.block_on(list_latency(&database, runs))
        }
    }
}

fn gen_complaints(count: usize, output: PathBuf, seed: u64, days: u32) -> anyhow::Result<()> {
    let file = std::fs::File::create(&output)
        .with_context(|| format!("cannot write {}", output.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let today = china_date(Utc::now());
    let started = Instant::now();
    for (i, g) in xiaobao_demo::complaints::stream(seed, count, today, days).enumerate() {
        let mut input = g.to_input();
        input.external_id = Some(format!("BENCH-{seed}-{i}"));
        serde_json::to_writer(&mut out, &input)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    eprintln!(
        "generated {count} complaints in {:.1} s → {}",
        started.elapsed().as_secs_f64(),
        output.display()
    );
    Ok(())
}

struct Timing {
    name: &'static str,
    millis: Vec<f64>,
    total: i64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn list_latency(database: &str, runs: usize) -> anyhow::Result<()> {
    let store = Store::open(database).await?;
    let officer = store.actor_by_username("cp_officer").await.context(
        "load the demo accounts first (the bench database is seeded with `serve --demo` accounts)",
    )?;
    let branch = store.actor_by_username("handler_hz").await?;
    let today = china_date(Utc::now());
    let card = xiaobao_domain::taxonomy::Taxonomy::embedded()?
        .validate(
            xiaobao_domain::taxonomy::Dimension::BusinessCategory,
            "银行卡",
        )?
        .code
        .clone();
    let page = |f: ComplaintFilter| ComplaintFilter {
        page: 1,
        per_page: 20,
        ..f
    };
    let cases: Vec<(&'static str, &xiaobao_domain::actor::Actor, ComplaintFilter)> = vec![
        (
            "all, newest first (head office)",
            &officer,
            page(ComplaintFilter::default()),
        ),
        (
            "all, newest first (branch handler)",
            &branch,
            page(ComplaintFilter::default()),
        ),
        (
            "page 50 (head office)",
            &officer,
            ComplaintFilter {
                page: 50,
                per_page: 20,
                ..Default::default()
            },
        ),
        (
            "open states + org subtree",
            &officer,
            page(ComplaintFilter {
                states: vec!["accepted".into(), "in_progress".into()],
                org: Some("NB".into()),
                ..Default::default()
            }),
        ),
        (
            "overdue (head office)",
            &officer,
            page(ComplaintFilter {
                deadline: Some(DeadlineFilter::Overdue),
                ..Default::default()
            }),
        ),
        (
            "last 30 days + category",
            &officer,
            page(ComplaintFilter {
                received_from: Some(today - chrono::Duration::days(30)),
                business_category: Some(card.clone()),
                ..Default::default()
            }),
        ),
        (
            "search 年费 (head office)",
            &officer,
            page(ComplaintFilter {
                search_tokens: Some("年费".into()),
                ..Default::default()
            }),
        ),
        (
            "search 暴力 催收 (head office)",
            &officer,
            page(ComplaintFilter {
                search_tokens: Some("暴力 催收".into()),
                ..Default::default()
            }),
        ),
        (
            "search 手机银行 (branch handler)",
            &branch,
            page(ComplaintFilter {
                search_tokens: Some("手机银行".into()),
                ..Default::default()
            }),
        ),
        (
            "search 年费 + category (branch handler)",
            &branch,
            page(ComplaintFilter {
                search_tokens: Some("年费".into()),
                business_category: Some(card.clone()),
                ..Default::default()
            }),
        ),
    ];
    let mut timings = Vec::new();
    for (name, actor, filter) in &cases {
        let mut millis = Vec::with_capacity(runs);
        let mut total = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let p = store.list_complaints(actor, filter, today, 3).await?;
            millis.push(t.elapsed().as_secs_f64() * 1000.0);
            total = p.total;
        }
        millis.sort_by(|a, b| a.total_cmp(b));
        timings.push(Timing {
            name,
            millis,
            total,
        });
    }
    println!("backend: {}", store.backend().as_str());
    println!("| query | matches | p50 ms | p95 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for t in &timings {
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} |",
            t.name,
            t.total,
            percentile(&t.millis, 50.0),
            percentile(&t.millis, 95.0),
            t.millis.last().copied().unwrap_or(0.0)
        );
    }
    Ok(())
}
