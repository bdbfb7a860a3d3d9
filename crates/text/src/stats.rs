//! Small exact statistics used by the rising-term detector.
//!
//! Rising terms are judged by an exact conditional test rather than a growth
//! ratio: a ratio cannot tell a term that went from 1 to 3 mentions (noise)
//! from one that went from 40 to 160 (a real event), while a p-value can. The
//! test is Fisher's exact test in its one-sided form (the hypergeometric upper
//! tail), computed in log space so that tiny p-values do not underflow, and
//! the many terms tested at once are controlled with Benjamini–Hochberg.

/// Natural log of the gamma function for `x > 0` (Lanczos, g = 7, n = 9;
/// relative error below 1e-13 over the range used here).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection formula.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// `ln C(n, k)`; `-inf` when `k > n`.
pub fn ln_choose(n: u64, k: u64) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    if k == 0 || k == n {
        return 0.0;
    }
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// Natural log of the one-sided p-value `P(X >= x)` for
/// `X ~ Hypergeometric(population, successes, draws)`.
///
/// In rising-term terms: `population` documents in window and baseline
/// together, `successes` of them contain the term, `draws` are in the window,
/// and `x` window documents contain the term. Arguments that do not describe
/// a hypergeometric distribution give `0.0` (p = 1, no evidence).
pub fn hypergeom_upper_tail_ln(x: u64, population: u64, successes: u64, draws: u64) -> f64 {
    if successes > population || draws > population {
        return 0.0;
    }
    let lo = (draws + successes).saturating_sub(population);
    let hi = successes.min(draws);
    if x <= lo {
        return 0.0;
    }
    if x > hi {
        return f64::NEG_INFINITY;
    }
    let (nn, kk, n) = (population as f64, successes as f64, draws as f64);
    let ln_pmf = |y: u64| -> f64 {
        ln_choose(successes, y) + ln_choose(population - successes, draws - y)
            - ln_choose(population, draws)
    };
    // pmf(y + 1) / pmf(y)
    let ratio = |y: f64| -> f64 { (kk - y) * (n - y) / ((y + 1.0) * (nn - kk - n + y + 1.0)) };
    let mean = n * kk / nn;
    if x as f64 > mean {
        // Upper tail: terms fall off geometrically beyond the mode.
        let mut term = 1.0;
        let mut sum = 1.0;
        let mut y = x;
        while y < hi {
            term *= ratio(y as f64);
            sum += term;
            y += 1;
            if term < sum * 1e-17 {
                break;
            }
        }
        ln_pmf(x) + sum.ln()
    } else {
        // Complement of the lower tail P(X <= x - 1), which is the short side.
        let start = x - 1;
        let mut term = 1.0;
        let mut sum = 1.0;
        let mut y = start;
        while y > lo {
            term /= ratio((y - 1) as f64);
            sum += term;
            y -= 1;
            if term < sum * 1e-17 {
                break;
            }
        }
        let lower = (ln_pmf(start) + sum.ln()).exp();
        (1.0 - lower).max(f64::MIN_POSITIVE).ln()
    }
}

/// Benjamini–Hochberg adjusted p-values (q-values), in input order. A test is
/// significant at false-discovery rate `q` when its adjusted value is `<= q`.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![1.0; m];
    let mut running_min: f64 = 1.0;
    for rank in (0..m).rev() {
        let i = order[rank];
        let q = p_values[i] * m as f64 / (rank + 1) as f64;
        running_min = running_min.min(q);
        adjusted[i] = running_min.clamp(0.0, 1.0);
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1.0)
    }

    #[test]
    fn gamma_values() {
        // ln Γ(n) = ln((n-1)!)
        let mut fact = 1.0f64;
        for n in 1..30u32 {
            if n > 1 {
                fact *= f64::from(n - 1);
            }
            assert!(close(ln_gamma(f64::from(n)), fact.ln(), 1e-12), "n={n}");
        }
        assert!(close(
            ln_gamma(0.5),
            std::f64::consts::PI.sqrt().ln(),
            1e-12
        ));
        assert!(close(ln_choose(10, 3), 120f64.ln(), 1e-12));
        assert_eq!(ln_choose(3, 5), f64::NEG_INFINITY);
    }

    /// Direct summation of the hypergeometric pmf for small parameters.
    fn brute_upper(x: u64, nn: u64, k: u64, n: u64) -> f64 {
        let lo = (n + k).saturating_sub(nn);
        let hi = k.min(n);
        (x.max(lo)..=hi)
            .map(|y| (ln_choose(k, y) + ln_choose(nn - k, n - y) - ln_choose(nn, n)).exp())
            .sum()
    }

    #[test]
    fn hypergeometric_matches_brute_force() {
        for &(nn, k, n) in &[
            (20u64, 7u64, 5u64),
            (50, 10, 25),
            (35, 4, 7),
            (100, 60, 30),
            (12, 12, 3),
        ] {
            for x in 0..=k.min(n) {
                let got = hypergeom_upper_tail_ln(x, nn, k, n).exp();
                let want = brute_upper(x, nn, k, n);
                assert!(
                    close(got, want, 1e-9),
                    "x={x} N={nn} K={k} n={n}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn hypergeometric_tiny_tail_stays_finite() {
        // 160 of 200 term documents fall in a window holding 20% of documents.
        let ln_p = hypergeom_upper_tail_ln(160, 100_000, 200, 20_000);
        // Reference value from an independent log-space summation.
        assert!(close(ln_p, -169.394_140_435_117_3, 1e-9), "{ln_p}");
        // Fisher's exact test: a known value. 2x2 table [[3,1],[1,3]], one-sided
        // p = P(X>=3) = 17/70.
        assert!(close(
            hypergeom_upper_tail_ln(3, 8, 4, 4).exp(),
            17.0 / 70.0,
            1e-12
        ));
        assert_eq!(hypergeom_upper_tail_ln(0, 10, 3, 5), 0.0);
        assert_eq!(hypergeom_upper_tail_ln(4, 10, 3, 5), f64::NEG_INFINITY);
        assert_eq!(hypergeom_upper_tail_ln(1, 5, 9, 3), 0.0);
    }

    #[test]
    fn bh_adjustment() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let q = benjamini_hochberg(&p);
        // sorted: 0.005 (r1), 0.01 (r2), 0.03 (r3), 0.04 (r4); m = 4
        let want = [0.02, 0.04, 0.04, 0.02];
        for (a, b) in q.iter().zip(want) {
            assert!(close(*a, b, 1e-12), "{q:?}");
        }
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(benjamini_hochberg(&[1.0, 1.0]), vec![1.0, 1.0]);
    }
}
