//! The monitoring tab's state, per connection: health results, the saved
//! baseline, the last drift check (with its side-by-side view), tracked
//! queries' performance; and, for all connections, the trackers' sync
//! state and the auto-issue outbox. Commands go out through
//! [`Command::Monitoring`]; answers come back as [`MonitoringEvent`]s.

mod drift_view;
mod feed;
mod schedule;

use std::collections::BTreeMap;
use std::sync::Arc;

use sr_engine::monitoring::{HealthCheckResult, OutboxIntent};
use sr_engine::{
    Command, DriftCheck, MonitoringCommand, MonitoringEvent, PerfSeries, TrackerMonitor,
};

use super::{Load, Tab, UiState};

pub use drift_view::{DiffLine, DriftObjectView, drift_view};
pub use feed::{FeedRow, feed_rows};
pub use schedule::{Check, MAX_MINUTES, ScheduleForm, schedule_summary};

/// Where the auto-issue feed stood: its length (bounded, so not enough
/// alone) and its newest entry's time.
type FeedMark = (usize, Option<chrono::DateTime<chrono::Utc>>);

/// Outbox rows the feed shows.
pub const OUTBOX_ROWS: usize = 50;

/// What the tab shows for one connection.
#[derive(Debug, Clone, Default)]
pub struct ConnectionMonitor {
    pub health: Load<Vec<HealthCheckResult>>,
    /// "Saved 12 tables to …" once a baseline was saved in this session.
    pub baseline: Load<String>,
    pub drift: Load<Arc<DriftCheck>>,
    /// The drift check's changed objects, expected beside actual.
    pub drift_view: Vec<DriftObjectView>,
    pub perf: Load<Vec<PerfSeries>>,
    /// Which checks run on the connection now, and how often.
    pub settings: Load<sr_engine::ConnectionMonitoring>,
    /// The settings as being edited; `None` until they are loaded.
    pub schedule: Option<ScheduleForm>,
    /// Why the last save of the schedule failed.
    pub schedule_error: Option<String>,
    /// When the drift baseline was saved; `None`: never.
    pub baseline_saved: Option<chrono::DateTime<chrono::Utc>>,
}

/// The monitoring tabs' state.
#[derive(Debug, Clone, Default)]
pub struct Monitoring {
    pub connections: BTreeMap<String, ConnectionMonitor>,
    pub sync: Load<Vec<TrackerMonitor>>,
    pub outbox: Load<Vec<OutboxIntent>>,
    /// The feed's length and newest entry's time when the outbox was last
    /// asked for; a newer entry asks again.
    outbox_seen: FeedMark,
}

impl Monitoring {
    pub fn of(&self, connection: &str) -> Option<&ConnectionMonitor> {
        self.connections.get(connection)
    }

    fn of_mut(&mut self, connection: &str) -> &mut ConnectionMonitor {
        self.connections.entry(connection.to_owned()).or_default()
    }
}

/// What a job of `cmd` waits for, to match the answer or the failure.
pub fn job_key(cmd: &MonitoringCommand) -> String {
    match cmd {
        MonitoringCommand::RunHealth { connection } => format!("health:{connection}"),
        MonitoringCommand::SaveBaseline { connection } => format!("baseline:{connection}"),
        MonitoringCommand::CheckDrift { connection, .. } => format!("drift:{connection}"),
        MonitoringCommand::LoadPerfHistory { connection } => format!("perf:{connection}"),
        MonitoringCommand::LoadSyncStatus => "sync".into(),
        MonitoringCommand::LoadOutbox { .. } => "outbox".into(),
        MonitoringCommand::TrackQuery { connection, .. } => format!("track:{connection}"),
        MonitoringCommand::LoadSettings { connection }
        | MonitoringCommand::SaveSettings { connection, .. } => format!("settings:{connection}"),
    }
}

/// The [`job_key`] of the command `event` answers.
fn event_key(event: &MonitoringEvent) -> String {
    match event {
        MonitoringEvent::Health { connection, .. } => format!("health:{connection}"),
        MonitoringEvent::BaselineSaved { connection, .. } => format!("baseline:{connection}"),
        MonitoringEvent::Drift { connection, .. } => format!("drift:{connection}"),
        MonitoringEvent::PerfHistory { connection, .. } => format!("perf:{connection}"),
        MonitoringEvent::SyncStatus(_) => "sync".into(),
        MonitoringEvent::Outbox(_) => "outbox".into(),
        MonitoringEvent::QueryTracked { connection, .. } => format!("track:{connection}"),
        MonitoringEvent::Settings { connection, .. } => format!("settings:{connection}"),
    }
}

impl UiState {
    /// Opens (or shows) the monitoring tab of `connection`; a first open
    /// loads everything it shows.
    pub fn open_monitoring(&mut self, connection: &str) {
        self.open_tab(Tab::Monitoring(connection.to_owned()));
        self.ensure_monitoring(connection);
    }

    /// Loads what the tab of `connection` shows, once (a tab restored
    /// from the last run asks at its first frame).
    pub fn ensure_monitoring(&mut self, connection: &str) {
        if self.monitoring.of(connection).is_none() {
            self.monitoring.of_mut(connection);
            self.load_schedule(connection);
            self.run_health(connection);
            self.load_perf(connection);
            self.load_sync_status();
            self.load_outbox();
        }
    }

    fn monitor(&mut self, cmd: MonitoringCommand) {
        self.send(Command::Monitoring(cmd));
    }

    pub fn run_health(&mut self, connection: &str) {
        self.monitoring.of_mut(connection).health = Load::Loading;
        self.monitor(MonitoringCommand::RunHealth {
            connection: connection.to_owned(),
        });
    }

    pub fn save_baseline(&mut self, connection: &str) {
        self.monitoring.of_mut(connection).baseline = Load::Loading;
        self.monitor(MonitoringCommand::SaveBaseline {
            connection: connection.to_owned(),
        });
    }

    pub fn check_drift(&mut self, connection: &str) {
        self.monitoring.of_mut(connection).drift = Load::Loading;
        self.monitor(MonitoringCommand::CheckDrift {
            connection: connection.to_owned(),
            baseline: None,
        });
    }

    pub fn load_perf(&mut self, connection: &str) {
        self.monitoring.of_mut(connection).perf = Load::Loading;
        self.monitor(MonitoringCommand::LoadPerfHistory {
            connection: connection.to_owned(),
        });
    }

    /// "Track performance": adds `sql` to `connection`'s tracked queries
    /// for the monitoring jobs; a toast confirms when it is saved.
    pub fn track_query(&mut self, connection: &str, sql: &str) {
        let sql = sql.trim();
        if connection.is_empty() || sql.is_empty() {
            self.report_error("Nothing to track: run a statement first.".into());
            return;
        }
        self.monitor(MonitoringCommand::TrackQuery {
            connection: connection.to_owned(),
            sql: sql.to_owned(),
        });
    }

    pub fn load_sync_status(&mut self) {
        if !matches!(self.monitoring.sync, Load::Ready(_)) {
            self.monitoring.sync = Load::Loading;
        }
        self.monitor(MonitoringCommand::LoadSyncStatus);
    }

    pub fn load_outbox(&mut self) {
        if !matches!(self.monitoring.outbox, Load::Ready(_)) {
            self.monitoring.outbox = Load::Loading;
        }
        self.monitoring.outbox_seen = self.feed_mark();
        self.monitor(MonitoringCommand::LoadOutbox { limit: OUTBOX_ROWS });
    }

    /// Asks for the outbox again when rules ran since it was loaded (the
    /// tab calls this each frame; it sends at most one request at a time).
    pub fn refresh_outbox_if_stale(&mut self) {
        let running = self.jobs.iter().any(|j| {
            j.kind
                == super::JobKind::Monitoring(job_key(&MonitoringCommand::LoadOutbox { limit: 0 }))
        });
        if !running && self.feed_mark() != self.monitoring.outbox_seen {
            self.load_outbox();
        }
    }

    fn feed_mark(&self) -> FeedMark {
        (self.auto_feed.len(), self.auto_feed.last().map(|a| a.at))
    }

    /// Folds one monitoring answer in.
    pub(super) fn apply_monitoring(&mut self, event: MonitoringEvent) {
        let key = event_key(&event);
        self.jobs.finish(&super::JobKind::Monitoring(key));
        match event {
            MonitoringEvent::Health {
                connection,
                results,
            } => self.monitoring.of_mut(&connection).health = Load::Ready(results),
            MonitoringEvent::BaselineSaved {
                connection,
                path,
                tables,
            } => {
                let text = format!("Baseline saved: {tables} table(s) in {}", path.display());
                let m = self.monitoring.of_mut(&connection);
                m.baseline = Load::Ready(text);
                m.baseline_saved = Some(chrono::Utc::now());
            }
            MonitoringEvent::Drift { connection, report } => {
                let m = self.monitoring.of_mut(&connection);
                m.drift_view = drift_view(&report);
                m.drift = Load::Ready(report);
            }
            MonitoringEvent::PerfHistory { connection, series } => {
                self.monitoring.of_mut(&connection).perf = Load::Ready(series);
            }
            MonitoringEvent::SyncStatus(list) => self.monitoring.sync = Load::Ready(list),
            MonitoringEvent::Outbox(rows) => self.monitoring.outbox = Load::Ready(rows),
            MonitoringEvent::Settings {
                connection,
                settings,
                baseline_saved,
            } => self.settings_loaded(&connection, settings, baseline_saved),
            MonitoringEvent::QueryTracked { connection, sql } => {
                let first = sql.lines().next().unwrap_or_default();
                self.toasts.push(
                    super::ToastLevel::Success,
                    format!("Tracking performance on {connection}: {first}"),
                    None,
                );
                // An open monitoring tab plots the new query too.
                if self.monitoring.of(&connection).is_some() {
                    self.load_perf(&connection);
                }
            }
        }
    }

    /// A monitoring command failed: its section shows why.
    pub(super) fn monitoring_failed(&mut self, key: &str, message: &str) {
        fn failed<T>(message: &str) -> Load<T> {
            Load::Failed(message.to_owned())
        }
        let (what, connection) = key.split_once(':').unwrap_or((key, ""));
        match what {
            "health" => self.monitoring.of_mut(connection).health = failed(message),
            "baseline" => self.monitoring.of_mut(connection).baseline = failed(message),
            "drift" => self.monitoring.of_mut(connection).drift = failed(message),
            "perf" => self.monitoring.of_mut(connection).perf = failed(message),
            "settings" => {
                // What runs stays known when only a save failed.
                let m = self.monitoring.of_mut(connection);
                if matches!(m.settings, Load::Ready(_)) {
                    m.schedule_error = Some(message.to_owned());
                } else {
                    m.settings = failed(message);
                }
            }
            "sync" => self.monitoring.sync = failed(message),
            "outbox" => self.monitoring.outbox = failed(message),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
