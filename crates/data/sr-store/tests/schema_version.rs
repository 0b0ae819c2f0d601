//! A binary older than the store's schema refuses to start on it: a newer
//! process may already have migrated the team store, and an old one
//! writing under a schema it does not know could lose data. The refusal
//! names both versions and the fix; the store is left as it was.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use sr_store::{Store, StoreError};

/// Marks the store at `url` as migrated by a future version (`sql`), then
/// checks that opening it again is refused and leaves the mark in place.
async fn check(url: &str, sql: &str) {
    let store = Store::open(url).await.unwrap();
    store.execute_raw_for_tests(sql).await.unwrap();
    store.close().await;
    for _ in 0..2 {
        match Store::open(url).await {
            Err(e @ StoreError::TooNew { found: 9999, known }) => {
                assert!((8..9999).contains(&known), "{known}");
                let message = e.to_string();
                assert!(
                    message.contains("9999") && message.contains("upgrade ScratchRobin"),
                    "{message}"
                );
            }
            other => panic!("an old binary opened a newer store: {other:?}"),
        }
    }
}

/// How a newer release records its migration (sqlx's table).
const NEWER: &str = "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                     VALUES (9999, 'from_the_future', TRUE, $$x$$, 1)";
/// How a release before sqlx's runner recorded one.
const NEWER_LEGACY: &str =
    "INSERT INTO sr_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)";

#[tokio::test]
async fn postgres_store_newer_than_the_binary_is_refused() {
    check(&sr_testkit::postgres_db().await, NEWER).await;
    check(&sr_testkit::postgres_db().await, NEWER_LEGACY).await;
}

#[tokio::test]
async fn sqlite_store_newer_than_the_binary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite_newer = NEWER.replace("$$x$$", "x'00'");
    check(
        &dir.path().join("a.db").display().to_string(),
        &sqlite_newer,
    )
    .await;
    check(&dir.path().join("b.db").display().to_string(), NEWER_LEGACY).await;
}
