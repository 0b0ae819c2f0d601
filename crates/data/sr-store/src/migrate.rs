//! Schema migrations, one SQL file per version and engine (the two files
//! of a version mean the same thing; only types and trigger syntax
//! differ), run by sqlx's `Migrator`: it records each version with a
//! checksum of its file in `_sqlx_migrations` and refuses a store whose
//! applied files differ from ours.
//!
//! Any number of processes may open one store at once, on an empty store
//! or an older one. Everything below runs under one lock per store: on
//! PostgreSQL sqlx's session advisory lock for the database (and the
//! advisory lock older releases took, so they wait too), on SQLite the
//! file's write lock, held by a `BEGIN IMMEDIATE` transaction around the
//! whole run (each migration is a savepoint inside it). The migration
//! connection is our own, outside the pool, and is closed at the end, so a
//! lock a failure left behind ends with its session.
//!
//! Stores migrated by releases before sqlx's runner recorded versions in
//! `sr_migrations` only. Under the lock, versions found there and missing
//! from `_sqlx_migrations` are adopted: recorded with our files'
//! checksums, never run again. Afterwards `sr_migrations` is brought level
//! with `_sqlx_migrations`, so an older release sharing a team store sees
//! the real version and refuses a store newer than it knows.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::migrate::{Migrate, MigrateError, Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{AnyConnection, Connection, Row};

use crate::{Backend, Result, StoreError, time};

/// Our migrations: version, name, SQLite file, PostgreSQL file.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "webhook_deliveries",
        include_str!("../migrations/sqlite/0002_webhook_deliveries.sql"),
        include_str!("../migrations/postgres/0002_webhook_deliveries.sql"),
    ),
    (
        3,
        "query_baselines",
        include_str!("../migrations/sqlite/0003_query_baselines.sql"),
        include_str!("../migrations/postgres/0003_query_baselines.sql"),
    ),
    (
        4,
        "auto_issues",
        include_str!("../migrations/sqlite/0004_auto_issues.sql"),
        include_str!("../migrations/postgres/0004_auto_issues.sql"),
    ),
    (
        5,
        "sync",
        include_str!("../migrations/sqlite/0005_sync.sql"),
        include_str!("../migrations/postgres/0005_sync.sql"),
    ),
    (
        6,
        "whiteboards",
        include_str!("../migrations/sqlite/0006_whiteboards.sql"),
        include_str!("../migrations/postgres/0006_whiteboards.sql"),
    ),
    (
        7,
        "change_notices",
        include_str!("../migrations/sqlite/0007_change_notices.sql"),
        include_str!("../migrations/postgres/0007_change_notices.sql"),
    ),
    (
        8,
        "job_claims",
        include_str!("../migrations/sqlite/0008_job_claims.sql"),
        include_str!("../migrations/postgres/0008_job_claims.sql"),
    ),
    (
        9,
        "comments",
        include_str!("../migrations/sqlite/0009_comments.sql"),
        include_str!("../migrations/postgres/0009_comments.sql"),
    ),
    (
        10,
        "api_tokens",
        include_str!("../migrations/sqlite/0010_api_tokens.sql"),
        include_str!("../migrations/postgres/0010_api_tokens.sql"),
    ),
    (
        11,
        "notifications",
        include_str!("../migrations/sqlite/0011_notifications.sql"),
        include_str!("../migrations/postgres/0011_notifications.sql"),
    ),
    (
        12,
        "pull_requests",
        include_str!("../migrations/sqlite/0012_pull_requests.sql"),
        include_str!("../migrations/postgres/0012_pull_requests.sql"),
    ),
    (
        13,
        "notification_policy",
        include_str!("../migrations/sqlite/0013_notification_policy.sql"),
        include_str!("../migrations/postgres/0013_notification_policy.sql"),
    ),
    (
        14,
        "schema_changes",
        include_str!("../migrations/sqlite/0014_schema_changes.sql"),
        include_str!("../migrations/postgres/0014_schema_changes.sql"),
    ),
    (
        15,
        "notification_alerts",
        include_str!("../migrations/sqlite/0015_notification_alerts.sql"),
        include_str!("../migrations/postgres/0015_notification_alerts.sql"),
    ),
];

/// The newest schema version this program knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The advisory lock releases before sqlx's runner took; taken as well so
/// that an older release starting at the same moment waits for us.
const LEGACY_LOCK: i64 = 726172;

/// A future proved `Send` where it is made. Each step of the run is one:
/// written as plain `async fn`s, the compiler cannot prove the whole of
/// `Store::open` `Send` for every lifetime (sqlx's generic `run_direct`
/// and executors), and the store could not be opened in `tokio::spawn`.
type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The files compiled into the program, for one engine.
#[derive(Debug)]
struct Embedded(Backend);

type Resolved<'s> = Pin<
    Box<
        dyn Future<Output = std::result::Result<Vec<Migration>, sqlx::error::BoxDynError>>
            + Send
            + 's,
    >,
>;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> Resolved<'s> {
        Box::pin(async move {
            Ok(MIGRATIONS
                .iter()
                .map(|&(version, name, sqlite, postgres)| {
                    let sql = match self.0 {
                        Backend::Sqlite => sqlite,
                        Backend::Postgres => postgres,
                    };
                    Migration::new(
                        version,
                        Cow::Borrowed(name),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// Brings the store behind `conn` to the newest schema, then closes `conn`.
pub(crate) async fn run(backend: Backend, mut conn: AnyConnection) -> Result<()> {
    let mut migrator = match resolve(backend).await {
        Ok(m) => m,
        Err(e) => {
            conn.close().await.ok();
            return Err(failed(0, e));
        }
    };
    // The lock is ours, taken before adoption (see `locked`).
    migrator.set_locking(false);
    let outcome = match backend {
        Backend::Postgres => locked_postgres(&mut conn, &migrator).await,
        Backend::Sqlite => locked_sqlite(&mut conn, &migrator).await,
    };
    // Closing ends the session, and with it any lock a failure left held.
    let closed = conn.close().await;
    outcome?;
    closed?;
    Ok(())
}

fn locked_postgres<'a>(
    conn: &'a mut AnyConnection,
    migrator: &'a Migrator,
) -> Boxed<'a, Result<()>> {
    Box::pin(async move {
        conn.lock().await.map_err(|e| failed(0, e))?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(LEGACY_LOCK)
            .execute(&mut *conn)
            .await?;
        locked(conn, migrator).await?;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(LEGACY_LOCK)
            .execute(&mut *conn)
            .await?;
        conn.unlock().await.map_err(|e| failed(0, e))?;
        Ok(())
    })
}

fn locked_sqlite<'a>(conn: &'a mut AnyConnection, migrator: &'a Migrator) -> Boxed<'a, Result<()>> {
    Box::pin(async move {
        // The pool's connections set these too; the first connection to a new
        // file turns on WAL, and the busy timeout lets the other processes
        // wait for the write lock instead of failing.
        sqlx::Executor::execute(&mut *conn, crate::SQLITE_PRAGMAS).await?;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        locked(&mut tx, migrator).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Adoption, the migrations themselves and the legacy table, under the lock.
fn locked<'a>(conn: &'a mut AnyConnection, migrator: &'a Migrator) -> Boxed<'a, Result<()>> {
    Box::pin(async move {
        conn.ensure_migrations_table()
            .await
            .map_err(|e| failed(0, e))?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS sr_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *conn)
        .await?;
        adopt_legacy(conn, migrator).await?;
        apply(conn, migrator).await.map_err(|e| failed(0, e))?;
        sqlx::query(
            "INSERT INTO sr_migrations (version, name, applied_at) \
             SELECT version, description, $1 FROM _sqlx_migrations \
             WHERE version NOT IN (SELECT version FROM sr_migrations)",
        )
        .bind(time::to_ms(time::now()))
        .execute(&mut *conn)
        .await?;
        Ok(())
    })
}

/// Our files as sqlx's migrations. Boxed for the reason `apply` gives.
fn resolve(
    backend: Backend,
) -> Pin<Box<dyn Future<Output = std::result::Result<Migrator, MigrateError>> + Send>> {
    Box::pin(Migrator::new(Embedded(backend)))
}

/// sqlx's run: checks the applied versions and their checksums, applies
/// the rest. Boxed with its lifetime spelled out: the compiler cannot
/// otherwise prove `run_direct`'s future `Send` for every lifetime, which
/// would make `Store::open` unusable in `tokio::spawn`.
fn apply<'a>(
    conn: &'a mut AnyConnection,
    migrator: &'a Migrator,
) -> Pin<Box<dyn Future<Output = std::result::Result<(), MigrateError>> + Send + 'a>> {
    Box::pin(migrator.run_direct(conn))
}

/// Records the versions an older release applied (in `sr_migrations`) in
/// `_sqlx_migrations` with our files' checksums, so sqlx does not run them
/// again. A version we do not know means a newer program migrated the
/// store.
fn adopt_legacy<'a>(conn: &'a mut AnyConnection, migrator: &'a Migrator) -> Boxed<'a, Result<()>> {
    Box::pin(async move {
        let rows = sqlx::query(
            "SELECT version FROM sr_migrations \
             WHERE version NOT IN (SELECT version FROM _sqlx_migrations) ORDER BY version",
        )
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let version: i64 = row.try_get("version")?;
            // Owned copies: a borrow of the migrator held across the awaits
            // below defeats the compiler's proof that `Store::open` is `Send`.
            let Some((description, checksum)) = migrator
                .iter()
                .find(|m| m.version == version)
                .map(|m| (m.description.to_string(), m.checksum.to_vec()))
            else {
                return Err(StoreError::TooNew {
                    found: version,
                    known: latest(),
                });
            };
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES ($1, $2, TRUE, $3, 0)",
            )
            .bind(version)
            .bind(&description)
            .bind(checksum)
            .execute(&mut *conn)
            .await?;
            tracing::info!(version, name = %description, "adopted a migration an older release applied");
        }
        Ok(())
    })
}

/// What went wrong, in the store's terms.
fn failed(fallback_version: i64, e: MigrateError) -> StoreError {
    let name = |v: i64| {
        MIGRATIONS
            .iter()
            .find(|m| m.0 == v)
            .map_or("unknown", |m| m.1)
    };
    match e {
        MigrateError::VersionMissing(found) => StoreError::TooNew {
            found,
            known: latest(),
        },
        MigrateError::ExecuteMigration(source, version) => StoreError::Migration {
            version,
            name: name(version),
            reason: source.to_string(),
        },
        MigrateError::VersionMismatch(version) => StoreError::Migration {
            version,
            name: name(version),
            reason: "the store applied a different text of this migration than this program \
                     holds (checksums differ); open it with the release that migrated it"
                .into(),
        },
        MigrateError::Dirty(version) => StoreError::Migration {
            version,
            name: name(version),
            reason: "an earlier run stopped part-way through it; restore the store from a backup"
                .into(),
        },
        other => StoreError::Migration {
            version: fallback_version,
            name: name(fallback_version),
            reason: other.to_string(),
        },
    }
}
