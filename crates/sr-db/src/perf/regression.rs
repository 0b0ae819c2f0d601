//! The regression rule: a query regressed when its median got slower than
//! the baseline's by more than a share (default 20 %) *and* by more than the
//! measured noise, three times the two series' median absolute deviations
//! added. Either alone is not enough: a 50 % change inside the noise of a
//! jittery 0.1 ms query is not a finding, and neither is a steady 5 % one.
//! Improvements are named by the same rule the other way round. Pure.

use serde::{Deserialize, Serialize};

use super::stats::Stats;

/// The share a median may worsen by before it counts, unless configured.
pub const DEFAULT_THRESHOLD: f64 = 0.20;

/// How many times the combined noise a change must exceed.
pub const NOISE_FACTOR: f64 = 3.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
}

/// A run compared with its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub verdict: Verdict,
    pub baseline_median_ms: f64,
    pub current_median_ms: f64,
    /// `current / baseline - 1`: 0.25 is 25 % slower.
    pub change: f64,
    /// The share the rule allowed.
    pub threshold: f64,
    /// The difference a change had to exceed to count (3 × the MADs).
    pub noise_ms: f64,
    /// One sentence saying why.
    pub reason: String,
}

/// Compares `current` with `baseline` under `threshold` (a share: 0.2 is
/// 20 %).
pub fn compare(baseline: &Stats, current: &Stats, threshold: f64) -> Comparison {
    decide(
        baseline.median_ms,
        baseline.mad_ms,
        current.median_ms,
        current.mad_ms,
        threshold,
    )
}

/// The rule on bare figures (what [`compare`] uses).
pub fn decide(
    base_median: f64,
    base_mad: f64,
    cur_median: f64,
    cur_mad: f64,
    threshold: f64,
) -> Comparison {
    let diff = cur_median - base_median;
    let change = if base_median > 0.0 {
        cur_median / base_median - 1.0
    } else if cur_median > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    let noise_ms = NOISE_FACTOR * (base_mad + cur_mad);
    let beyond_noise = diff.abs() > noise_ms;
    let pct = |x: f64| format!("{:.1} %", x * 100.0);
    let (verdict, reason) = if change > threshold && beyond_noise {
        (
            Verdict::Regressed,
            format!(
                "median {cur_median:.3} ms is {} slower than the baseline's {base_median:.3} ms \
                 (allowed {}) and {diff:.3} ms exceeds the noise ({noise_ms:.3} ms)",
                pct(change),
                pct(threshold)
            ),
        )
    } else if base_median > 0.0 && -change > threshold && beyond_noise {
        (
            Verdict::Improved,
            format!(
                "median {cur_median:.3} ms is {} faster than the baseline's {base_median:.3} ms",
                pct(-change)
            ),
        )
    } else if change > threshold {
        (
            Verdict::Unchanged,
            format!(
                "median {} slower, but {diff:.3} ms is within the noise ({noise_ms:.3} ms)",
                pct(change)
            ),
        )
    } else {
        (
            Verdict::Unchanged,
            format!(
                "median {cur_median:.3} ms against {base_median:.3} ms ({:+.1} %), within {}",
                change * 100.0,
                pct(threshold)
            ),
        )
    };
    Comparison {
        verdict,
        baseline_median_ms: base_median,
        current_median_ms: cur_median,
        change,
        threshold,
        noise_ms,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    /// `((base median, base MAD), (current median, current MAD), threshold)`.
    fn check(base: (f64, f64), cur: (f64, f64), threshold: f64, expected: Verdict) {
        let c = decide(base.0, base.1, cur.0, cur.1, threshold);
        assert_eq!(
            c.verdict, expected,
            "{base:?} -> {cur:?} at {threshold}: {}",
            c.reason
        );
    }

    #[test]
    fn regression_needs_both_the_share_and_the_noise() {
        // Clearly slower, quiet series.
        check((10.0, 0.1), (15.0, 0.1), 0.2, Regressed);
        check((10.0, 0.0), (12.1, 0.0), 0.2, Regressed);
        // At or under the share: never a regression, however quiet.
        check((10.0, 0.0), (12.0, 0.0), 0.2, Unchanged);
        check((10.0, 0.0), (11.9, 0.0), 0.2, Unchanged);
        check((10.0, 0.01), (11.0, 0.01), 0.2, Unchanged);
        // Over the share but inside the noise: 3 × (1 + 1) = 6 ms > 5 ms.
        check((10.0, 1.0), (15.0, 1.0), 0.2, Unchanged);
        // Just beyond the noise: 3 × (0.5 + 0.5) = 3 ms < 5 ms.
        check((10.0, 0.5), (15.0, 0.5), 0.2, Regressed);
        // Noise of either side counts.
        check((10.0, 0.0), (15.0, 2.0), 0.2, Unchanged);
        check((10.0, 2.0), (15.0, 0.0), 0.2, Unchanged);
        // A jittery sub-millisecond query doubling is not a finding.
        check((0.1, 0.05), (0.2, 0.05), 0.2, Unchanged);
        // The threshold is configurable.
        check((10.0, 0.1), (15.0, 0.1), 0.6, Unchanged);
        check((10.0, 0.1), (10.6, 0.1), 0.05, Unchanged);
        check((10.0, 0.01), (10.6, 0.01), 0.05, Regressed);
        check((10.0, 0.1), (10.0, 0.1), 0.0, Unchanged);
        // A hundredfold slower.
        check((0.3, 0.02), (30.0, 1.0), 0.2, Regressed);
    }

    #[test]
    fn improvements_and_edges() {
        check((15.0, 0.1), (10.0, 0.1), 0.2, Improved);
        check((15.0, 1.0), (10.0, 1.0), 0.2, Unchanged);
        check((10.0, 0.1), (9.0, 0.1), 0.2, Unchanged);
        // A zero baseline: any measurable time beyond the noise regressed.
        check((0.0, 0.0), (1.0, 0.0), 0.2, Regressed);
        check((0.0, 0.0), (0.0, 0.0), 0.2, Unchanged);
    }

    #[test]
    fn figures_are_reported() {
        let c = decide(10.0, 0.5, 15.0, 0.5, 0.2);
        assert!((c.change - 0.5).abs() < 1e-12);
        assert!((c.noise_ms - 3.0).abs() < 1e-12);
        assert_eq!((c.baseline_median_ms, c.current_median_ms), (10.0, 15.0));
        assert!(c.reason.contains("50.0 % slower"), "{}", c.reason);
    }
}
