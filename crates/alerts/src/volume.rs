//! The statistics of `volume_spike`.
//!
//! Question: did unit *u* (an organisation, or organisation × category)
//! receive more complaints today than its own history predicts?
//!
//! Model. Complaints of a unit on day *d* are Poisson with mean
//! `λ_u · w(weekday(d))`: a level of the unit times a weekday factor. The
//! weekday factors are estimated from all units together over the baseline
//! (bank-wide weekday profile: many complaints, so the factors are precise
//! even when one outlet receives two complaints a week); the unit's level is
//! not estimated at all but conditioned away:
//!
//! given that the unit received `n = y + S` complaints today (`y`) and in the
//! baseline days (`S`), today's share is `Binomial(n, π)` with
//! `π = w_today / (w_today + Σ_baseline w_d)`.
//!
//! The one-sided exact p-value `P(Binomial(n, π) ≥ y)` therefore accounts for
//! the uncertainty of a level estimated from few complaints — a plug-in
//! Poisson test with `λ̂ = S / days` would be far too eager for small units —
//! and for the weekday effect (Monday's 12 is compared with other Mondays'
//! level, not with Sunday's). All units tested on one day are then controlled
//! together with Benjamini–Hochberg at the rule's `fdr`, and an alert also
//! needs `min_count` complaints and `min_ratio` × the expectation, so that a
//! certain but immaterial rise in a large unit stays quiet.

use chrono::{Datelike, Days, NaiveDate};
use xiaobao_text::stats::ln_choose;

/// Weekday weights, Monday first, with mean 1 over the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekdayProfile(pub [f64; 7]);

impl WeekdayProfile {
    /// No weekday effect.
    pub const FLAT: WeekdayProfile = WeekdayProfile([1.0; 7]);

    /// Estimates the profile from complaint counts per weekday and the
    /// number of days of each weekday in the period. Half a complaint is
    /// added to every weekday so that a weekday without complaints in the
    /// baseline keeps a small positive weight (otherwise any complaint on it
    /// would be infinitely surprising).
    pub fn estimate(counts: [u64; 7], days: [u64; 7]) -> WeekdayProfile {
        let mut w = [0.0; 7];
        for i in 0..7 {
            if days[i] == 0 {
                w[i] = f64::NAN;
            } else {
                w[i] = (counts[i] as f64 + 0.5) / days[i] as f64;
            }
        }
        let known: Vec<f64> = w.iter().copied().filter(|x| x.is_finite()).collect();
        if known.is_empty() {
            return WeekdayProfile::FLAT;
        }
        let mean = known.iter().sum::<f64>() / known.len() as f64;
        for x in &mut w {
            *x = if x.is_finite() { *x / mean } else { 1.0 };
        }
        WeekdayProfile(w)
    }

    /// The weight of `day`'s weekday.
    pub fn weight(&self, day: NaiveDate) -> f64 {
        self.0[day.weekday().num_days_from_monday() as usize]
    }

    /// Sum of the weights of the days `from..=to`.
    pub fn sum(&self, from: NaiveDate, to: NaiveDate) -> f64 {
        let mut total = 0.0;
        let mut d = from;
        while d <= to {
            total += self.weight(d);
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => break,
            }
        }
        total
    }
}

/// Result of one unit's test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeTest {
    /// Complaints expected today from the unit's baseline and the weekday.
    pub expected: f64,
    /// One-sided exact p-value of today's count.
    pub p_value: f64,
}

/// Tests today's count `today` of a unit against its `baseline` count, where
/// `w_today` is today's weekday weight and `w_baseline` the sum of the weights
/// of the baseline days.
pub fn spike_test(today: u64, baseline: u64, w_today: f64, w_baseline: f64) -> SpikeTest {
    if !(w_today > 0.0 && w_baseline > 0.0) {
        return SpikeTest {
            expected: 0.0,
            p_value: 1.0,
        };
    }
    let share = w_today / (w_today + w_baseline);
    SpikeTest {
        expected: baseline as f64 * w_today / w_baseline,
        p_value: binomial_upper_tail(today, today + baseline, share),
    }
}

/// `P(X ≥ x)` for `X ~ Binomial(n, p)`, summed in log space so that tiny
/// values do not underflow to a misleading 0 too early.
pub fn binomial_upper_tail(x: u64, n: u64, p: f64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    if x > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let ln_pmf = |k: u64| ln_choose(n, k) + k as f64 * lp + (n - k) as f64 * lq;
    // pmf(k + 1) / pmf(k)
    let odds = p / (1.0 - p);
    let ratio = |k: u64| (n - k) as f64 / (k + 1) as f64 * odds;
    if x as f64 >= n as f64 * p {
        // Upper tail from x: terms shrink beyond the mode.
        let (mut term, mut sum, mut k) = (1.0f64, 1.0f64, x);
        while k < n {
            term *= ratio(k);
            sum += term;
            k += 1;
            if term < sum * 1e-17 {
                break;
            }
        }
        (ln_pmf(x) + sum.ln()).exp().min(1.0)
    } else {
        // One minus the lower tail P(X ≤ x − 1), the short side here.
        let start = x - 1;
        let (mut term, mut sum, mut k) = (1.0f64, 1.0f64, start);
        while k > 0 {
            term /= ratio(k - 1);
            sum += term;
            k -= 1;
            if term < sum * 1e-17 {
                break;
            }
        }
        (1.0 - (ln_pmf(start) + sum.ln()).exp()).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(x: u64, n: u64, p: f64) -> f64 {
        (x..=n)
            .map(|k| (ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp())
            .sum()
    }

    #[test]
    fn binomial_tail_matches_direct_sum() {
        for &(n, p) in &[(10u64, 0.3), (40, 0.02), (200, 0.125), (7, 0.9), (1, 0.5)] {
            for x in 0..=n {
                let got = binomial_upper_tail(x, n, p);
                let want = brute(x, n, p).min(1.0);
                assert!(
                    (got - want).abs() <= 1e-10 * want.max(1e-300) + 1e-14,
                    "x={x} n={n} p={p}: {got} vs {want}"
                );
            }
        }
        // Known value: P(Bin(10, 0.5) >= 8) = 56/1024.
        assert!((binomial_upper_tail(8, 10, 0.5) - 56.0 / 1024.0).abs() < 1e-12);
        assert_eq!(binomial_upper_tail(0, 5, 0.1), 1.0);
        assert_eq!(binomial_upper_tail(6, 5, 0.1), 0.0);
        // Tiny tails stay positive.
        let tiny = binomial_upper_tail(60, 60, 0.02);
        assert!(tiny > 0.0 && tiny < 1e-90, "{tiny}");
    }

    #[test]
    fn small_units_need_more_than_a_ratio() {
        // 3 complaints today after 56 in 8 weeks: three times the usual one a
        // day, but with so few complaints that is not significant.
        let flat = WeekdayProfile::FLAT;
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        let from = d.checked_sub_days(Days::new(56)).unwrap_or_default();
        let to = d.checked_sub_days(Days::new(1)).unwrap_or_default();
        let small = spike_test(3, 56, flat.weight(d), flat.sum(from, to));
        assert!((small.expected - 1.0).abs() < 1e-9);
        assert!(small.p_value > 0.01, "{small:?}");
        // 30 after 8 weeks of about 10 a day: overwhelming.
        let big = spike_test(30, 560, flat.weight(d), flat.sum(from, to));
        assert!((big.expected - 10.0).abs() < 1e-9);
        assert!(big.p_value < 1e-6, "{big:?}");
    }

    #[test]
    fn weekday_profile_compares_like_with_like() {
        // Weekdays 10 a day, weekends 2 a day, over 8 weeks.
        let counts = [80, 80, 80, 80, 80, 16, 16];
        let days = [8; 7];
        let profile = WeekdayProfile::estimate(counts, days);
        let mean: f64 = profile.0.iter().sum::<f64>() / 7.0;
        assert!((mean - 1.0).abs() < 1e-12);
        assert!(profile.0[0] > 4.0 * profile.0[6]);
        // A unit with that pattern: 12 on a Monday is ordinary …
        let monday = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        let from = monday.checked_sub_days(Days::new(56)).unwrap_or_default();
        let to = monday.checked_sub_days(Days::new(1)).unwrap_or_default();
        let wb = profile.sum(from, to);
        let t = spike_test(12, 432, profile.weight(monday), wb);
        assert!((t.expected - 10.0).abs() < 0.2, "{t:?}");
        assert!(t.p_value > 0.1, "{t:?}");
        // … and 10 on a Sunday is a spike, though below the flat daily mean.
        let sunday = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        let from = sunday.checked_sub_days(Days::new(56)).unwrap_or_default();
        let to = sunday.checked_sub_days(Days::new(1)).unwrap_or_default();
        let t = spike_test(10, 432, profile.weight(sunday), profile.sum(from, to));
        assert!(t.p_value < 1e-3, "{t:?}");
        // Without data, no effect.
        assert_eq!(
            WeekdayProfile::estimate([0; 7], [0; 7]),
            WeekdayProfile::FLAT
        );
    }
}
