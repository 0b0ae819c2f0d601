//! Many `scratchrobin serve` processes started at the same moment on one
//! PostgreSQL store, as a systemd template with several instances or a
//! deployment's replicas do: on an empty store (twenty times in a row)
//! and on a store an older release migrated, every process comes up and
//! the schema holds every migration once.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use sqlx::{Connection, PgConnection, Row};

const PROCESSES: usize = 8;
const ROUNDS: usize = 20;

fn migrations() -> Vec<(i64, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/sr-store/migrations/postgres");
    let mut out: Vec<(i64, PathBuf)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.split('_').next().unwrap().parse().unwrap(), p)
        })
        .collect();
    out.sort();
    out
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `PROCESSES` serves at once, then waits for each to say it
/// listens; a process that exits first fails the test with its stderr.
fn start_all(store: &str, dir: &Path) -> Vec<Serve> {
    let serves: Vec<Serve> = (0..PROCESSES)
        .map(|i| {
            let home = dir.join(i.to_string());
            Serve(
                Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
                    .arg("--data-dir")
                    .arg(home.join("data"))
                    .arg("--config-dir")
                    .arg(home.join("config"))
                    .args(["--store", store, "serve", "--listen", "127.0.0.1:0"])
                    .env_remove("SCRATCHROBIN_STORE")
                    .env("RUST_LOG", "warn")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap(),
            )
        })
        .collect();
    serves
        .into_iter()
        .enumerate()
        .map(|(i, mut serve)| {
            let mut line = String::new();
            BufReader::new(serve.0.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            if !line.starts_with("listening on ") {
                let mut err = String::new();
                serve.0.stderr.take().unwrap().read_to_string(&mut err).ok();
                panic!("serve {i} of {PROCESSES} did not come up: {line}{err}");
            }
            serve
        })
        .collect()
}

/// Every migration recorded once and successful, in sqlx's table and in
/// the one older releases read.
async fn check_schema(store: &str) {
    let expected: Vec<i64> = migrations().iter().map(|m| m.0).collect();
    let mut conn = PgConnection::connect(store).await.unwrap();
    for table in ["_sqlx_migrations", "sr_migrations"] {
        let versions: Vec<i64> =
            sqlx::query(&format!("SELECT version FROM {table} ORDER BY version"))
                .fetch_all(&mut conn)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("version"))
                .collect();
        assert_eq!(versions, expected, "{table}");
    }
    let failed: i64 = sqlx::query("SELECT COUNT(*) FROM _sqlx_migrations WHERE NOT success")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(failed, 0);
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_serves_start_together_on_an_empty_store_twenty_times() {
    for _ in 0..ROUNDS {
        let store = sr_testkit::postgres_db().await;
        let dir = tempfile::tempdir().unwrap();
        let serves = start_all(&store, dir.path());
        check_schema(&store).await;
        drop(serves);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_serves_start_together_on_a_store_an_older_release_migrated() {
    let store = sr_testkit::postgres_db().await;
    // What a release before sqlx's runner left: its own version table, the
    // first five migrations, and a link it wrote.
    let mut conn = PgConnection::connect(&store).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE sr_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    for (version, path) in migrations().into_iter().filter(|m| m.0 <= 5) {
        sqlx::raw_sql(&std::fs::read_to_string(path).unwrap())
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("INSERT INTO sr_migrations (version, name, applied_at) VALUES ($1, 'old', 1)")
            .bind(version)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::raw_sql(
        "INSERT INTO webhook_deliveries (provider, tracker, event, delivery_id, received_at, size, status) \
         VALUES ('github', 'GH', 'issues', 'from-the-old-release', 1, 0, 'processed')",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let serves = start_all(&store, dir.path());
    check_schema(&store).await;
    drop(serves);
    let mut conn = PgConnection::connect(&store).await.unwrap();
    let kept: i64 = sqlx::query(
        "SELECT COUNT(*) FROM webhook_deliveries WHERE delivery_id = 'from-the-old-release'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .get(0);
    assert_eq!(kept, 1);
    let adopted: i64 = sqlx::query(
        "SELECT COUNT(*) FROM _sqlx_migrations WHERE version <= 5 AND execution_time = 0",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .get(0);
    assert_eq!(adopted, 5, "adopted, not run again");
}
