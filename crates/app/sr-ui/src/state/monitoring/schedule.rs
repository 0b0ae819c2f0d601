//! Which checks run on a connection, as the monitoring tab edits them:
//! drift, health and tracked queries, each on or off with its interval in
//! minutes, and the backup file the health check watches. Saving sends
//! `SaveSettings`; monitoring.json changes and the scheduler follows at
//! once. The settings last loaded are what runs now.

use chrono::{DateTime, Utc};
use sr_engine::{ConnectionMonitoring, MonitoringCommand};

use super::super::UiState;

/// The longest interval offered: a week.
pub const MAX_MINUTES: u64 = 7 * 24 * 60;

/// One check: on or off, and how often when on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub on: bool,
    /// Kept while off, so turning it on again restores it.
    pub minutes: u64,
}

impl Check {
    fn from_minutes(minutes: u64, default: u64) -> Check {
        Check {
            on: minutes > 0,
            minutes: if minutes > 0 { minutes } else { default },
        }
    }

    fn minutes(self) -> u64 {
        if self.on {
            self.minutes.clamp(1, MAX_MINUTES)
        } else {
            0
        }
    }
}

/// The editable copy of a connection's monitoring settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleForm {
    pub drift: Check,
    pub health: Check,
    pub perf: Check,
    /// Empty: no backup check.
    pub backup_file: String,
    pub backup_max_age_hours: u64,
}

impl ScheduleForm {
    /// The form for `settings`; a check that is off offers the default
    /// interval.
    pub fn new(settings: &ConnectionMonitoring) -> ScheduleForm {
        let d = ConnectionMonitoring::default();
        ScheduleForm {
            drift: Check::from_minutes(settings.drift_minutes, d.drift_minutes),
            health: Check::from_minutes(settings.health_minutes, d.health_minutes),
            perf: Check::from_minutes(settings.perf_minutes, d.perf_minutes),
            backup_file: settings
                .backup_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            backup_max_age_hours: settings.backup_max_age_hours,
        }
    }

    /// The settings Save sends.
    pub fn settings(&self) -> ConnectionMonitoring {
        let backup = self.backup_file.trim();
        ConnectionMonitoring {
            drift_minutes: self.drift.minutes(),
            health_minutes: self.health.minutes(),
            perf_minutes: self.perf.minutes(),
            backup_file: (!backup.is_empty()).then(|| backup.into()),
            backup_max_age_hours: self.backup_max_age_hours.max(1),
        }
    }
}

/// What runs on a connection now, in a sentence, and what it waits for.
pub fn schedule_summary(
    settings: &ConnectionMonitoring,
    baseline_saved: Option<DateTime<Utc>>,
) -> String {
    let every = |what: &str, minutes: u64| match minutes {
        0 => None,
        1 => Some(format!("{what} every minute")),
        m => Some(format!("{what} every {m} min")),
    };
    let on: Vec<String> = [
        every("drift check", settings.drift_minutes),
        every("health checks", settings.health_minutes),
        every("tracked queries", settings.perf_minutes),
    ]
    .into_iter()
    .flatten()
    .collect();
    if on.is_empty() {
        return "Nothing runs on this connection: turn a check on and save.".into();
    }
    let mut text = format!("Running now: {}.", on.join(", "));
    if settings.drift_minutes > 0 && baseline_saved.is_none() {
        text.push_str(" The drift check waits for a baseline: press Save baseline.");
    }
    text
}

impl UiState {
    /// The settings of `connection` arrived (loaded, saved, or changed by
    /// another process): they run now, and the form follows them unless
    /// it holds edits not saved yet.
    pub(in crate::state) fn settings_loaded(
        &mut self,
        connection: &str,
        settings: ConnectionMonitoring,
        baseline_saved: Option<DateTime<Utc>>,
    ) {
        let m = self.monitoring.of_mut(connection);
        let edited = match (&m.schedule, m.settings.ready()) {
            (Some(form), Some(running)) => form.settings() != *running,
            _ => false,
        };
        if !edited || m.schedule.is_none() {
            m.schedule = Some(ScheduleForm::new(&settings));
        }
        m.settings = super::Load::Ready(settings);
        m.baseline_saved = baseline_saved;
        m.schedule_error = None;
    }

    /// Loads which checks run on `connection`.
    pub fn load_schedule(&mut self, connection: &str) {
        let m = self.monitoring.of_mut(connection);
        if !matches!(m.settings, super::Load::Ready(_)) {
            m.settings = super::Load::Loading;
        }
        self.monitor(MonitoringCommand::LoadSettings {
            connection: connection.to_owned(),
        });
    }

    /// Whether the form differs from what runs now.
    pub fn schedule_changed(&self, connection: &str) -> bool {
        self.monitoring
            .of(connection)
            .is_some_and(|m| match (&m.schedule, m.settings.ready()) {
                (Some(form), Some(running)) => form.settings() != *running,
                _ => false,
            })
    }

    /// Saves the form: monitoring.json changes and the scheduler follows.
    pub fn save_schedule(&mut self, connection: &str) {
        let Some(settings) = self
            .monitoring
            .of(connection)
            .and_then(|m| m.schedule.as_ref())
            .map(ScheduleForm::settings)
        else {
            return;
        };
        if let Some(m) = self.monitoring.connections.get_mut(connection) {
            m.schedule_error = None;
        }
        self.monitor(MonitoringCommand::SaveSettings {
            connection: connection.to_owned(),
            settings,
        });
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
