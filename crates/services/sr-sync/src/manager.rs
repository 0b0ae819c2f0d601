//! [`SyncManager`]: starts SyncOperations, one active per tracker (a second
//! request for a tracker that is syncing gets the running operation), runs
//! each on its own task in its own tracing span, keeps its progress in a
//! watch channel and its record in the store, and cancels on request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use sr_model::Issue;
use sr_store::Store;
use sr_tracker::{IssueTracker, SyncMode, TrackerEntry, TrackerSet};
use tokio::sync::{broadcast, watch};
use tracing::Instrument;

use crate::operation::{SyncOperation, SyncStatus};
use crate::poll::{Poll, PollOptions};
use crate::{CancellationToken, ConflictPolicies, SyncError, SyncKind, SyncOrigin};

/// What to sync and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRequest {
    pub tracker: String,
    pub kind: SyncKind,
    pub origin: SyncOrigin,
    pub include_closed: bool,
    pub requested_by: String,
}

impl SyncRequest {
    /// An incremental manual sync; [`SyncRequest::full`] widens it.
    pub fn manual(tracker: &str, requested_by: &str) -> Self {
        SyncRequest {
            tracker: tracker.to_owned(),
            kind: SyncKind::Incremental,
            origin: SyncOrigin::Manual,
            include_closed: false,
            requested_by: requested_by.to_owned(),
        }
    }

    pub fn scheduled(tracker: &str, kind: SyncKind) -> Self {
        SyncRequest {
            kind,
            origin: SyncOrigin::Scheduled,
            ..SyncRequest::manual(tracker, "scheduler")
        }
    }

    pub fn full(mut self) -> Self {
        self.kind = SyncKind::Full;
        self
    }

    pub fn with_closed(mut self) -> Self {
        self.include_closed = true;
        self
    }
}

/// A started (or joined) operation.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    rx: watch::Receiver<SyncOperation>,
    cancel: CancellationToken,
    /// The request joined an operation that was already running.
    pub joined: bool,
}

impl SyncHandle {
    pub fn id(&self) -> String {
        self.rx.borrow().id.clone()
    }

    /// The operation as it stands now.
    pub fn snapshot(&self) -> SyncOperation {
        self.rx.borrow().clone()
    }

    /// Every change of the operation, for a progress bar.
    pub fn watch(&self) -> watch::Receiver<SyncOperation> {
        self.rx.clone()
    }

    /// Asks the operation to stop; it ends `Cancelled` at its next step.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Waits until the operation has ended and returns its final state.
    pub async fn finished(&self) -> SyncOperation {
        let mut rx = self.rx.clone();
        let ended = rx
            .wait_for(|op| !op.status.is_active())
            .await
            .map(|op| op.clone());
        // When the task is gone, its last word is what there is.
        ended.unwrap_or_else(|_| self.rx.borrow().clone())
    }
}

struct Active {
    id: String,
    handle: SyncHandle,
}

/// Where a manager finds its trackers each time it starts a sync.
pub type TrackerSource = Arc<dyn Fn() -> TrackerSet + Send + Sync>;

struct Inner {
    store: Store,
    trackers: RwLock<TrackerSet>,
    /// When set, asked instead of `trackers` (the engine's current set,
    /// rebuilt when the settings change).
    source: Option<TrackerSource>,
    active: Mutex<HashMap<String, Active>>,
    options: PollOptions,
    updates: broadcast::Sender<SyncOperation>,
    changes: broadcast::Sender<Arc<Vec<Issue>>>,
    /// Per tracker: `None` pulls only; absent pushes with the default policies.
    two_way: RwLock<HashMap<String, Option<ConflictPolicies>>>,
}

/// Starts and tracks syncs; cheap to clone.
#[derive(Clone)]
pub struct SyncManager {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SyncManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncManager").finish_non_exhaustive()
    }
}

impl SyncManager {
    pub fn new(store: Store, trackers: TrackerSet, options: PollOptions) -> Self {
        SyncManager::build(store, trackers, None, options)
    }

    /// A manager that asks `source` for the trackers each time, so that it
    /// follows the engine's set as the settings change.
    pub fn with_source(store: Store, source: TrackerSource, options: PollOptions) -> Self {
        SyncManager::build(store, TrackerSet::default(), Some(source), options)
    }

    fn build(
        store: Store,
        trackers: TrackerSet,
        source: Option<TrackerSource>,
        options: PollOptions,
    ) -> Self {
        SyncManager {
            inner: Arc::new(Inner {
                store,
                trackers: RwLock::new(trackers),
                source,
                active: Mutex::default(),
                options,
                updates: broadcast::channel(256).0,
                changes: broadcast::channel(64).0,
                two_way: RwLock::default(),
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Swaps the trackers (after the settings changed); running syncs keep
    /// the tracker they started with.
    pub fn set_trackers(&self, trackers: TrackerSet) {
        *self
            .inner
            .trackers
            .write()
            .unwrap_or_else(|p| p.into_inner()) = trackers;
    }

    pub fn trackers(&self) -> TrackerSet {
        if let Some(source) = &self.inner.source {
            return source();
        }
        self.inner
            .trackers
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether a tracker's syncs push workbench edits, and with which
    /// conflict policies (`None`: pull only).
    pub fn set_two_way(&self, tracker: &str, policies: Option<ConflictPolicies>) {
        self.inner
            .two_way
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tracker.to_lowercase(), policies);
    }

    /// Takes each tracker's `sync.conflicts`; pull-only for trackers whose
    /// `sync.mode` is `pull` or `manual`.
    pub fn configure(&self, entries: &[TrackerEntry]) {
        for e in entries {
            let pushes = matches!(e.sync.mode, SyncMode::Bidirectional | SyncMode::Push);
            self.set_two_way(&e.name, pushes.then(|| e.sync.conflicts.clone()));
        }
    }

    fn policies(&self, tracker: &str) -> Option<ConflictPolicies> {
        self.inner
            .two_way
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&tracker.to_lowercase())
            .cloned()
            .unwrap_or_else(|| Some(ConflictPolicies::default()))
    }

    /// Every change of every operation.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncOperation> {
        self.inner.updates.subscribe()
    }

    /// The issues each sync batch created or changed in the cache, for
    /// views that show them live.
    pub fn subscribe_changes(&self) -> broadcast::Receiver<Arc<Vec<Issue>>> {
        self.inner.changes.subscribe()
    }

    /// Starts a sync, or joins the one already running for the tracker.
    pub fn start(&self, request: SyncRequest) -> Result<SyncHandle, SyncError> {
        let trackers = self.trackers();
        let tracker = trackers
            .by_name(&request.tracker)
            .map_err(SyncError::Unusable)?;
        let name = tracker.info().name.clone();
        let mut active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(a) = active.get(&name) {
            let mut handle = a.handle.clone();
            handle.joined = true;
            return Ok(handle);
        }
        let request = SyncRequest {
            tracker: name.clone(),
            ..request
        };
        let op = SyncOperation::new(&request, crate::operation::now());
        let (tx, rx) = watch::channel(op.clone());
        let handle = SyncHandle {
            rx,
            cancel: CancellationToken::default(),
            joined: false,
        };
        active.insert(
            name.clone(),
            Active {
                id: op.id.clone(),
                handle: handle.clone(),
            },
        );
        drop(active);
        let span = tracing::info_span!("sync", tracker = %name, operation = %op.id, kind = ?op.kind, origin = ?op.origin);
        let this = self.clone();
        let cancel = handle.cancel.clone();
        let tracker = tracker.clone();
        tokio::spawn(async move { this.run(tracker, op, tx, cancel).await }.instrument(span));
        Ok(handle)
    }

    /// The operations running now.
    pub fn active(&self) -> Vec<SyncOperation> {
        let active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
        let mut ops: Vec<SyncOperation> = active.values().map(|a| a.handle.snapshot()).collect();
        ops.sort_by(|a, b| a.tracker.cmp(&b.tracker));
        ops
    }

    /// Cancels the running operation of a tracker and returns it (to wait
    /// for its end); `None` when none runs.
    pub fn cancel(&self, tracker: &str) -> Option<SyncHandle> {
        let active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
        let found = active
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(tracker))
            .map(|(_, a)| a.handle.clone());
        if let Some(h) = &found {
            h.cancel();
        }
        found
    }

    /// Cancels every running operation and waits for them to end.
    pub async fn shutdown(&self) {
        let handles: Vec<SyncHandle> = {
            let active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
            active.values().map(|a| a.handle.clone()).collect()
        };
        for h in &handles {
            h.cancel();
        }
        for h in &handles {
            h.finished().await;
        }
    }

    /// The sync log, newest first.
    pub async fn history(
        &self,
        tracker: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SyncOperation>, SyncError> {
        let rows = self
            .inner
            .store
            .sync_operations(tracker, limit)
            .await
            .map_err(SyncError::store(tracker.unwrap_or("*")))?;
        Ok(rows.iter().map(SyncOperation::from_row).collect())
    }

    /// Deletes finished operations older than `keep` (the sync log keeps
    /// seven days); returns how many.
    pub async fn prune(&self, keep: chrono::Duration) -> Result<u64, SyncError> {
        self.inner
            .store
            .prune_sync_operations(crate::operation::now() - keep)
            .await
            .map_err(SyncError::store("*"))
    }

    async fn run(
        self,
        tracker: Arc<dyn IssueTracker>,
        mut op: SyncOperation,
        tx: watch::Sender<SyncOperation>,
        cancel: CancellationToken,
    ) {
        let store = &self.inner.store;
        let name = op.tracker.clone();
        let mut outcome = self.claim(&op).await;
        for _ in 0..3 {
            if !matches!(outcome, Ok(false)) {
                break;
            }
            // Another process sharing the store is syncing this tracker:
            // follow its operation instead of starting a second one.
            if self.follow(&name, &op.id, &tx).await {
                return;
            }
            // It ended before we could read it; claim again.
            outcome = self.claim(&op).await;
        }
        if let Ok(false) = outcome {
            outcome = Err(sr_store::StoreError::Corrupt {
                table: "sync_operations",
                reason: format!("{name} keeps an active operation that cannot be read"),
            });
        }
        op.status = SyncStatus::InProgress;
        op.started_at = Some(crate::operation::now());
        op.updated_at = crate::operation::now();
        self.publish(&tx, &op);
        if outcome.is_ok() {
            outcome = store
                .update_sync_operation(&op.to_row())
                .await
                .map(|()| true);
        }
        let (stop_heartbeat, stopped) = watch::channel(false);
        let heartbeat = tokio::spawn(heartbeat(store.clone(), tx.subscribe(), stopped));
        let result = match outcome {
            Err(e) => Err(SyncError::Store {
                tracker: name.clone(),
                source: e,
            }),
            Ok(_) => {
                let report = Reporter {
                    manager: &self,
                    tx: &tx,
                };
                let policies = self.policies(&name);
                let poll = Poll {
                    store,
                    tracker: tracker.as_ref(),
                    options: &self.inner.options,
                    report: &report,
                    cancel: &cancel,
                    push: policies.as_ref(),
                };
                poll.run(op.kind, op.include_closed).await
            }
        };
        let latest = tx.borrow().clone();
        op.progress = latest.progress;
        op.results = latest.results;
        let now = crate::operation::now();
        match result {
            Ok(results) => {
                op.results = results;
                op.status = SyncStatus::Completed;
                tracing::info!(results = ?op.results, "sync completed");
            }
            Err(SyncError::Cancelled { .. }) => {
                op.status = SyncStatus::Cancelled;
                op.error = Some("cancelled".into());
                tracing::info!("sync cancelled");
            }
            Err(e) => {
                op.status = SyncStatus::Failed;
                op.error = Some(e.to_string());
                tracing::warn!(error = %e, "sync failed");
                self.record_failure(&name, &e.to_string()).await;
            }
        }
        op.completed_at = Some(now);
        op.updated_at = now;
        crate::metrics::sync_finished(&op, tracker.rate_budget().as_ref());
        stop_heartbeat.send_replace(true);
        if let Err(e) = heartbeat.await {
            tracing::debug!(error = %e, "the sync's heartbeat ended abnormally");
        }
        if let Err(e) = store.update_sync_operation(&op.to_row()).await {
            tracing::warn!(error = %e, "the sync log could not record the operation's end");
        }
        {
            let mut active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
            if active.get(&name).is_some_and(|a| a.id == op.id) {
                active.remove(&name);
            }
        }
        self.publish(&tx, &op);
    }

    /// Records the operation as the tracker's active one; `Ok(false)` when
    /// another process holds a live one. An operation whose process has
    /// written nothing for [`ABANDONED_AFTER`] is failed and replaced.
    async fn claim(&self, op: &SyncOperation) -> Result<bool, sr_store::StoreError> {
        let store = &self.inner.store;
        if store.insert_sync_operation(&op.to_row()).await? {
            return Ok(true);
        }
        let silent_since = crate::operation::now() - ABANDONED_AFTER;
        let failed = store
            .fail_abandoned_sync_operations(silent_since, "abandoned: its process stopped")
            .await?;
        if failed == 0 {
            return Ok(false);
        }
        store.insert_sync_operation(&op.to_row()).await
    }

    /// Mirrors another process's operation of the tracker until it ends;
    /// false when there was none to follow any more.
    async fn follow(&self, name: &str, own_id: &str, tx: &watch::Sender<SyncOperation>) -> bool {
        let store = &self.inner.store;
        let mut last: Option<SyncOperation> = None;
        loop {
            let row = match &last {
                None => store.active_sync_operation(name).await,
                Some(op) => store.sync_operation(&op.id).await,
            };
            match row {
                Ok(Some(row)) => {
                    let op = SyncOperation::from_row(&row);
                    self.publish(tx, &op);
                    let ended = !op.status.is_active();
                    last = Some(op);
                    if ended {
                        break;
                    }
                }
                // It ended between our claim and this read.
                Ok(None) if last.is_none() => return false,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot follow the other process's sync");
                    break;
                }
            }
            tokio::time::sleep(FOLLOW_EVERY).await;
        }
        let mut end = last.unwrap_or_else(|| tx.borrow().clone());
        if end.status.is_active() {
            end.status = SyncStatus::Failed;
            end.error = Some("lost track of the sync another process runs".into());
        }
        {
            let mut active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
            if active.get(name).is_some_and(|a| a.id == own_id) {
                active.remove(name);
            }
        }
        self.publish(tx, &end);
        true
    }

    fn publish(&self, tx: &watch::Sender<SyncOperation>, op: &SyncOperation) {
        tx.send_replace(op.clone());
        // Nobody subscribed (the CLI) is fine.
        self.inner.updates.send(op.clone()).ok();
    }

    async fn record_failure(&self, tracker: &str, error: &str) {
        let store = &self.inner.store;
        let saved = async {
            let mut state = store.tracker_sync_state(tracker).await?;
            state.failures = state.failures.saturating_add(1);
            state.last_error = Some(error.to_owned());
            state.last_attempt = Some(crate::operation::now());
            store.save_tracker_sync_state(&state).await
        };
        if let Err(e) = saved.await {
            tracing::warn!(error = %e, "the tracker's sync state could not be saved");
        }
    }
}

/// Forwards a running sync's reports to its watchers.
struct Reporter<'a> {
    manager: &'a SyncManager,
    tx: &'a watch::Sender<SyncOperation>,
}

impl crate::Report for Reporter<'_> {
    fn progress(&self, p: &crate::SyncProgress, r: &crate::SyncResults) {
        let mut snapshot = self.tx.borrow().clone();
        snapshot.progress = p.clone();
        snapshot.results = r.clone();
        snapshot.updated_at = crate::operation::now();
        self.manager.publish(self.tx, &snapshot);
    }

    fn changed(&self, issues: &[Issue]) {
        // Nobody subscribed is fine.
        self.manager
            .inner
            .changes
            .send(Arc::new(issues.to_vec()))
            .ok();
    }
}

/// An active operation whose process wrote nothing for this long is taken
/// to be abandoned (its process crashed or was killed).
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(2);
/// How often a running operation writes its progress to the store (so
/// other processes can follow it and know it is alive).
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// How often a follower reads another process's operation.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Writes the operation's latest state every [`HEARTBEAT_EVERY`] until told
/// to stop.
async fn heartbeat(
    store: Store,
    op: watch::Receiver<SyncOperation>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(HEARTBEAT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => return,
            _ = tick.tick() => {}
        }
        let mut snapshot = op.borrow().clone();
        snapshot.updated_at = crate::operation::now();
        if let Err(e) = store.update_sync_operation(&snapshot.to_row()).await {
            tracing::debug!(error = %e, "sync progress not written; trying again in a second");
        }
    }
}
