//! "File issue…" on an alert, through the engine over a real PostgreSQL
//! connection: the draft comes from the rule that would file it, two
//! filings at once file one issue, a second press offers the open one, and
//! a rule firing later comments on the hand-filed issue instead of filing
//! another. And the rules window's save, which refuses a file another
//! process changed since it was read.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use sr_auto::{HandIssue, Tracked};
use sr_engine::{
    Alert, AlertFiled, Engine, EngineError, EngineOptions, FailureKind, RuleSource, alert_event,
};
use sr_secrets::{Keyring, Resolver};

/// The health rule as a user's (not starter) rule: it files whatever
/// the connection's monitoring settings say.
const RULES: &str = r#"{"auto_issue_rules": [{
    "name": "Health check critical", "event": "health.failed",
    "condition": "severity == 'critical'", "tracker": "Local",
    "template": "health_check", "priority": "P1", "labels": ["health"]}]}"#;

async fn engine(dir: &Path, connections: Option<&str>) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    std::fs::create_dir_all(&paths.config_dir).unwrap();
    if let Some(file) = connections {
        std::fs::write(paths.connections_file(), file).unwrap();
    }
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    Arc::new(
        Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .unwrap(),
    )
}

fn issue(title: &str) -> HandIssue {
    HandIssue {
        tracker: "Local".into(),
        title: title.into(),
        body: "The backup is missing.".into(),
        labels: vec!["health".into()],
        priority: None,
        assignee: None,
    }
}

#[tokio::test]
async fn a_health_alert_on_postgres_files_once_and_rules_dedupe_against_it() {
    let pg = sr_testkit::postgres_db().await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-backup.done");
    let engine = engine(
        dir.path(),
        Some(&format!(
            r#"{{"connections": [{{"name": "shop", "url": "{pg}"}}]}}"#
        )),
    )
    .await;
    std::fs::write(engine.paths().rules_file(), RULES).unwrap();
    std::fs::write(
        engine.paths().config_dir.join("monitoring.json"),
        serde_json::json!({"connections": {"shop": {
            "drift_minutes": 0, "health_minutes": 0, "perf_minutes": 0,
            "backup_file": missing}}})
        .to_string(),
    )
    .unwrap();

    // Run checks honours the connection's backup check: it fails.
    let results = engine.run_health("shop").await.unwrap();
    let backup = results
        .iter()
        .find(|r| r.check == "backup")
        .cloned()
        .unwrap_or_else(|| panic!("no backup check in {results:?}"));
    assert_eq!(backup.severity.as_str(), "critical");
    let alert = Alert::Health {
        connection: "shop".into(),
        result: backup,
    };

    let draft = engine.draft_alert(&alert).await.unwrap();
    assert_eq!(draft.source, RuleSource::Matching);
    assert_eq!(draft.draft.rule, "Health check critical");
    assert_eq!(draft.draft.tracked, Tracked::Nothing { previous: None });
    assert!(!draft.draft.title.is_empty());
    assert!(
        !draft.draft.body.contains("sr-fingerprint"),
        "the marker is added when filing, not shown: {}",
        draft.draft.body
    );

    // Pressed twice at once (two windows, two processes): one issue.
    let event = draft.event.clone();
    let filing = issue("Backup missing on shop");
    let (a, b) = tokio::join!(
        engine.file_alert(&event, &filing),
        engine.file_alert(&event, &filing),
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    let filed = outcomes
        .iter()
        .filter(|o| matches!(o, AlertFiled::Created(_) | AlertFiled::Queued))
        .count();
    assert_eq!(filed, 1, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, AlertFiled::Existing(_))),
        "{outcomes:?}"
    );
    engine.outbox_worker().run_until_idle().await.unwrap();
    let outbox = engine.store().outbox(100).await.unwrap();
    let creates: Vec<_> = outbox
        .iter()
        .filter(|i| i.intent.action == sr_store::OutboxAction::Create)
        .collect();
    assert_eq!(creates.len(), 1, "{creates:?}");
    let create = creates[0];
    assert_eq!(create.intent.purpose, "manual");
    assert_eq!(create.intent.fingerprint, draft.draft.fingerprint);
    assert!(
        create
            .intent
            .labels
            .contains(&sr_auto::fingerprint_label(&draft.draft.fingerprint))
    );
    assert!(
        create
            .intent
            .body
            .ends_with(&sr_auto::body_marker(&draft.draft.fingerprint))
    );

    // Pressed again: the open issue is offered, and filing is refused.
    let again = engine.draft_alert(&alert).await.unwrap();
    let Tracked::Open(open) = &again.draft.tracked else {
        panic!("the open issue, not {:?}", again.draft.tracked);
    };
    assert!(open.display_key.starts_with("LOCAL-"), "{open:?}");
    assert_eq!(open.title, "Backup missing on shop");
    assert!(matches!(
        engine.file_alert(&event, &issue("again")).await.unwrap(),
        AlertFiled::Existing(Tracked::Open(_))
    ));

    // The rule firing on the same alert comments on the hand-filed issue.
    let report = engine
        .emit_event(&alert_event(&alert).unwrap())
        .await
        .unwrap();
    let actions: Vec<&str> = report.outcomes.iter().map(|o| o.action.as_str()).collect();
    assert_eq!(actions, ["comment"], "{report:?}");
    let outbox = engine.store().outbox(100).await.unwrap();
    assert_eq!(
        outbox
            .iter()
            .filter(|i| i.intent.action == sr_store::OutboxAction::Create)
            .count(),
        1
    );
}

#[tokio::test]
async fn without_a_matching_rule_the_starter_rule_drafts_the_issue() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), None).await;
    // No rules file: the starter rule of the kind shapes the issue.
    let event = sr_auto::parse_event(
        Path::new("drift.json"),
        sr_templates::event_sample("drift.detected").unwrap(),
    )
    .unwrap();
    let draft = engine
        .draft_alert(&Alert::Event(Box::new(event)))
        .await
        .unwrap();
    assert_eq!(draft.source, RuleSource::Starter);
    assert_eq!(draft.draft.rule, "Schema drift");
    assert_eq!(draft.draft.priority.map(|p| p.as_str()), Some("P1"));
}

#[tokio::test]
async fn a_save_over_a_file_changed_since_it_was_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), None).await;
    std::fs::write(engine.paths().rules_file(), RULES).unwrap();
    let (doc, read) = engine.rules_document_hashed(None).await.unwrap();

    // Another process edits the file meanwhile.
    engine
        .edit_rules(
            None,
            sr_engine::RuleEdit::Duplicate {
                name: "Health check critical".into(),
                new_name: "Health (copy)".into(),
            },
        )
        .await
        .unwrap();
    let refused = engine
        .save_rules_document(None, doc.clone(), Some(read.clone()))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, EngineError::RulesChanged { .. }),
        "{refused}"
    );
    assert_eq!(refused.failure_kind(), FailureKind::Conflict);
    assert!(refused.to_string().contains("Reload"), "{refused}");
    let kept = std::fs::read_to_string(engine.paths().rules_file()).unwrap();
    assert!(kept.contains("Health (copy)"), "the other edit survives");

    // Read again, the save goes through and says what it saved.
    let (doc, read) = engine.rules_document_hashed(None).await.unwrap();
    let saved = engine
        .save_rules_document(None, doc, Some(read.clone()))
        .await
        .unwrap();
    let (_, now) = engine.rules_document_hashed(None).await.unwrap();
    assert_eq!(saved, now);
}
