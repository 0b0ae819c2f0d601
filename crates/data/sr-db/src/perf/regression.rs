//! The regression rule: a query regressed when its median got slower than
//! the baseline's by more than a share (default 20 %) *and* by more than the
//! measured noise, three times the two series' median absolute deviations
//! added, or when the two series do not overlap at all (every current run
//! slower than every baseline run, or than the baseline's median plus
//! three MADs: a jittery series that got a hundred times slower is still a
//! finding, and one baseline run stretched by a busy machine does not hide
//! it). The share alone is not enough: a 50 %
//! change inside the noise of a jittery 0.1 ms query is not a finding, and
//! neither is a steady 5 % one. Improvements are named by the same rule the
//! other way round. Pure.

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

/// The figures of one series the rule reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Series {
    pub median_ms: f64,
    pub mad_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
}

impl From<&Stats> for Series {
    fn from(s: &Stats) -> Series {
        Series {
            median_ms: s.median_ms,
            mad_ms: s.mad_ms,
            min_ms: s.min_ms,
            max_ms: s.max_ms,
        }
    }
}

/// Compares `current` with `baseline` under `threshold` (a share: 0.2 is
/// 20 %).
pub fn compare(baseline: &Stats, current: &Stats, threshold: f64) -> Comparison {
    decide(baseline.into(), current.into(), threshold)
}

/// The rule on bare figures (what [`compare`] uses).
pub fn decide(base: Series, cur: Series, threshold: f64) -> Comparison {
    let (base_median, base_mad) = (base.median_ms, base.mad_ms);
    let (cur_median, cur_mad) = (cur.median_ms, cur.mad_ms);
    let diff = cur_median - base_median;
    let change = if base_median > 0.0 {
        cur_median / base_median - 1.0
    } else if cur_median > 0.0 {
        f64::INFINITY
    } else {
        0.0
    };
    let noise_ms = NOISE_FACTOR * (base_mad + cur_mad);
    // Series that do not overlap differ whatever their spread. Each run of
    // one series beyond the other's noise band (median ± 3 MADs) counts as
    // not overlapping too: a loaded machine stretches single runs (one
    // slow baseline run widens its `max`), never shortens them, and the
    // MAD ignores such an outlier where min and max do not.
    let base_band = NOISE_FACTOR * base.mad_ms;
    let apart = cur.min_ms > base.max_ms.min(base_median + base_band)
        || cur.max_ms < base.min_ms.max(base_median - base_band);
    let beyond_noise = diff.abs() > noise_ms || apart;
    let pct = |x: f64| format!("{:.1} %", x * 100.0);
    let (verdict, reason) = if change > threshold && beyond_noise {
        (
            Verdict::Regressed,
            format!(
                "median {cur_median:.3} ms is {} slower than the baseline's {base_median:.3} ms \
                 (allowed {}) and {}",
                pct(change),
                pct(threshold),
                if diff.abs() > noise_ms {
                    format!("{diff:.3} ms exceeds the noise ({noise_ms:.3} ms)")
                } else {
                    format!(
                        "every run ({:.3} ms and more) was slower than the baseline's runs",
                        cur.min_ms
                    )
                }
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

    /// A series spread three MADs either side of its median.
    fn series((median_ms, mad_ms): (f64, f64)) -> Series {
        Series {
            median_ms,
            mad_ms,
            min_ms: median_ms - 3.0 * mad_ms,
            max_ms: median_ms + 3.0 * mad_ms,
        }
    }

    /// `((base median, base MAD), (current median, current MAD), threshold)`.
    fn check(base: (f64, f64), cur: (f64, f64), threshold: f64, expected: Verdict) {
        let c = decide(series(base), series(cur), threshold);
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
    fn series_that_do_not_overlap_differ_whatever_their_spread() {
        // Three MADs of the jittery current series (36 ms) exceed the
        // difference (29.7 ms), yet its fastest run is far beyond the
        // baseline's slowest.
        let base = Series {
            median_ms: 0.3,
            mad_ms: 0.02,
            min_ms: 0.25,
            max_ms: 0.4,
        };
        let cur = Series {
            median_ms: 30.0,
            mad_ms: 12.0,
            min_ms: 15.0,
            max_ms: 70.0,
        };
        let c = decide(base, cur, 0.2);
        assert_eq!(c.verdict, Regressed, "{}", c.reason);
        assert!(
            c.reason.contains("slower than the baseline's runs"),
            "{}",
            c.reason
        );
        // One current run inside the baseline's range: the noise rule decides.
        let overlapping = Series {
            min_ms: 0.35,
            ..cur
        };
        assert_eq!(decide(base, overlapping, 0.2).verdict, Unchanged);
        // The share still applies to separated series.
        let steady = Series {
            median_ms: 0.45,
            mad_ms: 0.0,
            min_ms: 0.45,
            max_ms: 0.45,
        };
        assert_eq!(decide(base, steady, 0.6).verdict, Unchanged);
        // And the other way round.
        assert_eq!(decide(cur, base, 0.2).verdict, Improved);
    }

    #[test]
    fn one_stretched_baseline_run_does_not_hide_a_hundredfold_change() {
        // A loaded machine stretched one baseline run to 18 ms: the ranges
        // overlap, and the current series' jitter exceeds the difference,
        // yet every current run is far beyond the baseline's noise band.
        let base = Series {
            median_ms: 0.05,
            mad_ms: 0.005,
            min_ms: 0.04,
            max_ms: 18.0,
        };
        let cur = Series {
            median_ms: 25.0,
            mad_ms: 9.0,
            min_ms: 15.0,
            max_ms: 80.0,
        };
        let c = decide(base, cur, 0.2);
        assert_eq!(c.verdict, Regressed, "{}", c.reason);
        // A current run inside the band keeps the noise rule in charge.
        let inside = Series {
            min_ms: 0.06,
            ..cur
        };
        assert_eq!(decide(base, inside, 0.2).verdict, Unchanged);
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
        let c = decide(series((10.0, 0.5)), series((15.0, 0.5)), 0.2);
        assert!((c.change - 0.5).abs() < 1e-12);
        assert!((c.noise_ms - 3.0).abs() < 1e-12);
        assert_eq!((c.baseline_median_ms, c.current_median_ms), (10.0, 15.0));
        assert!(c.reason.contains("50.0 % slower"), "{}", c.reason);
    }
}
