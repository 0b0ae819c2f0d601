//! The engine's background sync: an sr-sync [`Scheduler`] with one poll
//! job per tracker that pulls (the built-in local tracker keeps its issues
//! in the store itself and is not polled), over a [`SyncManager`] that
//! follows the engine's trackers as the settings change, and the database
//! jobs of [`crate::database_jobs`] (drift, health, performance per
//! connection). Started with the GUI's engine and `serve`, stopped when
//! they stop.

use std::sync::Arc;

use sr_sync::{PollOptions, Scheduler, SchedulerOptions, SyncManager, SyncOperation, tracker_jobs};
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
        let mut scheduler = Scheduler::new();
        for job in tracker_jobs(&manager, &entries, &SchedulerOptions::default()) {
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

    /// Stops the jobs, cancelling running syncs, and waits for them.
    pub async fn shutdown(self) {
        self.scheduler.shutdown().await;
        self.manager.shutdown().await;
        self.forward.abort();
    }
}
