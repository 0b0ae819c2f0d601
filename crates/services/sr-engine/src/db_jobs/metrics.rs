//! Outcomes of the database jobs as Prometheus metrics (rendered by the
//! listener's `/metrics`): drift checks and health checks per connection.

use sr_db::health::HealthCheckResult;

/// One drift check of `connection` against its baseline.
pub(super) fn drift(connection: &str, drifted: bool) {
    let outcome = if drifted { "drifted" } else { "clean" };
    metrics::counter!("sr_db_drift_checks_total", "connection" => connection.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::gauge!("sr_db_drifted", "connection" => connection.to_owned())
        .set(f64::from(u8::from(drifted)));
}

/// One run of `connection`'s health checks: each check's outcome, and the
/// worst severity now (0 ok, 1 warning, 2 critical).
pub(super) fn health(connection: &str, results: &[HealthCheckResult]) {
    let mut worst = 0u8;
    for r in results {
        metrics::counter!("sr_db_health_checks_total", "connection" => connection.to_owned(),
            "check" => r.check.clone(), "severity" => r.severity.as_str())
        .increment(1);
        worst = worst.max(match r.severity {
            sr_db::health::Severity::Ok => 0,
            sr_db::health::Severity::Warning => 1,
            sr_db::health::Severity::Critical => 2,
        });
    }
    metrics::gauge!("sr_db_health_severity", "connection" => connection.to_owned())
        .set(f64::from(worst));
}
