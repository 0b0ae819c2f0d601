//! Query baselines on both engines: saved, the newest loaded, the history
//! newest first, kept apart per connection and fingerprint.

use chrono::{Duration, Utc};
use sr_store::{QueryBaseline, Store};

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

fn baseline(connection: &str, fingerprint: &str, median_ms: f64, age_s: i64) -> QueryBaseline {
    let at = Utc::now() - Duration::seconds(age_s);
    QueryBaseline {
        connection: connection.into(),
        fingerprint: fingerprint.into(),
        sql: "SELECT * FROM t WHERE id = 1".into(),
        runs: 10,
        median_ms,
        p95_ms: median_ms * 1.5,
        mad_ms: 0.25,
        min_ms: median_ms / 2.0,
        max_ms: median_ms * 2.0,
        plan: r#"{"seq_scans":["t"]}"#.into(),
        recorded_at: chrono::DateTime::from_timestamp_millis(at.timestamp_millis())
            .expect("a timestamp in range"),
    }
}

#[tokio::test]
async fn baselines_save_load_and_history() {
    on_both(|store| async move {
        assert_eq!(store.query_baseline("demo", "f1").await.unwrap(), None);
        let old = baseline("demo", "f1", 4.0, 60);
        let new = baseline("demo", "f1", 2.5, 0);
        store.save_query_baseline(&old).await.unwrap();
        store.save_query_baseline(&new).await.unwrap();
        store
            .save_query_baseline(&baseline("demo", "f2", 9.0, 0))
            .await
            .unwrap();
        store
            .save_query_baseline(&baseline("other", "f1", 7.0, 0))
            .await
            .unwrap();

        assert_eq!(
            store.query_baseline("demo", "f1").await.unwrap(),
            Some(new.clone())
        );
        let history = store
            .query_baseline_history("demo", "f1", 10)
            .await
            .unwrap();
        assert_eq!(history, vec![new.clone(), old]);
        let one = store.query_baseline_history("demo", "f1", 1).await.unwrap();
        assert_eq!(one, vec![new]);
        let medians: Vec<f64> = store
            .query_baseline_history("other", "f1", 10)
            .await
            .unwrap()
            .iter()
            .map(|b| b.median_ms)
            .collect();
        assert_eq!(medians, vec![7.0]);
    })
    .await;
}
