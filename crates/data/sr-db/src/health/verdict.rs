//! What the dialects' checks share: grading a value against thresholds,
//! turning sessions and counts into a [`HealthCheckResult`], and the
//! small formatting helpers (query text, durations) evidence uses.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{HealthCheckResult, HealthConfig, Severity};

/// The severity of `value` against a warning and a critical threshold
/// (a value above a threshold reaches it).
pub fn graded(value: f64, warning: f64, critical: f64) -> Severity {
    if value > critical {
        Severity::Critical
    } else if value > warning {
        Severity::Warning
    } else {
        Severity::Ok
    }
}

/// Connection saturation: `used` of `max` connections, graded by the
/// configured shares; returns the severity and the share in use.
pub fn saturation_severity(used: u64, max: u64, config: &HealthConfig) -> (Severity, f64) {
    if max == 0 {
        return (Severity::Ok, 0.0);
    }
    let share = used as f64 / max as f64;
    let severity = if share >= config.saturation_critical {
        Severity::Critical
    } else if share >= config.saturation_warning {
        Severity::Warning
    } else {
        Severity::Ok
    };
    (severity, share)
}

/// The saturation result shared by the server dialects.
pub(super) fn saturation_result(
    used: u64,
    max: u64,
    extra: Value,
    config: &HealthConfig,
    started: Instant,
) -> HealthCheckResult {
    let (severity, share) = saturation_severity(used, max, config);
    let mut evidence = json!({
        "connections": used,
        "max_connections": max,
        "share": (share * 1000.0).round() / 1000.0,
        "warning_share": config.saturation_warning,
        "critical_share": config.saturation_critical,
    });
    if let (Value::Object(e), Value::Object(x)) = (&mut evidence, extra) {
        e.extend(x);
    }
    HealthCheckResult {
        check: "connection_saturation".into(),
        severity,
        summary: format!("{used} of {max} connections in use ({:.0}%)", share * 100.0),
        evidence,
        duration: started.elapsed(),
    }
}

/// A check that could not run: a warning naming the reason.
pub(super) fn could_not_run(
    check: &str,
    what: &str,
    err: &sqlx::Error,
    started: Instant,
) -> HealthCheckResult {
    HealthCheckResult {
        check: check.into(),
        severity: Severity::Warning,
        summary: format!("could not check {what}: {err}"),
        evidence: json!({"error": err.to_string()}),
        duration: started.elapsed(),
    }
}

/// The first `limit` characters of a query, whitespace runs folded.
pub fn truncate_query(text: &str, limit: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= limit {
        folded
    } else {
        let mut cut: String = folded.chars().take(limit).collect();
        cut.push('…');
        cut
    }
}

/// Milliseconds with three decimals.
pub(super) fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `0.4 ms`, `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 0.01 {
        format!("{:.1} ms", s * 1000.0)
    } else if s < 1.0 {
        format!("{} ms", (s * 1000.0).round())
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{} min {} s", (s / 60.0).floor(), (s % 60.0).floor())
    } else {
        format!(
            "{} h {} min",
            (s / 3600.0).floor(),
            ((s % 3600.0) / 60.0).floor()
        )
    }
}

/// The result of a long-running-query check from `(seconds, session)`
/// pairs
pub(super) fn long_running_result(
    sessions: Vec<(f64, Value)>,
    config: &HealthConfig,
    started: Instant,
) -> HealthCheckResult {
    let longest = sessions.iter().map(|(s, _)| *s).fold(0.0, f64::max);
    let severity = if sessions.is_empty() {
        Severity::Ok
    } else {
        graded(longest, 0.0, config.long_query_critical.as_secs_f64())
    };
    let summary = if sessions.is_empty() {
        format!(
            "no statement has run longer than {}",
            human(config.long_query_warning)
        )
    } else {
        format!(
            "{} statement(s) running longer than {}; the longest for {}",
            sessions.len(),
            human(config.long_query_warning),
            human(Duration::from_secs_f64(longest.max(0.0)))
        )
    };
    HealthCheckResult {
        check: "long_running_queries".into(),
        severity,
        summary,
        evidence: json!({
            "threshold_s": config.long_query_warning.as_secs_f64(),
            "critical_s": config.long_query_critical.as_secs_f64(),
            "sessions": sessions.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        }),
        duration: started.elapsed(),
    }
}

/// The result of a blocked-lock check from `(seconds waiting, wait)`
/// pairs
pub(super) fn blocked_result(
    waits: Vec<(f64, Value)>,
    config: &HealthConfig,
    started: Instant,
) -> HealthCheckResult {
    let longest = waits.iter().map(|(s, _)| *s).fold(0.0, f64::max);
    let (severity, summary) = if waits.is_empty() {
        (Severity::Ok, "no session waits on a lock".to_owned())
    } else {
        let severity = if longest > config.lock_wait_critical.as_secs_f64() {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let first = &waits[0].1;
        (
            severity,
            format!(
                "{} session(s) blocked on a lock; session {} waits for session {} ({})",
                waits.len(),
                first["blocked"]["pid"],
                first["blocking"]["pid"],
                human(Duration::from_secs_f64(longest.max(0.0)))
            ),
        )
    };
    HealthCheckResult {
        check: "blocked_locks".into(),
        severity,
        summary,
        evidence: json!({
            "critical_s": config.lock_wait_critical.as_secs_f64(),
            "waits": waits.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        }),
        duration: started.elapsed(),
    }
}
