//! What every issue-tracker adapter shares: the [`IssueTracker`] trait (the
//! product spec's adapter interface), tracker configuration entries, the
//! error type with its user-facing diagnoses, and the [`Registry`] that
//! builds an adapter from a configuration entry by its `type`.
//!
//! This crate touches no store; adapters and the engine do.

mod config;
mod error;
mod registry;
mod set;
mod tracker;

pub use config::{SyncMode, SyncSettings, TrackerEntry};
pub use error::{ErrorKind, TrackerError};
pub use registry::{ConfigField, ProviderInfo, Registry, TrackerFactory};
pub use set::TrackerSet;
pub use tracker::{
    ConnectionReport, IssueTracker, TrackerInfo, WebhookConfig, WebhookRegistration,
};

pub type Result<T, E = TrackerError> = std::result::Result<T, E>;
