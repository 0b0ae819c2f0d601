//! The engine's background sync: an sr-sync [`Scheduler`] with one poll
//! job per tracker that pulls (the built-in local tracker keeps its issues
//! in the store itself and is not polled), over a [`SyncManager`] that
//! follows the engine's trackers as the settings change, and the database
//! jobs of [`crate::database_jobs`] (drift, health, performance per
//! connection). Started with the GUI's engine and `serve`, stopped when
//! they stop.
//!
//! Every run is claimed in the store first ([`StoreGate`]), so the
//! processes sharing a team store (several `serve`s, workbenches) poll
//! each tracker and check each shared database once per interval; a job
//! another process ran shows "run by another instance" in its status.
//! `SCRATCHROBIN_POLL_SECONDS` overrides every tracker's poll interval
//! (trackers.json counts in minutes), for demos and tests of team mode.

use std::sync::Arc;

use sr_sync::{
    JobStatus, PollOptions, Scheduler, SchedulerOptions, StoreGate, SyncManager, SyncOperation,
    tracker_jobs,
};
use sr_tracker::TrackerEntry;

use crate::Engine;

/// A running background sync.
pub struct EngineSync {
    manager: SyncManager,
    scheduler: Scheduler,
    forward: tokio::task::JoinHandle<()>,
}

/// Issues changed by a poll reach the UI as webhooks' do, one
/// [`Event::IssueRefreshed`](crate::Event::IssueRefreshed) each; a batch
/// larger than this (a first full sync) is not sent issue by issue.
const MAX_EVENTS_PER_BATCH: usize = 50;

async fn forward_changes(
    engine: Arc<Engine>,
    mut changes: tokio::sync::broadcast::Receiver<Arc<Vec<sr_model::Issue>>>,
) {
    loop {
        match changes.recv().await {
            Ok(batch) if batch.len() <= MAX_EVENTS_PER_BATCH => {
                for issue in batch.iter() {
                    engine.notify(crate::Event::IssueRefreshed(issue.clone()));
                }
            }
            Ok(batch) => {
                tracing::debug!(
                    issues = batch.len(),
                    "a large sync batch is not sent to the UI issue by issue"
                );
            }
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::debug!(missed = n, "sync changes missed by the UI");
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}

impl std::fmt::Debug for EngineSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSync")
            .field("jobs", &self.scheduler.status())
            .finish()
    }
}

impl EngineSync {
    /// Starts a poll job for every enabled, pulling, non-local tracker in
    /// trackers.json as loaded now, the sync-log pruner, and the database
    /// jobs of `CONFIG_DIR/monitoring.json`.
    pub fn start(engine: &Arc<Engine>) -> EngineSync {
        let source = {
            let engine = engine.clone();
            Arc::new(move || engine.links().trackers())
        };
        let manager =
            SyncManager::with_source(engine.store().clone(), source, PollOptions::default());
        let entries: Vec<TrackerEntry> = engine
            .tracker_entries()
            .into_iter()
            .filter(|e| e.kind != "local")
            .collect();
        manager.configure(&entries);
        let mut scheduler = Scheduler::with_gate(Arc::new(StoreGate::new(engine.store().clone())));
        let options = SchedulerOptions {
            poll_every: poll_every_override(),
            ..SchedulerOptions::default()
        };
        for job in tracker_jobs(&manager, &entries, &options) {
            scheduler.add(job);
        }
        let monitoring = engine.paths().config_dir.join("monitoring.json");
        let config = crate::load_monitoring_config(&monitoring).unwrap_or_else(|e| {
            // A broken file must not stop tracker sync; the defaults watch
            // the demo database meanwhile.
            tracing::warn!(error = %e, "monitoring settings ignored");
            crate::MonitoringConfig::default()
        });
        for job in crate::database_jobs(engine, &config) {
            scheduler.add(job);
        }
        let forward = tokio::spawn(forward_changes(engine.clone(), manager.subscribe_changes()));
        EngineSync {
            manager,
            scheduler,
            forward,
        }
    }

    /// Starts syncs on demand (the CLI's `sync run`, a Sync button).
    pub fn manager(&self) -> &SyncManager {
        &self.manager
    }

    /// Every change of every sync operation, for progress displays.
    pub fn updates(&self) -> tokio::sync::broadcast::Receiver<SyncOperation> {
        self.manager.subscribe()
    }

    /// The jobs' names, for tests and status displays.
    pub fn jobs(&self) -> Vec<String> {
        self.scheduler
            .status()
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    /// Every job's status: runs, failures, and intervals run by another
    /// process sharing the store.
    pub fn job_statuses(&self) -> Vec<JobStatus> {
        self.scheduler.status()
    }

    /// Stops the jobs, cancelling running syncs, and waits for them; a
    /// run stopped midway gives its claim back for another process.
    pub async fn shutdown(self) {
        self.scheduler.shutdown().await;
        self.manager.shutdown().await;
        self.forward.abort();
    }
}

/// The environment variable that overrides every tracker's poll interval.
pub const POLL_SECONDS_ENV: &str = "SCRATCHROBIN_POLL_SECONDS";

/// `SCRATCHROBIN_POLL_SECONDS` as a duration; unset, empty or invalid is
/// none (an invalid value is logged).
fn poll_every_override() -> Option<std::time::Duration> {
    let value = std::env::var(POLL_SECONDS_ENV).ok()?;
    parse_poll_seconds(&value).unwrap_or_else(|| {
        tracing::warn!(value = %value, "{POLL_SECONDS_ENV} ignored: give whole seconds, at least 1");
        None
    })
}

/// `Some(None)` for an empty value, `Some(Some(d))` for whole seconds ≥ 1,
/// `None` when invalid.
fn parse_poll_seconds(value: &str) -> Option<Option<std::time::Duration>> {
    let value = value.trim();
    if value.is_empty() {
        return Some(None);
    }
    match value.parse::<u64>() {
        Ok(s) if s >= 1 => Some(Some(std::time::Duration::from_secs(s))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_poll_seconds;
    use std::time::Duration;

    fn check(value: &str, expected: Option<Option<u64>>) {
        let got = parse_poll_seconds(value);
        assert_eq!(
            got,
            expected.map(|o| o.map(Duration::from_secs)),
            "{value:?}"
        );
    }

    #[test]
    fn poll_seconds_are_whole_and_positive() {
        check("", Some(None));
        check("  ", Some(None));
        check("3", Some(Some(3)));
        check(" 30 ", Some(Some(30)));
        check("0", None);
        check("-1", None);
        check("1.5", None);
        check("3s", None);
    }
}
