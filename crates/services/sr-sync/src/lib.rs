//! Keeps the issue cache current with the least work and the fewest
//! requests. A [`Scheduler`] runs one [`Job`] per tracker (and later per
//! database connection), each in its own tracing span; a tracker job asks
//! the [`SyncManager`] for a sync, which runs it as a [`SyncOperation`]
//! (one active per tracker, with progress, results and cancellation) and
//! records it in the store's sync log.
//!
//! A sync reads what changed since the tracker's cursor (less an overlap),
//! compares content hashes and writes only what changed; a full sync also
//! finds issues the tracker deleted or moved. Workbench edits are pushed
//! first, with conflicts settled by the tracker's policy per field. Failures back a tracker off
//! and mark it degraded; its rate budget spreads polls out before the limit.
//!
//! This crate never speaks HTTP itself (adapters do) and never touches the
//! UI; it depends on sr-tracker, sr-store and sr-model only.

pub mod comments;
mod error;
mod gate;
pub mod health;
mod jobs;
mod manager;
mod metrics;
mod operation;
pub mod pacing;
mod poll;
mod push;
mod scheduler;
#[cfg(test)]
mod scheduler_tests;
mod status;

pub use error::SyncError;
pub use gate::{JobGate, StoreGate, Turn};
pub use health::{InactiveReason, WebhookHealth};
pub use jobs::{PruneJob, SchedulerOptions, TrackerJob, choose_kind, tracker_jobs};
pub use manager::{SyncHandle, SyncManager, SyncRequest, TrackerSource};
pub use operation::{
    IssueError, SyncKind, SyncOperation, SyncOrigin, SyncProgress, SyncResults, SyncStage,
    SyncStatus,
};
pub use poll::{Poll, PollOptions, Report};
pub use push::{
    Conflict, ConflictPolicies, ConflictPolicy, Field, decide, field_value, record_edit,
};
pub use scheduler::{Job, JobFailure, JobStatus, Schedule, Scheduler};
pub use status::{TrackerSyncStatus, tracker_sync_statuses};
/// A sync checks it between steps and races its requests against it.
pub use tokio_util::sync::CancellationToken;
