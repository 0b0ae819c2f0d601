//! The monitoring commands through the GUI's handle: a saved baseline, a
//! drift on the demo database, its report and the `drift.detected` event
//! the example rules turn into a Local issue; health checks; tracked
//! queries' history.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use sr_engine::{
    Answer, Command, Engine, EngineHandle, EngineOptions, Event, FailureKind, MonitoringCommand,
    MonitoringEvent,
};
use sr_engine::{QueryCommand, QueryEvent};
use sr_secrets::{Keyring, Resolver};

fn repo(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(file)
}

fn paths(dir: &Path) -> sr_config::Paths {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    std::fs::copy(
        repo("config/auto_issue_rules.example.json"),
        paths.rules_file(),
    )
    .unwrap();
    paths
}

fn resolver() -> Arc<Resolver> {
    Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()))
}

/// The next event that `pick` accepts; others (notices, replies to other
/// commands) are skipped. A generous bound keeps a broken engine from
/// hanging the test.
fn next<T>(events: &Receiver<Answer>, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    loop {
        let e = events.recv_timeout(Duration::from_secs(60)).unwrap().event;
        if let Event::Failed(f) = &e {
            panic!("{}: {}", f.context, f.message);
        }
        if let Some(t) = pick(e) {
            return t;
        }
    }
}

fn monitoring(cmd: MonitoringCommand) -> Command {
    Command::Monitoring(cmd)
}

#[test]
fn a_drift_after_the_baseline_is_reported_and_filed_as_a_local_issue() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, events) = EngineHandle::spawn_with(
        EngineOptions::new(paths(dir.path())),
        resolver(),
        Arc::new(|| {}),
    )
    .unwrap();
    let demo = "demo".to_owned();
    handle.request(monitoring(MonitoringCommand::SaveBaseline {
        connection: demo.clone(),
    }));
    let (path, tables) = next(&events, |e| match e {
        Event::Monitoring(MonitoringEvent::BaselineSaved { path, tables, .. }) => {
            Some((path, tables))
        }
        _ => None,
    });
    assert!(
        path.ends_with("baselines/demo.json") && path.is_file(),
        "{path:?}"
    );
    assert!(tables > 0);

    handle.request(Command::Query(QueryCommand::Run {
        request: 1,
        connection: demo.clone(),
        sql: "ALTER TABLE orders ADD COLUMN note TEXT".into(),
        explain: false,
    }));
    let ran = next(&events, |e| match e {
        Event::Query(QueryEvent::Finished { result, .. }) => Some(result),
        _ => None,
    });
    assert!(ran.is_ok(), "{ran:?}");

    handle.request(monitoring(MonitoringCommand::CheckDrift {
        connection: demo.clone(),
        baseline: None,
    }));
    // The rules' notice travels on its own channel: the two arrive in
    // either order, and both must.
    let (mut auto, mut check) = (None, None);
    while auto.is_none() || check.is_none() {
        next(&events, |e| {
            match e {
                Event::AutoIssues { event, report, .. } => auto = Some((event, report)),
                Event::Monitoring(MonitoringEvent::Drift { report, .. }) => check = Some(report),
                _ => {}
            }
            Some(())
        });
    }
    let check = check.unwrap();
    let report = &check.report;
    assert!(report.drifted);
    assert!(
        report.migration_sql.contains("note"),
        "{}",
        report.migration_sql
    );
    assert_eq!(check.destructive, vec!["main.orders".to_owned()]);
    let (event, auto) = auto.unwrap();
    assert_eq!(event, "drift.detected");
    let actions: Vec<(&str, &str)> = auto
        .outcomes
        .iter()
        .map(|o| (o.rule.as_str(), o.action.as_str()))
        .collect();
    assert_eq!(actions, vec![("Schema Drift Alert", "create")]);
    assert_eq!(auto.outbox.done.len(), 1, "{:?}", auto.outbox);

    handle.request(monitoring(MonitoringCommand::LoadOutbox { limit: 10 }));
    let outbox = next(&events, |e| match e {
        Event::Monitoring(MonitoringEvent::Outbox(rows)) => Some(rows),
        _ => None,
    });
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        outbox[0].status,
        sr_store::OutboxStatus::Done,
        "{:?}",
        outbox[0]
    );
    assert!(
        outbox[0].intent.title.contains("main.orders"),
        "{}",
        outbox[0].intent.title
    );
}

#[test]
fn without_a_saved_baseline_the_check_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, events) = EngineHandle::spawn_with(
        EngineOptions::new(paths(dir.path())),
        resolver(),
        Arc::new(|| {}),
    )
    .unwrap();
    let check = handle
        .request(monitoring(MonitoringCommand::CheckDrift {
            connection: "demo".into(),
            baseline: None,
        }))
        .expect("the engine runs");
    let message = loop {
        let answer = events.recv_timeout(Duration::from_secs(60)).unwrap();
        match answer.event {
            Event::Failed(f) => {
                // The failure names the request and says what kind it is.
                assert_eq!(answer.request, Some(check));
                assert_eq!(f.kind, FailureKind::NotFound, "{f:?}");
                break f.message;
            }
            Event::Monitoring(e) => panic!("expected a failure, got {e:?}"),
            _ => {}
        }
    };
    assert!(message.contains("Save baseline"), "{message}");
}

#[tokio::test]
async fn health_and_tracked_queries() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open_with(EngineOptions::new(paths(dir.path())), resolver())
        .await
        .unwrap();
    let results = engine.run_health("demo").await.unwrap();
    let checks: Vec<&str> = results.iter().map(|r| r.check.as_str()).collect();
    assert!(checks.contains(&"connectivity"), "{checks:?}");

    let sql = "SELECT * FROM orders WHERE id = 1";
    engine.track_query("demo", sql).await.unwrap();
    engine
        .track_query("demo", "select *  from orders where id = 2")
        .await
        .unwrap();
    for (median, minutes) in [(1.0, 0), (1.1, 1), (9.0, 2)] {
        engine
            .store()
            .save_query_baseline(&sr_store::QueryBaseline {
                connection: "demo".into(),
                fingerprint: sr_db::perf::fingerprint(sql),
                sql: sql.into(),
                runs: 10,
                median_ms: median,
                p95_ms: median,
                mad_ms: 0.05,
                min_ms: median,
                max_ms: median,
                plan: "{}".into(),
                recorded_at: chrono::Utc::now() - chrono::Duration::minutes(10 - minutes),
            })
            .await
            .unwrap();
    }
    let series = engine.perf_history("demo").await.unwrap();
    assert_eq!(series.len(), 1, "the same query once: {series:?}");
    let medians: Vec<f64> = series[0].points.iter().map(|p| p.median_ms).collect();
    assert_eq!(medians, vec![1.0, 1.1, 9.0]);
    assert_eq!(series[0].regressed, vec![false, false, true]);
}
