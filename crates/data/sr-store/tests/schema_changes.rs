//! Schema changes (migration 14) on both engines: one row per change key,
//! whoever records it and however often; the first sighting's time stays.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use chrono::{TimeZone, Utc};
use sr_store::{NewSchemaChange, SchemaChangeKind, Store};

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

fn change(key: &'static str, connection: &'static str, hour: u32) -> NewSchemaChange<'static> {
    NewSchemaChange {
        change_key: key,
        kind: SchemaChangeKind::Drift,
        connection,
        object: Some("public.orders"),
        summary: "1 column added",
        occurred_at: Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0).unwrap(),
    }
}

#[tokio::test]
async fn one_change_recorded_twice_and_at_once_is_one_row() {
    on_both(|store| async move {
        assert!(
            store
                .record_schema_change(&change("k1", "shop", 9))
                .await
                .unwrap()
        );
        // Found again an hour later: the same change, the first time kept.
        assert!(
            !store
                .record_schema_change(&change("k1", "shop", 10))
                .await
                .unwrap()
        );
        // Two processes at once: one row.
        let (a, b) = (change("k2", "shop", 11), change("k2", "shop", 11));
        let (ra, rb) = tokio::join!(
            store.record_schema_change(&a),
            store.record_schema_change(&b)
        );
        assert!(ra.unwrap() ^ rb.unwrap(), "exactly one insert wins");
        store
            .record_schema_change(&NewSchemaChange {
                kind: SchemaChangeKind::Migration,
                object: None,
                ..change("k3", "crm", 8)
            })
            .await
            .unwrap();

        let shop = store.schema_changes(Some("shop")).await.unwrap();
        let keys: Vec<(&str, u32)> = shop
            .iter()
            .map(|c| {
                (
                    c.change_key.as_str(),
                    chrono::Timelike::hour(&c.occurred_at),
                )
            })
            .collect();
        assert_eq!(keys, [("k1", 9), ("k2", 11)]);
        let all = store.schema_changes(None).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].kind, SchemaChangeKind::Migration);
        assert_eq!(all[0].object, None);
        assert_eq!(
            store.connections_with_history().await.unwrap(),
            ["crm", "shop"]
        );
    })
    .await;
}
