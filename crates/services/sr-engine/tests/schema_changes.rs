//! Schema changes reach the store as their events pass through the
//! engine's auto-issue path, with or without a rule about them: the same
//! drift seen again (a later check, another engine on the same store) is
//! one change; a migration is another; a failed migration is none.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use sr_engine::{Engine, EngineOptions};
use sr_secrets::{Keyring, Resolver};

fn repo(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(file)
}

async fn engine(dir: &Path, store: &str) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let resolver = Arc::new(Resolver::with_env(|_| None, Keyring::in_memory()));
    let mut options = EngineOptions::new(paths);
    options.store_url = Some(store.to_owned());
    Arc::new(Engine::open_with(options, resolver).await.unwrap())
}

#[tokio::test]
async fn each_change_is_recorded_once_whoever_sees_it() {
    let store = sr_testkit::postgres_db().await;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (
        engine(d1.path(), &store).await,
        engine(d2.path(), &store).await,
    );
    let drift = sr_auto::load_event(&repo("config/events/drift.detected.json")).unwrap();
    let mut later = drift.clone();
    later.occurred_at += chrono::TimeDelta::hours(1);
    later.data["timestamp"] = "2026-11-22T04:04:05Z".into();
    // Two engines at once, then the next check: one change, first seen.
    let (ra, rb) = tokio::join!(a.enqueue_event(&drift, None), b.enqueue_event(&drift, None));
    ra.unwrap();
    rb.unwrap();
    a.enqueue_event(&later, None).await.unwrap();

    let migration = sr_auto::load_event(&repo("config/events/migration.applied.json")).unwrap();
    a.enqueue_event(&migration, None).await.unwrap();
    let mut failed = migration.clone();
    failed.data["migration"]["id"] = "V14".into();
    failed.data["result"]["status"] = "failed".into();
    a.enqueue_event(&failed, None).await.unwrap();

    let changes = a.store().schema_changes(Some("demo")).await.unwrap();
    let seen: Vec<(&str, Option<&str>, &str)> = changes
        .iter()
        .map(|c| (c.kind.as_str(), c.object.as_deref(), c.summary.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "drift",
                Some("main.orders"),
                "1 column changed, 1 column added, 1 index missing"
            ),
            (
                "migration",
                Some("main.orders"),
                "V13 orders_status_not_null"
            ),
        ]
    );
    let drift_row = changes.iter().find(|c| c.kind.as_str() == "drift").unwrap();
    // The first sighting's time, to the millisecond the store keeps.
    assert_eq!(
        drift_row.occurred_at.timestamp_millis(),
        drift.occurred_at.timestamp_millis()
    );
}
