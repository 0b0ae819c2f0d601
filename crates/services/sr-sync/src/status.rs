//! What `sync status` shows per tracker: its cursor, health (ok or
//! degraded with the last error), webhook health, poll interval, and its
//! running and last operations.

use serde::Serialize;
use sr_model::Timestamp;
use sr_tracker::TrackerEntry;

use crate::health::{poll_interval, webhook_health};
use crate::{SchedulerOptions, SyncError, SyncManager, SyncOperation, TrackerJob, WebhookHealth};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackerSyncStatus {
    pub tracker: String,
    /// `ok`, `degraded` (the last sync failed) or `never_synced`.
    pub health: String,
    pub last_error: Option<String>,
    pub cursor: Option<Timestamp>,
    pub last_success: Option<Timestamp>,
    pub last_full: Option<Timestamp>,
    pub webhook: WebhookHealth,
    pub webhook_summary: String,
    /// Minutes between scheduled polls, as they are now.
    pub poll_every_minutes: u64,
    pub active: Option<SyncOperation>,
    pub last: Option<SyncOperation>,
    /// The process (`host:pid:…`) that holds or last ran the scheduled
    /// poll, whichever process sharing the store it is.
    pub polled_by: Option<String>,
    /// When any process may poll next.
    pub next_poll: Option<Timestamp>,
}

/// The status of every configured, enabled tracker.
pub async fn tracker_sync_statuses(
    manager: &SyncManager,
    entries: &[TrackerEntry],
    options: &SchedulerOptions,
) -> Result<Vec<TrackerSyncStatus>, SyncError> {
    let store = manager.store();
    let deliveries = store
        .last_deliveries()
        .await
        .map_err(SyncError::store("*"))?;
    let active = manager.active();
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| e.enabled) {
        let state = store
            .tracker_sync_state(&e.name)
            .await
            .map_err(SyncError::store(&e.name))?;
        let webhook = webhook_health(
            TrackerJob::webhook_registered(e),
            deliveries.get(&e.name).copied(),
            now,
            options.webhook_silence,
        );
        let interval = poll_interval(
            TrackerJob::configured_interval(e),
            &webhook,
            options.inactive_divisor,
        );
        let last = manager.history(Some(&e.name), 1).await?.into_iter().next();
        let claim = store
            .job_record(&crate::jobs::tracker_job_name(&e.name))
            .await
            .map_err(SyncError::store(&e.name))?;
        out.push(TrackerSyncStatus {
            tracker: e.name.clone(),
            health: if state.degraded() {
                "degraded".into()
            } else if state.last_success.is_none() {
                "never_synced".into()
            } else {
                "ok".into()
            },
            last_error: state.last_error.clone(),
            cursor: state.cursor,
            last_success: state.last_success,
            last_full: state.last_full,
            webhook_summary: webhook.describe(),
            webhook,
            poll_every_minutes: interval.as_secs().div_ceil(60),
            active: match active.iter().find(|o| o.tracker == e.name) {
                Some(op) => Some(op.clone()),
                // Another process (the workbench, `serve`) may be syncing it.
                None => store
                    .active_sync_operation(&e.name)
                    .await
                    .map_err(SyncError::store(&e.name))?
                    .map(|row| SyncOperation::from_row(&row)),
            },
            last,
            polled_by: claim
                .as_ref()
                .and_then(|c| c.claimed_by.clone().or(c.last_by.clone())),
            next_poll: claim.map(|c| c.next_due),
        });
    }
    Ok(out)
}
