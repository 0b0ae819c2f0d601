//! The monitoring panel's work: health checks, drift against a saved
//! baseline (filing a `drift.detected` event through the auto-issue rules
//! when the schema drifted), the saved queries' performance history, the
//! auto-issue outbox, and each tracker's sync state and rate budget.
//!
//! A connection's baseline is a snapshot file,
//! `DATA_DIR/baselines/CONNECTION.json`, written by
//! [`Engine::save_baseline`]. Tracked queries are listed in
//! `DATA_DIR/perf/CONNECTION.json` (`{"queries": ["SELECT …"]}`); their
//! measurements live in the store, by fingerprint.
//!
//! The module re-exports the data types its events carry (health results,
//! the drift report, outbox rows) so the UI needs no database or store
//! crate.

mod drift_event;
mod settings;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_db::DbError;
use sr_db::drift::{Baseline, DriftReport};
use sr_db::perf::{DEFAULT_THRESHOLD, Verdict};
use sr_sync::{PollOptions, SchedulerOptions, SyncManager};

use crate::{Engine, EngineError, EventReport};

pub use drift_event::{column_summary, destructive_objects, drift_events, group_key};
pub use settings::effective as effective_settings;
// The data the panel shows, so the UI needs no database or store crate.
pub use sr_auto::{Outcome, WorkReport};
pub use sr_db::drift::DriftReport as Report;
pub use sr_db::health::{HealthCheckResult, Severity, worst};
pub use sr_store::{NewIntent, OutboxAction, OutboxIntent, OutboxStatus, QueryBaseline};
pub use sr_sync::{SyncOperation, SyncStatus, TrackerSyncStatus};
pub use sr_tracker::RateBudget;

/// What the monitoring panel asks for; each is answered by one
/// [`MonitoringEvent`] (or a failure).
#[derive(Debug, Clone, PartialEq)]
pub enum MonitoringCommand {
    /// Runs every health check of the connection's dialect.
    RunHealth { connection: String },
    /// Snapshots the live schema as the connection's baseline.
    SaveBaseline { connection: String },
    /// Compares the live schema with `baseline` (a snapshot file,
    /// migrations directory or URL; default: the saved baseline) and files
    /// a `drift.detected` event per drifted object.
    CheckDrift {
        connection: String,
        baseline: Option<PathBuf>,
    },
    /// The tracked queries' measurements, oldest first.
    LoadPerfHistory { connection: String },
    /// Each tracker's sync state, recent sync operations and rate budget.
    LoadSyncStatus,
    /// The newest `limit` auto-issue outbox rows.
    LoadOutbox { limit: usize },
    /// Adds `sql` to the connection's tracked queries (the SQL editor's
    /// "Track performance"), once per fingerprint.
    TrackQuery { connection: String, sql: String },
    /// Which checks run on the connection, and how often.
    LoadSettings { connection: String },
    /// Turns the connection's checks on or off (0 minutes: off) and sets
    /// their intervals; the scheduler follows at once.
    SaveSettings {
        connection: String,
        settings: crate::ConnectionMonitoring,
    },
}

impl MonitoringCommand {
    /// The command in a user's words.
    pub fn describe(&self) -> String {
        match self {
            MonitoringCommand::RunHealth { connection } => {
                format!("Run health checks on {connection}")
            }
            MonitoringCommand::SaveBaseline { connection } => {
                format!("Save the schema baseline of {connection}")
            }
            MonitoringCommand::CheckDrift { connection, .. } => {
                format!("Check {connection} for drift")
            }
            MonitoringCommand::LoadPerfHistory { connection } => {
                format!("Load query performance of {connection}")
            }
            MonitoringCommand::LoadSyncStatus => "Load sync status".into(),
            MonitoringCommand::LoadOutbox { .. } => "Load the auto-issue outbox".into(),
            MonitoringCommand::TrackQuery { connection, .. } => {
                format!("Track a query's performance on {connection}")
            }
            MonitoringCommand::LoadSettings { connection } => {
                format!("Load the monitoring settings of {connection}")
            }
            MonitoringCommand::SaveSettings { connection, .. } => {
                format!("Save the monitoring settings of {connection}")
            }
        }
    }
}

/// The answers to [`MonitoringCommand`]s.
#[derive(Debug, Clone)]
pub enum MonitoringEvent {
    Health {
        connection: String,
        results: Vec<HealthCheckResult>,
    },
    BaselineSaved {
        connection: String,
        path: PathBuf,
        tables: usize,
    },
    Drift {
        connection: String,
        report: Arc<DriftCheck>,
    },
    PerfHistory {
        connection: String,
        series: Vec<PerfSeries>,
    },
    SyncStatus(Vec<TrackerMonitor>),
    Outbox(Vec<OutboxIntent>),
    /// `sql` is among the connection's tracked queries now.
    QueryTracked {
        connection: String,
        sql: String,
    },
    /// The connection's checks as they run now, and when its drift
    /// baseline was saved (`None`: never, so drift is not checked).
    Settings {
        connection: String,
        settings: crate::ConnectionMonitoring,
        baseline_saved: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// A drift report with what the panel marks: the objects whose migration
/// back to the baseline can lose data (`schema.name`).
#[derive(Debug, Clone)]
pub struct DriftCheck {
    pub report: DriftReport,
    pub destructive: Vec<String>,
}

/// One tracked query's measurements, oldest first, each compared with the
/// one before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerfSeries {
    pub fingerprint: String,
    pub sql: String,
    pub points: Vec<QueryBaseline>,
    /// Per point: slower than the previous one beyond noise and threshold.
    pub regressed: Vec<bool>,
}

/// One tracker as the sync panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerMonitor {
    pub tracker: String,
    pub kind: String,
    /// `None` for trackers that are not polled (the local one).
    pub sync: Option<TrackerSyncStatus>,
    /// The newest sync operations, newest first.
    pub recent: Vec<SyncOperation>,
    pub rate: Option<RateBudget>,
}

/// The tracked queries file of one connection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrackedQueries {
    pub queries: Vec<String>,
}

/// Measurements per tracked query the panel plots.
const PERF_POINTS: usize = 100;
/// Sync operations listed per tracker.
const RECENT_SYNCS: usize = 5;

impl Engine {
    /// Where `connection`'s baseline snapshot is saved.
    pub fn baseline_path(&self, connection: &str) -> PathBuf {
        self.paths()
            .data_dir
            .join("baselines")
            .join(format!("{}.json", file_stem(connection)))
    }

    /// When `connection`'s baseline was last saved, if it ever was.
    pub async fn baseline_saved(&self, connection: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        let meta = tokio::fs::metadata(self.baseline_path(connection))
            .await
            .ok()?;
        meta.modified().ok().map(chrono::DateTime::from)
    }

    /// Where `connection`'s tracked queries are listed.
    pub fn tracked_queries_path(&self, connection: &str) -> PathBuf {
        self.paths()
            .data_dir
            .join("perf")
            .join(format!("{}.json", file_stem(connection)))
    }

    /// Runs the health checks the connection's monitoring runs: default
    /// thresholds and its configured backup check.
    pub async fn run_health(
        &self,
        connection: &str,
    ) -> Result<Vec<HealthCheckResult>, EngineError> {
        let config = self.monitoring_settings(connection).await?.health_config();
        let db = self.database(connection).await?;
        Ok(sr_db::health::run_checks(&db, &config).await)
    }

    /// Snapshots the live schema to [`Engine::baseline_path`]; returns the
    /// path and the number of tables.
    pub async fn save_baseline(&self, connection: &str) -> Result<(PathBuf, usize), EngineError> {
        let snapshot = self.snapshot(connection, true).await?;
        let path = self.baseline_path(connection);
        write_atomic(&path, &snapshot.to_json()).await?;
        Ok((path, snapshot.summary().tables))
    }

    /// Compares the live schema with `baseline` (default: the saved one).
    pub async fn check_drift(
        &self,
        connection: &str,
        baseline: Option<&Path>,
    ) -> Result<DriftCheck, EngineError> {
        let source = match baseline {
            Some(p) => Baseline::from_arg(&p.to_string_lossy()),
            None => {
                let path = self.baseline_path(connection);
                if !path.is_file() {
                    return Err(DbError::Baseline {
                        source_name: path.display().to_string(),
                        reason: format!(
                            "no baseline is saved for {connection}; press \"Save baseline\" \
                             while the schema is as it should be"
                        ),
                    }
                    .into());
                }
                Baseline::SnapshotFile(path)
            }
        };
        let db = self.database(connection).await?;
        let (expected, actual) = tokio::join!(
            sr_db::drift::expected_snapshot(&db, &source),
            db.introspect()
        );
        let (expected, actual) = (expected?, actual?);
        let report = DriftReport::new(
            connection,
            &sr_db::redact_url(db.url()),
            source.describe(),
            &expected,
            &actual,
        );
        Ok(DriftCheck {
            destructive: destructive_objects(&expected, &actual),
            report,
        })
    }

    /// Sends one `drift.detected` event per drifted object through the
    /// rules (nothing when the check found no drift).
    pub async fn file_drift(&self, check: &DriftCheck) -> Result<Vec<EventReport>, EngineError> {
        let mut reports = Vec::new();
        for event in drift_events(check) {
            reports.push(self.emit_event(&event).await?);
        }
        Ok(reports)
    }

    /// Adds `sql` to `connection`'s tracked queries (once).
    pub async fn track_query(&self, connection: &str, sql: &str) -> Result<(), EngineError> {
        let path = self.tracked_queries_path(connection);
        let mut tracked = read_tracked(&path).await?;
        let fingerprint = sr_db::perf::fingerprint(sql);
        if tracked
            .queries
            .iter()
            .any(|q| sr_db::perf::fingerprint(q) == fingerprint)
        {
            return Ok(());
        }
        tracked.queries.push(sql.to_owned());
        let text = serde_json::to_string_pretty(&tracked).map_err(|e| baseline_error(&path, e))?;
        write_atomic(&path, &text).await
    }

    /// The tracked queries' saved measurements, oldest first.
    pub async fn perf_history(&self, connection: &str) -> Result<Vec<PerfSeries>, EngineError> {
        let tracked = read_tracked(&self.tracked_queries_path(connection)).await?;
        let mut out = Vec::new();
        for sql in tracked.queries {
            let fingerprint = sr_db::perf::fingerprint(&sql);
            let mut points = self
                .store()
                .query_baseline_history(connection, &fingerprint, PERF_POINTS)
                .await?;
            points.reverse();
            out.push(PerfSeries {
                regressed: regressions(&points),
                fingerprint,
                sql,
                points,
            });
        }
        Ok(out)
    }

    /// Every enabled tracker's sync state (pulled trackers only), recent
    /// operations and rate budget.
    pub async fn sync_status(&self) -> Result<Vec<TrackerMonitor>, EngineError> {
        let entries = self.tracker_entries();
        let manager = SyncManager::new(
            self.store().clone(),
            self.links().trackers(),
            PollOptions::default(),
        );
        let polled: Vec<_> = entries
            .iter()
            .filter(|e| e.kind != "local")
            .cloned()
            .collect();
        manager.configure(&polled);
        let statuses =
            sr_sync::tracker_sync_statuses(&manager, &polled, &SchedulerOptions::default())
                .await
                .map_err(|e| EngineError::Background(e.to_string()))?;
        let trackers = self.links().trackers();
        let mut out = Vec::new();
        for e in entries.iter().filter(|e| e.enabled) {
            let recent = if e.kind == "local" {
                Vec::new()
            } else {
                manager
                    .history(Some(&e.name), RECENT_SYNCS)
                    .await
                    .map_err(|err| EngineError::Background(err.to_string()))?
            };
            out.push(TrackerMonitor {
                tracker: e.name.clone(),
                kind: e.kind.clone(),
                sync: statuses.iter().find(|s| s.tracker == e.name).cloned(),
                recent,
                rate: trackers.by_name(&e.name).ok().and_then(|t| t.rate_budget()),
            });
        }
        Ok(out)
    }
}

/// Per point, whether it regressed against the point before it.
pub fn regressions(points: &[QueryBaseline]) -> Vec<bool> {
    let mut out = vec![false; points.len()];
    for (i, pair) in points.windows(2).enumerate() {
        let c = sr_db::perf::decide(series(&pair[0]), series(&pair[1]), DEFAULT_THRESHOLD);
        out[i + 1] = c.verdict == Verdict::Regressed;
    }
    out
}

/// Whether the series' last regression is gone: a later measurement is
/// back within noise and threshold of the one before the regression.
pub(crate) fn recovered(s: &PerfSeries) -> bool {
    let Some(i) = s.regressed.iter().rposition(|r| *r) else {
        return false;
    };
    match (i.checked_sub(1).map(|b| &s.points[b]), s.points.last()) {
        (Some(before), Some(last)) if i + 1 < s.points.len() => {
            sr_db::perf::decide(series(before), series(last), DEFAULT_THRESHOLD).verdict
                != Verdict::Regressed
        }
        _ => false,
    }
}

fn series(b: &QueryBaseline) -> sr_db::perf::Series {
    sr_db::perf::Series {
        median_ms: b.median_ms,
        mad_ms: b.mad_ms,
        min_ms: b.min_ms,
        max_ms: b.max_ms,
    }
}

/// Runs one monitoring command.
pub(crate) async fn run(
    engine: &Engine,
    cmd: MonitoringCommand,
) -> Result<Vec<crate::Event>, EngineError> {
    let event = |e| vec![crate::Event::Monitoring(e)];
    Ok(match cmd {
        MonitoringCommand::RunHealth { connection } => {
            let results = engine.run_health(&connection).await?;
            event(MonitoringEvent::Health {
                connection,
                results,
            })
        }
        MonitoringCommand::SaveBaseline { connection } => {
            let (path, tables) = engine.save_baseline(&connection).await?;
            event(MonitoringEvent::BaselineSaved {
                connection,
                path,
                tables,
            })
        }
        MonitoringCommand::CheckDrift {
            connection,
            baseline,
        } => {
            let check = Arc::new(engine.check_drift(&connection, baseline.as_deref()).await?);
            let mut events = event(MonitoringEvent::Drift {
                connection: connection.clone(),
                report: check.clone(),
            });
            // The drift is shown whatever the rules make of it; a failure to
            // file it is reported on its own.
            if let Err(e) = engine.file_drift(&check).await {
                events.push(crate::Event::Failed(crate::Failure::side_step(
                    format!("File the drift of {connection} as an issue"),
                    &e,
                )));
            }
            events
        }
        MonitoringCommand::LoadSettings { connection } => {
            let settings = engine.monitoring_settings(&connection).await?;
            let baseline_saved = engine.baseline_saved(&connection).await;
            event(MonitoringEvent::Settings {
                connection,
                settings,
                baseline_saved,
            })
        }
        MonitoringCommand::SaveSettings {
            connection,
            settings,
        } => {
            engine
                .save_monitoring_settings(&connection, settings)
                .await?;
            let settings = engine.monitoring_settings(&connection).await?;
            let baseline_saved = engine.baseline_saved(&connection).await;
            event(MonitoringEvent::Settings {
                connection,
                settings,
                baseline_saved,
            })
        }
        MonitoringCommand::LoadPerfHistory { connection } => {
            let series = engine.perf_history(&connection).await?;
            event(MonitoringEvent::PerfHistory { connection, series })
        }
        MonitoringCommand::LoadSyncStatus => {
            event(MonitoringEvent::SyncStatus(engine.sync_status().await?))
        }
        MonitoringCommand::LoadOutbox { limit } => {
            event(MonitoringEvent::Outbox(engine.store().outbox(limit).await?))
        }
        MonitoringCommand::TrackQuery { connection, sql } => {
            engine.track_query(&connection, &sql).await?;
            event(MonitoringEvent::QueryTracked { connection, sql })
        }
    })
}

/// A connection name as a file name: anything but letters, digits, `-`
/// and `_` becomes `_`.
fn file_stem(connection: &str) -> String {
    connection
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn baseline_error(path: &Path, e: impl std::fmt::Display) -> EngineError {
    DbError::Baseline {
        source_name: path.display().to_string(),
        reason: format!("{e}; check that the data directory is writable"),
    }
    .into()
}

async fn read_tracked(path: &Path) -> Result<TrackedQueries, EngineError> {
    match tokio::fs::read_to_string(path).await {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            DbError::Baseline {
                source_name: path.display().to_string(),
                reason: format!("{e}; the file is {{\"queries\": [\"SELECT …\"]}}"),
            }
            .into()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TrackedQueries::default()),
        Err(e) => Err(baseline_error(path, e)),
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it.
async fn write_atomic(path: &Path, text: &str) -> Result<(), EngineError> {
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| baseline_error(dir, e))?;
    }
    let tmp = path.with_extension("json.tmp");
    tokio::fs::write(&tmp, text)
        .await
        .map_err(|e| baseline_error(&tmp, e))?;
    tokio::fs::rename(&tmp, path)
        .await
        .map_err(|e| baseline_error(path, e))
}
