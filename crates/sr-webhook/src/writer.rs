//! Group commit: concurrent requests hand their verified deliveries to one
//! writer, which stores whatever has queued up in a single transaction and
//! then answers each request. Each request is still acknowledged only after
//! its own delivery is committed.

use axum::body::Bytes;
use sr_store::{DeliveryStatus, NewDelivery, Store};
use tokio::sync::{mpsc, oneshot};

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

type Reply = oneshot::Sender<Result<Option<i64>, String>>;

#[derive(Debug, Clone)]
pub(crate) struct Writer {
    tx: mpsc::Sender<(Incoming, Reply)>,
}

impl Writer {
    /// Starts the writer task; it ends when every `Writer` is dropped.
    pub(crate) fn spawn(store: Store) -> Writer {
        let (tx, mut rx) = mpsc::channel::<(Incoming, Reply)>(1024);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let news: Vec<NewDelivery<'_>> = batch
                    .iter()
                    .map(|(d, _)| NewDelivery {
                        provider: &d.provider,
                        tracker: &d.tracker,
                        event: &d.event,
                        delivery_id: &d.delivery_id,
                        body: &d.body,
                        status: d.status,
                        error: d.error.as_deref(),
                    })
                    .collect();
                let result = store.record_deliveries(&news).await;
                drop(news);
                match result {
                    Ok(ids) => {
                        for ((_, reply), id) in batch.into_iter().zip(ids) {
                            // A request that gave up no longer needs its answer.
                            reply.send(Ok(id)).ok();
                        }
                    }
                    Err(e) => {
                        let message = e.to_string();
                        for (_, reply) in batch {
                            reply.send(Err(message.clone())).ok();
                        }
                    }
                }
            }
        });
        Writer { tx }
    }

    /// Stores one delivery: `Some(id)` when new, `None` for a redelivery.
    pub(crate) async fn record(&self, delivery: Incoming) -> Result<Option<i64>, String> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((delivery, reply))
            .await
            .map_err(|_| "the delivery writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the delivery writer has stopped".to_owned())?
    }
}
