//! The designer's Apply through the engine on the demo database: the
//! script runs, the schema is read again, and with the example rules the
//! `migration.applied` event files the migration result issue; a failing
//! script changes nothing and reports the database's error.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use sr_engine::{Engine, EngineOptions};
use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{MigrationScript, Statement};
use sr_secrets::{Keyring, Resolver};

async fn engine(dir: &Path) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let rules =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../config/auto_issue_rules.example.json");
    std::fs::copy(rules, paths.rules_file()).unwrap();
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    Arc::new(
        Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .unwrap(),
    )
}

fn script(sql: &str) -> MigrationScript {
    MigrationScript {
        statements: vec![Statement {
            sql: sql.into(),
            destructive: false,
        }],
        ..MigrationScript::default()
    }
}

#[tokio::test]
async fn apply_changes_the_table_and_files_the_result_issue() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let orders = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders");
    let snapshot = engine
        .apply_schema_change(
            &orders,
            &script("ALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT"),
        )
        .await
        .unwrap();
    let table = snapshot.table("main", "orders").unwrap();
    assert!(table.column("note").is_some(), "{:?}", table.columns);

    let failed = engine
        .apply_schema_change(
            &orders,
            &script("ALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT"),
        )
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(failed.contains("duplicate column"), "{failed}");

    let outbox = engine.store().outbox(100).await.unwrap();
    let titles: Vec<String> = outbox
        .iter()
        .filter(|i| i.intent.action == sr_store::OutboxAction::Create)
        .map(|i| format!("{:?}", i.intent))
        .collect();
    assert_eq!(
        titles.len(),
        3,
        "a result issue per run and an incident for the failure: {titles:?}"
    );
    assert!(titles.iter().any(|t| t.contains("succeeded")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("failed")), "{titles:?}");
    assert!(
        titles
            .iter()
            .any(|t| t.contains("Incident") && t.contains("nothing to undo")),
        "{titles:?}"
    );
}

fn creates(outbox: &[sr_store::OutboxIntent], template_word: &str) -> Vec<String> {
    outbox
        .iter()
        .filter(|i| i.intent.action == sr_store::OutboxAction::Create)
        .map(|i| format!("{}\n{}", i.intent.title, i.intent.body))
        .filter(|t| t.contains(template_word))
        .collect()
}

#[tokio::test]
async fn a_change_that_locks_the_table_asks_for_approval_first() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let orders = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders");
    engine
        .apply_schema_change(
            &orders,
            &script("CREATE INDEX orders_by_status ON orders (status)"),
        )
        .await
        .unwrap();
    let outbox = engine.store().outbox(100).await.unwrap();
    let approvals = creates(&outbox, "Approve migration");
    assert_eq!(approvals.len(), 1, "{outbox:#?}");
    assert!(
        approvals[0].contains("CREATE INDEX orders_by_status"),
        "{}",
        approvals[0]
    );

    // Adding a nullable column locks nothing: no approval.
    engine
        .apply_schema_change(&orders, &script("ALTER TABLE orders ADD COLUMN memo TEXT"))
        .await
        .unwrap();
    let outbox = engine.store().outbox(100).await.unwrap();
    assert_eq!(creates(&outbox, "Approve migration").len(), 1);
}

#[tokio::test]
async fn a_change_that_fails_part_way_files_an_incident_with_the_way_back() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let orders = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders");
    let two = MigrationScript {
        statements: vec![
            Statement {
                sql: "ALTER TABLE orders ADD COLUMN half TEXT".into(),
                destructive: false,
            },
            Statement {
                sql: "ALTER TABLE no_such_table ADD COLUMN x TEXT".into(),
                destructive: false,
            },
        ],
        ..MigrationScript::default()
    };
    let err = engine.apply_schema_change(&orders, &two).await.err();
    assert!(err.is_some());
    let outbox = engine.store().outbox(100).await.unwrap();
    let incidents = creates(&outbox, "Incident");
    assert_eq!(incidents.len(), 1, "{outbox:#?}");
    let body = &incidents[0];
    assert!(body.contains("no_such_table"), "{body}");
    assert!(
        body.contains("half"),
        "the way back drops the added column: {body}"
    );
}
