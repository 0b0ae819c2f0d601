//! The bundled demo database: a small online shop (assets/demo/), built
//! into an SQLite file the first time it is needed.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};

use crate::DbError;

/// The schema: tables, keys, indexes, views and triggers.
pub const SCHEMA_SQL: &str = include_str!("../../../../assets/demo/schema.sql");
/// Deterministic seed rows, run after the schema.
pub const SEED_SQL: &str = include_str!("../../../../assets/demo/seed.sql");
/// The file name of the demo database inside the data directory.
pub const FILE_NAME: &str = "demo.sqlite";

/// Where the demo database lives inside `data_dir`.
pub fn demo_path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// Makes sure the demo database exists at `path` and returns the path.
///
/// When the file is missing it is built in a temporary file in the same
/// directory and renamed into place only when complete, so a crash or a
/// concurrent caller never leaves a half-built database behind. An existing
/// file is left as it is, whatever the user has done to it since.
#[tracing::instrument(name = "demo.ensure", skip_all, fields(path = %path.display()))]
pub fn ensure_demo_db(path: &Path) -> crate::database::BoxFuture<'_, Result<PathBuf, DbError>> {
    Box::pin(ensure_demo_db_inner(path))
}

async fn build_demo(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    // `Executor::execute` with a plain string runs every statement in it;
    // `sqlx::raw_sql` would do the same but its higher-ranked executor bound
    // keeps callers' futures from being provably `Send`.
    use sqlx::Executor;
    conn.execute(SCHEMA_SQL).await?;
    let mut tx = conn.begin().await?;
    tx.execute(SEED_SQL).await?;
    tx.commit().await
}

async fn ensure_demo_db_inner(path: &Path) -> Result<PathBuf, DbError> {
    if path.is_file() {
        return Ok(path.to_owned());
    }
    let fail = |reason: String| DbError::Demo {
        path: path.to_owned(),
        reason,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    let tmp = tempfile::Builder::new()
        .prefix(".demo-")
        .suffix(".sqlite.tmp")
        .tempfile_in(dir)
        .map_err(|e| fail(format!("cannot create a temporary file: {e}")))?
        .into_temp_path();

    // A rollback journal (not WAL) keeps the finished database in one file
    // that can be renamed.
    let mut conn = SqliteConnectOptions::new()
        .filename(&tmp)
        .journal_mode(SqliteJournalMode::Delete)
        .foreign_keys(true)
        .connect()
        .await
        .map_err(|e| fail(format!("cannot open the temporary file: {e}")))?;
    build_demo(&mut conn)
        .await
        .map_err(|e| fail(format!("the bundled SQL failed: {e}")))?;
    conn.close()
        .await
        .map_err(|e| fail(format!("cannot close the temporary file: {e}")))?;

    match tmp.persist_noclobber(path) {
        Ok(()) => {
            tracing::info!("created the demo database");
            Ok(path.to_owned())
        }
        // Someone else finished first; theirs is as good as ours, and
        // dropping ours removes the temporary file.
        Err(e) if path.is_file() => {
            drop(e);
            Ok(path.to_owned())
        }
        Err(e) => Err(fail(format!(
            "cannot move the finished file into place: {}",
            e.error
        ))),
    }
}
