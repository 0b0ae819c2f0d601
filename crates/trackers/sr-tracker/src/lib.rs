//! What every issue-tracker adapter shares: the [`IssueTracker`] trait (the
//! product spec's adapter interface), tracker configuration entries
//! (sr-config's, re-exported), the
//! error type with its user-facing diagnoses, the [`Registry`] that
//! builds an adapter from a configuration entry by its `type`, and the
//! HTTP plumbing adapters speak through ([`HttpClient`]: retries, rate-limit
//! budget, pagination, error classification), the adapter [`kit`] the HTTP
//! adapters are built on, the webhook signature schemes a type's
//! [`WebhookSpec`] names, and the [`LoginFlow`] a type may offer.
//!
//! This crate touches no store and names no provider; adapters and the
//! engine do.

mod budget;
pub mod classify;
#[cfg(feature = "contract")]
pub mod contract;
mod error;
mod event;
pub mod graphql;
pub mod http;
pub mod kit;
mod login;
pub mod pacer;
pub mod paginate;
mod registry;
pub mod retry;
mod set;
mod tls;
mod tracker;
pub mod unusable;
pub mod webhook;

pub use budget::RateBudget;
pub use error::{ErrorKind, TrackerError};
pub use event::{CommentAction, IssueAction, TrackerEvent, WebhookParseError};
pub use http::{ApiRequest, ApiResponse, FilePart, HttpClient, HttpSettings, RawBody, USER_AGENT};
pub use login::{DeviceLogin, LoginFlow, PendingToken};
pub use registry::{ConfigField, ProviderInfo, Registry, TrackerFactory};
pub use retry::RetryPolicy;
pub use set::TrackerSet;
/// Entries of trackers.json live in sr-config (below this crate); named
/// here too so adapters need only this crate.
pub use sr_config::{
    ConflictPolicies, ConflictPolicy, SyncField, SyncMode, SyncSettings, TrackerEntry,
};
pub use tls::{ca_certificates, with_ca_file};
pub use tracker::{
    ConnectionReport, DEFAULT_BODY_LIMIT, IssueTracker, TrackerInfo, WebhookConfig,
    WebhookRegistration,
};
pub use unusable::Unusable;
pub use webhook::{Rejection, Signature, WebhookSpec};

/// Re-exported so adapters name one HTTP stack.
pub use reqwest;

pub type Result<T, E = TrackerError> = std::result::Result<T, E>;
