//! The rate-limit budget of one tracker, as its last response told it:
//! GitHub's `x-ratelimit-*`, GitLab's `RateLimit-*`, Jira's `X-RateLimit-*`,
//! Linear's `X-RateLimit-Requests-*` (and its complexity budget,
//! `X-RateLimit-Complexity-*`, kept as the resource `complexity`).
//! The engine shows it; the retry loop waits on it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};
use sr_model::Timestamp;

/// Requests left in the current window, the window's size and when it resets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBudget {
    pub remaining: Option<u64>,
    pub limit: Option<u64>,
    pub reset_at: Option<Timestamp>,
    /// GitHub's `x-ratelimit-resource` (`core`, `search`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl RateBudget {
    /// Reads whichever family of rate-limit headers the response carries;
    /// `None` when it carries none.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateBudget> {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()))
                .map(str::trim)
        };
        let remaining = get(&[
            "x-ratelimit-remaining",
            "ratelimit-remaining",
            "x-ratelimit-requests-remaining",
        ])
        .and_then(|v| v.parse::<u64>().ok());
        let limit = get(&[
            "x-ratelimit-limit",
            "ratelimit-limit",
            "x-ratelimit-requests-limit",
        ])
        .and_then(|v| v.parse::<u64>().ok());
        let reset_at = get(&[
            "x-ratelimit-reset",
            "ratelimit-reset",
            "x-ratelimit-requests-reset",
        ])
        .and_then(parse_reset);
        if remaining.is_none() && limit.is_none() && reset_at.is_none() {
            return None;
        }
        Some(RateBudget {
            remaining,
            limit,
            reset_at,
            resource: get(&["x-ratelimit-resource"]).map(str::to_owned),
        })
    }

    /// Every budget a response reports: the request budget of
    /// [`RateBudget::from_headers`] and, where the provider counts query
    /// cost apart (Linear's `X-RateLimit-Complexity-*`), the resource
    /// `complexity`.
    pub fn all_from_headers(headers: &HeaderMap) -> Vec<RateBudget> {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let number = |name: &str| get(name).and_then(|v| v.parse::<u64>().ok());
        let complexity = RateBudget {
            remaining: number("x-ratelimit-complexity-remaining"),
            limit: number("x-ratelimit-complexity-limit"),
            reset_at: get("x-ratelimit-complexity-reset").and_then(parse_reset),
            resource: Some(COMPLEXITY.into()),
        };
        let has_complexity = complexity.remaining.is_some() || complexity.limit.is_some();
        RateBudget::from_headers(headers)
            .into_iter()
            .chain(has_complexity.then_some(complexity))
            .collect()
    }

    /// The budget of `all` that is used up at `now`, if any.
    pub fn exhausted_of(all: &[RateBudget], now: Timestamp) -> Option<&RateBudget> {
        all.iter()
            .find(|b| b.remaining == Some(0) && b.reset_at.is_none_or(|r| r > now))
    }

    /// Whether the window is used up and has not reset yet at `now`.
    pub fn exhausted_at(&self, now: Timestamp) -> bool {
        self.remaining == Some(0) && self.reset_at.is_some_and(|r| r > now)
    }
}

/// A reset given as UTC epoch seconds (GitHub, GitLab), epoch
/// milliseconds (Linear) or an RFC 3339 timestamp (Jira).
fn parse_reset(v: &str) -> Option<Timestamp> {
    if let Ok(n) = v.parse::<i64>() {
        // Seconds since 1970 stay below 10^11 until the year 5138; a
        // larger number is milliseconds.
        return if n >= 100_000_000_000 {
            DateTime::from_timestamp_millis(n)
        } else {
            DateTime::from_timestamp(n, 0)
        };
    }
    DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The resource a budget belongs to when the provider names none.
const CORE: &str = "core";
/// The resource of a query-cost budget (Linear's complexity points).
pub const COMPLEXITY: &str = "complexity";

/// The shared, updatable budgets an HTTP client keeps, one per resource
/// (GitHub counts `search` apart from `core`).
#[derive(Debug, Clone, Default)]
pub struct BudgetCell(Arc<Mutex<BTreeMap<String, RateBudget>>>);

impl BudgetCell {
    /// The main (`core`) budget, or the only one there is.
    pub fn get(&self) -> RateBudget {
        self.0
            .lock()
            .ok()
            .and_then(|m| m.get(CORE).or_else(|| m.values().next()).cloned())
            .unwrap_or_default()
    }

    /// The budget of one resource (`search`).
    pub fn get_for(&self, resource: &str) -> Option<RateBudget> {
        self.0.lock().ok().and_then(|m| m.get(resource).cloned())
    }

    /// Takes what a response says; a response without headers changes nothing.
    pub fn observe(&self, headers: &HeaderMap) {
        let all = RateBudget::all_from_headers(headers);
        if !all.is_empty()
            && let Ok(mut m) = self.0.lock()
        {
            for new in all {
                m.insert(new.resource.clone().unwrap_or_else(|| CORE.into()), new);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn check(
        pairs: &[(&'static str, &str)],
        expected: Option<(Option<u64>, Option<u64>, Option<i64>)>,
    ) {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        let got = RateBudget::from_headers(&h)
            .map(|b| (b.remaining, b.limit, b.reset_at.map(|t| t.timestamp())));
        assert_eq!(got, expected, "{pairs:?}");
    }

    #[test]
    fn budgets_from_each_provider() {
        check(
            &[
                ("x-ratelimit-remaining", "4999"),
                ("x-ratelimit-limit", "5000"),
                ("x-ratelimit-reset", "1372700873"),
            ],
            Some((Some(4999), Some(5000), Some(1372700873))),
        );
        check(
            &[
                ("RateLimit-Remaining", "0"),
                ("RateLimit-Limit", "600"),
                ("RateLimit-Reset", "1609844400"),
            ],
            Some((Some(0), Some(600), Some(1609844400))),
        );
        check(
            &[
                ("X-RateLimit-Remaining", "10"),
                ("X-RateLimit-Reset", "2025-01-01T00:00:00Z"),
            ],
            Some((Some(10), None, Some(1735689600))),
        );
        check(
            &[
                ("X-RateLimit-Requests-Remaining", "1499"),
                ("X-RateLimit-Requests-Limit", "1500"),
                ("X-RateLimit-Requests-Reset", "1735689600000"),
            ],
            Some((Some(1499), Some(1500), Some(1735689600))),
        );
        check(&[("x-ratelimit-remaining", "many")], None);
        check(&[], None);
    }

    #[test]
    fn budgets_per_resource() {
        let cell = BudgetCell::default();
        let headers = |resource: &str, remaining: &str| {
            let mut h = HeaderMap::new();
            h.insert(
                "x-ratelimit-remaining",
                HeaderValue::from_str(remaining).expect("value"),
            );
            h.insert(
                "x-ratelimit-resource",
                HeaderValue::from_str(resource).expect("value"),
            );
            h
        };
        cell.observe(&headers("core", "4999"));
        cell.observe(&headers("search", "29"));
        cell.observe(&HeaderMap::new());
        assert_eq!(cell.get().remaining, Some(4999));
        assert_eq!(cell.get_for("search").and_then(|b| b.remaining), Some(29));
        assert_eq!(cell.get_for("graphql"), None);
    }

    #[test]
    fn linear_counts_complexity_apart() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("x-ratelimit-requests-remaining", "1200"),
            ("x-ratelimit-complexity-remaining", "0"),
            ("x-ratelimit-complexity-limit", "250000"),
            ("x-ratelimit-complexity-reset", "1735689600000"),
            ("x-complexity", "51"),
        ] {
            h.insert(k, HeaderValue::from_static(v));
        }
        let all = RateBudget::all_from_headers(&h);
        assert_eq!(all.len(), 2);
        let before = DateTime::from_timestamp(1735689599, 0).expect("time");
        let spent = RateBudget::exhausted_of(&all, before).expect("complexity is spent");
        assert_eq!(spent.resource.as_deref(), Some(COMPLEXITY));
        assert_eq!(spent.limit, Some(250_000));
        let after = DateTime::from_timestamp(1735689601, 0).expect("time");
        assert!(RateBudget::exhausted_of(&all, after).is_none());
        let cell = BudgetCell::default();
        cell.observe(&h);
        assert_eq!(cell.get().remaining, Some(1200));
        assert_eq!(cell.get_for(COMPLEXITY).and_then(|b| b.remaining), Some(0));
    }

    #[test]
    fn exhausted_only_before_reset() {
        let reset = DateTime::from_timestamp(1000, 0).expect("time");
        let b = RateBudget {
            remaining: Some(0),
            limit: Some(60),
            reset_at: Some(reset),
            resource: None,
        };
        assert!(b.exhausted_at(DateTime::from_timestamp(999, 0).expect("time")));
        assert!(!b.exhausted_at(DateTime::from_timestamp(1000, 0).expect("time")));
        let some_left = RateBudget {
            remaining: Some(1),
            ..b
        };
        assert!(!some_left.exhausted_at(DateTime::from_timestamp(999, 0).expect("time")));
    }
}
