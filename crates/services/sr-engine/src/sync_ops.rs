//! The workbench's Sync window in the engine: manual syncs started and
//! cancelled through the running [`EngineSync`](crate::EngineSync)'s
//! manager (so a manual sync joins a scheduled one of the same tracker),
//! each tracker's sync status with the conflicts its syncs settled, and
//! the progress of every operation forwarded to the UI at most
//! [`PROGRESS_EVERY`] apart per operation.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sr_model::Timestamp;
use sr_sync::{Conflict, SchedulerOptions, SyncManager, SyncOperation, SyncRequest};
use sr_tracker::RateBudget;

use crate::{Engine, EngineError, Event};

/// What the Sync window asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncCommand {
    /// A manual sync of `tracker`, or of every polled tracker when `None`;
    /// a tracker already syncing keeps its running operation (joined).
    /// Answered by [`SyncEvent::Started`].
    Start {
        tracker: Option<String>,
        full: bool,
        include_closed: bool,
    },
    /// Cancels the running operation of `tracker`; it ends `Cancelled` at
    /// its next step. Answered by [`SyncEvent::CancelRequested`].
    Cancel { tracker: String },
    /// Each polled tracker's sync status; answered by [`SyncEvent::Status`].
    LoadStatus,
}

impl SyncCommand {
    /// The command in a user's words.
    pub fn describe(&self) -> String {
        match self {
            SyncCommand::Start { tracker: None, .. } => "Sync all trackers".into(),
            SyncCommand::Start {
                tracker: Some(t), ..
            } => format!("Sync {t}"),
            SyncCommand::Cancel { tracker } => format!("Cancel the sync of {tracker}"),
            SyncCommand::LoadStatus => "Load the trackers' sync status".into(),
        }
    }
}

/// What the engine tells the Sync window.
#[derive(Debug, Clone)]
pub enum SyncEvent {
    /// The operations a [`SyncCommand::Start`] started or joined.
    Started(Vec<StartedSync>),
    /// Whether a running operation of `tracker` was asked to stop.
    CancelRequested {
        tracker: String,
        found: bool,
    },
    /// A running operation's progress (any origin: manual, scheduled).
    Progress(SyncOperation),
    /// An operation ended: completed, failed or cancelled, with its results.
    Finished(SyncOperation),
    Status(SyncOverview),
}

/// One operation a start request got.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedSync {
    pub operation: SyncOperation,
    /// It was already running (scheduled, or started elsewhere).
    pub joined: bool,
}

/// Every polled tracker and the conflicts of their recent syncs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncOverview {
    pub trackers: Vec<TrackerSync>,
    /// Newest first; those of a running operation are `open`.
    pub conflicts: Vec<ConflictEntry>,
}

/// Where a tracker's sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    Idle,
    Running,
    /// Its last sync failed; see [`TrackerSync::last_error`].
    Degraded,
}

/// One tracker as the Sync window lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerSync {
    pub tracker: String,
    pub kind: String,
    pub state: SyncState,
    pub last_error: Option<String>,
    pub webhook_active: bool,
    /// "active", or why not ("no webhook registered", "silent for 3 h").
    pub webhook_summary: String,
    /// When the last sync completed.
    pub last_sync: Option<Timestamp>,
    pub poll_every_minutes: u64,
    pub active: Option<SyncOperation>,
    /// The newest operations, newest first.
    pub recent: Vec<SyncOperation>,
    pub rate: Option<RateBudget>,
}

/// A field changed on both sides, as a sync settled it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictEntry {
    pub tracker: String,
    pub operation: String,
    /// When the operation settled it (its end, or its last report).
    pub at: Timestamp,
    /// The operation is still running.
    pub open: bool,
    pub conflict: Conflict,
}

/// Operations listed per tracker.
const RECENT: usize = 5;
/// Operations read per tracker for their conflicts.
const CONFLICT_HISTORY: usize = 20;
/// Conflicts listed in all.
const MAX_CONFLICTS: usize = 100;
/// Progress of one operation reaches the UI at most this often.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Runs one [`SyncCommand`] on the running sync's manager.
pub(crate) async fn run(
    engine: &Engine,
    manager: Option<&SyncManager>,
    cmd: SyncCommand,
) -> Result<Vec<Event>, EngineError> {
    let manager = manager.ok_or_else(|| {
        EngineError::Background(
            "background sync is not running in this engine; start the workbench again".into(),
        )
    })?;
    let event = match cmd {
        SyncCommand::Start {
            tracker,
            full,
            include_closed,
        } => {
            let names = match tracker {
                Some(t) => vec![t],
                None => polled(engine).into_iter().map(|e| e.name).collect(),
            };
            let mut started = Vec::new();
            for name in names {
                let mut request = SyncRequest::manual(&name, engine.actor());
                if full {
                    request = request.full();
                }
                if include_closed {
                    request = request.with_closed();
                }
                let handle = manager
                    .start(request)
                    .map_err(|e| EngineError::Background(e.to_string()))?;
                started.push(StartedSync {
                    operation: handle.snapshot(),
                    joined: handle.joined,
                });
            }
            SyncEvent::Started(started)
        }
        SyncCommand::Cancel { tracker } => SyncEvent::CancelRequested {
            found: manager.cancel(&tracker).is_some(),
            tracker,
        },
        SyncCommand::LoadStatus => SyncEvent::Status(overview(engine, manager).await?),
    };
    Ok(vec![Event::Sync(event)])
}

/// The enabled trackers that are synced (not the built-in local one).
fn polled(engine: &Engine) -> Vec<sr_tracker::TrackerEntry> {
    engine
        .tracker_entries()
        .into_iter()
        .filter(|e| e.enabled && e.kind != "local")
        .collect()
}

async fn overview(engine: &Engine, manager: &SyncManager) -> Result<SyncOverview, EngineError> {
    let background = |e: sr_sync::SyncError| EngineError::Background(e.to_string());
    let entries = polled(engine);
    let statuses = sr_sync::tracker_sync_statuses(manager, &entries, &SchedulerOptions::default())
        .await
        .map_err(background)?;
    let trackers = engine.links().trackers();
    let mut out = SyncOverview::default();
    for e in &entries {
        let Some(s) = statuses.iter().find(|s| s.tracker == e.name).cloned() else {
            continue;
        };
        let history = manager
            .history(Some(&e.name), CONFLICT_HISTORY)
            .await
            .map_err(background)?;
        let mut ops: Vec<&SyncOperation> = s.active.iter().collect();
        ops.extend(history.iter().filter(|o| !o.status.is_active()));
        for op in ops {
            for c in &op.results.conflicts {
                out.conflicts.push(ConflictEntry {
                    tracker: e.name.clone(),
                    operation: op.id.clone(),
                    at: op.completed_at.unwrap_or(op.updated_at),
                    open: op.status.is_active(),
                    conflict: c.clone(),
                });
            }
        }
        out.trackers.push(TrackerSync {
            tracker: e.name.clone(),
            kind: e.kind.clone(),
            state: if s.active.is_some() {
                SyncState::Running
            } else if s.health == "degraded" {
                SyncState::Degraded
            } else {
                SyncState::Idle
            },
            last_error: s.last_error,
            webhook_active: s.webhook.is_active(),
            webhook_summary: s.webhook_summary,
            last_sync: s.last_success,
            poll_every_minutes: s.poll_every_minutes,
            active: s.active,
            recent: history.into_iter().take(RECENT).collect(),
            rate: trackers.by_name(&e.name).ok().and_then(|t| t.rate_budget()),
        });
    }
    out.conflicts.sort_by_key(|c| std::cmp::Reverse(c.at));
    out.conflicts.truncate(MAX_CONFLICTS);
    Ok(out)
}

/// Holds back an operation's progress so that each reaches the UI at most
/// `every` apart; an end always goes through at once and drops what was
/// held back. Plain data over the instants it is given, for tests.
#[derive(Debug)]
pub struct ProgressThrottle {
    every: Duration,
    last_sent: HashMap<String, Instant>,
    held: HashMap<String, SyncOperation>,
}

impl ProgressThrottle {
    pub fn new(every: Duration) -> Self {
        ProgressThrottle {
            every,
            last_sent: HashMap::new(),
            held: HashMap::new(),
        }
    }

    /// The event to send now for `op`, if any.
    pub fn offer(&mut self, op: SyncOperation, now: Instant) -> Option<SyncEvent> {
        if !op.status.is_active() {
            self.last_sent.remove(&op.id);
            self.held.remove(&op.id);
            return Some(SyncEvent::Finished(op));
        }
        match self.last_sent.get(&op.id) {
            Some(at) if now.duration_since(*at) < self.every => {
                self.held.insert(op.id.clone(), op);
                None
            }
            _ => {
                self.last_sent.insert(op.id.clone(), now);
                self.held.remove(&op.id);
                Some(SyncEvent::Progress(op))
            }
        }
    }

    /// The held-back progress whose time has come.
    pub fn due(&mut self, now: Instant) -> Vec<SyncEvent> {
        let mut ready: Vec<String> = self
            .held
            .keys()
            .filter(|id| {
                self.last_sent
                    .get(*id)
                    .is_none_or(|at| now.duration_since(*at) >= self.every)
            })
            .cloned()
            .collect();
        // By id, so the order does not depend on the map's.
        ready.sort();
        let mut out = Vec::new();
        for id in ready {
            if let Some(op) = self.held.remove(&id) {
                self.last_sent.insert(id, now);
                out.push(SyncEvent::Progress(op));
            }
        }
        out
    }
}

/// Forwards every operation's changes to the UI, throttled, until the
/// manager goes away.
pub(crate) async fn forward_progress(
    mut updates: tokio::sync::broadcast::Receiver<SyncOperation>,
    emit: std::sync::Arc<dyn Fn(Event) + Send + Sync>,
) {
    use tokio::sync::broadcast::error::RecvError;
    let mut throttle = ProgressThrottle::new(PROGRESS_EVERY);
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            update = updates.recv() => match update {
                Ok(op) => {
                    if let Some(e) = throttle.offer(op, Instant::now()) {
                        emit(Event::Sync(e));
                    }
                }
                Err(RecvError::Lagged(n)) => {
                    tracing::debug!(missed = n, "sync progress skipped for the UI");
                }
                Err(RecvError::Closed) => return,
            },
            _ = tick.tick() => {
                for e in throttle.due(Instant::now()) {
                    emit(Event::Sync(e));
                }
            }
        }
    }
}
