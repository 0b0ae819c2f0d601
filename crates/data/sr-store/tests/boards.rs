//! Whiteboards on both engines: absent until saved, saved and loaded back,
//! each save one version up, and a save from a stale version refused with
//! the version that is stored.

use sr_store::{Store, StoreError};

async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("open a SQLite store");
    body(sqlite.clone()).await;
    sqlite.close().await;
    let pg = Store::open(&sr_testkit::postgres_db().await)
        .await
        .expect("open a PostgreSQL store");
    body(pg.clone()).await;
    pg.close().await;
}

/// What a save from version `expected` gives: the new version, or the
/// stored version a conflict names.
async fn save(store: &Store, connection: &str, doc: &str, expected: i64) -> Result<i64, i64> {
    match store.save_board(connection, doc, expected).await {
        Ok(v) => Ok(v),
        Err(StoreError::BoardConflict {
            connection: c,
            expected: e,
            found,
        }) => {
            assert_eq!((c.as_str(), e), (connection, expected));
            Err(found)
        }
        Err(other) => panic!("save_board: {other}"),
    }
}

async fn load(store: &Store, connection: &str) -> Option<(String, i64)> {
    store
        .board(connection)
        .await
        .expect("load a board")
        .map(|b| (b.document, b.version))
}

#[tokio::test]
async fn boards_save_load_and_refuse_stale_versions() {
    on_both(|store| async move {
        assert_eq!(load(&store, "demo").await, None);
        // The steps in order: (connection, document, made from, answer).
        let steps: &[(&str, &str, i64, Result<i64, i64>)] = &[
            ("demo", r#"{"items":[]}"#, 0, Ok(1)),
            ("demo", r#"{"items":[1]}"#, 1, Ok(2)),
            // A second workbench that read version 1 (or nothing) is refused.
            ("demo", r#"{"stale":true}"#, 1, Err(2)),
            ("demo", r#"{"stale":true}"#, 0, Err(2)),
            ("demo", r#"{"future":true}"#, 5, Err(2)),
            ("demo", r#"{"items":[1,2]}"#, 2, Ok(3)),
            // Boards are per connection.
            ("other", r#"{"other":1}"#, 3, Err(0)),
            ("other", r#"{"other":1}"#, 0, Ok(1)),
        ];
        for (connection, doc, expected, answer) in steps {
            assert_eq!(
                save(&store, connection, doc, *expected).await,
                *answer,
                "save {doc} to {connection} from version {expected}"
            );
        }
        assert_eq!(
            load(&store, "demo").await,
            Some((r#"{"items":[1,2]}"#.into(), 3))
        );
        assert_eq!(
            load(&store, "other").await,
            Some((r#"{"other":1}"#.into(), 1))
        );
        let stored = store.board("demo").await.unwrap().unwrap();
        assert!(stored.updated_at <= chrono::Utc::now());
    })
    .await;
}
