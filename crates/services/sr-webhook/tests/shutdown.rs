//! Graceful shutdown: deliveries acknowledged before a stop are finished
//! by the stopping processor; one that outlives the grace is left pending
//! with its claim released, so the next processor takes it at once.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use crate::common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use sr_store::{Delivery, DeliveryStatus, Store};
use sr_webhook::{DeliveryHandler, ListenerConfig, WebhookError};
use tokio::sync::{Semaphore, mpsc};

/// Tells the test when it starts a delivery, then waits for a permit.
struct Gated {
    started: mpsc::UnboundedSender<String>,
    permits: Arc<Semaphore>,
}

#[async_trait]
impl DeliveryHandler for Gated {
    async fn process(&self, d: &Delivery) -> Result<(), WebhookError> {
        self.started.send(d.delivery_id.clone()).ok();
        self.permits
            .acquire()
            .await
            .map_err(|e| WebhookError::Transient(e.to_string()))?
            .forget();
        Ok(())
    }
}

struct Setup {
    store: Store,
    listener: sr_webhook::RunningListener,
    started: mpsc::UnboundedReceiver<String>,
    permits: Arc<Semaphore>,
    dir: tempfile::TempDir,
}

async fn setup(grace: Duration) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let (tx, started) = mpsc::unbounded_channel();
    let permits = Arc::new(Semaphore::new(0));
    let mut config = ListenerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), trackers());
    config.limits.shutdown_grace_seconds = grace.as_secs_f64();
    config.limits.max_attempts = 1;
    let handler = Arc::new(Gated {
        started: tx,
        permits: permits.clone(),
    });
    let listener = sr_webhook::start(config, store.clone(), handler)
        .await
        .unwrap();
    Setup {
        store,
        listener,
        started,
        permits,
        dir,
    }
}

async fn deliver(addr: SocketAddr, id: &str) {
    let body = format!(r#"{{"action":"opened","issue":{{"number":1}},"n":"{id}"}}"#);
    let reply = send(
        addr,
        "POST",
        "/webhook/github",
        &github_headers("issues", id, body.as_bytes()),
        body.as_bytes(),
    )
    .await;
    assert_eq!(reply.status, 202, "{id}: {}", reply.body);
}

/// Waits until nothing accepts connections on `addr` any more.
async fn until_closed(addr: SocketAddr) {
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn statuses(store: &Store) -> Vec<(String, DeliveryStatus)> {
    let mut all: Vec<_> = store
        .deliveries(false, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.delivery_id, d.status))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[tokio::test]
async fn shutdown_finishes_every_acknowledged_delivery() {
    let mut s = setup(Duration::from_secs(20)).await;
    let addr = s.listener.local_addr;
    deliver(addr, "first").await;
    // The processor is inside the handler with "first" …
    assert_eq!(s.started.recv().await.unwrap(), "first");
    // … when "second" is acknowledged.
    deliver(addr, "second").await;
    let stopping = tokio::spawn(s.listener.shutdown());
    // Once the listener no longer accepts, the stop has begun; only then
    // may the handler go on.
    until_closed(addr).await;
    s.permits.add_permits(2);
    stopping.await.unwrap();
    assert_eq!(
        statuses(&s.store).await,
        [
            ("first".to_owned(), DeliveryStatus::Processed),
            ("second".to_owned(), DeliveryStatus::Processed)
        ]
    );
}

#[tokio::test]
async fn a_delivery_that_outlives_the_grace_is_released_for_the_next_process() {
    let mut s = setup(Duration::from_millis(300)).await;
    let addr = s.listener.local_addr;
    deliver(addr, "stuck").await;
    assert_eq!(s.started.recv().await.unwrap(), "stuck");
    s.listener.shutdown().await;
    assert_eq!(
        statuses(&s.store).await,
        [("stuck".to_owned(), DeliveryStatus::Pending)]
    );
    // The next listener (same process, so the same claimant name: without
    // the release it would wait for the 60 s claim timeout) takes it at once.
    drop(s.started);
    let store = s.store.clone();
    let mut next = start_on(store, |_| {}).await;
    assert_eq!(next.processed(1).await, ["stuck"]);
    next.listener.shutdown().await;
    drop(s.dir);
}
