//! The scheduler's database jobs: per connection, a drift check against
//! the saved baseline, the health checks and the tracked queries'
//! performance check, each on its own interval. Every finding becomes a
//! [`DatabaseEvent`] for the auto-issue rules: `drift.detected` /
//! `drift.resolved`, `health.failed` / `health.recovered`,
//! `performance.regression`; a tracked query back to its speed resolves
//! the channel alerts of its regression.
//!
//! Intervals come from the optional `CONFIG_DIR/monitoring.json`
//! (`{"connections": {"demo": {"drift_minutes": 15, "health_minutes": 5,
//! "perf_minutes": 60, "backup_file": "/backups/demo.done",
//! "backup_max_age_hours": 26}}}`, parsed strictly); a connection it does
//! not name gets the defaults, and `0` minutes turns a check off.
//!
//! What was last seen (drifting objects, failing checks, reported
//! regressions) is kept in memory: a transition is reported once, and a
//! restart sees the first run's state as new. The perf job does not run
//! the queries itself; it reads the measurements the performance panel
//! and `scratchrobin perf` record and reports a latest one that regressed.

pub(crate) mod events;
mod metrics;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sr_auto::DatabaseEvent;
use sr_db::health::{BackupCheck, HealthCheckResult, HealthConfig, Severity};
use sr_sync::{Job, JobFailure, Schedule};

use crate::{ConnectionInfo, DEMO_CONNECTION, Engine, EngineError, EventReport};

/// `CONFIG_DIR/monitoring.json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringConfig {
    #[serde(default)]
    pub connections: BTreeMap<String, ConnectionMonitoring>,
}

/// One connection's database jobs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionMonitoring {
    pub drift_minutes: u64,
    pub health_minutes: u64,
    pub perf_minutes: u64,
    /// A file the backup job writes; older than `backup_max_age_hours`
    /// (or missing) fails the `backup` health check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_file: Option<PathBuf>,
    pub backup_max_age_hours: u64,
}

impl Default for ConnectionMonitoring {
    fn default() -> Self {
        ConnectionMonitoring {
            drift_minutes: 15,
            health_minutes: 5,
            perf_minutes: 60,
            backup_file: None,
            backup_max_age_hours: 26,
        }
    }
}

impl ConnectionMonitoring {
    /// Every check off: what a connection monitoring.json does not name
    /// gets (except the demo database).
    pub fn off() -> Self {
        ConnectionMonitoring {
            drift_minutes: 0,
            health_minutes: 0,
            perf_minutes: 0,
            ..ConnectionMonitoring::default()
        }
    }

    /// Whether any check runs.
    pub fn any_on(&self) -> bool {
        self.drift_minutes + self.health_minutes + self.perf_minutes > 0
    }

    /// The health thresholds with this connection's backup check.
    pub fn health_config(&self) -> HealthConfig {
        HealthConfig {
            backups: self
                .backup_file
                .iter()
                .map(|path| BackupCheck::File {
                    path: path.clone(),
                    max_age: Duration::from_secs(self.backup_max_age_hours * 3600),
                })
                .collect(),
            ..HealthConfig::default()
        }
    }

    pub fn minutes(&self, check: DbCheck) -> u64 {
        match check {
            DbCheck::Drift => self.drift_minutes,
            DbCheck::Health => self.health_minutes,
            DbCheck::Perf => self.perf_minutes,
        }
    }
}

/// Reads `path`; a missing file is the defaults.
pub fn load_monitoring_config(path: &Path) -> Result<MonitoringConfig, EngineError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| EngineError::MonitoringConfig {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(MonitoringConfig::default()),
        Err(e) => Err(EngineError::MonitoringConfig {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Which check a [`DatabaseJob`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbCheck {
    Drift,
    Health,
    Perf,
}

impl DbCheck {
    pub fn as_str(self) -> &'static str {
        match self {
            DbCheck::Drift => "drift",
            DbCheck::Health => "health",
            DbCheck::Perf => "perf",
        }
    }
}

/// What the job saw last time.
#[derive(Debug, Default)]
struct Seen {
    /// The `drift.detected` events of the last drifted check.
    drifting: Vec<DatabaseEvent>,
    /// Failing health checks by name, with their data.
    failing: Failing,
    /// Per tracked query, the time of the regressed measurement reported.
    reported: BTreeMap<String, sr_model::Timestamp>,
}

/// One check of one connection, repeated by the scheduler.
pub struct DatabaseJob {
    engine: Arc<Engine>,
    connection: String,
    check: DbCheck,
    settings: ConnectionMonitoring,
    seen: tokio::sync::Mutex<Seen>,
}

impl std::fmt::Debug for DatabaseJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseJob")
            .field("connection", &self.connection)
            .field("check", &self.check)
            .finish()
    }
}

/// The jobs `config` asks for: the demo connection's (on by default) and
/// those of every connection it names, each with its settings and the
/// connection as listed now. A connection it names that does not exist
/// gets none (it may be added later; the watch starts them then). Checks
/// set to 0 minutes are left out.
pub fn database_jobs(
    engine: &Arc<Engine>,
    config: &MonitoringConfig,
    connections: &[ConnectionInfo],
) -> Vec<(Arc<DatabaseJob>, ConnectionMonitoring, ConnectionInfo)> {
    let mut wanted = config.connections.clone();
    wanted.entry(DEMO_CONNECTION.to_owned()).or_default();
    let mut jobs = Vec::new();
    for (connection, settings) in wanted {
        let Some(info) = connections.iter().find(|c| c.name == connection) else {
            tracing::debug!(connection = %connection, "monitoring settings of an unknown connection");
            continue;
        };
        for check in [DbCheck::Drift, DbCheck::Health, DbCheck::Perf] {
            if settings.minutes(check) > 0 {
                jobs.push((
                    Arc::new(DatabaseJob::new(
                        engine.clone(),
                        &connection,
                        check,
                        settings.clone(),
                    )),
                    settings.clone(),
                    info.clone(),
                ));
            }
        }
    }
    jobs
}

impl DatabaseJob {
    pub fn new(
        engine: Arc<Engine>,
        connection: &str,
        check: DbCheck,
        settings: ConnectionMonitoring,
    ) -> DatabaseJob {
        DatabaseJob {
            engine,
            connection: connection.to_owned(),
            check,
            settings,
            seen: tokio::sync::Mutex::default(),
        }
    }

    /// Runs the check once and sends what it found through the rules.
    pub async fn check_once(&self) -> Result<Vec<EventReport>, EngineError> {
        let events = match self.check {
            DbCheck::Drift => {
                // Reported directly: file_drift sends the detected events.
                return self.drift().await;
            }
            DbCheck::Health => self.health().await?,
            DbCheck::Perf => self.perf().await?,
        };
        let mut reports = Vec::new();
        for event in &events {
            reports.push(self.engine.emit_event(event).await?);
        }
        Ok(reports)
    }

    async fn drift(&self) -> Result<Vec<EventReport>, EngineError> {
        if !self.engine.baseline_path(&self.connection).is_file() {
            tracing::debug!(connection = %self.connection, "no baseline saved; drift not checked");
            return Ok(Vec::new());
        }
        let check = self.engine.check_drift(&self.connection, None).await?;
        metrics::drift(&self.connection, check.report.drifted);
        let mut seen = self.seen.lock().await;
        if check.report.drifted {
            let reports = self.engine.file_drift(&check).await?;
            seen.drifting = crate::monitoring::drift_events(&check);
            return Ok(reports);
        }
        let mut reports = Vec::new();
        for detected in std::mem::take(&mut seen.drifting) {
            reports.push(
                self.engine
                    .emit_event(&events::drift_resolved(detected))
                    .await?,
            );
        }
        Ok(reports)
    }

    async fn health(&self) -> Result<Vec<DatabaseEvent>, EngineError> {
        let results = match self.engine.database(&self.connection).await {
            Ok(db) => sr_db::health::run_checks(&db, &self.settings.health_config()).await,
            // A database that cannot be opened is the connectivity check
            // failing, not the job.
            Err(EngineError::Db(e)) => vec![events::unreachable(&e.to_string())],
            Err(e) => return Err(e),
        };
        metrics::health(&self.connection, &results);
        let mut seen = self.seen.lock().await;
        Ok(health_step(&mut seen.failing, &self.connection, &results))
    }

    async fn perf(&self) -> Result<Vec<DatabaseEvent>, EngineError> {
        let series = self.engine.perf_history(&self.connection).await?;
        // A regression gone resolves its channel alerts (a no-op once
        // resolved); regressions raise no event of their own for it.
        let mut resolved = false;
        for s in series.iter().filter(|s| crate::monitoring::recovered(s)) {
            let cleared = self
                .engine
                .clear_regression(&self.connection, &s.fingerprint)
                .await?;
            resolved |= !cleared.is_empty();
        }
        if resolved {
            self.engine.send_notifications().await?;
        }
        let mut seen = self.seen.lock().await;
        let mut out = Vec::new();
        for s in &series {
            let (Some(after), Some(true)) = (s.points.last(), s.regressed.last()) else {
                continue;
            };
            if seen.reported.get(&s.fingerprint) == Some(&after.recorded_at) {
                continue;
            }
            let before = &s.points[s.points.len().saturating_sub(2)];
            seen.reported
                .insert(s.fingerprint.clone(), after.recorded_at);
            out.push(events::perf_regression(&self.connection, s, before, after));
        }
        Ok(out)
    }
}

/// Failing health checks by name: their severity and the data of the
/// `health.failed` event that reported them.
type Failing = BTreeMap<String, (Severity, serde_json::Value)>;

/// The events one health run leads to, given what failed before: a check
/// that starts failing or changes severity is `health.failed`; one back to
/// ok is `health.recovered`. Health issues share the connection's object,
/// so a recovery resolves all of them: it waits until no check fails.
fn health_step(
    failing: &mut Failing,
    connection: &str,
    results: &[HealthCheckResult],
) -> Vec<DatabaseEvent> {
    let all_ok = results.iter().all(|r| r.severity == Severity::Ok);
    let mut out = Vec::new();
    for r in results {
        let before = failing.get(&r.check).map(|(s, _)| *s);
        if r.severity == Severity::Ok {
            if all_ok && let Some((_, data)) = failing.remove(&r.check) {
                out.push(events::health_recovered(connection, r, data));
            }
        } else if before != Some(r.severity) {
            let event = events::health_failed(connection, r);
            failing.insert(r.check.clone(), (r.severity, event.data.clone()));
            out.push(event);
        }
    }
    out
}

#[async_trait]
impl Job for DatabaseJob {
    fn name(&self) -> String {
        format!("{}:{}", self.check.as_str(), self.connection)
    }

    async fn schedule(&self) -> Schedule {
        let next = Duration::from_secs(self.settings.minutes(self.check).max(1) * 60);
        Schedule {
            next,
            backoff_base: Duration::from_secs(60).min(next),
            backoff_max: next,
        }
    }

    /// The check and the database it reads (its URL, password hidden),
    /// so processes sharing a store check one database once per
    /// interval; none for a SQLite file, which is this machine's own.
    async fn claim_key(&self) -> Option<String> {
        let info = self
            .engine
            .connections()
            .await
            .into_iter()
            .find(|c| c.name == self.connection)?;
        (info.dialect != "sqlite").then(|| format!("{}:{}", self.check.as_str(), info.url))
    }

    async fn run(&self) -> Result<(), JobFailure> {
        let reports = self.check_once().await.map_err(|e| JobFailure {
            message: e.to_string(),
            retry_at: None,
        })?;
        tracing::debug!(events = reports.len(), "database job ran");
        Ok(())
    }
}
