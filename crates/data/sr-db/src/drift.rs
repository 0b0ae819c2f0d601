//! Drift detection: does a live database still match what it should be?
//!
//! The expected schema comes from a snapshot file, from a directory of
//! migration files applied in file-name order to a scratch database (an
//! in-memory SQLite, or a temporary database on the same PostgreSQL or
//! MySQL server, dropped afterwards), or from another live database. The
//! report names the environment, the detection time, the expected source,
//! a summary of each side, the differences, and the SQL that brings the
//! live database back to the expected schema with its rollback. Counters
//! and statistics are never compared, so they never count as drift.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sr_schema::{Dialect, SchemaDiff, Snapshot, SnapshotSummary, diff, render};

use crate::DbError;
use crate::database::{BoxFuture, Database};

/// Where the expected schema comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// A snapshot file written by `scratchrobin schema snapshot`.
    SnapshotFile(PathBuf),
    /// A directory of `*.sql` migration files, applied in file-name order.
    Migrations(PathBuf),
    /// Another live database, by URL.
    Database(String),
}

impl Baseline {
    /// Reads a command-line argument: an existing directory is a migrations
    /// directory, an existing file a snapshot, anything else a URL.
    pub fn from_arg(arg: &str) -> Baseline {
        let path = Path::new(arg);
        if path.is_dir() {
            Baseline::Migrations(path.to_owned())
        } else if path.is_file() {
            Baseline::SnapshotFile(path.to_owned())
        } else {
            Baseline::Database(arg.to_owned())
        }
    }

    /// Where the baseline comes from, for the report (passwords removed).
    pub fn describe(&self) -> String {
        match self {
            Baseline::SnapshotFile(p) => format!("snapshot file {}", p.display()),
            Baseline::Migrations(p) => format!("migrations in {}", p.display()),
            Baseline::Database(url) => format!("database {}", crate::redact_url(url)),
        }
    }
}

/// The outcome of one drift check.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// The environment's name as the caller knows it (a connection name).
    pub environment: String,
    /// The checked database's URL without its password.
    pub database: String,
    /// When the check ran, RFC 3339 in UTC.
    pub detected_at: String,
    pub expected_source: String,
    pub expected: SnapshotSummary,
    pub actual: SnapshotSummary,
    pub drifted: bool,
    /// How the live database differs from the expected schema: `added`
    /// objects exist only in the live database.
    pub differences: SchemaDiff,
    /// Brings the live database back to the expected schema.
    pub migration_sql: String,
    /// True when the migration can lose data.
    pub migration_destructive: bool,
    /// Undoes the migration (restores the drifted state).
    pub rollback_sql: String,
}

impl DriftReport {
    /// Compares `actual` (the live database) with `expected`.
    pub fn new(
        environment: &str,
        database: &str,
        expected_source: String,
        expected: &Snapshot,
        actual: &Snapshot,
    ) -> DriftReport {
        let differences = diff(expected, actual);
        let dialect = actual.dialect;
        let migration = render(&diff(actual, expected), dialect);
        let rollback = render(&differences, dialect);
        DriftReport {
            environment: environment.to_owned(),
            database: database.to_owned(),
            detected_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            expected_source,
            expected: expected.summary(),
            actual: actual.summary(),
            drifted: !differences.is_empty(),
            migration_destructive: migration.statements.iter().any(|s| s.destructive),
            differences,
            migration_sql: migration.to_sql(),
            rollback_sql: rollback.to_sql(),
        }
    }

    /// The report as text for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Drift check of {} ({})\nDetected at: {}\nExpected:    {} — {}\nActual:      {}\n",
            self.environment,
            self.database,
            self.detected_at,
            self.expected_source,
            self.expected,
            self.actual
        );
        if !self.drifted {
            out.push_str("\nNo drift: the database matches the expected schema.\n");
            return out;
        }
        let (added, removed, changed) = self.differences.counts();
        out.push_str(&format!(
            "\nDrift: {added} added, {removed} removed, {changed} changed object(s)\n"
        ));
        for c in &self.differences.changes {
            let what = match c.change {
                sr_schema::ChangeKind::Added => "added (not expected)",
                sr_schema::ChangeKind::Removed => "missing",
                sr_schema::ChangeKind::Changed => "changed",
            };
            out.push_str(&format!(
                "  {} {} {what}\n",
                c.object.as_str(),
                c.qualified_name()
            ));
            for a in &c.attributes {
                let show = |v: &Option<String>| {
                    v.as_deref().map_or("(none)".to_owned(), |s| {
                        s.lines().next().unwrap_or_default().to_owned()
                    })
                };
                out.push_str(&format!(
                    "      {}: {} -> {}\n",
                    a.attribute,
                    show(&a.from),
                    show(&a.to)
                ));
            }
        }
        out.push_str("\n-- Migration (back to the expected schema)");
        if self.migration_destructive {
            out.push_str(" — DESTRUCTIVE, review before running");
        }
        out.push_str(":\n");
        out.push_str(&self.migration_sql);
        out.push_str("-- Rollback:\n");
        out.push_str(&self.rollback_sql);
        out
    }
}

/// Checks `db` against `baseline`; `environment` names it in the report.
pub fn check<'a>(
    db: &'a Database,
    baseline: &'a Baseline,
    environment: &'a str,
) -> BoxFuture<'a, Result<DriftReport, DbError>> {
    Box::pin(async move {
        // Both sides at once: on servers each is its own connection, and
        // reading two catalogs of thousands of tables is the slow part.
        let (expected, actual) = tokio::join!(expected_snapshot(db, baseline), db.introspect());
        let (expected, actual) = (expected?, actual?);
        Ok(DriftReport::new(
            environment,
            db.url(),
            baseline.describe(),
            &expected,
            &actual,
        ))
    })
}

/// The expected schema for `db` from `baseline`. Migrations run on a
/// scratch database of `db`'s dialect (on `db`'s server for PostgreSQL and
/// MySQL, which needs the right to create databases).
pub fn expected_snapshot<'a>(
    db: &'a Database,
    baseline: &'a Baseline,
) -> BoxFuture<'a, Result<Snapshot, DbError>> {
    load_snapshot(baseline, db.dialect(), Some(db))
}

/// A snapshot from any source `schema diff` accepts: a snapshot file, a
/// database URL, or a migrations directory applied to a scratch database
/// of `dialect` (in memory for SQLite; on `server` for PostgreSQL and
/// MySQL, which is required there).
pub fn load_snapshot<'a>(
    source: &'a Baseline,
    dialect: Dialect,
    server: Option<&'a Database>,
) -> BoxFuture<'a, Result<Snapshot, DbError>> {
    Box::pin(async move {
        let fail = |reason: String| DbError::Baseline {
            source_name: source.describe(),
            reason,
        };
        match source {
            Baseline::SnapshotFile(path) => {
                let text = tokio::fs::read_to_string(path)
                    .await
                    .map_err(|e| fail(format!("{e}; check the path")))?;
                Snapshot::from_json(&text).map_err(|e| fail(e.to_string()))
            }
            Baseline::Database(url) => {
                let other = Database::connect(url).await?;
                let snap = other.introspect().await;
                other.close().await;
                snap
            }
            Baseline::Migrations(dir) => {
                let files = migration_files(dir).map_err(fail)?;
                let mut scripts = Vec::with_capacity(files.len());
                for f in &files {
                    let sql = tokio::fs::read_to_string(f)
                        .await
                        .map_err(|e| fail(format!("{}: {e}", f.display())))?;
                    scripts.push((f.clone(), sql));
                }
                from_migrations(dialect, server, &scripts).await
            }
        }
    })
}

/// The `*.sql` files of `dir`, in file-name order.
fn migration_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{e}; check the directory"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("sql")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err("the directory holds no .sql files".into());
    }
    Ok(files)
}

async fn from_migrations(
    dialect: Dialect,
    server: Option<&Database>,
    scripts: &[(PathBuf, String)],
) -> Result<Snapshot, DbError> {
    if dialect == Dialect::Sqlite {
        let scratch = Database::connect("sqlite::memory:").await?;
        let result = apply_all(&scratch, scripts).await;
        scratch.close().await;
        return result;
    }
    let Some(db) = server.filter(|d| d.dialect() == dialect) else {
        return Err(DbError::Baseline {
            source_name: "migrations".into(),
            reason: format!(
                "applying {} migrations needs a {} server to create a scratch database on; \
                 name one with --db",
                dialect.label(),
                dialect.label()
            ),
        });
    };
    let name = scratch_name();
    let (create, drop) = match dialect {
        Dialect::Postgres => (
            format!("CREATE DATABASE \"{name}\""),
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        ),
        _ => (
            format!("CREATE DATABASE `{name}`"),
            format!("DROP DATABASE IF EXISTS `{name}`"),
        ),
    };
    db.execute_script(&create).await?;
    let result = match db.sibling(&name) {
        Some(scratch) => {
            let r = apply_all(&scratch, scripts).await;
            scratch.close().await;
            r
        }
        None => Err(DbError::Baseline {
            source_name: "migrations".into(),
            reason: "no scratch database for this dialect".into(),
        }),
    };
    // Dropped whatever happened; a failure to drop is worth less than the
    // result, and the name says what it was.
    if let Err(e) = db.execute_script(&drop).await {
        tracing::warn!(database = %name, error = %e, "could not drop the scratch database");
    }
    result
}

async fn apply_all(scratch: &Database, scripts: &[(PathBuf, String)]) -> Result<Snapshot, DbError> {
    for (path, sql) in scripts {
        scratch
            .execute_script(sql)
            .await
            .map_err(|e| DbError::Baseline {
                source_name: path.display().to_string(),
                reason: format!("the migration failed: {e}"),
            })?;
    }
    scratch.introspect().await
}

fn scratch_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("sr_scratch_{}_{nanos}", std::process::id())
}
