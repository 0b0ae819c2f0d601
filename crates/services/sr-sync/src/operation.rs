//! SyncOperation, as the product spec's manual-sync data model has it:
//! Pending → InProgress → Completed | Failed (and Cancelled, which the
//! spec leaves implicit), with progress (current, total, processed, stage)
//! and results (created, updated, skipped, failed, errors).

use serde::{Deserialize, Serialize};
use sr_model::Timestamp;
use sr_store::SyncOperationRow;

/// How much a sync reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncKind {
    /// Everything the tracker holds; reconciles deletions and moves.
    Full,
    /// What changed since the cursor (less a small overlap).
    Incremental,
}

/// Who asked for a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOrigin {
    Manual,
    Scheduled,
    Webhook,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    Pending,
    InProgress,
    Completed,
    Failed,
    Cancelled,
}

impl SyncStatus {
    pub fn is_active(self) -> bool {
        matches!(self, SyncStatus::Pending | SyncStatus::InProgress)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    #[default]
    Fetching,
    Matching,
    Creating,
    Updating,
    /// Full sync only: checking issues the tracker no longer listed.
    Reconciling,
    /// Two-way sync: sending workbench edits and comments.
    Pushing,
    /// Reading the comments of followed issues that changed.
    Comments,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncProgress {
    /// The issue being processed (its position, from 1).
    pub current: u64,
    pub total: u64,
    pub processed: u64,
    pub stage: SyncStage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_id: Option<String>,
    pub error: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncResults {
    pub created: u64,
    pub updated: u64,
    /// Fetched but unchanged, or closed and not asked for.
    pub skipped: u64,
    pub failed: u64,
    /// Issues the tracker no longer holds (full sync).
    pub removed: u64,
    /// Issues found under another key (full sync).
    pub moved: u64,
    /// Issues whose workbench edits were pushed to the tracker.
    pub pushed: u64,
    /// Comments written in the workbench and sent to the tracker.
    pub comments_sent: u64,
    /// Cached comments added, changed or removed by reading the tracker's.
    pub comments_received: u64,
    /// Fields changed on both sides, and who won.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<crate::push::Conflict>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<IssueError>,
}

/// One sync, manual or scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncOperation {
    pub id: String,
    pub tracker: String,
    pub kind: SyncKind,
    pub origin: SyncOrigin,
    pub requested_by: String,
    pub include_closed: bool,
    pub status: SyncStatus,
    pub progress: SyncProgress,
    pub results: SyncResults,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Now, to the millisecond the store keeps, so what is written reads back equal.
pub(crate) fn now() -> Timestamp {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}

fn word<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_word<T: for<'de> Deserialize<'de>>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

impl SyncOperation {
    pub fn new(request: &crate::SyncRequest, now: Timestamp) -> Self {
        SyncOperation {
            id: uuid::Uuid::now_v7().to_string(),
            tracker: request.tracker.clone(),
            kind: request.kind,
            origin: request.origin,
            requested_by: request.requested_by.clone(),
            include_closed: request.include_closed,
            status: SyncStatus::Pending,
            progress: SyncProgress::default(),
            results: SyncResults::default(),
            error: None,
            started_at: None,
            completed_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn to_row(&self) -> SyncOperationRow {
        SyncOperationRow {
            id: self.id.clone(),
            tracker: self.tracker.clone(),
            kind: word(self.kind),
            origin: word(self.origin),
            requested_by: self.requested_by.clone(),
            include_closed: self.include_closed,
            status: word(self.status),
            progress: serde_json::to_string(&self.progress).unwrap_or_else(|_| "{}".into()),
            results: serde_json::to_string(&self.results).unwrap_or_else(|_| "{}".into()),
            error: self.error.clone(),
            started_at: self.started_at,
            completed_at: self.completed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// Reads a stored row; unknown words (a newer program wrote them) read
    /// as a failed full sync rather than failing the whole listing.
    pub fn from_row(row: &SyncOperationRow) -> Self {
        SyncOperation {
            id: row.id.clone(),
            tracker: row.tracker.clone(),
            kind: parse_word(&row.kind).unwrap_or(SyncKind::Full),
            origin: parse_word(&row.origin).unwrap_or(SyncOrigin::Manual),
            requested_by: row.requested_by.clone(),
            include_closed: row.include_closed,
            status: parse_word(&row.status).unwrap_or(SyncStatus::Failed),
            progress: serde_json::from_str(&row.progress).unwrap_or_default(),
            results: serde_json::from_str(&row.results).unwrap_or_default(),
            error: row.error.clone(),
            started_at: row.started_at,
            completed_at: row.completed_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: SyncStatus, expected_word: &str, active: bool) {
        assert_eq!(word(status), expected_word);
        assert_eq!(parse_word::<SyncStatus>(expected_word), Some(status));
        assert_eq!(status.is_active(), active, "{status:?}");
    }

    #[test]
    fn statuses_are_stored_as_words() {
        check(SyncStatus::Pending, "pending", true);
        check(SyncStatus::InProgress, "in_progress", true);
        check(SyncStatus::Completed, "completed", false);
        check(SyncStatus::Failed, "failed", false);
        check(SyncStatus::Cancelled, "cancelled", false);
    }

    #[test]
    fn operations_survive_a_row() {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let request = crate::SyncRequest::manual("GitHub", "ann")
            .full()
            .with_closed();
        let mut op = SyncOperation::new(&request, now);
        op.status = SyncStatus::Completed;
        op.progress = SyncProgress {
            current: 3,
            total: 4,
            processed: 3,
            stage: SyncStage::Updating,
        };
        op.results.errors.push(IssueError {
            issue_id: Some("7".into()),
            error: "boom".into(),
        });
        assert_eq!(SyncOperation::from_row(&op.to_row()), op);
    }
}
