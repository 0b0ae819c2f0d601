//! Figures of a series of timed runs: median, 95th percentile, median
//! absolute deviation (the noise), extremes. Pure.

use serde::{Deserialize, Serialize};

/// What a series of runs measured, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub runs: usize,
    pub median_ms: f64,
    pub p95_ms: f64,
    /// Median absolute deviation from the median: robust against the odd
    /// slow run, so it stands for the noise of the measurement.
    pub mad_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Stats {
    /// Figures of `samples_ms` (any order). All zero when there are none.
    pub fn of(samples_ms: &[f64]) -> Stats {
        let mut sorted: Vec<f64> = samples_ms
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        sorted.sort_by(f64::total_cmp);
        let Some((&min_ms, &max_ms)) = sorted.first().zip(sorted.last()) else {
            return Stats {
                runs: 0,
                median_ms: 0.0,
                p95_ms: 0.0,
                mad_ms: 0.0,
                min_ms: 0.0,
                max_ms: 0.0,
                mean_ms: 0.0,
            };
        };
        let median_ms = median(&sorted);
        let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median_ms).abs()).collect();
        deviations.sort_by(f64::total_cmp);
        Stats {
            runs: sorted.len(),
            median_ms,
            p95_ms: percentile(&sorted, 95.0),
            mad_ms: median(&deviations),
            min_ms,
            max_ms,
            mean_ms: sorted.iter().sum::<f64>() / sorted.len() as f64,
        }
    }
}

/// The median of sorted values (the mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The `p`-th percentile (0–100) of sorted values, by linear interpolation
/// between the closest ranks.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let rank = (p / 100.0).clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let (a, b) = (sorted[lo], sorted.get(hi).copied().unwrap_or(last));
    a + (b - a) * (rank - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(samples, median, p95, mad, min, max)`.
    fn check(samples: &[f64], expected: (f64, f64, f64, f64, f64)) {
        let s = Stats::of(samples);
        let got = (s.median_ms, s.p95_ms, s.mad_ms, s.min_ms, s.max_ms);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            close(got.0, expected.0)
                && close(got.1, expected.1)
                && close(got.2, expected.2)
                && close(got.3, expected.3)
                && close(got.4, expected.4),
            "{samples:?}: got {got:?}, expected {expected:?}"
        );
    }

    #[test]
    fn figures_of_series() {
        check(&[], (0.0, 0.0, 0.0, 0.0, 0.0));
        check(&[5.0], (5.0, 5.0, 0.0, 5.0, 5.0));
        check(&[1.0, 3.0], (2.0, 2.9, 1.0, 1.0, 3.0));
        check(&[3.0, 1.0, 2.0], (2.0, 2.9, 1.0, 1.0, 3.0));
        // One slow run moves the p95, not the median, and the MAD barely.
        check(
            &[10.0, 10.0, 11.0, 9.0, 10.0, 100.0],
            (10.0, 77.75, 0.5, 9.0, 100.0),
        );
        check(&[1.0, 2.0, 3.0, 4.0, 5.0], (3.0, 4.8, 1.0, 1.0, 5.0));
        // Non-finite samples are dropped.
        check(&[f64::NAN, 4.0, f64::INFINITY], (4.0, 4.0, 0.0, 4.0, 4.0));
    }

    #[test]
    fn runs_and_mean() {
        let s = Stats::of(&[1.0, 2.0, 6.0]);
        assert_eq!((s.runs, s.mean_ms), (3, 3.0));
    }
}
