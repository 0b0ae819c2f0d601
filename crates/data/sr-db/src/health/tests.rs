//! The pure parts of the health checks, as data.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::backup::file_age_verdict;
use super::*;

#[test]
fn saturation_math() {
    let config = HealthConfig::default();
    let cases = [
        (0, 100, Severity::Ok, 0.0),
        (79, 100, Severity::Ok, 0.79),
        (80, 100, Severity::Warning, 0.8),
        (94, 100, Severity::Warning, 0.94),
        (95, 100, Severity::Critical, 0.95),
        (300, 300, Severity::Critical, 1.0),
        (12, 0, Severity::Ok, 0.0),
    ];
    for (used, max, severity, share) in cases {
        let (got, got_share) = saturation_severity(used, max, &config);
        assert_eq!(got, severity, "{used}/{max}");
        assert!(
            (got_share - share).abs() < 1e-9,
            "{used}/{max}: {got_share}"
        );
    }
    let strict = HealthConfig {
        saturation_warning: 0.5,
        saturation_critical: 0.6,
        ..HealthConfig::default()
    };
    assert_eq!(saturation_severity(55, 100, &strict).0, Severity::Warning);
    assert_eq!(saturation_severity(60, 100, &strict).0, Severity::Critical);
}

#[test]
fn grading_and_worst() {
    let cases = [
        (0.1, Severity::Ok),
        (1.0, Severity::Ok),
        (1.5, Severity::Warning),
        (5.0, Severity::Warning),
        (5.1, Severity::Critical),
    ];
    for (value, expected) in cases {
        assert_eq!(graded(value, 1.0, 5.0), expected, "{value}");
    }
    let result = |severity| HealthCheckResult {
        check: "x".into(),
        severity,
        summary: String::new(),
        evidence: serde_json::Value::Null,
        duration: Duration::ZERO,
    };
    assert_eq!(worst(&[]), Severity::Ok);
    assert_eq!(
        worst(&[result(Severity::Ok), result(Severity::Warning)]),
        Severity::Warning
    );
    assert_eq!(
        worst(&[result(Severity::Critical), result(Severity::Warning)]),
        Severity::Critical
    );
}

#[test]
fn query_text_is_cut_and_folded() {
    let cases = [
        ("SELECT 1", 10, "SELECT 1"),
        ("SELECT\n   *\tFROM t", 20, "SELECT * FROM t"),
        ("SELECT * FROM orders", 8, "SELECT *…"),
        ("SELECT 'ééé'", 9, "SELECT 'é…"),
    ];
    for (text, limit, expected) in cases {
        assert_eq!(truncate_query(text, limit), expected, "{text}");
    }
}

#[test]
fn backup_file_age() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    let hour = Duration::from_secs(3600);
    let path = Path::new("/backups/shop.dump");
    let cases = [
        (Ok(now - hour), 24, Severity::Ok, "is 1 h 0 min old"),
        (
            Ok(now - hour * 25),
            24,
            Severity::Critical,
            "over the 24 h 0 min allowed",
        ),
        (Ok(now + hour), 24, Severity::Ok, "is 0.0 ms old"),
        (
            Err("No such file or directory".to_owned()),
            24,
            Severity::Critical,
            "cannot be read (No such file or directory)",
        ),
    ];
    for (modified, max_hours, severity, summary) in cases {
        let (got, text, evidence) = file_age_verdict(path, modified, hour * max_hours, now);
        assert_eq!(got, severity, "{text}");
        assert!(text.contains(summary), "{text} lacks {summary}");
        assert_eq!(evidence["path"], "/backups/shop.dump");
    }
}

#[test]
fn durations_read_well() {
    let cases = [
        (Duration::from_micros(420), "0.4 ms"),
        (Duration::from_millis(850), "850 ms"),
        (Duration::from_millis(12_340), "12.3 s"),
        (Duration::from_secs(245), "4 min 5 s"),
        (Duration::from_secs(7380), "2 h 3 min"),
    ];
    for (d, expected) in cases {
        assert_eq!(human(d), expected);
    }
}

#[test]
fn results_serialise_with_millisecond_durations() {
    let r = HealthCheckResult {
        check: "connectivity".into(),
        severity: Severity::Warning,
        summary: "slow".into(),
        evidence: serde_json::json!({"latency_ms": 250.0}),
        duration: Duration::from_micros(1500),
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"check": "connectivity", "severity": "warning", "summary": "slow",
                           "evidence": {"latency_ms": 250.0}, "duration_ms": 1.5})
    );
}

#[test]
fn postgres_standby_lag() {
    let config = HealthConfig::default();
    let lsn = |s: &str| Some(s.to_owned());
    let cases = [
        (
            None,
            lsn("0/3000000"),
            lsn("0/3000000"),
            Severity::Ok,
            "replayed everything",
        ),
        (
            None,
            lsn("0/3000100"),
            lsn("0/3000000"),
            Severity::Warning,
            "replayed no transaction yet",
        ),
        (
            Some(5000.0),
            lsn("0/3000000"),
            lsn("0/3000000"),
            Severity::Ok,
            "replayed everything",
        ),
        (
            Some(10.0),
            lsn("0/3000100"),
            lsn("0/3000000"),
            Severity::Ok,
            "10.0 s behind",
        ),
        (
            Some(45.0),
            lsn("0/3000100"),
            lsn("0/3000000"),
            Severity::Warning,
            "45.0 s behind",
        ),
        (
            Some(400.0),
            lsn("0/3000100"),
            lsn("0/3000000"),
            Severity::Critical,
            "6 min 40 s behind",
        ),
        (
            Some(400.0),
            None,
            lsn("0/3000000"),
            Severity::Critical,
            "behind",
        ),
    ];
    for (lag, received, replayed, severity, summary) in cases {
        let (got, text, evidence) =
            super::postgres::standby_result(lag, received, replayed, &config);
        assert_eq!(got, severity, "{lag:?}: {text}");
        assert!(text.contains(summary), "{text} lacks {summary}");
        assert_eq!(evidence["role"], "standby");
    }
}

#[test]
fn postgres_primary_replicas() {
    let config = HealthConfig::default();
    let replica = |lag: Option<f64>| {
        (
            Some("walreceiver".to_owned()),
            Some("10.0.0.2/32".to_owned()),
            Some("streaming".to_owned()),
            lag,
        )
    };
    let cases: [(Vec<super::postgres::ReplicaRow>, Severity, &str); 4] = [
        (vec![], Severity::Ok, "not a standby, and no replica"),
        (
            vec![replica(Some(0.5)), replica(None)],
            Severity::Ok,
            "2 replica(s)",
        ),
        (
            vec![replica(Some(0.5)), replica(Some(31.0))],
            Severity::Warning,
            "31.0 s late",
        ),
        (
            vec![replica(Some(301.0))],
            Severity::Critical,
            "5 min 1 s late",
        ),
    ];
    for (replicas, severity, summary) in cases {
        let (got, text, evidence) = super::postgres::primary_result(replicas, &config);
        assert_eq!(got, severity, "{text}");
        assert!(text.contains(summary), "{text} lacks {summary}");
        assert_eq!(evidence["role"], "primary");
    }
}
