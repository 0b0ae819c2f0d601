//! Events through the engine's auto-issue path (the one the workbench and
//! the scheduler use): the configured rules file, the outbox, one issue
//! per fingerprint, and a notice for the UI each time.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use sr_engine::{Engine, EngineOptions, Event};
use sr_secrets::{Keyring, Resolver};

fn repo(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(file)
}

async fn engine(dir: &Path, with_rules: bool) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    if with_rules {
        std::fs::copy(
            repo("config/auto_issue_rules.example.json"),
            paths.rules_file(),
        )
        .unwrap();
    }
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    Arc::new(
        Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .unwrap(),
    )
}

fn drift_event() -> sr_auto::DatabaseEvent {
    sr_auto::load_event(&repo("config/events/drift.detected.json")).unwrap()
}

#[tokio::test]
async fn a_repeated_drift_files_one_issue_and_tells_the_ui_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), true).await;
    let mut notices = engine.subscribe();
    let mut created = Vec::new();
    for _ in 0..3 {
        let report = engine.emit_event(&drift_event()).await.unwrap();
        assert!(report.outbox.failed.is_empty() && report.outbox.retry.is_empty());
        created.extend(
            report
                .outcomes
                .iter()
                .filter(|o| o.action == "create")
                .cloned(),
        );
        match notices.try_recv() {
            Ok(Event::AutoIssues {
                event, connection, ..
            }) => assert_eq!((event.as_str(), connection.as_str()), ("drift.detected", "demo")),
            other => panic!("expected an AutoIssues notice, got {other:?}"),
        }
    }
    assert_eq!(created.len(), 1, "one issue, then comments: {created:?}");
    let outbox = engine.store().outbox(100).await.unwrap();
    let creates = outbox
        .iter()
        .filter(|i| i.intent.action == sr_store::OutboxAction::Create)
        .count();
    let comments = outbox
        .iter()
        .filter(|i| i.intent.action == sr_store::OutboxAction::Comment)
        .count();
    assert_eq!((creates, comments), (1, 2), "{outbox:?}");
}

#[tokio::test]
async fn without_a_rules_file_nothing_is_filed() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), false).await;
    let report = engine.emit_event(&drift_event()).await.unwrap();
    assert!(report.outcomes.is_empty(), "{:?}", report.outcomes);
    assert!(engine.store().outbox(10).await.unwrap().is_empty());
}
