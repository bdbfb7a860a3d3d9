//! `term-stats`: the analysis queries (hot words, rising words) at scale.
//!
//! Loads the term statistics of N generated complaints (segmented on every
//! core and added the way the server's counting job adds them, without
//! storing the complaints themselves), then times hot-word and rising-word
//! queries through the service layer for the whole bank, one branch, and
//! one category.

use std::time::Instant;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use xiaobao_domain::actor::Actor;
use xiaobao_domain::complaint::china_date;
use xiaobao_domain::taxonomy::{Dimension, Taxonomy};
use xiaobao_service::Services;
use xiaobao_service::analysis::{AnalysisFilter, period_ending};
use xiaobao_store::Store;
use xiaobao_store::term_stats::TermDoc;
use xiaobao_text::{RisingOptions, Segmenter};

const BATCH: usize = 20_000;

pub async fn run(database: &str, complaints: usize, days: u32, runs: usize) -> anyhow::Result<()> {
    let store = Store::open(database).await?;
    xiaobao_demo::seed(&store).await?;
    let today = china_date(Utc::now());
    let loaded: i64 = store.term_stats_days().await?.iter().map(|d| d.docs).sum();
    if loaded == 0 {
        load(&store, complaints, days, today).await?;
    } else {
        eprintln!("statistics of {loaded} complaints already loaded; timing queries only");
    }
    let keys = xiaobao_pii::KeyRing::generate()?;
    let services = Services::new(
        store.clone(),
        xiaobao_pii::Pii::new(keys, xiaobao_pii::MaskPolicy::default()),
    )?;
    let started = Instant::now();
    let days = services.refresh_term_index().await?;
    println!(
        "in-memory statistics of {days} days loaded in {:.2} s (once per instance start)",
        started.elapsed().as_secs_f64()
    );
    let actor = Actor::system();
    let whole = AnalysisFilter::default();
    let branch = AnalysisFilter {
        org: Some("HZ".into()),
        ..AnalysisFilter::default()
    };
    let category = AnalysisFilter {
        business_category: Some("银行卡".into()),
        ..AnalysisFilter::default()
    };
    let channel = AnalysisFilter {
        channel: Some("手机银行".into()),
        ..AnalysisFilter::default()
    };
    let from30 = period_ending(today, 30);
    let rising = RisingOptions::new(today);
    println!("backend: {}", store.backend().as_str());
    println!("| query | p50 ms | p95 ms | max ms |");
    println!("|---|---:|---:|---:|");
    for (name, filter) in [
        ("whole bank", &whole),
        ("one branch (HZ subtree)", &branch),
        ("one category (银行卡)", &category),
        ("one channel (手机银行)", &channel),
    ] {
        let hot = time(runs, || async {
            services
                .hot_terms(&actor, filter, from30, today, 50)
                .await
                .map(|_| ())
        })
        .await?;
        row(&format!("hot words, 30 days, {name}"), hot);
        let rise = time(runs, || async {
            services
                .rising_terms(&actor, filter, &rising)
                .await
                .map(|_| ())
        })
        .await?;
        row(&format!("rising words, 7 vs 28 days, {name}"), rise);
    }
    Ok(())
}

async fn load(store: &Store, complaints: usize, days: u32, today: NaiveDate) -> anyhow::Result<()> {
    let taxonomy = Taxonomy::embedded()?;
    let started = Instant::now();
    let mut stream = xiaobao_demo::complaints::stream(3, complaints, today, days);
    let mut done = 0usize;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    loop {
        let batch: Vec<_> = stream.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let mut docs = Vec::with_capacity(batch.len());
        for g in &batch {
            let category = taxonomy
                .validate(Dimension::BusinessCategory, &g.business_category)
                .context("generated category")?
                .code
                .clone();
            let channel = taxonomy
                .validate(Dimension::Channel, &g.channel)
                .context("generated channel")?
                .code
                .clone();
            docs.push(TermDoc {
                id: g.external_id.clone(),
                day: china_date(g.received_at).to_string(),
                org_code: g.org_code.clone(),
                business_category: category,
                channel,
                terms: Vec::new(),
            });
        }
        let chunk = docs.len().div_ceil(threads);
        std::thread::scope(|s| {
            for (part, src) in docs.chunks_mut(chunk).zip(batch.chunks(chunk)) {
                s.spawn(move || {
                    let seg = Segmenter::shared();
                    for (d, g) in part.iter_mut().zip(src) {
                        let mut t = seg.terms(&format!("{} {}", g.title, g.content));
                        t.sort_unstable();
                        t.dedup();
                        d.terms = t;
                    }
                });
            }
        });
        store.add_term_counts(&docs).await?;
        done += docs.len();
        eprint!(
            "\rloaded statistics of {done} complaints ({:.0}/s)",
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    eprintln!();
    println!(
        "statistics of {done} complaints loaded in {:.1} s ({:.0} complaints/s, segmentation included)",
        started.elapsed().as_secs_f64(),
        done as f64 / started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn time<F, Fut, E>(runs: usize, mut f: F) -> anyhow::Result<Vec<f64>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::error::Error + Send + Sync + 'static,
{
    let mut millis = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        millis.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    millis.sort_by(|a, b| a.total_cmp(b));
    Ok(millis)
}

fn row(name: &str, millis: Vec<f64>) {
    println!(
        "| {name} | {:.1} | {:.1} | {:.1} |",
        crate::percentile(&millis, 50.0),
        crate::percentile(&millis, 95.0),
        millis.last().copied().unwrap_or(0.0)
    );
}
