//! What a handler's error does to a delivery: an unusable one is failed
//! after its one attempt with the reason, and keeps its body for replay; a
//! transient one is tried `max_attempts` times before it is failed; after
//! a replay a delivery that now goes through is processed.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use common::*;
use sr_store::{Delivery, DeliveryStatus, Store};
use sr_webhook::{DeliveryHandler, ListenerConfig, WebhookError};

/// Fails by the delivery id's prefix and counts the attempts.
#[derive(Default)]
struct ByName {
    attempts: Mutex<HashMap<String, u32>>,
    healed: Mutex<bool>,
}

#[async_trait]
impl DeliveryHandler for ByName {
    async fn process(&self, d: &Delivery) -> Result<(), WebhookError> {
        *self
            .attempts
            .lock()
            .unwrap()
            .entry(d.delivery_id.clone())
            .or_default() += 1;
        if *self.healed.lock().unwrap() {
            return Ok(());
        }
        if d.delivery_id.starts_with("unusable") {
            Err(WebhookError::Unusable(
                "cannot read the issues webhook body: missing field `issue`".into(),
            ))
        } else if d.delivery_id.starts_with("transient") {
            Err(WebhookError::Transient("the store did not answer".into()))
        } else {
            Ok(())
        }
    }
}

#[tokio::test]
async fn unusable_deliveries_fail_at_once_transient_ones_after_retries() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let handler = Arc::new(ByName::default());
    let mut config = ListenerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), trackers());
    config.limits.max_attempts = 3;
    let listener = sr_webhook::start(config, store.clone(), handler.clone())
        .await
        .unwrap();
    let mut finished = listener.subscribe();
    let addr = listener.local_addr;
    let body = br#"{"action":"opened"}"#;
    for id in ["unusable-1", "transient-1", "fine-1"] {
        let r = send(
            addr,
            "POST",
            "/webhook/github",
            &github_headers("issues", id, body),
            body,
        )
        .await;
        assert_eq!(r.status, 202, "{id}");
    }
    let mut outcome = HashMap::new();
    while outcome.len() < 3 {
        let f = finished.recv().await.unwrap();
        outcome.insert(f.delivery_id, (f.id, f.status));
    }
    assert_eq!(outcome["fine-1"].1, DeliveryStatus::Processed);
    assert_eq!(outcome["unusable-1"].1, DeliveryStatus::Failed);
    assert_eq!(outcome["transient-1"].1, DeliveryStatus::Failed);
    let attempts = handler.attempts.lock().unwrap().clone();
    assert_eq!(attempts["unusable-1"], 1, "never retried");
    assert_eq!(attempts["transient-1"], 3, "retried up to max_attempts");

    let failed = store
        .delivery(outcome["unusable-1"].0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        failed.last_error.as_deref(),
        Some("cannot read the issues webhook body: missing field `issue`")
    );
    assert_eq!(failed.body, body, "kept for replay");

    // Replayed once the handler can use it, it is processed.
    *handler.healed.lock().unwrap() = true;
    assert!(store.replay_delivery(failed.id).await.unwrap());
    let f = loop {
        let f = finished.recv().await.unwrap();
        if f.delivery_id == "unusable-1" {
            break f;
        }
    };
    assert_eq!(f.status, DeliveryStatus::Processed);
    listener.shutdown().await;
}
