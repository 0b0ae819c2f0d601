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
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/auto_issue_rules.example.json");
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
    assert_eq!(titles.len(), 2, "a result issue per run: {titles:?}");
    assert!(titles.iter().any(|t| t.contains("succeeded")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("failed")), "{titles:?}");
}
