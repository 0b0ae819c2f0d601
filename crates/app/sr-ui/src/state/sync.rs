//! The Sync window's state: each tracker's sync status as last loaded, the
//! operations running now with their latest progress, the last result per
//! tracker (it stays until the next sync of that tracker ends), and what
//! the window asked for. Progress arrives as [`SyncEvent`]s whatever
//! started the sync (the window, the scheduler), so the status bar can
//! show it too.

use std::collections::{BTreeMap, BTreeSet};

use sr_engine::monitoring::{SyncOperation, SyncStatus};
use sr_engine::{Command, LinkCommand, SyncCommand, SyncEvent, SyncOverview};

use super::{JobKind, Load, ToastLevel, UiState};

/// Everything the Sync window shows.
#[derive(Debug, Clone, Default)]
pub struct SyncWindow {
    pub open: bool,
    pub status: Load<SyncOverview>,
    /// Running operations by tracker, as last reported.
    pub running: BTreeMap<String, SyncOperation>,
    /// The last ended operation per tracker, with its results.
    pub finished: BTreeMap<String, SyncOperation>,
    /// Trackers whose running sync the user asked to stop.
    pub cancelling: BTreeSet<String>,
    /// The next start request: read everything, closed issues too.
    pub include_closed: bool,
}

/// The job a sync command is, for the status bar's count.
pub(super) fn job_key(command: &SyncCommand) -> String {
    match command {
        SyncCommand::Start { .. } => "start".into(),
        SyncCommand::Cancel { .. } => "cancel".into(),
        SyncCommand::LoadStatus => "status".into(),
    }
}

/// A running operation in a few words: "GH: updating 40 of 120".
pub fn progress_text(op: &SyncOperation) -> String {
    let p = &op.progress;
    let stage = match serde_json::to_value(p.stage) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "syncing".into(),
    };
    let counts = if p.total > 0 {
        format!("{} of {}", p.processed, p.total)
    } else {
        format!("{} processed", p.processed)
    };
    if op.status == SyncStatus::Pending {
        return format!("{}: waiting to start", op.tracker);
    }
    format!("{}: {stage} {counts}", op.tracker)
}

/// How far a running operation is, from 0 to 1; `None` while its total is
/// not known yet.
pub fn progress_fraction(op: &SyncOperation) -> Option<f32> {
    let p = &op.progress;
    (p.total > 0).then(|| (p.processed as f32 / p.total as f32).clamp(0.0, 1.0))
}

impl UiState {
    /// Opens the Sync window and loads the trackers' status.
    pub fn open_sync_window(&mut self) {
        self.sync.open = true;
        self.send(Command::Sync(SyncCommand::LoadStatus));
    }

    pub fn close_sync_window(&mut self) {
        self.sync.open = false;
    }

    /// A manual sync of `tracker` (all polled trackers when `None`).
    pub fn start_sync(&mut self, tracker: Option<&str>, full: bool) {
        self.send(Command::Sync(SyncCommand::Start {
            tracker: tracker.map(str::to_owned),
            full,
            include_closed: self.sync.include_closed,
        }));
    }

    pub fn cancel_sync(&mut self, tracker: &str) {
        self.sync.cancelling.insert(tracker.to_owned());
        self.send(Command::Sync(SyncCommand::Cancel {
            tracker: tracker.to_owned(),
        }));
    }

    /// The running operations, by tracker name.
    pub fn running_syncs(&self) -> impl Iterator<Item = &SyncOperation> {
        self.sync.running.values()
    }

    pub(super) fn apply_sync(&mut self, event: SyncEvent) {
        match event {
            SyncEvent::Started(list) => {
                self.jobs.finish(&JobKind::Sync("start".into()));
                for s in list {
                    let op = s.operation;
                    if op.status.is_active() {
                        self.sync.running.insert(op.tracker.clone(), op);
                    } else {
                        self.sync_ended(op);
                    }
                }
            }
            SyncEvent::CancelRequested { tracker, found } => {
                self.jobs.finish(&JobKind::Sync("cancel".into()));
                if !found {
                    self.sync.cancelling.remove(&tracker);
                    self.toasts.push(
                        ToastLevel::Info,
                        format!("{tracker} was not syncing any more"),
                        None,
                    );
                }
            }
            SyncEvent::Progress(op) => {
                // A late report of an operation that has ended already.
                if self
                    .sync
                    .finished
                    .get(&op.tracker)
                    .is_some_and(|f| f.id == op.id)
                {
                    return;
                }
                self.sync.running.insert(op.tracker.clone(), op);
            }
            SyncEvent::Finished(op) => self.sync_ended(op),
            SyncEvent::Status(overview) => {
                self.jobs.finish(&JobKind::Sync("status".into()));
                for t in &overview.trackers {
                    // Running elsewhere (another process): show it as running.
                    if let Some(op) = &t.active
                        && !self.sync.running.contains_key(&t.tracker)
                    {
                        self.sync.running.insert(t.tracker.clone(), op.clone());
                    }
                }
                self.sync.status = Load::Ready(overview);
            }
        }
    }

    fn sync_ended(&mut self, op: SyncOperation) {
        let tracker = op.tracker.clone();
        if self
            .sync
            .running
            .get(&tracker)
            .is_some_and(|r| r.id == op.id)
        {
            self.sync.running.remove(&tracker);
        }
        self.sync.cancelling.remove(&tracker);
        // Scheduled failures show as the tracker's degraded state instead.
        let manual = serde_json::to_value(op.origin).is_ok_and(|v| v == "manual");
        if op.status == SyncStatus::Failed && manual {
            let why = op.error.clone().unwrap_or_default();
            self.toasts.push(
                ToastLevel::Error,
                format!("The sync of {tracker} failed: {why}"),
                None,
            );
        }
        // Issues it changed in the cache change the badges and the linked
        // issues shown (a status closed on the tracker).
        let r = &op.results;
        let changed = r.created + r.updated + r.removed + r.moved + r.pushed > 0;
        self.sync.finished.insert(tracker, op);
        // A sync sends pending comments and reads the changed issues' ones.
        self.comments_changed();
        if changed {
            self.issues_changed();
        }
        if self.sync.open {
            self.send(Command::Sync(SyncCommand::LoadStatus));
        }
    }

    /// Reloads the badges of every open connection and the selection's
    /// linked issues, after issues changed in the cache.
    fn issues_changed(&mut self) {
        let connections: Vec<String> = self
            .connections
            .iter()
            .filter(|c| matches!(c.schema, Load::Ready(_)))
            .map(|c| c.info.name.clone())
            .collect();
        for connection in connections {
            self.send(Command::Links(LinkCommand::LoadCounts { connection }));
        }
        if let Some(selected) = self.selection.clone() {
            self.load_links(&selected);
        }
    }

    pub(super) fn sync_failed(&mut self, key: &str, message: &str) {
        match key {
            "status" => self.sync.status = Load::Failed(message.to_owned()),
            "cancel" => self.sync.cancelling.clear(),
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
