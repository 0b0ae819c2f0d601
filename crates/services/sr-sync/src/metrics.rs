//! Syncs as Prometheus metrics (rendered by the listener's `/metrics`):
//! runs by kind and outcome, their durations, and each tracker's rate
//! budget as its last answer left it.

use sr_tracker::RateBudget;

use crate::{SyncKind, SyncOperation, SyncStatus};

/// Records a finished operation.
pub(crate) fn sync_finished(op: &SyncOperation, budget: Option<&RateBudget>) {
    let tracker = op.tracker.clone();
    let kind = match op.kind {
        SyncKind::Full => "full",
        SyncKind::Incremental => "incremental",
    };
    let outcome = match op.status {
        SyncStatus::Completed => "completed",
        SyncStatus::Failed => "failed",
        SyncStatus::Cancelled => "cancelled",
        SyncStatus::Pending | SyncStatus::InProgress => "unfinished",
    };
    metrics::counter!("sr_sync_runs_total", "tracker" => tracker.clone(), "kind" => kind, "outcome" => outcome)
        .increment(1);
    if let (Some(start), Some(end)) = (op.started_at, op.completed_at) {
        let seconds = (end - start).num_milliseconds().max(0) as f64 / 1000.0;
        metrics::histogram!("sr_sync_duration_seconds", "tracker" => tracker.clone(), "kind" => kind)
            .record(seconds);
    }
    if let Some(b) = budget {
        if let Some(remaining) = b.remaining {
            metrics::gauge!("sr_tracker_rate_limit_remaining", "tracker" => tracker.clone())
                .set(remaining as f64);
        }
        if let Some(limit) = b.limit {
            metrics::gauge!("sr_tracker_rate_limit", "tracker" => tracker).set(limit as f64);
        }
    }
}
