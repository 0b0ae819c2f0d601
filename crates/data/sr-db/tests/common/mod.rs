//! Helpers shared by the demo-database tests.

use std::path::{Path, PathBuf};

use sr_db::{Database, demo};
use sr_schema::Snapshot;

/// Builds the demo database in `dir` and opens it.
pub async fn demo_db(dir: &Path) -> (PathBuf, Database) {
    let path = demo::ensure_demo_db(&demo::demo_path(dir))
        .await
        .expect("build the demo database");
    let db = Database::open_sqlite(&path)
        .await
        .expect("open the demo database");
    (path, db)
}

/// A snapshot of a freshly built demo database.
#[allow(dead_code)] // Not every test binary uses every helper.
pub async fn demo_snapshot() -> Snapshot {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (_, db) = demo_db(dir.path()).await;
    let snap = db.introspect().await.expect("introspect the demo database");
    db.close().await;
    snap
}
