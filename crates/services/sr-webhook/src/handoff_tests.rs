//! The writer's hand-off to the processor, on a real SQLite store: what
//! fits the queue is claimed and handed over, the rest is left unclaimed
//! in the store for any processor; a handed-over delivery whose claim is
//! old is renewed before it is processed, or given up when another
//! processor took it meanwhile.

#![allow(clippy::unwrap_used)] // a failure is the test failing

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::body::Bytes;
use sr_store::{Delivery, DeliveryStatus, Store, Takeover};

use crate::processor::{Processing, Processor};
use crate::queue::Queue;
use crate::writer::{Incoming, Writer};
use crate::{DeliveryHandler, WebhookError};

/// The writer's and processor's claimant in these tests.
const ME: &str = "test-host:1:1.1";
const MINUTE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

#[async_trait]
impl DeliveryHandler for Seen {
    async fn process(&self, d: &Delivery) -> Result<(), WebhookError> {
        self.0.lock().unwrap().push(d.delivery_id.clone());
        Ok(())
    }
}

fn incoming(id: &str) -> Incoming {
    Incoming {
        provider: "github".into(),
        tracker: "GH".into(),
        event: "issues".into(),
        delivery_id: id.into(),
        body: Bytes::from_static(b"{\"n\":1}"),
        status: DeliveryStatus::Pending,
        error: None,
    }
}

fn mine(holder: &str) -> bool {
    holder.starts_with("test-host:")
}

#[tokio::test]
async fn what_does_not_fit_waits_in_the_store_and_old_claims_are_renewed_or_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let queue = Arc::new(Queue::bounded(2, 1 << 20));
    let writer = Writer::spawn(store.clone(), ME.into(), queue.clone());

    let (d1, d2, d3, d4, d5) = tokio::join!(
        writer.record(incoming("d1")),
        writer.record(incoming("d2")),
        writer.record(incoming("d3")),
        writer.record(incoming("d4")),
        writer.record(incoming("d5")),
    );
    for r in [&d1, &d2, &d3, &d4, &d5] {
        assert!(matches!(r, Ok(Some(_))), "{r:?}");
    }
    let handed = queue.take(10);
    assert_eq!(handed.len(), 2, "two fit the queue");
    assert!(handed.iter().all(|d| d.body == b"{\"n\":1}" && d.size == 7));
    assert!(
        queue.take_store_due(),
        "the processor is told about the rest"
    );
    let alive = Takeover::work(MINUTE).judging(|_| false);
    let left = store
        .claim_deliveries("other:2:2", 10, &alive)
        .await
        .unwrap();
    assert_eq!(left.len(), 3, "the rest wait unclaimed in the store");
    assert!(left.iter().all(|l| handed.iter().all(|h| h.id != l.id)));
    let done: Vec<_> = left
        .iter()
        .map(|d| (d.id, DeliveryStatus::Processed, None))
        .collect();
    store.finish_deliveries(&done).await.unwrap();

    // Another processor judges this one gone: it frees both handed-over
    // claims and takes one of them.
    let gone = Takeover::work(MINUTE).judging(mine);
    let taken = store.claim_deliveries("other:2:2", 1, &gone).await.unwrap();
    assert_eq!(taken.len(), 1);
    // A new delivery fits the queue again and is claimed as it is recorded.
    let d6 = writer.record(incoming("d6")).await.unwrap().unwrap();
    let mut batch = handed;
    batch.extend(queue.take(10));
    assert_eq!(batch.len(), 3);

    // With a claim timeout of 0 every claim is old enough to renew.
    let seen = Seen::default();
    let p = Processor {
        store: &store,
        claimant: ME,
        handler: &seen,
        processing: Processing {
            max_attempts: 1,
            claim_timeout_s: 0,
        },
        writer: Some(&writer),
    };
    let (finished, mut events) = tokio::sync::broadcast::channel(16);
    p.handed_over(batch, &finished).await.unwrap();
    assert_eq!(
        *seen.0.lock().unwrap(),
        ["d6"],
        "only the delivery still claimed is processed"
    );
    let event = events.try_recv().unwrap();
    assert_eq!((event.id, event.status), (d6, DeliveryStatus::Processed));
    let stored = store.delivery(d6).await.unwrap().unwrap();
    assert_eq!(stored.status, DeliveryStatus::Processed);
    // The two given up are with the other processor, or free.
    assert_eq!(
        store
            .renew_delivery_claims("other:2:2", &[taken[0].id])
            .await
            .unwrap(),
        [taken[0].id]
    );
    let free = store
        .claim_deliveries("third:3:3", 10, &alive)
        .await
        .unwrap();
    assert_eq!(free.len(), 1);
    assert_ne!(free[0].id, taken[0].id);
}
