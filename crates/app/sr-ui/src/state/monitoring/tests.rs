//! The monitoring state as data: commands a tab sends, events folded in,
//! the side-by-side drift view, and the auto-issue feed.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;

use sr_engine::monitoring::{
    NewIntent, OutboxAction, OutboxIntent, OutboxStatus, Outcome, Report, WorkReport,
    destructive_objects,
};
use sr_engine::{Command, DriftCheck, Event, EventReport, MonitoringCommand, MonitoringEvent};
use sr_schema::{Column, Dialect, Index, IndexColumn, IndexKey, Schema, Snapshot, Table};

use super::*;
use crate::state::{AutoActivity, Persisted};

fn state() -> UiState {
    let mut s = UiState::new(Persisted::default());
    s.take_commands();
    // Start-up's own jobs (connections, schema, trackers) are not ours.
    s.jobs.clear();
    s
}

fn kinds(commands: &[Command]) -> Vec<String> {
    commands
        .iter()
        .map(|c| match c {
            Command::Monitoring(m) => job_key(m),
            other => other.describe(),
        })
        .collect()
}

#[test]
fn opening_loads_once_and_answers_end_the_jobs() {
    let mut s = state();
    s.open_monitoring("demo");
    assert_eq!(
        kinds(&s.take_commands()),
        [
            "settings:demo",
            "health:demo",
            "perf:demo",
            "sync",
            "outbox"
        ]
    );
    assert_eq!(s.tabs, vec![Tab::Monitoring("demo".into())]);
    s.open_monitoring("demo");
    assert!(s.take_commands().is_empty(), "loaded already");
    assert_eq!(s.tabs.len(), 1);
    assert_eq!(s.jobs.len(), 5);
    s.apply(Event::Monitoring(MonitoringEvent::Health {
        connection: "demo".into(),
        results: Vec::new(),
    }));
    assert_eq!(
        s.monitoring.of("demo").unwrap().health,
        Load::Ready(Vec::new())
    );
    assert_eq!(s.jobs.len(), 4);
    // A failure lands in its section.
    s.fail_job(
        MonitoringCommand::LoadPerfHistory {
            connection: "demo".into(),
        }
        .describe(),
        "store closed".into(),
    );
    assert_eq!(
        s.monitoring.of("demo").unwrap().perf,
        Load::Failed("store closed".into())
    );
    assert_eq!(s.jobs.len(), 3);
}

#[test]
fn drift_buttons_send_and_failures_show() {
    let mut s = state();
    s.save_baseline("demo");
    s.check_drift("demo");
    assert_eq!(kinds(&s.take_commands()), ["baseline:demo", "drift:demo"]);
    assert!(matches!(
        s.monitoring.of("demo").unwrap().drift,
        Load::Loading
    ));
    s.fail_job(
        "Check demo for drift".into(),
        "no baseline is saved for demo".into(),
    );
    let m = s.monitoring.of("demo").unwrap();
    assert!(
        matches!(&m.drift, Load::Failed(e) if e == "no baseline is saved for demo"),
        "{:?}",
        m.drift
    );
    assert_eq!(m.baseline, Load::Loading, "the other job still runs");
}

/// Schema `main` from `(table, ["column TYPE", …])`, plus indexes
/// `(name, table)`.
fn snap(tables: &[(&str, &[&str])], indexes: &[(&str, &str)]) -> Snapshot {
    let mut s = Snapshot::new(Dialect::Sqlite, "demo");
    let mut schema = Schema::new("main");
    for (name, columns) in tables {
        let mut t = Table::new(*name);
        for c in *columns {
            let (n, ty) = c.split_once(' ').unwrap();
            t.columns.push(Column::new(n, ty, true));
        }
        schema.tables.push(t);
    }
    for (name, table) in indexes {
        schema.indexes.push(Index {
            name: (*name).into(),
            table: (*table).into(),
            columns: vec![IndexColumn {
                key: IndexKey::Column("id".into()),
                descending: false,
                collation: None,
                opclass: None,
            }],
            ..Index::default()
        });
    }
    s.schemas.push(schema);
    s
}

fn drift(expected: &Snapshot, actual: &Snapshot) -> DriftCheck {
    DriftCheck {
        destructive: destructive_objects(expected, actual),
        report: Report::new(
            "demo",
            "sqlite:demo.db",
            "baseline".into(),
            expected,
            actual,
        ),
    }
}

/// Lines of one side as text, `*` before the ones marked changed.
fn side(lines: &[DiffLine]) -> Vec<String> {
    lines
        .iter()
        .map(|l| format!("{}{}", if l.changed { "*" } else { "" }, l.text))
        .collect()
}

/// `(key, what, destructive, expected, actual)` per drifted object.
type Want<'a> = (&'a str, &'a str, bool, &'a [&'a str], &'a [&'a str]);

/// `Want` with owned strings, as the view produces them.
type Row = (String, String, bool, Vec<String>, Vec<String>);

fn check(expected: Snapshot, actual: Snapshot, want: &[Want]) {
    let views = drift_view(&drift(&expected, &actual));
    let got: Vec<Row> = views
        .iter()
        .map(|v| {
            (
                v.key.clone(),
                v.what.clone(),
                v.destructive,
                side(&v.expected),
                side(&v.actual),
            )
        })
        .collect();
    let want: Vec<Row> = want
        .iter()
        .map(|(k, w, d, e, a)| {
            let strings = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect();
            ((*k).into(), (*w).into(), *d, strings(e), strings(a))
        })
        .collect();
    assert_eq!(got, want);
}

const ORDERS: (&str, &[&str]) = ("orders", &["id INTEGER", "status TEXT"]);
const ORDERS_NOTE: (&str, &[&str]) = ("orders", &["id INTEGER", "status TEXT", "note TEXT"]);
const ORDERS_INT: (&str, &[&str]) = ("orders", &["id INTEGER", "status INTEGER"]);

#[test]
fn drift_side_by_side() {
    check(snap(&[ORDERS], &[]), snap(&[ORDERS], &[]), &[]);
    check(
        snap(&[ORDERS], &[]),
        snap(&[ORDERS_NOTE], &[]),
        &[(
            "main.orders",
            "table changed",
            true,
            &["id INTEGER", "status TEXT"],
            &["id INTEGER", "status TEXT", "*note TEXT"],
        )],
    );
    check(
        snap(&[ORDERS_INT], &[]),
        snap(&[ORDERS], &[]),
        &[(
            "main.orders",
            "table changed",
            true,
            &["id INTEGER", "*status INTEGER"],
            &["id INTEGER", "*status TEXT"],
        )],
    );
    check(
        snap(&[ORDERS], &[]),
        snap(&[], &[]),
        &[(
            "main.orders",
            "table missing",
            false,
            &["*id INTEGER", "*status TEXT"],
            &[],
        )],
    );
    // An index counts towards its table.
    check(
        snap(&[ORDERS], &[("orders_id", "orders")]),
        snap(&[ORDERS], &[]),
        &[(
            "main.orders",
            "index missing",
            false,
            &["*index orders_id"],
            &[],
        )],
    );
}

fn outcome(rule: &str, action: &str, intents: &[i64]) -> Outcome {
    Outcome {
        rule: rule.into(),
        action: action.into(),
        fingerprint: None,
        intents: intents.to_vec(),
        note: None,
    }
}

fn activity(event: &str, outcomes: Vec<Outcome>, failed: Vec<(i64, String)>) -> AutoActivity {
    AutoActivity {
        event: event.into(),
        connection: "demo".into(),
        report: EventReport {
            outcomes,
            outbox: WorkReport {
                failed,
                ..WorkReport::default()
            },
            ..EventReport::default()
        },
        at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        source: Box::new(
            sr_auto::parse_event(
                std::path::Path::new("e.json"),
                &format!(r#"{{"event": "{event}", "connection": "demo"}}"#),
            )
            .unwrap(),
        ),
    }
}

fn sent(id: i64, issue: Option<&str>) -> OutboxIntent {
    OutboxIntent {
        id,
        intent: NewIntent {
            rule: "Schema Drift Alert".into(),
            fingerprint: "f".into(),
            tracker: "Local".into(),
            action: OutboxAction::Create,
            purpose: "create".into(),
            title: "Schema drift".into(),
            body: String::new(),
            labels: Vec::new(),
            priority: None,
            assignee: None,
            object: None,
            issue_key: issue.map(str::to_owned),
        },
        status: OutboxStatus::Done,
        attempts: 1,
        last_error: None,
        created_at: chrono::Utc::now(),
        done_at: None,
    }
}

#[test]
fn feed_rows_newest_first_with_their_issues() {
    let feed = vec![
        activity(
            "drift.detected",
            vec![
                outcome("Schema Drift Alert", "create", &[1]),
                outcome("Health", "no_match", &[]),
            ],
            Vec::new(),
        ),
        activity(
            "drift.detected",
            vec![outcome("Schema Drift Alert", "comment", &[2])],
            vec![(2, "Local answered 500".into())],
        ),
        activity(
            "health.failed",
            vec![outcome("Health Check Failed", "folded", &[])],
            Vec::new(),
        ),
    ];
    let outbox = [sent(1, Some("local:default:1")), sent(2, None)];
    let rows: Vec<(String, String, Option<String>, bool)> = feed_rows(&feed, &outbox)
        .into_iter()
        .map(|r| (r.rule, r.action, r.issue, r.failed))
        .collect();
    let want = |rule: &str, action: &str, issue: Option<&str>, failed: bool| {
        (
            rule.to_owned(),
            action.to_owned(),
            issue.map(str::to_owned),
            failed,
        )
    };
    assert_eq!(
        rows,
        vec![
            want("Health Check Failed", "folded (rate limit)", None, false),
            want("Schema Drift Alert", "deduplicated: commented", None, true),
            want(
                "Schema Drift Alert",
                "new issue",
                Some("local:default:1"),
                false
            ),
        ]
    );
    // Without the outbox yet, the rows are there without issue keys.
    assert!(feed_rows(&feed, &[]).iter().all(|r| r.issue.is_none()));
}

#[test]
fn rules_running_refresh_the_outbox_once_and_the_feed_is_bounded() {
    let mut s = state();
    s.refresh_outbox_if_stale();
    assert!(s.take_commands().is_empty(), "nothing new");
    for i in 0..250 {
        s.apply(Event::AutoIssues {
            event: format!("e{i}"),
            connection: "demo".into(),
            report: EventReport::default(),
            source: Box::new(
                sr_auto::parse_event(
                    std::path::Path::new("e.json"),
                    r#"{"event": "drift.detected", "connection": "demo"}"#,
                )
                .unwrap(),
            ),
        });
    }
    assert_eq!(s.auto_feed.len(), 200);
    assert_eq!(s.auto_feed.last().unwrap().event, "e249");
    s.refresh_outbox_if_stale();
    s.refresh_outbox_if_stale();
    assert_eq!(
        kinds(&s.take_commands()),
        ["outbox"],
        "one request at a time"
    );
    s.apply(Event::Monitoring(MonitoringEvent::Outbox(vec![sent(
        1, None,
    )])));
    s.refresh_outbox_if_stale();
    assert!(s.take_commands().is_empty(), "up to date");
    assert_eq!(s.monitoring.outbox.ready().map(Vec::len), Some(1));
}

#[test]
fn a_drift_answer_builds_its_view() {
    let mut s = state();
    let check = drift(&snap(&[ORDERS], &[]), &snap(&[ORDERS_NOTE], &[]));
    s.apply(Event::Monitoring(MonitoringEvent::Drift {
        connection: "demo".into(),
        report: Arc::new(check),
    }));
    let m = s.monitoring.of("demo").unwrap();
    assert!(m.drift.ready().is_some_and(|d| d.report.drifted));
    assert_eq!(
        m.drift_view
            .iter()
            .map(|v| v.key.as_str())
            .collect::<Vec<_>>(),
        ["main.orders"]
    );
}

#[test]
fn an_alert_no_rule_matched_is_a_row_saying_so_and_a_resolution_is_not() {
    let feed = vec![
        activity(
            "drift.detected",
            vec![outcome("Schema Drift Alert", "no_match", &[])],
            Vec::new(),
        ),
        activity("drift.resolved", Vec::new(), Vec::new()),
        activity(
            "health.failed",
            vec![outcome("Health", "create", &[1])],
            Vec::new(),
        ),
    ];
    let rows: Vec<(String, bool, bool, usize)> = feed_rows(&feed, &[])
        .into_iter()
        .map(|r| (r.action, r.no_rule, r.alert, r.index))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("new issue".to_owned(), false, true, 2),
            (
                "no rule matched: drift.detected on demo".to_owned(),
                true,
                true,
                0
            ),
        ]
    );
}
