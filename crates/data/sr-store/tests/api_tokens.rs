//! API tokens (migration 10) on both engines: only hashes are stored, a
//! name is taken once even by two creates at once, revoking is idempotent.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use sr_store::{NewApiToken, Store, StoreError};

async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    body(sqlite.clone()).await;
    sqlite.close().await;
    let pg = Store::open(&sr_testkit::postgres_db().await).await.unwrap();
    body(pg.clone()).await;
    pg.close().await;
}

fn token<'a>(id: &'a str, name: &'a str, hash: &'a str) -> NewApiToken<'a> {
    NewApiToken {
        id,
        name,
        scope: "read",
        token_hash: hash,
        expires_at: None,
    }
}

#[tokio::test]
async fn tokens_are_found_by_hash_listed_and_revoked() {
    on_both(|store| async move {
        let made = store
            .insert_api_token(&token("t1", "ci", "aa11"))
            .await
            .unwrap();
        assert_eq!(made.scope, "read");
        let found = store.api_token_by_hash("aa11").await.unwrap().unwrap();
        assert_eq!(found, made);
        assert!(store.api_token_by_hash("bb22").await.unwrap().is_none());
        assert!(store.revoke_api_token("ci").await.unwrap());
        // A second revoke finds nothing left to revoke.
        assert!(!store.revoke_api_token("t1").await.unwrap());
        let listed = store.api_tokens().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].revoked_at.is_some());
    })
    .await;
}

#[tokio::test]
async fn two_creates_of_one_name_at_once_make_one_token() {
    on_both(|store| async move {
        let (first, second) = (token("a", "deploy", "h-a"), token("b", "deploy", "h-b"));
        let (a, b) = tokio::join!(
            store.insert_api_token(&first),
            store.insert_api_token(&second),
        );
        let failures: Vec<_> = [a, b].into_iter().filter_map(Result::err).collect();
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(matches!(&failures[0], StoreError::TokenNameTaken(n) if n == "deploy"));
        assert_eq!(store.api_tokens().await.unwrap().len(), 1);
    })
    .await;
}
