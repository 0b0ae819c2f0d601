//! The crate's one error type: the listener's own failures, and what a
//! [`crate::DeliveryHandler`] says about a delivery it could not process.

use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("cannot listen on {addr}: {source}; choose another address or stop what uses the port")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{path}:{reason}; see config/README.md, section listener.json")]
    Config { path: String, reason: String },
    /// The delivery can never be processed as it is (the adapter cannot
    /// parse it, its tracker is gone): failed at once, kept for replay.
    #[error("{0}")]
    Unusable(String),
    /// Something outside the delivery failed (the store, the network):
    /// retried, then failed with this reason.
    #[error("{0}")]
    Transient(String),
    /// The store could not record deliveries or their outcomes (shared by
    /// every request of the failed group commit).
    #[error("the store could not record deliveries: {0}")]
    Store(Arc<sr_store::StoreError>),
    /// The listener's delivery writer has stopped: the listener is
    /// shutting down.
    #[error("the listener is shutting down; the sender will retry")]
    Stopped,
}

impl WebhookError {
    /// Whether another attempt could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, WebhookError::Transient(_))
    }
}
