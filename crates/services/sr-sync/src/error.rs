//! The sync crate's one error type.

use sr_store::StoreError;
use sr_tracker::TrackerError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("syncing tracker `{tracker}` failed: {source}")]
    Tracker {
        tracker: String,
        #[source]
        source: TrackerError,
    },
    #[error("the issue cache could not be updated while syncing `{tracker}`: {source}")]
    Store {
        tracker: String,
        #[source]
        source: StoreError,
    },
    /// The named tracker is not configured or cannot be used; the error
    /// says why (sr-tracker words every cause in one place).
    #[error("{0}")]
    Unusable(TrackerError),
    #[error("the sync of `{tracker}` was cancelled; the cache keeps every batch written before")]
    Cancelled { tracker: String },
    #[error("issue {key} is not in the cache; sync its tracker first, then edit it")]
    NotCached { key: String },
}

impl SyncError {
    pub(crate) fn store(tracker: &str) -> impl FnOnce(StoreError) -> SyncError + '_ {
        move |source| SyncError::Store {
            tracker: tracker.to_owned(),
            source,
        }
    }

    pub(crate) fn tracker(tracker: &str) -> impl FnOnce(TrackerError) -> SyncError + '_ {
        move |source| SyncError::Tracker {
            tracker: tracker.to_owned(),
            source,
        }
    }

    /// When the tracker asked us to wait (a rate limit with a reset time).
    pub fn retry_at(&self) -> Option<sr_model::Timestamp> {
        match self {
            SyncError::Tracker {
                source: TrackerError::RateLimited { reset_at, .. },
                ..
            } => *reset_at,
            _ => None,
        }
    }
}
