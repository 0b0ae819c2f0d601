//! Events through the engine's auto-issue path (the one the workbench and
//! the scheduler use): the configured rules file, the outbox, one issue
//! per fingerprint, and a notice for the UI each time.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use sr_engine::{Engine, EngineOptions, Event};
use sr_secrets::{Keyring, Resolver};

fn repo(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(file)
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
            }) => assert_eq!(
                (event.as_str(), connection.as_str()),
                ("drift.detected", "demo")
            ),
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

#[tokio::test]
async fn the_background_worker_sends_what_was_only_committed() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), true).await;
    let outcomes = engine.enqueue_event(&drift_event(), None).await.unwrap();
    assert!(
        outcomes.iter().any(|o| o.action == "create"),
        "{outcomes:?}"
    );
    let pending = |engine: &Engine| {
        let engine = engine.store().clone();
        async move {
            engine
                .outbox(10)
                .await
                .unwrap()
                .iter()
                .filter(|i| i.status != sr_store::OutboxStatus::Done)
                .count()
        }
    };
    assert_eq!(pending(&engine).await, 1, "committed, not sent");
    // A long interval: the worker's first round on start sends it.
    let worker = sr_engine::EngineOutbox::start(&engine, std::time::Duration::from_secs(3600));
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        // The row's status in the store is the thing waited for.
        while pending(&engine).await > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the worker sends the pending create");
    worker.shutdown().await;
    let links = engine
        .store()
        .links_for_object("demo:table:main.orders")
        .await
        .unwrap();
    assert_eq!(links.len(), 1, "the created issue is linked: {links:?}");
}

#[tokio::test]
async fn secret_patterns_beside_the_rules_are_redacted_from_issues() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), false).await;
    std::fs::write(
        engine.paths().rules_file(),
        r#"{"auto_issue_rules": [{"name": "Drift", "event": "drift.detected",
            "tracker": "Local", "template": "drift_detection"}],
           "secret_patterns": ["acme-[0-9]{6}"]}"#,
    )
    .unwrap();
    let mut event = drift_event();
    event.data["drift"]["summary"] = "column added by ticket acme-123456".into();
    let report = engine.emit_event(&event).await.unwrap();
    assert_eq!(report.outbox.done.len(), 1, "{report:?}");
    let outbox = engine.store().outbox(10).await.unwrap();
    let body = &outbox[0].intent.body;
    assert!(body.contains("column added by ticket"), "{body}");
    assert!(!body.contains("acme-123456"), "{body}");
}

#[tokio::test]
async fn rules_may_only_notify_channels_that_channels_json_defines() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), false).await;
    let templates = engine.templates().await.unwrap();
    let rules = dir.path().join("rules.json");
    let rule = |notify: &str| {
        format!(
            r#"{{"auto_issue_rules": [{{"name": "N", "event": "drift.detected", "tracker": "Local", "template": "drift_detection", "notify": ["{notify}"]}}]}}"#
        )
    };
    // No channels.json: no channel exists.
    std::fs::write(&rules, rule("ops-slack")).unwrap();
    let err = engine.rules(Some(&rules), &templates).await.unwrap_err();
    assert!(
        err.to_string().contains("unknown channel \"ops-slack\""),
        "{err}"
    );
    std::fs::copy(
        repo("config/channels.example.json"),
        engine.paths().channels_file(),
    )
    .unwrap();
    let set = engine.rules(Some(&rules), &templates).await.unwrap();
    assert_eq!(set.rules[0].notify, ["ops-slack"]);
    std::fs::write(&rules, rule("ops-slak")).unwrap();
    let err = engine.rules(Some(&rules), &templates).await.unwrap_err();
    assert!(
        err.to_string().contains("did you mean \"ops-slack\"?"),
        "{err}"
    );
}
