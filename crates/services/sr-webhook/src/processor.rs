//! Processing deliveries: those this process acknowledged, handed over in
//! memory by the writer, and those waiting in the store; with retries,
//! marking each processed or failed. Runs after acknowledgement, so a slow
//! or failing handler never makes a tracker's delivery time out.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sr_store::{Delivery, DeliveryStatus, Store, Takeover};
use tokio::sync::{broadcast, watch};
use tracing::Instrument;

use crate::WebhookError;
use crate::queue::Queue;
use crate::writer::Writer;

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

/// Most deliveries processed before their outcomes are committed.
const BATCH: usize = 256;

/// How often the processor looks in the store without being told to
/// (deliveries replayed or left by another process).
const STORE_EVERY: Duration = Duration::from_secs(5);

/// Processes the deliveries the writer hands over in memory as they come,
/// and those waiting in the store: at start (the ones an earlier run
/// acknowledged but did not finish), when the writer left some there,
/// and every few seconds (replays, other processes' leftovers). When
/// `stop` turns true it finishes what it holds and drains the store once
/// more, so every delivery acknowledged before the stop is finished, and
/// returns.
#[allow(clippy::too_many_arguments)] // one call, in `start`
pub(crate) async fn run_processor(
    store: Store,
    claimant: String,
    handler: Arc<dyn DeliveryHandler>,
    processing: Processing,
    writer: Writer,
    queue: Arc<Queue>,
    finished: broadcast::Sender<Finished>,
    mut stop: watch::Receiver<bool>,
) {
    let p = Processor {
        store: &store,
        claimant: &claimant,
        handler: &*handler,
        processing,
        writer: Some(&writer),
    };
    let mut store_due = true;
    loop {
        loop {
            let batch = queue.take(BATCH);
            if batch.is_empty() {
                break;
            }
            if let Err(e) = p.handed_over(batch, &finished).await {
                tracing::error!(error = %e, "recording processed deliveries failed; they are processed again after the claim timeout");
            }
        }
        let stopping = *stop.borrow();
        if queue.take_store_due() || store_due || stopping {
            store_due = false;
            if let Err(e) = p.drain(Some(&finished)).await {
                tracing::error!(error = %e, "processing pending deliveries from the store failed");
            }
        }
        if stopping && queue.is_empty() {
            return;
        }
        tokio::select! {
            _ = queue.notified() => {}
            // A listener dropped without `shutdown` keeps processing.
            _ = async {
                if stop.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            } => {}
            _ = tokio::time::sleep(STORE_EVERY) => store_due = true,
        }
    }
}

/// Gives the claims `claimant` holds on pending deliveries back, so the
/// next processor takes them at once instead of after the claim timeout.
pub(crate) async fn release_claims(
    store: &Store,
    claimant: &str,
) -> Result<u64, sr_store::StoreError> {
    let me = store.announce(claimant).await?;
    store.release_delivery_claims(&me).await
}

/// Processes every pending delivery in the store under this process's
/// claimant, recording outcomes directly; returns when none is left.
pub async fn drain(
    store: &Store,
    handler: &dyn DeliveryHandler,
    processing: Processing,
    finished: Option<&broadcast::Sender<Finished>>,
) -> Result<(), WebhookError> {
    let p = Processor {
        store,
        claimant: sr_store::lease::process_claimant(),
        handler,
        processing,
        writer: None,
    };
    p.drain(finished).await
}

/// A processor: where it claims from and records to.
pub(crate) struct Processor<'a> {
    pub store: &'a Store,
    /// Who claims, before announcing (see `sr_store::lease`).
    pub claimant: &'a str,
    pub handler: &'a dyn DeliveryHandler,
    pub processing: Processing,
    /// The listener's writer, which commits outcomes with new deliveries;
    /// `None` records them directly.
    pub writer: Option<&'a Writer>,
}

impl Processor<'_> {
    /// Claims and processes pending deliveries from the store until none
    /// is left.
    async fn drain(
        &self,
        finished: Option<&broadcast::Sender<Finished>>,
    ) -> Result<(), WebhookError> {
        let store_error = |e| WebhookError::Store(Arc::new(e));
        // Announced on a team store, so other processes see when this one dies.
        let me = self
            .store
            .announce(self.claimant)
            .await
            .map_err(store_error)?;
        let timeout = u64::try_from(self.processing.claim_timeout_s).unwrap_or(0);
        let takeover = Takeover::work(Duration::from_secs(timeout));
        loop {
            let batch = self
                .store
                .claim_deliveries(&me, 64, &takeover)
                .await
                .map_err(store_error)?;
            if batch.is_empty() {
                return Ok(());
            }
            self.process(batch, finished).await?;
        }
    }

    /// Processes deliveries the writer handed over, claimed for this
    /// process when they were recorded. A claim old enough to lapse soon
    /// (a long backlog) is renewed first, and a delivery whose claim was
    /// meanwhile taken over is left to its new holder.
    pub(crate) async fn handed_over(
        &self,
        mut batch: Vec<Delivery>,
        finished: &broadcast::Sender<Finished>,
    ) -> Result<(), WebhookError> {
        let half = chrono::Duration::seconds(self.processing.claim_timeout_s / 2);
        let cutoff = chrono::Utc::now() - half;
        let old: Vec<i64> = batch
            .iter()
            .filter(|d| d.received_at <= cutoff)
            .map(|d| d.id)
            .collect();
        if !old.is_empty() {
            let store_error = |e| WebhookError::Store(Arc::new(e));
            let me = self
                .store
                .announce(self.claimant)
                .await
                .map_err(store_error)?;
            let held = self
                .store
                .renew_delivery_claims(&me, &old)
                .await
                .map_err(store_error)?;
            batch.retain(|d| d.received_at > cutoff || held.binary_search(&d.id).is_ok());
            if held.len() < old.len() {
                tracing::warn!(
                    lost = old.len() - held.len(),
                    "deliveries waited past their claim and were taken over by another processor"
                );
            }
        }
        self.process(batch, Some(finished)).await
    }

    /// Hands each delivery to the handler, then records the outcomes in
    /// one transaction; a crash before it means the batch is processed
    /// again (deliveries are at-least-once).
    async fn process(
        &self,
        batch: Vec<Delivery>,
        finished: Option<&broadcast::Sender<Finished>>,
    ) -> Result<(), WebhookError> {
        let mut outcomes = Vec::with_capacity(batch.len());
        for d in &batch {
            let span =
                tracing::info_span!("delivery", id = d.id, tracker = %d.tracker, event = %d.event);
            let m = crate::metrics::tracker(&d.tracker);
            let started = std::time::Instant::now();
            let last = process_with_retries(self.handler, d, self.processing.max_attempts)
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
        let statuses: Vec<(DeliveryStatus, Option<String>)> =
            outcomes.iter().map(|(_, s, e)| (*s, e.clone())).collect();
        match &self.writer {
            Some(w) => w.finish(outcomes).await?,
            None => self
                .store
                .finish_deliveries(&outcomes)
                .await
                .map_err(|e| WebhookError::Store(Arc::new(e)))?,
        }
        for (d, (status, error)) in batch.into_iter().zip(statuses) {
            match &error {
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
                    tracker: d.tracker,
                    delivery_id: d.delivery_id,
                    status,
                })
                .ok();
            }
        }
        Ok(())
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
