//! False-alarm rate of `volume_spike` and `rising_term` on streams without
//! change.
//!
//! Each stream has ten organisations receiving 1 to 8 complaints on an
//! average day (Poisson, with a weekday profile: busy Mondays, quiet
//! weekends), each with its own mix of six business categories and texts
//! assembled from the same sentence parts all year. Nothing changes, so every
//! alert is a false alarm. The shipped rules are replayed day by day through
//! the backtest, and the report gives:
//!
//! * per unit-day: alerting units / units tested (organisations and
//!   organisation × category for `volume_spike`; terms tested in all scopes
//!   for `rising_term`);
//! * per stream: distinct alerts (as the backtest prints them) per stream and
//!   per stream-year.
//!
//! Run: `cargo run --release -p xiaobao-alerts --example false_alarms -- [STREAMS] [DAYS]`

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use xiaobao_alerts::{Evaluator, Records, RuleKind, RuleSet};
use xiaobao_text::rising::{RisingOptions, rising};
use xiaobao_text::{Scope, Segmenter};

fn main() {
    let mut args = std::env::args().skip(1);
    let streams: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let days: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(180);
    let rules = match RuleSet::embedded() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let seg = Segmenter::shared();
    // History before the first evaluated day: the longest baseline.
    let volume_baseline = u64::from(rules.volume_spike.params.baseline_days);
    let rising_span = rules.rising_term.params.window_days + rules.rising_term.params.baseline_days;
    let warmup = volume_baseline.max(u64::from(rising_span));
    let started = Instant::now();

    let mut volume_rules = rules.clone();
    let mut rising_rules = rules.clone();
    for r in [&mut volume_rules, &mut rising_rules] {
        r.escalation_language.enabled = false;
        r.same_event_cluster.enabled = false;
        r.repeat_complainant.enabled = false;
        r.sla_at_risk.enabled = false;
        r.sla_overdue.enabled = false;
        r.vulnerable_customer.enabled = false;
        r.sensitive_data.enabled = false;
    }
    volume_rules.rising_term.enabled = false;
    rising_rules.volume_spike.enabled = false;
    let volume = Evaluator::new(volume_rules);
    let rising_ev = Evaluator::new(rising_rules.clone());

    let (mut v_alert_days, mut v_units, mut v_alerts) = (0u64, 0u64, 0u64);
    let (mut r_alert_days, mut r_terms, mut r_alerts) = (0u64, 0u64, 0u64);
    let (mut v_streams_hit, mut r_streams_hit) = (0u64, 0u64);
    let mut docs_total = 0usize;
    for seed in 1..=streams {
        let specs = support::orgs(&mut support::Rng(seed ^ 0xABCD), 10, 1.0, 8.0);
        let list = support::stationary(1000 + seed, &specs, warmup + days);
        docs_total += list.len();
        let records = Records::new(list, seg);
        let (from, to) = (support::day(warmup), support::day(warmup + days - 1));

        // Units tested per day: organisations and organisation × category
        // present in the baseline or today.
        let mut d = from;
        while d <= to {
            let base_from = d - chrono::Days::new(volume_baseline);
            let mut units = std::collections::HashSet::new();
            for doc in records.between(base_from, d) {
                if let Some(o) = &doc.org {
                    units.insert((o.clone(), None));
                    units.insert((o.clone(), doc.business_category.clone()));
                }
            }
            v_units += units.len() as u64;
            let fired = volume.evaluate(d, &records).unwrap_or_default();
            v_alert_days += fired.len() as u64;

            let fired = rising_ev.evaluate(d, &records).unwrap_or_default();
            r_alert_days += fired
                .iter()
                .filter(|a| a.rule == RuleKind::RisingTerm)
                .count() as u64;
            // Terms tested: the same scopes as the rule (bank, orgs, categories).
            let p = &rising_rules.rising_term.params;
            let mut scopes = vec![Scope::default()];
            for s in &specs {
                scopes.push(Scope {
                    orgs: vec![s.code.clone()],
                    ..Scope::default()
                });
            }
            for c in support::CATEGORIES {
                scopes.push(Scope {
                    business_categories: vec![c.to_string()],
                    ..Scope::default()
                });
            }
            for scope in scopes {
                let mut o = RisingOptions::new(d);
                o.window_days = p.window_days;
                o.baseline_days = p.baseline_days;
                o.scope = scope;
                o.top = 1;
                if let Ok(rep) = rising(records.documents(), &o, seg)
                    && rep.window_total >= p.min_scope_docs
                {
                    r_terms += rep.tested_terms as u64;
                }
            }
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        let v = volume.backtest(&records, from, to).unwrap_or_default();
        let r = rising_ev.backtest(&records, from, to).unwrap_or_default();
        v_alerts += v.len() as u64;
        r_alerts += r.len() as u64;
        v_streams_hit += u64::from(!v.is_empty());
        r_streams_hit += u64::from(!r.is_empty());
        for a in v.iter().chain(&r) {
            eprintln!("stream {seed}: {} {}", a.date, a.title);
        }
    }
    let years = (streams * days) as f64 / 365.0;
    println!(
        "{streams} streams × {days} days without change ({docs_total} complaints, 10 organisations × 6 categories each), {:.0} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "rule          unit-days tested  alerting unit-days  rate per unit-day  alerts (first day)  per stream  per stream-year  streams with any"
    );
    println!(
        "volume_spike  {v_units:>16}  {v_alert_days:>18}  {:>17.2e}  {v_alerts:>18}  {:>10.2}  {:>15.2}  {v_streams_hit:>7}/{streams}",
        v_alert_days as f64 / v_units.max(1) as f64,
        v_alerts as f64 / streams as f64,
        v_alerts as f64 / years
    );
    println!(
        "rising_term   {r_terms:>16}  {r_alert_days:>18}  {:>17.2e}  {r_alerts:>18}  {:>10.2}  {:>15.2}  {r_streams_hit:>7}/{streams}",
        r_alert_days as f64 / r_terms.max(1) as f64,
        r_alerts as f64 / streams as f64,
        r_alerts as f64 / years
    );
}
