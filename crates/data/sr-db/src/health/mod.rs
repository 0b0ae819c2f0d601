//! Health checks on a connected database: connectivity and latency on
//! every dialect; long-running queries, blocked locks, connection
//! saturation and replication lag on PostgreSQL and MySQL/MariaDB;
//! integrity and file size on SQLite; and the age or outcome of the last
//! backup wherever one is configured.
//!
//! Each check returns a [`HealthCheckResult`] with a [`Severity`], a
//! one-line summary and structured evidence (JSON). Evidence names
//! sessions, durations and counts; the only text taken from the database
//! is query text, cut to [`HealthConfig::query_text_limit`] characters. No
//! row data is read.
//!
//! A check that cannot run (a permission missing, a view absent) reports a
//! warning saying so instead of failing the whole run.

mod backup;
mod mysql;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;
mod verdict;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::{Database, DbPool};

pub use backup::check_backup;
pub use verdict::{graded, human, saturation_severity, truncate_query};

use verdict::ms;

/// How bad a finding is. Ordered: `Ok < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Ok,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthCheckResult {
    /// `connectivity`, `long_running_queries`, `blocked_locks`,
    /// `connection_saturation`, `replication_lag`, `backup`, `integrity`
    /// or `file_size`.
    pub check: String,
    pub severity: Severity,
    pub summary: String,
    /// Structured details: sessions with pids and durations, counts,
    /// thresholds. Never row data.
    pub evidence: Value,
    /// How long the check took.
    #[serde(rename = "duration_ms", serialize_with = "millis")]
    pub duration: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0)
}

/// Where to look for the last backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupCheck {
    /// A file (the backup itself, or a marker the backup job touches)
    /// whose modification time must be younger than `max_age`.
    File { path: PathBuf, max_age: Duration },
    /// A shell command (`sh -c`) whose exit status says whether the last
    /// backup succeeded: 0 is ok, anything else critical.
    Command { command: String, timeout: Duration },
}

/// Thresholds; [`HealthConfig::default`] holds sensible ones.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthConfig {
    /// Round-trip of `SELECT 1` above which connectivity is a warning…
    pub latency_warning: Duration,
    /// …and above which it is critical.
    pub latency_critical: Duration,
    /// A statement running longer than this is reported (warning)…
    pub long_query_warning: Duration,
    /// …and longer than this is critical.
    pub long_query_critical: Duration,
    /// A session blocked on a lock is a warning; waiting longer than this
    /// makes it critical.
    pub lock_wait_critical: Duration,
    /// Share of `max_connections` in use above which saturation is a
    /// warning (0.0–1.0)…
    pub saturation_warning: f64,
    /// …and above which it is critical.
    pub saturation_critical: f64,
    /// Replication lag above which it is a warning…
    pub replication_lag_warning: Duration,
    /// …and above which it is critical.
    pub replication_lag_critical: Duration,
    /// SQLite: run the full `PRAGMA integrity_check` instead of
    /// `quick_check`.
    pub sqlite_full_integrity_check: bool,
    /// SQLite: a file larger than this is a warning.
    pub sqlite_size_warning_bytes: Option<u64>,
    /// Backups to check; none by default.
    pub backups: Vec<BackupCheck>,
    /// Query text in evidence is cut to this many characters.
    pub query_text_limit: usize,
    /// At most this many sessions are listed per check.
    pub max_sessions: usize,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            latency_warning: Duration::from_secs(1),
            latency_critical: Duration::from_secs(5),
            long_query_warning: Duration::from_secs(60),
            long_query_critical: Duration::from_secs(600),
            lock_wait_critical: Duration::from_secs(60),
            saturation_warning: 0.8,
            saturation_critical: 0.95,
            replication_lag_warning: Duration::from_secs(30),
            replication_lag_critical: Duration::from_secs(300),
            sqlite_full_integrity_check: false,
            sqlite_size_warning_bytes: None,
            backups: Vec::new(),
            query_text_limit: 200,
            max_sessions: 20,
        }
    }
}

/// The worst severity of `results` (`Ok` for none).
pub fn worst(results: &[HealthCheckResult]) -> Severity {
    results
        .iter()
        .map(|r| r.severity)
        .max()
        .unwrap_or(Severity::Ok)
}

/// Runs every check that applies to the database's dialect, then the
/// configured backup checks, in a fixed order.
#[tracing::instrument(name = "db.health", skip_all, fields(url = %db.url()))]
pub async fn run_checks(db: &Database, config: &HealthConfig) -> Vec<HealthCheckResult> {
    let results = run_all(db, config).await;
    for r in &results {
        tracing::debug!(
            check = %r.check,
            severity = r.severity.as_str(),
            duration_ms = r.duration.as_secs_f64() * 1000.0,
            "health check"
        );
    }
    results
}

async fn run_all(db: &Database, config: &HealthConfig) -> Vec<HealthCheckResult> {
    let mut results = vec![connectivity(db, config).await];
    if results[0].severity == Severity::Critical && results[0].evidence.get("error").is_some() {
        // The database does not answer; the other checks would only repeat it.
        results.extend(backup_checks(config).await);
        return results;
    }
    match db.pool() {
        DbPool::Postgres(pool) => {
            results.push(postgres::long_running(pool, config).await);
            results.push(postgres::blocked_locks(pool, config).await);
            results.push(postgres::saturation(pool, config).await);
            results.push(postgres::replication(pool, config).await);
        }
        DbPool::MySql(pool) => {
            results.push(mysql::long_running(pool, config).await);
            results.push(mysql::blocked_locks(pool, config).await);
            results.push(mysql::saturation(pool, config).await);
            results.push(mysql::replication(pool, config).await);
        }
        DbPool::Sqlite(pool) => {
            results.push(sqlite::integrity(pool, config).await);
            results.push(sqlite::file_size(pool, config).await);
        }
    }
    results.extend(backup_checks(config).await);
    results
}

async fn backup_checks(config: &HealthConfig) -> Vec<HealthCheckResult> {
    let mut out = Vec::new();
    for b in &config.backups {
        out.push(check_backup(b).await);
    }
    out
}

/// Connectivity and latency: the round trip of `SELECT 1` on a pooled
/// connection, and the server's version.
pub async fn connectivity(db: &Database, config: &HealthConfig) -> HealthCheckResult {
    let started = Instant::now();
    let probe = round_trip(db.pool());
    let (severity, summary, evidence) =
        match tokio::time::timeout(config.latency_critical * 5, probe).await {
            Ok(Ok((latency, version))) => {
                let severity = graded(
                    latency.as_secs_f64(),
                    config.latency_warning.as_secs_f64(),
                    config.latency_critical.as_secs_f64(),
                );
                (
                    severity,
                    format!("{} answers in {}", db.url(), human(latency)),
                    json!({
                        "url": db.url(),
                        "latency_ms": ms(latency),
                        "server_version": version,
                        "warning_ms": ms(config.latency_warning),
                        "critical_ms": ms(config.latency_critical),
                    }),
                )
            }
            Ok(Err(e)) => (
                Severity::Critical,
                format!("{} does not answer: {e}", db.url()),
                json!({"url": db.url(), "error": e.to_string()}),
            ),
            Err(_) => (
                Severity::Critical,
                format!(
                    "{} did not answer SELECT 1 within {}",
                    db.url(),
                    human(config.latency_critical * 5)
                ),
                json!({"url": db.url(), "error": "timeout"}),
            ),
        };
    HealthCheckResult {
        check: "connectivity".into(),
        severity,
        summary,
        evidence,
        duration: started.elapsed(),
    }
}

/// The time `SELECT 1` takes, and the server's version.
async fn round_trip(pool: &DbPool) -> Result<(Duration, String), sqlx::Error> {
    let at = Instant::now();
    match pool {
        DbPool::Postgres(p) => {
            sqlx::query_scalar::<_, i32>("SELECT 1")
                .fetch_one(p)
                .await?;
            let latency = at.elapsed();
            let v: String = sqlx::query_scalar("SHOW server_version")
                .fetch_one(p)
                .await?;
            Ok((latency, format!("PostgreSQL {v}")))
        }
        DbPool::MySql(p) => {
            sqlx::query_scalar::<_, i64>("SELECT 1")
                .fetch_one(p)
                .await?;
            let latency = at.elapsed();
            let v: String = sqlx::query_scalar("SELECT VERSION()").fetch_one(p).await?;
            Ok((latency, v))
        }
        DbPool::Sqlite(p) => {
            sqlx::query_scalar::<_, i64>("SELECT 1")
                .fetch_one(p)
                .await?;
            let latency = at.elapsed();
            let v: String = sqlx::query_scalar("SELECT sqlite_version()")
                .fetch_one(p)
                .await?;
            Ok((latency, format!("SQLite {v}")))
        }
    }
}
