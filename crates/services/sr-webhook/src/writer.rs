//! Group commit: the listener's one writer. Concurrent requests hand it
//! their verified deliveries and the processor hands it the outcomes of
//! processed ones; it stores whatever has queued up in a single
//! transaction and then answers each. Each request is still acknowledged
//! only after its own delivery is committed.
//!
//! One writer for both keeps SQLite's write lock inside one task: a
//! processor committing on a connection of its own made the writer wait
//! in SQLite's busy handler, which sleeps milliseconds at a time.
//!
//! New deliveries that fit the [`Queue`] are claimed for this process as
//! they are recorded and handed to its processor in memory after the
//! commit, with their bodies.

use std::sync::Arc;

use axum::body::Bytes;
use sr_store::{Delivery, DeliveryStatus, NewDelivery, Outcome, Store};
use tokio::sync::{mpsc, oneshot};

use crate::WebhookError;
use crate::queue::Queue;

/// Most deliveries committed together.
const BATCH: usize = 64;

/// A verified delivery on its way to the store.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub provider: String,
    pub tracker: String,
    pub event: String,
    pub delivery_id: String,
    pub body: Bytes,
    pub status: DeliveryStatus,
    pub error: Option<String>,
}

type Answer<T> = oneshot::Sender<Result<T, WebhookError>>;

enum Job {
    Record(Incoming, Answer<Option<i64>>),
    Finish(Vec<Outcome>, Answer<()>),
}

#[derive(Debug, Clone)]
pub(crate) struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task; it ends when every `Writer` is dropped.
    /// New deliveries are claimed for `claimant`, the listener's processor.
    pub(crate) fn spawn(store: Store, claimant: String, queue: Arc<Queue>) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>(1024);
        tokio::spawn(run(store, claimant, queue, rx));
        Writer { tx }
    }

    /// Stores one delivery: `Some(id)` when new, `None` for a redelivery.
    pub(crate) async fn record(&self, delivery: Incoming) -> Result<Option<i64>, WebhookError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job::Record(delivery, reply))
            .await
            .map_err(|_| WebhookError::Stopped)?;
        answer.await.map_err(|_| WebhookError::Stopped)?
    }

    /// Records the outcomes of processed deliveries; returns once they are
    /// committed.
    pub(crate) async fn finish(&self, outcomes: Vec<Outcome>) -> Result<(), WebhookError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job::Finish(outcomes, reply))
            .await
            .map_err(|_| WebhookError::Stopped)?;
        answer.await.map_err(|_| WebhookError::Stopped)?
    }
}

async fn run(store: Store, claimant: String, queue: Arc<Queue>, mut rx: mpsc::Receiver<Job>) {
    // The processor's claimant as announced, once.
    let mut me: Option<String> = None;
    let mut commits = store.delivery_writer();
    while let Some(first) = rx.recv().await {
        let mut records: Vec<(Incoming, Answer<Option<i64>>)> = Vec::new();
        let mut finishes: Vec<(Vec<Outcome>, Answer<()>)> = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Record(d, reply) => records.push((d, reply)),
                Job::Finish(o, reply) => finishes.push((o, reply)),
            }
            if records.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        let pending = |d: &Incoming| d.status == DeliveryStatus::Pending;
        if me.is_none() && records.iter().any(|(d, _)| pending(d)) {
            match store.announce(&claimant).await {
                Ok(id) => me = Some(id),
                // Recorded unclaimed, they are processed from the store.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot announce this process on the store; deliveries are processed from the store")
                }
            }
        }
        let mut room = queue.room();
        let claimed: Vec<bool> = records
            .iter()
            .map(|(d, _)| me.is_some() && pending(d) && room.take(d.body.len()))
            .collect();
        let outcomes: Vec<Outcome> = finishes
            .iter_mut()
            .flat_map(|(o, _)| std::mem::take(o))
            .collect();
        let news: Vec<NewDelivery<'_>> = records
            .iter()
            .zip(&claimed)
            .map(|((d, _), claim)| NewDelivery {
                provider: &d.provider,
                tracker: &d.tracker,
                event: &d.event,
                delivery_id: &d.delivery_id,
                body: &d.body,
                status: d.status,
                error: d.error.as_deref(),
                claimed_by: if *claim { me.as_deref() } else { None },
            })
            .collect();
        let result = commits.commit(&news, &outcomes).await;
        drop(news);
        match result {
            Ok(committed) => {
                let mut handed = Vec::new();
                let mut left_in_store = false;
                let mut answers = Vec::with_capacity(records.len());
                for (((d, reply), id), claim) in records.into_iter().zip(committed.ids).zip(claimed)
                {
                    match id {
                        Some(id) if claim => handed.push(Delivery {
                            id,
                            size: d.body.len(),
                            body: d.body.to_vec(),
                            provider: d.provider,
                            tracker: d.tracker,
                            event: d.event,
                            delivery_id: d.delivery_id,
                            received_at: committed.received_at,
                            status: DeliveryStatus::Pending,
                            attempts: 0,
                            last_error: None,
                            processed_at: None,
                        }),
                        Some(_) if d.status == DeliveryStatus::Pending => left_in_store = true,
                        _ => {}
                    }
                    answers.push((reply, id));
                }
                // Handed over before the requests are answered, so that a
                // shutdown that waits for the answers finds them queued.
                queue.push(handed);
                if left_in_store {
                    queue.store_due();
                }
                for (reply, id) in answers {
                    // A request that gave up no longer needs its answer.
                    reply.send(Ok(id)).ok();
                }
                for (_, reply) in finishes {
                    reply.send(Ok(())).ok();
                }
            }
            Err(e) => {
                let e = Arc::new(e);
                for (_, reply) in records {
                    reply.send(Err(WebhookError::Store(e.clone()))).ok();
                }
                for (_, reply) in finishes {
                    reply.send(Err(WebhookError::Store(e.clone()))).ok();
                }
            }
        }
    }
}
