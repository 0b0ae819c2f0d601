//! Health checks against real databases: the demo SQLite file, and
//! throwaway PostgreSQL and MariaDB servers where one session sleeps or
//! holds a lock another waits for.

use crate::common;

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Connection;
use sr_db::Database;
use sr_db::health::{self, BackupCheck, HealthCheckResult, HealthConfig, Severity};

/// How long a condition may take to appear on a loaded test machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// Runs every check and returns the one called `check`.
async fn run(db: &Database, config: &HealthConfig, check: &str) -> HealthCheckResult {
    let results = health::run_checks(db, config).await;
    results
        .into_iter()
        .find(|r| r.check == check)
        .unwrap_or_else(|| panic!("no {check} result"))
}

/// Re-runs `check` until `found` holds for it (the other session's
/// statement has to reach the server first), or fails after [`PATIENCE`].
async fn until(
    db: &Database,
    config: &HealthConfig,
    check: &str,
    found: impl Fn(&HealthCheckResult) -> bool,
) -> HealthCheckResult {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let result = run(db, config, check).await;
        if found(&result) {
            return result;
        }
        assert!(
            Instant::now() < deadline,
            "{check} never showed the expected session: {result:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn names(results: &[HealthCheckResult]) -> Vec<&str> {
    results.iter().map(|r| r.check.as_str()).collect()
}

fn sessions<'a>(r: &'a HealthCheckResult, key: &str) -> &'a [Value] {
    r.evidence[key].as_array().map_or(&[], Vec::as_slice)
}

async fn pg_pid(c: &mut sqlx::PgConnection) -> i32 {
    sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(c)
        .await
        .expect("the session's pid")
}

async fn mysql_id(c: &mut sqlx::MySqlConnection) -> i64 {
    sqlx::query_scalar("SELECT CAST(CONNECTION_ID() AS SIGNED)")
        .fetch_one(c)
        .await
        .expect("the session's id")
}

/// The defaults, but with room for a slow round trip on a loaded test
/// machine: latency is not what these tests are about.
fn relaxed() -> HealthConfig {
    HealthConfig {
        latency_warning: Duration::from_secs(60),
        latency_critical: Duration::from_secs(120),
        ..HealthConfig::default()
    }
}

fn zero_threshold() -> HealthConfig {
    HealthConfig {
        long_query_warning: Duration::ZERO,
        ..relaxed()
    }
}

#[tokio::test]
async fn demo_database_is_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let (path, db) = common::demo_db(dir.path()).await;
    let results = health::run_checks(&db, &relaxed()).await;
    assert_eq!(names(&results), ["connectivity", "integrity", "file_size"]);
    assert_eq!(health::worst(&results), Severity::Ok, "{results:#?}");
    assert!(
        results[0].evidence["server_version"]
            .as_str()
            .unwrap()
            .starts_with("SQLite 3.")
    );
    let bytes = std::fs::metadata(&path).unwrap().len();
    assert_eq!(results[2].evidence["bytes"], bytes);
    let small = HealthConfig {
        sqlite_size_warning_bytes: Some(1024),
        sqlite_full_integrity_check: true,
        ..relaxed()
    };
    let results = health::run_checks(&db, &small).await;
    assert_eq!(results[1].evidence["pragma"], "integrity_check");
    assert_eq!(results[1].severity, Severity::Ok);
    assert_eq!(results[2].severity, Severity::Warning);
    db.close().await;
}

/// The checks run on a background task, as the engine's scheduler runs
/// them: their future is `Send`.
#[tokio::test]
async fn checks_run_on_a_spawned_task() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = common::demo_db(dir.path()).await;
    let db = std::sync::Arc::new(db);
    let task = {
        let db = db.clone();
        tokio::spawn(async move { health::run_checks(&db, &relaxed()).await })
    };
    let results = task.await.unwrap();
    assert_eq!(names(&results), ["connectivity", "integrity", "file_size"]);
    db.close().await;
}

#[tokio::test]
async fn corrupt_sqlite_pages_are_critical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.sqlite");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = Database::connect(&url).await.unwrap();
    db.execute_script(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);\n\
         CREATE INDEX t_v ON t (v);\n\
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         INSERT INTO t SELECT i, printf('%0100d', i) FROM n;",
    )
    .await
    .unwrap();
    db.close().await;
    // Overwrite the middle of the file: pages of the table and its index.
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 8192].fill(0x5a);
    std::fs::write(&path, bytes).unwrap();
    let db = Database::connect(&url).await.unwrap();
    let integrity = run(&db, &relaxed(), "integrity").await;
    assert_eq!(integrity.severity, Severity::Critical, "{integrity:#?}");
    assert!(!sessions(&integrity, "problems").is_empty());
    db.close().await;
}

#[tokio::test]
async fn postgres_long_running_query_names_its_pid_and_duration() {
    let url = sr_testkit::postgres_db().await;
    let db = Database::connect(&url).await.unwrap();
    let mut sleeper = sqlx::PgConnection::connect(&url).await.unwrap();
    let pid = pg_pid(&mut sleeper).await;
    let sleeping = tokio::spawn(async move {
        let outcome = sqlx::query("SELECT pg_sleep(600)")
            .execute(&mut sleeper)
            .await;
        (outcome.is_err(), sleeper)
    });
    let config = zero_threshold();
    let found = until(&db, &config, "long_running_queries", |r| {
        sessions(r, "sessions").iter().any(|s| s["pid"] == pid)
    })
    .await;
    assert_eq!(found.severity, Severity::Warning, "{found:#?}");
    let session = sessions(&found, "sessions")
        .iter()
        .find(|s| s["pid"] == pid)
        .unwrap();
    assert!(session["running_s"].as_f64().unwrap() >= 0.0, "{session}");
    assert_eq!(session["query"], "SELECT pg_sleep(600)");
    assert!(
        found.summary.contains("running longer than 0.0 ms"),
        "{}",
        found.summary
    );

    // A threshold longer than the sleep has lasted hides it.
    let patient = HealthConfig {
        long_query_warning: Duration::from_secs(3600),
        ..relaxed()
    };
    let quiet = run(&db, &patient, "long_running_queries").await;
    assert!(
        !sessions(&quiet, "sessions").iter().any(|s| s["pid"] == pid),
        "{quiet:#?}"
    );
    // And a critical threshold it has passed makes it critical.
    let strict = HealthConfig {
        long_query_critical: Duration::ZERO,
        ..zero_threshold()
    };
    let critical = until(&db, &strict, "long_running_queries", |r| {
        r.severity == Severity::Critical
    })
    .await;
    assert!(
        sessions(&critical, "sessions")
            .iter()
            .any(|s| s["pid"] == pid)
    );

    sqlx::query("SELECT pg_cancel_backend($1)")
        .bind(pid)
        .execute(&mut sqlx::PgConnection::connect(&url).await.unwrap())
        .await
        .unwrap();
    let (cancelled, sleeper) = sleeping.await.unwrap();
    assert!(cancelled, "the sleep was cancelled");
    sleeper.close().await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn postgres_blocked_lock_names_both_sessions() {
    let url = sr_testkit::postgres_db().await;
    let db = Database::connect(&url).await.unwrap();
    db.execute_script(
        "CREATE TABLE stock (id int PRIMARY KEY, n int);\nINSERT INTO stock VALUES (1, 0);",
    )
    .await
    .unwrap();
    let mut holder = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut waiter = sqlx::PgConnection::connect(&url).await.unwrap();
    let holder_pid = pg_pid(&mut holder).await;
    let waiter_pid = pg_pid(&mut waiter).await;
    let mut tx = holder.begin().await.unwrap();
    sqlx::query("UPDATE stock SET n = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await
        .unwrap();
    let waiting = tokio::spawn(async move {
        sqlx::query("UPDATE stock SET n = 2 WHERE id = 1")
            .execute(&mut waiter)
            .await
            .unwrap();
        waiter
    });
    let config = relaxed();
    let found = until(&db, &config, "blocked_locks", |r| {
        sessions(r, "waits")
            .iter()
            .any(|w| w["blocked"]["pid"] == waiter_pid)
    })
    .await;
    assert_eq!(found.severity, Severity::Warning, "{found:#?}");
    let wait = sessions(&found, "waits")
        .iter()
        .find(|w| w["blocked"]["pid"] == waiter_pid)
        .unwrap();
    assert_eq!(wait["blocking"]["pid"], holder_pid, "{wait}");
    assert_eq!(
        wait["blocked"]["query"],
        "UPDATE stock SET n = 2 WHERE id = 1"
    );
    assert_eq!(wait["blocking"]["state"], "idle in transaction");
    assert!(
        wait["blocked"]["waiting_for"]
            .as_str()
            .unwrap()
            .starts_with("transactionid ShareLock"),
        "{wait}"
    );
    tx.rollback().await.unwrap();
    let waiter = waiting.await.unwrap();
    waiter.close().await.unwrap();
    let after = run(&db, &config, "blocked_locks").await;
    assert!(
        !sessions(&after, "waits")
            .iter()
            .any(|w| w["blocked"]["pid"] == waiter_pid)
    );
    holder.close().await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn postgres_saturation_replication_and_connectivity() {
    let url = sr_testkit::postgres_db().await;
    let db = Database::connect(&url).await.unwrap();
    let results = health::run_checks(&db, &relaxed()).await;
    assert_eq!(
        names(&results),
        [
            "connectivity",
            "long_running_queries",
            "blocked_locks",
            "connection_saturation",
            "replication_lag"
        ]
    );
    assert_eq!(results[0].severity, Severity::Ok, "{:#?}", results[0]);
    assert!(
        results[0].evidence["server_version"]
            .as_str()
            .unwrap()
            .starts_with("PostgreSQL ")
    );
    let max: String = sqlx::query_scalar("SHOW max_connections")
        .fetch_one(&mut sqlx::PgConnection::connect(&url).await.unwrap())
        .await
        .unwrap();
    let saturation = &results[3];
    assert_eq!(
        saturation.evidence["max_connections"],
        max.parse::<u64>().unwrap()
    );
    assert!(saturation.evidence["connections"].as_u64().unwrap() >= 1);
    // Everything in use is critical, whatever the server holds now.
    let strict = HealthConfig {
        saturation_warning: 0.0,
        saturation_critical: 0.0,
        ..relaxed()
    };
    assert_eq!(
        run(&db, &strict, "connection_saturation").await.severity,
        Severity::Critical
    );
    let replication = &results[4];
    assert_eq!(replication.severity, Severity::Ok);
    assert_eq!(replication.evidence["role"], "primary");
    assert_eq!(replication.evidence["skipped"], true);
    db.close().await;
}

#[tokio::test]
async fn mariadb_long_query_and_blocked_lock() {
    let url = sr_testkit::mariadb_db().await;
    let db = Database::connect(&url).await.unwrap();
    db.execute_script("CREATE TABLE stock (id int PRIMARY KEY, n int) ENGINE=InnoDB;\nINSERT INTO stock VALUES (1, 0);")
        .await
        .unwrap();
    let mut holder = sqlx::MySqlConnection::connect(&url).await.unwrap();
    let mut waiter = sqlx::MySqlConnection::connect(&url).await.unwrap();
    let holder_id = mysql_id(&mut holder).await;
    let waiter_id = mysql_id(&mut waiter).await;
    let mut tx = holder.begin().await.unwrap();
    sqlx::query("UPDATE stock SET n = 1 WHERE id = 1")
        .execute(&mut *tx)
        .await
        .unwrap();
    let waiting = tokio::spawn(async move {
        sqlx::query("SET SESSION innodb_lock_wait_timeout = 300")
            .execute(&mut waiter)
            .await
            .unwrap();
        sqlx::query("UPDATE stock SET n = 2 WHERE id = 1")
            .execute(&mut waiter)
            .await
            .unwrap();
        waiter
    });
    let config = zero_threshold();
    let found = until(&db, &config, "blocked_locks", |r| {
        sessions(r, "waits")
            .iter()
            .any(|w| w["blocked"]["pid"] == waiter_id)
    })
    .await;
    assert_eq!(found.severity, Severity::Warning, "{found:#?}");
    let wait = sessions(&found, "waits")
        .iter()
        .find(|w| w["blocked"]["pid"] == waiter_id)
        .unwrap();
    assert_eq!(wait["blocking"]["pid"], holder_id, "{wait}");
    assert_eq!(
        wait["blocked"]["query"],
        "UPDATE stock SET n = 2 WHERE id = 1"
    );
    assert!(
        wait["blocked"]["waiting_for"]
            .as_str()
            .unwrap()
            .contains("`stock`"),
        "{wait}"
    );
    // The waiting UPDATE is also a running statement.
    let long = run(&db, &config, "long_running_queries").await;
    assert!(
        sessions(&long, "sessions")
            .iter()
            .any(|s| s["pid"] == waiter_id),
        "{long:#?}"
    );
    tx.rollback().await.unwrap();
    waiting.await.unwrap().close().await.unwrap();

    let results = health::run_checks(&db, &relaxed()).await;
    let saturation = results
        .iter()
        .find(|r| r.check == "connection_saturation")
        .unwrap();
    assert!(
        saturation.evidence["max_connections"].as_u64().unwrap() > 0,
        "{saturation:#?}"
    );
    assert!(
        saturation.evidence["connections"].as_u64().unwrap() >= 1,
        "{saturation:#?}"
    );
    let replication = results
        .iter()
        .find(|r| r.check == "replication_lag")
        .unwrap();
    assert_eq!(replication.severity, Severity::Ok, "{replication:#?}");
    assert_eq!(replication.evidence["skipped"], true);
    holder.close().await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn backup_file_age_and_command() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.dump");
    std::fs::write(&file, b"backup").unwrap();
    let day = Duration::from_secs(24 * 3600);
    let check = BackupCheck::File {
        path: file.clone(),
        max_age: day,
    };
    let fresh = health::check_backup(&check).await;
    assert_eq!(fresh.severity, Severity::Ok, "{fresh:#?}");
    let old = std::time::SystemTime::now() - Duration::from_secs(30 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let stale = health::check_backup(&check).await;
    assert_eq!(stale.severity, Severity::Critical, "{stale:#?}");
    assert!(
        stale.evidence["age_hours"].as_f64().unwrap() >= 29.9,
        "{stale:#?}"
    );
    let missing = health::check_backup(&BackupCheck::File {
        path: dir.path().join("none.dump"),
        max_age: day,
    })
    .await;
    assert_eq!(missing.severity, Severity::Critical);

    let command = |command: &str| BackupCheck::Command {
        command: command.into(),
        timeout: Duration::from_secs(60),
    };
    let cases = [
        ("true", Severity::Ok, Some(0), ""),
        (
            "echo 'dump failed: disk full' >&2; exit 3",
            Severity::Critical,
            Some(3),
            "dump failed: disk full",
        ),
    ];
    for (cmd, severity, code, output) in cases {
        let r = health::check_backup(&command(cmd)).await;
        assert_eq!(r.severity, severity, "{r:#?}");
        assert_eq!(r.evidence["exit_code"].as_i64(), code.map(i64::from));
        assert_eq!(r.evidence["output"], output);
    }
    let slow = health::check_backup(&BackupCheck::Command {
        command: "sleep 30".into(),
        timeout: Duration::from_millis(100),
    })
    .await;
    assert_eq!(slow.severity, Severity::Critical);
    assert!(slow.summary.contains("did not finish"), "{}", slow.summary);

    // Backup checks run after the database's own.
    let (_, db) = common::demo_db(dir.path()).await;
    let config = HealthConfig {
        backups: vec![check],
        ..relaxed()
    };
    let results = health::run_checks(&db, &config).await;
    assert_eq!(results.last().unwrap().check, "backup");
    assert_eq!(health::worst(&results), Severity::Critical);
    db.close().await;
}
