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
//!
//! The database jobs follow the settings while running: when
//! monitoring.json or connections.json changes (the config watch) or the
//! monitoring panel changes a connection's checks, [`EngineSync::reconcile`]
//! stops the jobs no longer wanted or whose settings or connection
//! changed, and starts the new ones, which run at once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use sr_sync::{
    Job, JobStatus, PollOptions, Scheduler, SchedulerOptions, StoreGate, SyncManager,
    SyncOperation, tracker_jobs,
};
use sr_tracker::TrackerEntry;

use crate::Engine;
use crate::IssueEvent;

/// A running background sync.
pub struct EngineSync {
    manager: SyncManager,
    databases: Arc<DatabaseJobs>,
    forward: tokio::task::JoinHandle<()>,
    watch: Option<crate::watch::ConfigWatch>,
}

/// The scheduler and what its database jobs were started with, by job
/// name: the settings and the connection as listed then.
struct DatabaseJobs {
    engine: Arc<Engine>,
    scheduler: Mutex<Option<Scheduler>>,
    started:
        tokio::sync::Mutex<BTreeMap<String, (crate::ConnectionMonitoring, crate::ConnectionInfo)>>,
}

impl DatabaseJobs {
    fn with_scheduler<T>(&self, f: impl FnOnce(&mut Scheduler) -> T) -> Option<T> {
        let mut guard = self.scheduler.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_mut().map(f)
    }

    /// Brings the database jobs in line with monitoring.json and the
    /// connections as they are now.
    async fn reconcile(&self) {
        let path = self.engine.paths().config_dir.join("monitoring.json");
        let mut started = self.started.lock().await;
        let config = match crate::load_monitoring_config(&path) {
            Ok(config) => config,
            // A broken file must not stop tracker sync nor the checks: at
            // start the defaults watch the demo database; later the last
            // good settings stay.
            Err(e) if started.is_empty() => {
                tracing::warn!(error = %e, "monitoring settings ignored");
                crate::MonitoringConfig::default()
            }
            Err(e) => {
                tracing::warn!(error = %e, "monitoring settings not re-read; the last ones stay");
                return;
            }
        };
        let connections = self.engine.connections().await;
        let wanted = crate::database_jobs(&self.engine, &config, &connections);
        let mut stopping = Vec::new();
        let names: Vec<String> = started.keys().cloned().collect();
        for name in names {
            let keep = wanted.iter().any(|(job, settings, info)| {
                job.name() == name
                    && started
                        .get(&name)
                        .is_some_and(|(s, i)| s == settings && i == info)
            });
            if !keep {
                started.remove(&name);
                if let Some(ended) = self.with_scheduler(|s| s.remove(&name)) {
                    stopping.push(ended);
                }
            }
        }
        // Old loops end (their claims released) before their successors start.
        for ended in stopping {
            ended.await;
        }
        for (job, settings, info) in wanted {
            let name = job.name();
            if started.contains_key(&name) {
                continue;
            }
            started.insert(name, (settings, info));
            self.with_scheduler(|s| s.add(job));
        }
    }
}

/// Issues changed by a poll reach the UI as webhooks' do, one
/// [`crate::IssueEvent::Refreshed`](crate::crate::IssueEvent::Refreshed) each; a batch
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
                    engine.notify(crate::Event::Issues(IssueEvent::Refreshed(issue.clone())));
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
            .field("jobs", &self.job_statuses())
            .finish()
    }
}

impl Engine {
    /// A sync manager over the trackers as built now, configured with
    /// every tracker of trackers.json: for one run started by hand (`sync
    /// run`) and the trackers' sync status. The background sync has its
    /// own ([`EngineSync`]).
    pub fn sync_manager(&self) -> SyncManager {
        let manager = SyncManager::new(
            self.store().clone(),
            self.links().trackers(),
            PollOptions::default(),
        );
        manager.configure(&self.tracker_entries());
        manager
    }
}

impl EngineSync {
    /// Starts a poll job for every enabled, pulling, non-local tracker in
    /// trackers.json as loaded now, the sync-log pruner, and the database
    /// jobs of `CONFIG_DIR/monitoring.json`.
    pub async fn start(engine: &Arc<Engine>) -> EngineSync {
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
        let forward = tokio::spawn(forward_changes(engine.clone(), manager.subscribe_changes()));
        let databases = Arc::new(DatabaseJobs {
            engine: engine.clone(),
            scheduler: Mutex::new(Some(scheduler)),
            started: tokio::sync::Mutex::default(),
        });
        let watch = {
            let databases = databases.clone();
            crate::watch::watch_config(engine.clone(), move |_change| {
                let databases = databases.clone();
                async move { databases.reconcile().await }
            })
        };
        let watch = watch
            .map_err(|e| tracing::warn!(error = %e, "config changes are picked up only at start"))
            .ok();
        let sync = EngineSync {
            manager,
            databases,
            forward,
            watch,
        };
        sync.reconcile().await;
        sync
    }

    /// Brings the database jobs in line with monitoring.json and the
    /// connections now; new and changed jobs run at once. The config watch
    /// calls this by itself; the monitoring panel after changing settings.
    pub async fn reconcile(&self) {
        self.databases.reconcile().await;
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
        self.job_statuses().into_iter().map(|s| s.name).collect()
    }

    /// Every job's status: runs, failures, and intervals run by another
    /// process sharing the store.
    pub fn job_statuses(&self) -> Vec<JobStatus> {
        self.databases
            .with_scheduler(|s| s.status())
            .unwrap_or_default()
    }

    /// Stops the jobs, cancelling running syncs, and waits for them; a
    /// run stopped midway gives its claim back for another process.
    pub async fn shutdown(self) {
        drop(self.watch);
        let scheduler = self
            .databases
            .scheduler
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(scheduler) = scheduler {
            scheduler.shutdown().await;
        }
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
