//! Webhook deliveries in the store, checked on both engines: recorded once
//! per delivery id, claimed by one processor at a time (claimed as they are
//! recorded, or from the store), their outcomes committed together with new
//! deliveries.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::time::Duration;

use sr_store::{DeliveryStatus, NewDelivery, Store, Takeover};

/// Runs `body` once against a fresh SQLite file and once against a fresh
/// PostgreSQL database.
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

/// A GitHub delivery with an empty object for a body.
fn new<'a>(id: &'a str, claimed_by: Option<&'a str>) -> NewDelivery<'a> {
    NewDelivery {
        provider: "github",
        tracker: "GH",
        event: "issues",
        delivery_id: id,
        body: b"{}",
        status: DeliveryStatus::Pending,
        error: None,
        claimed_by,
    }
}

#[tokio::test]
async fn deliveries_are_recorded_once_and_claimed_by_one_processor() {
    on_both(|store| async move {
        let first = store.record_delivery(&new("d1", None)).await.unwrap();
        assert!(first.is_some());
        assert_eq!(
            store.record_delivery(&new("d1", None)).await.unwrap(),
            None,
            "a redelivery is recognised"
        );
        store.record_delivery(&new("d2", None)).await.unwrap();
        let minute = std::time::Duration::from_secs(60);
        let alive = Takeover::work(minute).judging(|_| false);
        let dead = Takeover::work(minute).judging(|_| true);
        let a = store.claim_deliveries("host:1", 10, &alive).await.unwrap();
        assert_eq!(a.len(), 2);
        assert!(
            a.iter().all(|d| d.body == b"{}" && d.size == 2),
            "claimed deliveries carry their bodies"
        );
        assert!(
            store
                .claim_deliveries("host:2", 10, &alive)
                .await
                .unwrap()
                .is_empty(),
            "claimed by a live processor"
        );
        let taken = store.claim_deliveries("host:2", 10, &dead).await.unwrap();
        assert_eq!(
            taken.len(),
            2,
            "the claims of a dead processor are taken over"
        );
        store
            .finish_deliveries(&[
                (taken[0].id, DeliveryStatus::Processed, None),
                (taken[1].id, DeliveryStatus::Failed, Some("boom".into())),
            ])
            .await
            .unwrap();
        assert!(
            store
                .claim_deliveries("host:3", 10, &dead)
                .await
                .unwrap()
                .is_empty()
        );
        let failed = store.deliveries(true, 10).await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].last_error.as_deref(), Some("boom"));
        assert!(store.replay_delivery(failed[0].id).await.unwrap());
        assert_eq!(
            store
                .claim_deliveries("host:3", 10, &alive)
                .await
                .unwrap()
                .len(),
            1,
            "replayed"
        );
        let stats = store.delivery_stats().await.unwrap();
        assert_eq!((stats[0].pending, stats[0].processed), (1, 1));
    })
    .await;
}

#[tokio::test]
async fn deliveries_claimed_as_recorded_stay_with_their_claimant_until_finished() {
    on_both(|store| async move {
        let minute = Duration::from_secs(60);
        let alive = Takeover::work(minute).judging(|_| false);
        let dead = Takeover::work(minute).judging(|_| true);
        let committed = store
            .commit_deliveries(
                &[new("a", Some("host:1")), new("b", None), new("a", None)],
                &[],
            )
            .await
            .unwrap();
        let (Some(a), Some(b), None) = (committed.ids[0], committed.ids[1], committed.ids[2])
        else {
            panic!("two new and a redelivery: {:?}", committed.ids);
        };
        let stored = store.delivery(a).await.unwrap().unwrap();
        assert_eq!(stored.received_at, committed.received_at);
        let free = store.claim_deliveries("host:2", 10, &alive).await.unwrap();
        assert_eq!(
            free.iter().map(|d| d.id).collect::<Vec<_>>(),
            [b],
            "one claimed as it was recorded is not free for a live processor"
        );
        assert_eq!(
            store
                .renew_delivery_claims("host:1", &[a, b])
                .await
                .unwrap(),
            [a],
            "only its own claims are renewed"
        );
        assert!(
            store
                .renew_delivery_claims("host:2", &[a])
                .await
                .unwrap()
                .is_empty()
        );
        // Outcomes are committed in the same transaction as new deliveries.
        let more = store
            .commit_deliveries(
                &[new("c", Some("host:1"))],
                &[
                    (a, DeliveryStatus::Processed, None),
                    (b, DeliveryStatus::Failed, Some("boom".into())),
                ],
            )
            .await
            .unwrap();
        let c = more.ids[0].unwrap();
        assert!(
            store
                .renew_delivery_claims("host:1", &[a, c])
                .await
                .unwrap()
                == [c],
            "a finished delivery is no one's to renew"
        );
        let stats = store.delivery_stats().await.unwrap();
        assert_eq!(
            (stats[0].pending, stats[0].processed, stats[0].failed),
            (1, 1, 1)
        );
        assert_eq!(
            store
                .delivery(b)
                .await
                .unwrap()
                .unwrap()
                .last_error
                .as_deref(),
            Some("boom")
        );
        // A gone claimant's claim made at recording is taken at once.
        let taken = store.claim_deliveries("host:2", 10, &dead).await.unwrap();
        assert_eq!(taken.iter().map(|d| d.id).collect::<Vec<_>>(), [c]);
        assert!(
            store
                .renew_delivery_claims("host:1", &[c])
                .await
                .unwrap()
                .is_empty(),
            "taken over"
        );
    })
    .await;
}
