//! Drift checks end to end: the demo database against a snapshot taken
//! before an ALTER, migration directories applied to scratch databases
//! (in-memory SQLite, a temporary PostgreSQL database), and noise.

use crate::common;

use common::demo_db;
use sr_db::Database;
use sr_db::drift::{self, Baseline};

/// The drifted objects as `object name change` lines.
fn drifted(report: &drift::DriftReport) -> Vec<String> {
    report
        .differences
        .changes
        .iter()
        .map(|c| format!("{} {} {:?}", c.object.as_str(), c.name, c.change))
        .collect()
}

#[tokio::test]
async fn demo_drift_after_an_alter_is_found_and_its_migration_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = demo_db(dir.path()).await;
    let before = db.introspect().await.unwrap();
    let file = dir.path().join("baseline.json");
    std::fs::write(&file, before.to_json()).unwrap();
    let baseline = Baseline::from_arg(file.to_str().unwrap());
    assert_eq!(baseline, Baseline::SnapshotFile(file.clone()));

    let clean = drift::check(&db, &baseline, "demo").await.unwrap();
    assert!(!clean.drifted, "{}", clean.to_text());

    db.execute_script(
        "ALTER TABLE customers ADD COLUMN nickname TEXT; DROP INDEX idx_orders_customer_placed",
    )
    .await
    .unwrap();
    let report = drift::check(&db, &baseline, "demo").await.unwrap();
    assert!(report.drifted);
    let lines = drifted(&report);
    assert!(
        lines.contains(&"table customers Changed".to_owned()),
        "{lines:?}"
    );
    let text = report.to_text();
    assert!(text.contains("table main.customers changed"), "{text}");
    assert!(text.contains("column nickname"), "{text}");
    assert!(report.expected_source.starts_with("snapshot file "));
    assert_eq!(report.environment, "demo");
    assert!(report.detected_at.ends_with('Z'));
    // Dropping the added column loses its values.
    assert!(report.migration_destructive);

    db.execute_script(&report.migration_sql).await.unwrap();
    let after = drift::check(&db, &baseline, "demo").await.unwrap();
    assert!(!after.drifted, "{}", after.to_text());
    db.close().await;
}

fn migrations(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, sql) in files {
        std::fs::write(dir.path().join(name), sql).expect("write a migration");
    }
    std::fs::write(dir.path().join("README.md"), "not a migration").expect("write a file");
    dir
}

const MIGRATIONS: [(&str, &str); 2] = [
    (
        "001_customers.sql",
        "CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL);",
    ),
    (
        "002_orders.sql",
        "CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers(id));\nCREATE INDEX orders_customer ON orders (customer_id);",
    ),
];

#[tokio::test]
async fn sqlite_migration_directory_is_applied_in_order_to_a_scratch_database() {
    let dir = migrations(&MIGRATIONS);
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", tmp.path().join("live.db").display());
    let db = Database::connect(&url).await.unwrap();
    for (_, sql) in MIGRATIONS {
        db.execute_script(sql).await.unwrap();
    }
    // Rows and AUTOINCREMENT counters are not schema.
    db.execute_script("INSERT INTO customers VALUES (1, 'a@example.com'); ANALYZE;")
        .await
        .unwrap();
    let baseline = Baseline::from_arg(dir.path().to_str().unwrap());
    let report = drift::check(&db, &baseline, "local").await.unwrap();
    assert!(!report.drifted, "{}", report.to_text());

    db.execute_script("DROP INDEX orders_customer")
        .await
        .unwrap();
    let report = drift::check(&db, &baseline, "local").await.unwrap();
    assert_eq!(drifted(&report), ["index orders_customer Removed"]);
    assert!(
        report
            .migration_sql
            .contains("CREATE INDEX \"orders_customer\"")
    );
    assert!(
        report
            .rollback_sql
            .contains("DROP INDEX \"orders_customer\"")
    );
    db.close().await;
}

#[tokio::test]
async fn postgres_migration_directory_uses_a_temporary_database() {
    let dir = migrations(&MIGRATIONS);
    let db = Database::connect(&sr_testkit::postgres_db().await)
        .await
        .unwrap();
    for (_, sql) in MIGRATIONS {
        db.execute_script(sql).await.unwrap();
    }
    db.execute_script("ALTER TABLE customers ALTER COLUMN email TYPE varchar(40)")
        .await
        .unwrap();
    let baseline = Baseline::Migrations(dir.path().to_owned());
    let report = drift::check(&db, &baseline, "staging").await.unwrap();
    assert_eq!(drifted(&report), ["table customers Changed"]);
    assert!(
        report.migration_sql.contains("TYPE text"),
        "{}",
        report.migration_sql
    );
    db.execute_script(&report.migration_sql).await.unwrap();
    let report = drift::check(&db, &baseline, "staging").await.unwrap();
    assert!(!report.drifted, "{}", report.to_text());
    // The scratch databases are gone.
    let left: i64 = match db.pool() {
        sr_db::DbPool::Postgres(p) => sqlx::query_scalar(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'sr\\_scratch\\_%'",
        )
        .fetch_one(p)
        .await
        .unwrap(),
        _ => unreachable!(),
    };
    assert_eq!(left, 0);
    db.close().await;
}

#[tokio::test]
async fn a_baseline_that_cannot_be_read_says_which_and_why() {
    let tmp = tempfile::tempdir().unwrap();
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = drift::check(&db, &Baseline::Migrations(empty.clone()), "x")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot read the drift baseline migrations in {}: the directory holds no .sql files",
            empty.display()
        )
    );
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{").unwrap();
    let err = drift::check(&db, &Baseline::SnapshotFile(bad), "x")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("the snapshot JSON is invalid"),
        "{err}"
    );
}

#[tokio::test]
async fn schema_diff_sources_load_without_a_database() {
    let dir = migrations(&MIGRATIONS);
    let source = Baseline::Migrations(dir.path().to_owned());
    let snap = drift::load_snapshot(&source, sr_db::Dialect::Sqlite, None)
        .await
        .unwrap();
    let names: Vec<&str> = snap.schemas[0]
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["customers", "orders"]);
    let err = drift::load_snapshot(&source, sr_db::Dialect::Postgres, None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot read the drift baseline migrations: applying PostgreSQL migrations needs a \
         PostgreSQL server to create a scratch database on; name one with --db"
    );
}
