//! Migrations under many processes at once, on both engines: eight opens
//! of one empty store at the same moment all succeed with the schema
//! applied once; a store an older release migrated (versions in
//! `sr_migrations` only, all of them or some) is adopted by eight opens at
//! once without running a migration again, its rows kept, the rest of the
//! migrations applied once. Checksums are computed here with `sha2`, from
//! the files, as sqlx defines them (SHA-384 of the file's text).

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::str::FromStr;

use sha2::Digest;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection, Row};
use sr_store::Store;

const OPENS: usize = 8;

/// `(version, file text)` of every migration for `engine`, from the files.
fn files(engine: &str) -> Vec<(i64, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine);
    let mut out: Vec<(i64, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let version = name.split('_').next().unwrap().parse().unwrap();
            (version, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

async fn connect(url: &str) -> AnyConnection {
    sqlx::any::install_default_drivers();
    AnyConnectOptions::from_str(url)
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// Opens the store at `url` from `OPENS` tasks at once; every open must
/// succeed.
async fn open_many(url: &str) {
    let opens: Vec<_> = (0..OPENS)
        .map(|_| {
            let url = url.to_owned();
            tokio::spawn(async move { Store::open(&url).await })
        })
        .collect();
    for (i, open) in opens.into_iter().enumerate() {
        match open.await.unwrap() {
            Ok(store) => store.close().await,
            Err(e) => panic!("open {i} of {OPENS} failed: {e}"),
        }
    }
}

/// Every migration recorded once, successful, with the file's checksum;
/// `sr_migrations` level with it for older releases.
async fn check_schema(url: &str, engine: &str) {
    let mut conn = connect(url).await;
    let rows =
        sqlx::query("SELECT version, checksum, CASE WHEN success THEN 1 ELSE 0 END AS ok FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let recorded: Vec<(i64, Vec<u8>)> = rows
        .iter()
        .map(|r| {
            assert_eq!(r.get::<i64, _>("ok"), 1);
            (r.get("version"), r.get("checksum"))
        })
        .collect();
    let expected: Vec<(i64, Vec<u8>)> = files(engine)
        .into_iter()
        .map(|(v, sql)| (v, sha2::Sha384::digest(sql.as_bytes()).to_vec()))
        .collect();
    assert_eq!(recorded, expected);
    let legacy: Vec<i64> = sqlx::query("SELECT version FROM sr_migrations ORDER BY version")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("version"))
        .collect();
    let versions: Vec<i64> = expected.iter().map(|e| e.0).collect();
    assert_eq!(legacy, versions);
    conn.close().await.unwrap();
}

/// What a release before sqlx's runner left: the first `upto` migrations
/// applied and recorded in `sr_migrations` alone, plus one row of data.
async fn older_store(url: &str, engine: &str, upto: i64) {
    let mut conn = connect(url).await;
    sqlx::raw_sql(
        "CREATE TABLE sr_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for (version, sql) in files(engine).into_iter().filter(|f| f.0 <= upto) {
        sqlx::raw_sql(&sql).execute(&mut conn).await.unwrap();
        sqlx::query("INSERT INTO sr_migrations (version, name, applied_at) VALUES ($1, 'old', 7)")
            .bind(version)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO webhook_deliveries (provider, tracker, event, delivery_id, received_at, size, status) \
         VALUES ('github', 'GH', 'issues', 'kept', 1, 0, 'processed')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
}

/// The older release's rows are untouched (never re-run, never rewritten)
/// and the data is still there.
async fn check_adopted(url: &str, engine: &str, upto: i64) {
    // Versions need not be contiguous (helpers on branches number theirs
    // ahead): count the files up to `upto`.
    let versions = files(engine).iter().filter(|f| f.0 <= upto).count() as i64;
    let mut conn = connect(url).await;
    let old: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM sr_migrations WHERE applied_at = 7 AND name = 'old'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .get("n");
    assert_eq!(old, versions);
    let adopted: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM _sqlx_migrations WHERE execution_time = 0 AND version <= $1",
    )
    .bind(upto)
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .get("n");
    assert_eq!(adopted, versions, "adopted versions are recorded, not run");
    let kept: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE delivery_id = 'kept'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get("n");
    assert_eq!(kept, 1);
    conn.close().await.unwrap();
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("store.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_empty_store_opened_by_many_at_once() {
    for _ in 0..5 {
        let url = sr_testkit::postgres_db().await;
        open_many(&url).await;
        check_schema(&url, "postgres").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_empty_store_opened_by_many_at_once() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        open_many(&url).await;
        check_schema(&url, "sqlite").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_older_store_is_adopted_by_many_at_once() {
    let last = files("postgres").last().unwrap().0;
    for upto in [last, 5] {
        let url = sr_testkit::postgres_db().await;
        older_store(&url, "postgres", upto).await;
        open_many(&url).await;
        check_schema(&url, "postgres").await;
        check_adopted(&url, "postgres", upto).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_older_store_is_adopted_by_many_at_once() {
    let last = files("sqlite").last().unwrap().0;
    for upto in [last, 5] {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        older_store(&url, "sqlite", upto).await;
        open_many(&url).await;
        check_schema(&url, "sqlite").await;
        check_adopted(&url, "sqlite", upto).await;
    }
}

/// A store whose migration text differs from ours (edited after it was
/// applied) is refused with the version named, and left as it was.
#[tokio::test]
async fn a_changed_migration_is_refused() {
    let url = sr_testkit::postgres_db().await;
    Store::open(&url).await.unwrap().close().await;
    let mut conn = connect(&url).await;
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = 3")
        .bind(vec![0u8; 48])
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let e = Store::open(&url).await.unwrap_err();
    let message = e.to_string();
    assert!(
        message.contains("migration 3 (query_baselines)") && message.contains("checksums differ"),
        "{message}"
    );
}
