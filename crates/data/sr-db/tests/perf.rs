//! Query benches against real databases: plans that name the index a query
//! starts to use, writes that are never executed by EXPLAIN ANALYZE and
//! leave their rows as they were, a regression found when a table grows a
//! hundredfold and loses its index, pg_stat_statements, and cancellation
//! that stops the statement on the server.

use std::time::{Duration, Instant};

use sr_db::perf::{
    BenchOptions, BenchReport, CancellationToken, DEFAULT_THRESHOLD, StatStatements, StatementKind,
    Verdict, compare, spawn_bench,
};
use sr_db::{Database, DbError};

async fn bench(db: &Database, sql: &str) -> BenchReport {
    let opts = BenchOptions::default();
    db.bench(sql, &opts, &CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("bench {sql}: {e}"))
}

async fn pg() -> Database {
    Database::connect(&sr_testkit::postgres_db().await)
        .await
        .expect("connect to the test PostgreSQL")
}

async fn mariadb() -> Database {
    Database::connect(&sr_testkit::mariadb_db().await)
        .await
        .expect("connect to the test MariaDB")
}

async fn sqlite(dir: &tempfile::TempDir) -> Database {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("perf.db").display());
    Database::connect(&url).await.expect("open a SQLite file")
}

/// A table of `rows` rows whose `k` column is unindexed. Sizes are chosen
/// so an index changes the median by far more than a loaded machine's noise.
fn table_sql(dialect: sr_db::Dialect, rows: u32) -> String {
    match dialect {
        sr_db::Dialect::Postgres => format!(
            "CREATE TABLE items (id bigint PRIMARY KEY, k integer NOT NULL, pad text NOT NULL);
             INSERT INTO items SELECT g, g, repeat('x', 40) FROM generate_series(1, {rows}) g;
             ANALYZE items;"
        ),
        sr_db::Dialect::MySql => format!(
            "CREATE TABLE items (id bigint PRIMARY KEY, k integer NOT NULL, pad text NOT NULL);
             INSERT INTO items SELECT seq, seq, repeat('x', 40) FROM seq_1_to_{rows};
             ANALYZE TABLE items;"
        ),
        sr_db::Dialect::Sqlite => format!(
            "CREATE TABLE items (id integer PRIMARY KEY, k integer NOT NULL, pad text NOT NULL);
             WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {rows})
             INSERT INTO items SELECT n, n, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' FROM g;
             ANALYZE;"
        ),
    }
}

const LOOKUP: &str = "SELECT pad FROM items WHERE k = 4242";

#[tokio::test]
async fn an_index_makes_a_seq_scan_faster_and_the_plan_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    for db in [pg().await, mariadb().await, sqlite(&tmp).await] {
        let dialect = db.dialect();
        db.execute_script(&table_sql(dialect, 300_000))
            .await
            .unwrap();
        let before = bench(&db, LOOKUP).await;
        assert_eq!(before.statement, StatementKind::Select);
        assert_eq!(before.rows_returned, 1, "{dialect:?}");
        assert_eq!(
            before.plan.seq_scans,
            ["items"],
            "{dialect:?}: {:?}",
            before.plan
        );
        assert!(
            before.plan.index_scans.is_empty(),
            "{dialect:?}: {:?}",
            before.plan
        );
        assert_eq!(before.runs_ms.len(), 10);

        db.execute_script("CREATE INDEX items_k ON items (k)")
            .await
            .unwrap();
        let after = bench(&db, LOOKUP).await;
        assert_eq!(
            after.plan.index_scans,
            ["items_k"],
            "{dialect:?}: {:?}",
            after.plan
        );
        assert!(
            after.plan.seq_scans.is_empty(),
            "{dialect:?}: {:?}",
            after.plan
        );
        let c = compare(&before.stats, &after.stats, DEFAULT_THRESHOLD);
        assert_eq!(c.verdict, Verdict::Improved, "{dialect:?}: {}", c.reason);
        assert_eq!(before.fingerprint, after.fingerprint);
        if dialect != sr_db::Dialect::Sqlite {
            // Measured by ANALYZE: every row read before, one after.
            assert!(before.plan.analyzed && after.plan.analyzed);
            assert_eq!(before.plan.rows_scanned, Some(300_000.0), "{dialect:?}");
            assert_eq!(after.plan.rows_scanned, Some(1.0), "{dialect:?}");
        }
        db.close().await;
    }
}

#[tokio::test]
async fn writes_are_never_explain_analyzed_and_their_rows_stay_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    for db in [pg().await, mariadb().await, sqlite(&tmp).await] {
        let dialect = db.dialect();
        db.execute_script(
            "CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL);
             INSERT INTO accounts VALUES (1, 100);",
        )
        .await
        .unwrap();
        for sql in [
            "UPDATE accounts SET balance = balance + 1 WHERE id = 1",
            "DELETE FROM accounts WHERE id = 1",
            "INSERT INTO accounts VALUES (2, 5)",
        ] {
            let r = bench(&db, sql).await;
            assert_eq!(r.statement, StatementKind::Write, "{sql}");
            assert!(r.rolled_back, "{sql}");
            assert!(!r.plan.analyzed, "{dialect:?} {sql}: {:?}", r.plan);
            assert!(
                r.plan.notes.iter().any(|n| n.contains("without ANALYZE")),
                "{:?}",
                r.plan.notes
            );
        }
        // Eleven UPDATEs, DELETEs and INSERTs, and nothing changed.
        let rows = pg_or_any_rows(&db, "SELECT id, balance FROM accounts ORDER BY id").await;
        assert_eq!(rows, vec![(1, 100)], "{dialect:?}");
        db.close().await;
    }
}

/// Reads `(id, balance)` pairs through a bench of the query itself would
/// be circular; this goes through sqlx directly.
async fn pg_or_any_rows(db: &Database, sql: &str) -> Vec<(i64, i64)> {
    use sqlx::Row;
    match db.pool() {
        sr_db::DbPool::Postgres(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .expect("read the rows back")
            .iter()
            .map(|r| (i64::from(r.get::<i32, _>(0)), i64::from(r.get::<i32, _>(1))))
            .collect(),
        sr_db::DbPool::MySql(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .expect("read the rows back")
            .iter()
            .map(|r| (i64::from(r.get::<i32, _>(0)), i64::from(r.get::<i32, _>(1))))
            .collect(),
        sr_db::DbPool::Sqlite(p) => sqlx::query(sql)
            .fetch_all(p)
            .await
            .expect("read the rows back")
            .iter()
            .map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1)))
            .collect(),
    }
}

#[tokio::test]
async fn a_table_grown_a_hundredfold_without_its_index_is_a_regression() {
    let tmp = tempfile::tempdir().unwrap();
    for db in [pg().await, sqlite(&tmp).await] {
        let dialect = db.dialect();
        db.execute_script(&table_sql(dialect, 3_000)).await.unwrap();
        db.execute_script("CREATE INDEX items_k ON items (k)")
            .await
            .unwrap();
        let baseline = bench(&db, LOOKUP).await;
        assert_eq!(baseline.plan.index_scans, ["items_k"]);

        db.execute_script("DROP TABLE items").await.unwrap();
        db.execute_script(&table_sql(dialect, 300_000))
            .await
            .unwrap();
        let now = bench(&db, LOOKUP).await;
        assert_eq!(now.plan.seq_scans, ["items"]);
        let c = compare(&baseline.stats, &now.stats, DEFAULT_THRESHOLD);
        assert_eq!(c.verdict, Verdict::Regressed, "{dialect:?}: {}", c.reason);
        // The same query with another value shares the baseline.
        let other = bench(&db, "SELECT pad FROM items WHERE k = 7").await;
        assert_eq!(other.fingerprint, baseline.fingerprint);
        db.close().await;
    }
}

#[tokio::test]
async fn pg_stat_statements_is_read_when_installed_and_said_missing_when_not() {
    let db = pg().await;
    db.execute_script(&table_sql(sr_db::Dialect::Postgres, 1_000))
        .await
        .unwrap();
    let missing = bench(&db, LOOKUP).await;
    match &missing.pg_stat_statements {
        StatStatements::NotInstalled { hint } => {
            assert!(
                hint.contains("CREATE EXTENSION pg_stat_statements"),
                "{hint}"
            );
        }
        other => panic!("expected NotInstalled, got {other:?}"),
    }
    let sqlx_pool = match db.pool() {
        sr_db::DbPool::Postgres(p) => p.clone(),
        _ => unreachable!(),
    };
    let preload: String = sqlx::query_scalar("SHOW shared_preload_libraries")
        .fetch_one(&sqlx_pool)
        .await
        .unwrap();
    if std::env::var(sr_testkit::PG_URL_ENV).is_err() {
        // sr-testkit started this server: it preloads the library.
        assert!(preload.contains("pg_stat_statements"), "{preload:?}");
    }
    db.execute_script("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .await
        .unwrap();
    let r = bench(&db, LOOKUP).await;
    if preload.contains("pg_stat_statements") {
        match &r.pg_stat_statements {
            // The warm-up and ten timed runs, and ANALYZE's own execution
            // is not counted as a call of the query.
            StatStatements::Found { calls, mean_ms, .. } => {
                assert!(*calls >= 11, "{:?}", r.pg_stat_statements);
                assert!(*mean_ms > 0.0);
            }
            other => panic!("expected Found, got {other:?}"),
        }
    } else {
        // A server started elsewhere without the library preloaded.
        assert!(
            matches!(r.pg_stat_statements, StatStatements::Unavailable { .. }),
            "{:?}",
            r.pg_stat_statements
        );
    }
    db.close().await;
}

#[tokio::test]
async fn cancel_stops_the_statement_on_the_server() {
    for (db, sql, active) in [
        (
            pg().await,
            "SELECT pg_sleep(60)",
            "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'",
        ),
        (
            mariadb().await,
            "SELECT SLEEP(60)",
            "SELECT count(*) FROM information_schema.processlist WHERE info = 'SELECT SLEEP(60)'",
        ),
    ] {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let opts = BenchOptions {
            progress: Some(tx),
            ..BenchOptions::default()
        };
        let started = Instant::now();
        let handle = spawn_bench(db.clone(), sql.to_owned(), opts, cancel.clone());
        let first = rx.recv().await.expect("the warm-up starts");
        assert!(first.warm_up && first.run == 0 && first.of == 11);
        cancel.cancel();
        let result = tokio::time::timeout(Duration::from_secs(30), handle)
            .await
            .expect("the bench ends soon after the cancel")
            .expect("the bench task");
        assert!(
            matches!(result, Err(DbError::Cancelled { .. })),
            "{result:?}"
        );
        // Well before the statement's 60 s: it was stopped, not waited for.
        assert!(started.elapsed() < Duration::from_secs(30));
        // The server ends the statement when it handles the cancel, a moment
        // after the client got its answer: watch its activity list until
        // the statement is gone, well before its own 60 s would end it.
        loop {
            let still: i64 = match db.pool() {
                sr_db::DbPool::Postgres(p) => {
                    sqlx::query_scalar(active).fetch_one(p).await.unwrap()
                }
                sr_db::DbPool::MySql(p) => sqlx::query_scalar(active).fetch_one(p).await.unwrap(),
                sr_db::DbPool::Sqlite(_) => unreachable!(),
            };
            if still == 0 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{sql} still runs on the server"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        db.close().await;
    }
}

#[tokio::test]
async fn a_cancelled_sqlite_bench_stops_before_its_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite(&tmp).await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let r = db
        .bench("SELECT 1", &BenchOptions::default(), &cancel)
        .await;
    assert!(matches!(r, Err(DbError::Cancelled { .. })), "{r:?}");
    db.close().await;
}

#[tokio::test]
async fn ddl_and_several_statements_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite(&tmp).await;
    db.execute_script("CREATE TABLE t (a integer)")
        .await
        .unwrap();
    let cases = [
        ("DROP TABLE t", "DDL"),
        ("SELECT 1; SELECT 2", "more than one statement"),
        ("VACUUM", "neither a query"),
        ("   ", "no statement"),
    ];
    for (sql, says) in cases {
        match db
            .bench(sql, &BenchOptions::default(), &CancellationToken::new())
            .await
        {
            Err(e @ DbError::Bench { .. }) => assert!(e.to_string().contains(says), "{sql}: {e}"),
            other => panic!("{sql}: expected a refusal, got {other:?}"),
        }
    }
    // The table is still there.
    assert_eq!(bench(&db, "SELECT * FROM t").await.rows_returned, 0);
    db.close().await;
}
