//! A binary older than the store's schema refuses to start on it: a newer
//! process may already have migrated the team store, and an old one
//! writing under a schema it does not know could lose data. The refusal
//! names both versions and the fix; the store is left as it was.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use sr_store::{Store, StoreError};

/// Marks the store at `url` as migrated by a future version, then checks
/// that opening it again is refused and leaves the mark in place.
async fn check(url: &str) {
    let store = Store::open(url).await.unwrap();
    store
        .execute_raw_for_tests(
            "INSERT INTO sr_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)",
        )
        .await
        .unwrap();
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

#[tokio::test]
async fn postgres_store_newer_than_the_binary_is_refused() {
    check(&sr_testkit::postgres_db().await).await;
}

#[tokio::test]
async fn sqlite_store_newer_than_the_binary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    check(&dir.path().join("store.db").display().to_string()).await;
}
