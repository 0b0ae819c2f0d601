//! Health transitions as data: a run's results after what failed before,
//! and the events that follow.

use std::time::Duration;

use serde_json::json;
use sr_db::health::{HealthCheckResult, Severity};

use super::{Failing, health_step};

fn result(spec: &str) -> HealthCheckResult {
    let (check, severity) = spec.split_once('=').unwrap_or((spec, "ok"));
    HealthCheckResult {
        check: check.into(),
        severity: match severity {
            "warning" => Severity::Warning,
            "critical" => Severity::Critical,
            _ => Severity::Ok,
        },
        summary: format!("{check} is {severity}"),
        evidence: json!({ "value": 1 }),
        duration: Duration::ZERO,
    }
}

/// Runs each line of `runs` (`check=severity …`) in turn; each run's
/// events as `kind check severity`, joined by `|`.
fn check(runs: &[&str], expected: &[&str]) {
    let mut failing = Failing::new();
    let got: Vec<String> = runs
        .iter()
        .map(|run| {
            let results: Vec<_> = run.split_whitespace().map(result).collect();
            health_step(&mut failing, "demo", &results)
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {}",
                        e.event.as_str(),
                        e.data["check"]["name"].as_str().unwrap_or("?"),
                        e.data["severity"].as_str().unwrap_or("?")
                    )
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert_eq!(got, expected, "{runs:?}");
}

#[test]
fn health_transitions() {
    check(&["connectivity backup"], &[""]);
    check(
        &["backup=critical", "backup=critical", "backup"],
        &[
            "health.failed backup critical",
            "",
            "health.recovered backup none",
        ],
    );
    check(
        &["integrity=warning", "integrity=critical", "integrity"],
        &[
            "health.failed integrity warning",
            "health.failed integrity critical",
            "health.recovered integrity none",
        ],
    );
    // One check back to ok while another still fails: the recovery waits,
    // since it would resolve the other's issue too.
    check(
        &[
            "backup=critical integrity=warning",
            "backup integrity=warning",
            "backup integrity",
        ],
        &[
            "health.failed backup critical|health.failed integrity warning",
            "",
            "health.recovered backup none|health.recovered integrity none",
        ],
    );
}
