//! Processing stored deliveries: oldest first, with retries, marking each
//! processed or failed. Runs after acknowledgement, so a slow or failing
//! handler never makes a tracker's delivery time out.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sr_store::{Delivery, DeliveryStatus, Store, Takeover};
use tokio::sync::{Notify, broadcast, watch};
use tracing::Instrument;

use crate::WebhookError;

/// What became of one delivery; the listener publishes one per delivery
/// it finishes (see `RunningListener::subscribe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub id: i64,
    pub tracker: String,
    pub delivery_id: String,
    pub status: DeliveryStatus,
}

/// What to do with a verified delivery (normalise it and update the issue
/// cache, in the engine).
#[async_trait]
pub trait DeliveryHandler: Send + Sync + 'static {
    /// [`WebhookError::Unusable`] fails the delivery at once with its
    /// reason (kept for replay); [`WebhookError::Transient`] is retried,
    /// then recorded on the delivery.
    async fn process(&self, delivery: &Delivery) -> Result<(), WebhookError>;
}

/// How the processor treats deliveries.
#[derive(Debug, Clone, Copy)]
pub struct Processing {
    /// Attempts at a transient failure before the delivery is failed.
    pub max_attempts: u32,
    /// A claim older than this belongs to a processor that died.
    pub claim_timeout_s: i64,
}

/// How long a woken processor waits for more deliveries before it drains.
const COALESCE: Duration = Duration::from_millis(5);

/// Drains pending deliveries whenever woken, and once at start for the
/// ones an earlier run acknowledged but did not finish. A periodic check
/// also picks up deliveries replayed from another process. When `stop`
/// turns true it drains once more, so every delivery acknowledged before
/// the stop is finished, and returns.
pub(crate) async fn run_processor(
    store: Store,
    handler: Arc<dyn DeliveryHandler>,
    wake: Arc<Notify>,
    processing: Processing,
    finished: broadcast::Sender<Finished>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        match drain(&store, &*handler, processing, Some(&finished)).await {
            Ok(()) => {}
            Err(e) => tracing::error!(error = %e, "reading pending deliveries failed"),
        }
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = wake.notified() => {
                // Processing follows acknowledgement anyway; a few
                // milliseconds let a burst be claimed and finished in a
                // few batches instead of one drain per delivery.
                tokio::time::sleep(COALESCE).await;
            }
            // A listener dropped without `shutdown` keeps processing.
            _ = async {
                if stop.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            } => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}

/// Gives the claims this process holds on pending deliveries back, so the
/// next processor takes them at once instead of after the claim timeout.
pub(crate) async fn release_claims(store: &Store) -> Result<u64, sr_store::StoreError> {
    let me = store.announce_process().await?;
    store.release_delivery_claims(&me).await
}

/// Processes every pending delivery; returns when none is left.
pub async fn drain(
    store: &Store,
    handler: &dyn DeliveryHandler,
    processing: Processing,
    finished: Option<&broadcast::Sender<Finished>>,
) -> Result<(), sr_store::StoreError> {
    // Announced on a team store, so other processes see when this one dies.
    let me = store.announce_process().await?;
    let timeout = u64::try_from(processing.claim_timeout_s).unwrap_or(0);
    let takeover = Takeover::work(Duration::from_secs(timeout));
    loop {
        let batch = store.claim_deliveries(&me, 64, &takeover).await?;
        if batch.is_empty() {
            return Ok(());
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        for d in &batch {
            let span =
                tracing::info_span!("delivery", id = d.id, tracker = %d.tracker, event = %d.event);
            let m = crate::metrics::tracker(&d.tracker);
            let started = std::time::Instant::now();
            let last = process_with_retries(handler, d, processing.max_attempts)
                .instrument(span)
                .await;
            m.processing.record(started.elapsed().as_secs_f64());
            let status = match &last {
                None => {
                    m.processed.increment(1);
                    DeliveryStatus::Processed
                }
                Some(e) => {
                    if e.is_transient() {
                        m.failed_transient.increment(1);
                    } else {
                        m.failed_unusable.increment(1);
                    }
                    DeliveryStatus::Failed
                }
            };
            outcomes.push((d.id, status, last.map(|e| e.to_string())));
        }
        // One transaction records the batch; a crash before it means the
        // batch is processed again (deliveries are at-least-once).
        store.finish_deliveries(&outcomes).await?;
        for (d, (_, status, error)) in batch.iter().zip(&outcomes) {
            match error {
                None => {
                    tracing::info!(delivery = %d.delivery_id, status = status.as_str(), "delivery finished")
                }
                Some(e) => {
                    tracing::warn!(delivery = %d.delivery_id, status = status.as_str(), error = %e, "delivery finished")
                }
            }
            if let Some(tx) = finished {
                // Nobody listening is fine.
                tx.send(Finished {
                    id: d.id,
                    tracker: d.tracker.clone(),
                    delivery_id: d.delivery_id.clone(),
                    status: *status,
                })
                .ok();
            }
        }
    }
}

/// Hands one delivery to the handler up to `max_attempts` times, backing
/// off between transient failures; the last error, or `None` when it went
/// through. An unusable delivery is not tried again.
async fn process_with_retries(
    handler: &dyn DeliveryHandler,
    d: &Delivery,
    max_attempts: u32,
) -> Option<WebhookError> {
    let mut last = None;
    for attempt in 0..max_attempts.max(1) {
        match handler.process(d).await {
            Ok(()) => return None,
            Err(e @ WebhookError::Transient(_)) => {
                tracing::warn!(attempt = attempt + 1, error = %e, "processing failed");
                last = Some(e);
                if attempt + 1 < max_attempts {
                    tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the delivery cannot be processed; failed without retrying, kept for replay");
                return Some(e);
            }
        }
    }
    last
}
