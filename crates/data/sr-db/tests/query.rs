//! The SQL editor's statements on real SQLite, PostgreSQL and MariaDB:
//! every value as the server prints it, NULL apart, the row limit, rows
//! affected, EXPLAIN without running, and cancellation on the server.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::time::Duration;

use sr_db::{Database, DbError, QueryCancel, QueryOutput};

const SETUP: &str = "CREATE TABLE t (id integer PRIMARY KEY, name varchar(20), score real);\n\
                     INSERT INTO t VALUES (1, 'a', 1.5), (2, NULL, 2), (3, 'c|d', NULL);";

async fn run(db: &Database, sql: &str, max_rows: usize) -> QueryOutput {
    let (_keep, cancel) = QueryCancel::new();
    db.run_query(sql, max_rows, cancel).await.unwrap()
}

/// The rows of `out` as `a,b,NULL` lines.
fn lines(out: &QueryOutput) -> Vec<String> {
    (0..out.row_count())
        .map(|i| {
            out.row(i)
                .iter()
                .map(|c| c.as_deref().unwrap_or("NULL").to_owned())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// The same statements on every dialect; `score` renders as each server
/// prints a real.
async fn check(db: &Database, one_and_a_half: &str, two: &str) {
    db.execute_script(SETUP).await.unwrap();
    let out = run(db, "SELECT id, name, score FROM t ORDER BY id", 100).await;
    assert_eq!(out.columns, ["id", "name", "score"]);
    assert_eq!(
        lines(&out),
        [
            format!("1,a,{one_and_a_half}"),
            format!("2,NULL,{two}"),
            "3,c|d,NULL".to_owned()
        ]
    );
    assert!(!out.truncated);

    let out = run(db, "SELECT id FROM t ORDER BY id", 2).await;
    assert_eq!(
        (lines(&out), out.truncated),
        (vec!["1".into(), "2".into()], true)
    );

    let out = run(db, "UPDATE t SET score = 0 WHERE id > 1", 100).await;
    assert_eq!((out.row_count(), out.rows_affected), (0, 2));

    let plan = db
        .explain("UPDATE t SET score = 9 WHERE id = 1")
        .await
        .unwrap();
    assert!(!plan.is_empty());
    let out = run(db, "SELECT score FROM t WHERE id = 1", 100).await;
    assert_eq!(
        lines(&out),
        [one_and_a_half],
        "EXPLAIN never runs the update"
    );

    let (_keep, cancel) = QueryCancel::new();
    let err = db
        .run_query("SELECT nope FROM t", 10, cancel)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[tokio::test]
async fn sqlite_values_limits_and_plans() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.db");
    std::fs::File::create(&path).unwrap();
    let db = Database::open_sqlite(&path).await.unwrap();
    check(&db, "1.5", "2.0").await;
    db.close().await;
}

#[tokio::test]
async fn postgres_values_limits_and_plans() {
    let db = Database::connect(&sr_testkit::postgres_db().await)
        .await
        .unwrap();
    check(&db, "1.5", "2").await;
    db.close().await;
}

#[tokio::test]
async fn mariadb_values_limits_and_plans() {
    let db = Database::connect(&sr_testkit::mariadb_db().await)
        .await
        .unwrap();
    check(&db, "1.5", "2").await;
    db.close().await;
}

/// Waits until `probe` sees the statement running (or not), polling the
/// server's own activity view: the state to wait for is on the server.
async fn until_server(db: &Database, probe: &str, running: bool) {
    for _ in 0..500 {
        let out = run(db, probe, 10).await;
        if (out.row_count() > 0) == running {
            return;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server never showed the statement running = {running}");
}

async fn check_cancel(db: &Database, slow: &str, probe: &str) {
    let (handle, cancel) = QueryCancel::new();
    let task = {
        let db = db.clone();
        let slow = slow.to_owned();
        tokio::spawn(async move { db.run_query(&slow, 10, cancel).await })
    };
    until_server(db, probe, true).await;
    handle.cancel();
    let err = task.await.unwrap().unwrap_err();
    assert!(matches!(err, DbError::StatementCancelled { .. }), "{err}");
    until_server(db, probe, false).await;
}

#[tokio::test]
async fn postgres_cancel_stops_the_statement_on_the_server() {
    let db = Database::connect(&sr_testkit::postgres_db().await)
        .await
        .unwrap();
    check_cancel(
        &db,
        "SELECT pg_sleep(60)",
        "SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'",
    )
    .await;
    db.close().await;
}

#[tokio::test]
async fn mariadb_cancel_stops_the_statement_on_the_server() {
    let db = Database::connect(&sr_testkit::mariadb_db().await)
        .await
        .unwrap();
    check_cancel(
        &db,
        "SELECT SLEEP(60)",
        "SELECT id FROM information_schema.processlist WHERE info = 'SELECT SLEEP(60)'",
    )
    .await;
    db.close().await;
}
