//! The database jobs' findings as events, in the shapes of
//! `config/events/{drift.resolved,health.failed,health.recovered,
//! performance.regression}.json` (what the rules and templates read).
//! Health and performance events name their finding with a top-level
//! `fingerprint`, so changing measurements do not open new issues.

use serde_json::{Value, json};
use sr_auto::DatabaseEvent;
use sr_db::health::HealthCheckResult;
use sr_model::EventKind;
use sr_store::QueryBaseline;

use crate::PerfSeries;

/// The object health events are filed under: the database as a whole.
const HEALTH_OBJECT: &str = "main";

/// The `drift.resolved` event that clears a `drift.detected` one: same
/// object, the actual schema equal to the expected one again.
pub(super) fn drift_resolved(mut detected: DatabaseEvent) -> DatabaseEvent {
    let now = chrono::Utc::now();
    let expected = detected.data["expected"]["schema_summary"].clone();
    detected.data["timestamp"] = json!(now);
    detected.data["actual"] = json!({ "schema_summary": expected });
    detected.data["drift"] = json!({
        "severity": "none",
        "summary": "the database matches its baseline again",
        "details": "",
        "changes": [],
    });
    detected.event = EventKind::DriftResolved;
    detected.occurred_at = now;
    detected
}

/// The connectivity check's failure when the database cannot be opened.
pub(super) fn unreachable(error: &str) -> HealthCheckResult {
    HealthCheckResult {
        check: "connectivity".into(),
        severity: sr_db::health::Severity::Critical,
        summary: format!("the database cannot be opened: {error}"),
        evidence: json!({ "error": error }),
        duration: std::time::Duration::ZERO,
    }
}

/// Top-level scalars of a check's evidence as metric rows.
fn metrics(evidence: &Value) -> Vec<Value> {
    evidence
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, v)| {
                    let value = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    json!({ "metric": k, "value": value, "threshold": "" })
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn health_failed(connection: &str, r: &HealthCheckResult) -> DatabaseEvent {
    let now = chrono::Utc::now();
    DatabaseEvent {
        event: EventKind::HealthFailed,
        connection: connection.to_owned(),
        object: Some(HEALTH_OBJECT.into()),
        data: json!({
            "fingerprint": format!("health:{}:{}", r.check, r.severity.as_str()),
            "timestamp": now,
            "severity": r.severity.as_str(),
            "check": {
                "name": r.check,
                "description": format!("the {} health check", r.check.replace('_', " ")),
                "status": "failed",
                "threshold": "",
                "observed": r.summary,
            },
            "message": r.summary,
            "metrics": metrics(&r.evidence),
            "runbook": "",
        }),
        occurred_at: now,
    }
}

/// `failed` is the data of the `health.failed` event it clears.
pub(super) fn health_recovered(
    connection: &str,
    r: &HealthCheckResult,
    failed: Value,
) -> DatabaseEvent {
    let now = chrono::Utc::now();
    let mut data = failed;
    data["fingerprint"] = json!(format!("health:{}:recovered", r.check));
    data["timestamp"] = json!(now);
    data["severity"] = json!("none");
    data["check"]["status"] = json!("recovered");
    data["check"]["observed"] = json!(r.summary);
    data["message"] = json!(format!("the check passes again: {}", r.summary));
    data["metrics"] = json!(metrics(&r.evidence));
    DatabaseEvent {
        event: EventKind::HealthRecovered,
        connection: connection.to_owned(),
        object: Some(HEALTH_OBJECT.into()),
        data,
        occurred_at: now,
    }
}

pub(crate) fn perf_regression(
    connection: &str,
    series: &PerfSeries,
    before: &QueryBaseline,
    after: &QueryBaseline,
) -> DatabaseEvent {
    let percentage = if before.median_ms > 0.0 {
        ((after.median_ms / before.median_ms - 1.0) * 1000.0).round() / 10.0
    } else {
        0.0
    };
    let severity = if percentage >= 100.0 {
        "high"
    } else {
        "medium"
    };
    DatabaseEvent {
        event: EventKind::PerformanceRegression,
        connection: connection.to_owned(),
        object: None,
        data: json!({
            "fingerprint": format!("perf:{}", series.fingerprint),
            "timestamp": after.recorded_at,
            "severity": severity,
            "query": { "fingerprint": series.fingerprint, "sql": series.sql, "calls": after.runs },
            "regression": {
                "percentage": percentage,
                "metric": "median execution time",
                "window": "the latest measurement against the one before it",
            },
            "before": { "execution_time_ms": before.median_ms, "plan": before.plan },
            "after": { "execution_time_ms": after.median_ms, "plan": after.plan },
            "ai_suggestions": "",
        }),
        occurred_at: chrono::Utc::now(),
    }
}
