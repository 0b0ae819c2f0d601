//! How long a tracker job waits: its interval, stretched when the
//! tracker's rate budget runs low (slow down before the limit, not after),
//! held until the reset when it is spent, and backed off after failures.

use std::time::Duration;

use sr_model::Timestamp;
use sr_tracker::RateBudget;

/// Below this share of the window left, polls are spread out.
pub const SLOW_BELOW: f64 = 0.2;

/// The wait before the next poll, given the interval and the budget the
/// tracker last reported, at `now`.
pub fn paced(interval: Duration, budget: Option<&RateBudget>, now: Timestamp) -> Duration {
    let Some(b) = budget else {
        return interval;
    };
    let to_reset = b
        .reset_at
        .and_then(|r| (r - now).to_std().ok())
        .unwrap_or(Duration::ZERO);
    if b.exhausted_at(now) {
        return interval.max(to_reset);
    }
    let (Some(remaining), Some(limit)) = (b.remaining, b.limit) else {
        return interval;
    };
    if limit == 0 {
        return interval;
    }
    let left = remaining as f64 / limit as f64;
    if left >= SLOW_BELOW {
        return interval;
    }
    // Half the budget left below the threshold doubles the wait, and so on,
    // but never past the reset, when the window is whole again.
    let stretched = interval.mul_f64(SLOW_BELOW / left.max(0.001));
    stretched.min(to_reset.max(interval)).max(interval)
}

/// The wait after `failures` failed runs in a row: `base` doubled per
/// further failure, at most `max`; a tracker's own reset time wins.
pub fn backoff(
    failures: u32,
    base: Duration,
    max: Duration,
    retry_at: Option<Timestamp>,
    now: Timestamp,
) -> Duration {
    let exp = base
        .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1)))
        .min(max);
    let asked = retry_at
        .and_then(|r| (r - now).to_std().ok())
        .unwrap_or(Duration::ZERO);
    exp.max(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default()
    }

    fn budget(remaining: u64, limit: u64, reset_in: i64) -> RateBudget {
        RateBudget {
            remaining: Some(remaining),
            limit: Some(limit),
            reset_at: Some(at(1000 + reset_in)),
            resource: None,
        }
    }

    fn check(budget: Option<RateBudget>, expected_secs: u64) {
        let got = paced(Duration::from_secs(300), budget.as_ref(), at(1000));
        assert_eq!(got, Duration::from_secs(expected_secs), "{budget:?}");
    }

    #[test]
    fn pacing_follows_the_budget() {
        check(None, 300);
        check(Some(RateBudget::default()), 300);
        check(Some(budget(4000, 5000, 3600)), 300);
        check(Some(budget(1000, 5000, 3600)), 300);
        // 10% left: twice the interval; 5%: four times.
        check(Some(budget(500, 5000, 3600)), 600);
        check(Some(budget(250, 5000, 3600)), 1200);
        // Never past the reset.
        check(Some(budget(10, 5000, 900)), 900);
        // Spent: wait for the reset.
        check(Some(budget(0, 5000, 2000)), 2000);
        // Spent, but the reset is sooner than the interval.
        check(Some(budget(0, 5000, 60)), 300);
        // Spent and already reset.
        check(Some(budget(0, 5000, -10)), 300);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_honours_reset() {
        let base = Duration::from_secs(30);
        let max = Duration::from_secs(3600);
        let check = |failures, retry_at: Option<i64>, expected: u64| {
            let got = backoff(failures, base, max, retry_at.map(at), at(1000));
            assert_eq!(
                got,
                Duration::from_secs(expected),
                "{failures} {retry_at:?}"
            );
        };
        check(1, None, 30);
        check(2, None, 60);
        check(3, None, 120);
        check(8, None, 3600);
        check(40, None, 3600);
        check(1, Some(1500), 500);
        check(3, Some(1010), 120);
    }
}
