//! The embedded webhook listener. It trusts nothing it has not verified and
//! loses nothing it has acknowledged: a delivery is checked against the
//! tracker's secret over the raw body, written to the store, and only then
//! answered 2xx; processing happens afterwards (handed over in memory, or
//! from the store), with retries and a failed state that keeps the body for
//! replay.
//!
//! Only this crate knows axum.

mod client;
mod config;
mod error;
mod form;
#[cfg(test)]
mod handoff_tests;
mod metrics;
mod processor;
mod queue;
mod server;
mod status;
pub mod verify;
mod writer;

pub use config::{HookTracker, ListenerConfig, ListenerLimits, TrustedProxy};
pub use error::WebhookError;
pub use processor::{DeliveryHandler, Finished, Processing, drain};
pub use server::{RunningListener, start};
