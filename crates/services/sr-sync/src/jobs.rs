//! The jobs the scheduler runs for trackers: polling (incremental, full
//! once a day or as configured) at the tracker's configured interval,
//! sooner while its webhook is inactive, paced by its rate budget; and
//! pruning the sync log.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sr_tracker::{SyncMode, TrackerEntry};

use crate::health::{poll_interval, webhook_health};
use crate::operation::SyncStatus;
use crate::pacing::paced;
use crate::scheduler::{Job, JobFailure, Schedule};
use crate::{SyncKind, SyncManager, SyncRequest};

/// Scheduling settings shared by every tracker job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// A scheduled poll is a full sync when the last full one is older.
    pub full_every: Duration,
    /// A webhook silent this long is inactive.
    pub webhook_silence: Duration,
    /// An inactive webhook's tracker is polled this many times as often.
    pub inactive_divisor: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// The sync log keeps finished operations this long.
    pub log_retention: Duration,
    /// Polls every tracker this often whatever its settings and webhook
    /// say (before rate pacing): for demos and tests of team mode, whose
    /// trackers.json counts in minutes.
    pub poll_every: Option<Duration>,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            full_every: Duration::from_secs(24 * 3600),
            webhook_silence: Duration::from_secs(6 * 3600),
            inactive_divisor: 2,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            log_retention: Duration::from_secs(7 * 24 * 3600),
            poll_every: None,
        }
    }
}

/// Polls one tracker.
#[derive(Debug)]
pub struct TrackerJob {
    manager: SyncManager,
    entry: TrackerEntry,
    options: SchedulerOptions,
}

impl TrackerJob {
    pub fn new(manager: SyncManager, entry: TrackerEntry, options: SchedulerOptions) -> Self {
        TrackerJob {
            manager,
            entry,
            options,
        }
    }

    /// Whether the entry's webhook is set up in trackers.json.
    pub fn webhook_registered(entry: &TrackerEntry) -> bool {
        entry.sync.webhook_id.is_some() || entry.sync.webhook_secret.is_some()
    }

    /// The configured interval (`sync.poll_interval_minutes`).
    pub fn configured_interval(entry: &TrackerEntry) -> Duration {
        Duration::from_secs(u64::from(entry.sync.poll_interval_minutes.max(1)) * 60)
    }
}

/// The scheduler's (and the store's claim) name of `tracker`'s poll job.
pub(crate) fn tracker_job_name(tracker: &str) -> String {
    format!("tracker:{tracker}")
}

/// One job per enabled tracker that pulls (`sync.mode` bidirectional or
/// pull) and could be built, plus the sync-log pruner.
pub fn tracker_jobs(
    manager: &SyncManager,
    entries: &[TrackerEntry],
    options: &SchedulerOptions,
) -> Vec<Arc<dyn Job>> {
    let built = manager.trackers();
    let mut jobs: Vec<Arc<dyn Job>> = entries
        .iter()
        .filter(|e| e.enabled)
        .filter(|e| matches!(e.sync.mode, SyncMode::Bidirectional | SyncMode::Pull))
        .filter(|e| built.by_name(&e.name).is_ok())
        .map(|e| {
            Arc::new(TrackerJob::new(manager.clone(), e.clone(), options.clone())) as Arc<dyn Job>
        })
        .collect();
    jobs.push(Arc::new(PruneJob {
        manager: manager.clone(),
        retention: options.log_retention,
    }));
    jobs
}

#[async_trait]
impl Job for TrackerJob {
    fn name(&self) -> String {
        tracker_job_name(&self.entry.name)
    }

    async fn schedule(&self) -> Schedule {
        let now = chrono::Utc::now();
        let last = match self.manager.store().last_deliveries().await {
            Ok(map) => map.get(&self.entry.name).copied(),
            Err(e) => {
                tracing::debug!(error = %e, "webhook deliveries unreadable; assuming none");
                None
            }
        };
        let health = webhook_health(
            Self::webhook_registered(&self.entry),
            last,
            now,
            self.options.webhook_silence,
        );
        let interval = self.options.poll_every.unwrap_or_else(|| {
            poll_interval(
                Self::configured_interval(&self.entry),
                &health,
                self.options.inactive_divisor,
            )
        });
        let budget = self
            .manager
            .trackers()
            .by_name(&self.entry.name)
            .ok()
            .and_then(|t| t.rate_budget());
        Schedule {
            next: paced(interval, budget.as_ref(), now),
            backoff_base: self.options.backoff_base,
            backoff_max: self.options.backoff_max,
        }
    }

    async fn run(&self) -> Result<(), JobFailure> {
        let fail = |message: String| JobFailure {
            message,
            retry_at: None,
        };
        let state = self
            .manager
            .store()
            .tracker_sync_state(&self.entry.name)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let budget = self
            .manager
            .trackers()
            .by_name(&self.entry.name)
            .ok()
            .and_then(|t| t.rate_budget());
        self.fail_orphaned_poll()
            .await
            .map_err(|e| fail(e.to_string()))?;
        let kind = choose_kind(
            state.last_full,
            chrono::Utc::now(),
            self.options.full_every,
            budget.as_ref(),
        );
        let handle = self
            .manager
            .start(SyncRequest::scheduled(&self.entry.name, kind))
            .map_err(|e| fail(e.to_string()))?;
        let op = handle.finished().await;
        match op.status {
            SyncStatus::Failed => {
                let budget = self
                    .manager
                    .trackers()
                    .by_name(&self.entry.name)
                    .ok()
                    .and_then(|t| t.rate_budget())
                    .filter(|b| b.exhausted_at(chrono::Utc::now()));
                Err(JobFailure {
                    message: op.error.unwrap_or_else(|| "sync failed".into()),
                    retry_at: budget.and_then(|b| b.reset_at),
                })
            }
            _ => Ok(()),
        }
    }

    async fn stop(&self) {
        if let Some(h) = self.manager.cancel(&self.entry.name) {
            h.finished().await;
        }
    }
}

impl TrackerJob {
    /// Holding this interval's claim, fails a scheduled poll of the tracker
    /// that another process left active: only the claim's holder starts
    /// scheduled polls, so its process lost the claim by dying mid-poll.
    /// Without this the next poll would follow the orphan until it counts
    /// as abandoned (minutes), not run within one interval.
    async fn fail_orphaned_poll(&self) -> Result<(), sr_store::StoreError> {
        let store = self.manager.store();
        let Some(row) = store.active_sync_operation(&self.entry.name).await? else {
            return Ok(());
        };
        let mut op = crate::SyncOperation::from_row(&row);
        let ours = self.manager.active().iter().any(|a| a.id == op.id);
        if ours || op.origin != crate::SyncOrigin::Scheduled {
            return Ok(());
        }
        let now = crate::operation::now();
        op.status = crate::SyncStatus::Failed;
        op.error = Some("abandoned: its process stopped mid-poll; the next poll took over".into());
        op.completed_at = Some(now);
        op.updated_at = now;
        tracing::info!(operation = %op.id, "a scheduled poll left by a stopped process is failed");
        store.update_sync_operation(&op.to_row()).await
    }
}

/// A scheduled sync is full when the last full one is older than
/// `full_every` (or there was none), unless the rate budget is low: then
/// the full sync waits and an incremental one, a request or two, runs.
pub fn choose_kind(
    last_full: Option<sr_model::Timestamp>,
    now: sr_model::Timestamp,
    full_every: Duration,
    budget: Option<&sr_tracker::RateBudget>,
) -> SyncKind {
    let full_every = chrono::Duration::from_std(full_every).unwrap_or(chrono::Duration::MAX);
    let due = last_full.is_none_or(|t| now - t >= full_every);
    let low = budget.is_some_and(|b| match (b.remaining, b.limit) {
        (Some(r), Some(l)) if l > 0 => (r as f64 / l as f64) < crate::pacing::SLOW_BELOW,
        _ => false,
    });
    // Without a full sync yet there is no cursor, and an incremental sync
    // would read everything anyway.
    if due && (!low || last_full.is_none()) {
        SyncKind::Full
    } else {
        SyncKind::Incremental
    }
}

/// Deletes sync-log entries past their retention, hourly.
#[derive(Debug)]
pub struct PruneJob {
    manager: SyncManager,
    retention: Duration,
}

#[async_trait]
impl Job for PruneJob {
    fn name(&self) -> String {
        "sync-log-prune".into()
    }

    async fn schedule(&self) -> Schedule {
        Schedule {
            next: Duration::from_secs(3600),
            backoff_base: Duration::from_secs(60),
            backoff_max: Duration::from_secs(3600),
        }
    }

    async fn run(&self) -> Result<(), JobFailure> {
        let keep = chrono::Duration::from_std(self.retention).unwrap_or(chrono::Duration::MAX);
        match self.manager.prune(keep).await {
            Ok(n) => {
                if n > 0 {
                    tracing::info!(pruned = n, "sync log pruned");
                }
                Ok(())
            }
            Err(e) => Err(JobFailure {
                message: e.to_string(),
                retry_at: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> sr_model::Timestamp {
        chrono::DateTime::from_timestamp(hours * 3600, 0).unwrap_or_default()
    }

    /// (last full, hours now, budget left of 100) → kind.
    fn check(last_full: Option<i64>, now: i64, left: Option<u64>, expected: SyncKind) {
        let budget = left.map(|r| sr_tracker::RateBudget {
            remaining: Some(r),
            limit: Some(100),
            ..sr_tracker::RateBudget::default()
        });
        let got = choose_kind(
            last_full.map(at),
            at(now),
            Duration::from_secs(24 * 3600),
            budget.as_ref(),
        );
        assert_eq!(got, expected, "{last_full:?} {now} {left:?}");
    }

    #[test]
    fn full_once_a_day_unless_the_budget_is_low() {
        use SyncKind::*;
        check(None, 100, None, Full);
        check(None, 100, Some(1), Full);
        check(Some(90), 100, None, Incremental);
        check(Some(76), 100, None, Full);
        check(Some(76), 100, Some(50), Full);
        check(Some(76), 100, Some(19), Incremental);
        check(Some(90), 100, Some(90), Incremental);
    }
}
