//! The demo database file: built once and atomically, and what the
//! workbench reads from it besides the schema (row counts, stored DDL,
//! version hashes after a change).

use crate::common;

use common::demo_db;
use sr_db::{Database, DbError, demo};
use sr_model::ObjectKind;
use sr_schema::Snapshot;

#[tokio::test]
async fn the_demo_database_is_built_once_and_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo::demo_path(dir.path());
    let first = demo::ensure_demo_db(&path).await.unwrap();
    assert_eq!(first, path);
    let bytes = std::fs::read(&path).unwrap();
    // A second call leaves the existing file alone, changes included.
    let db = Database::open_sqlite(&path).await.unwrap();
    db.close().await;
    let again = demo::ensure_demo_db(&path).await.unwrap();
    assert_eq!(again, path);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [demo::FILE_NAME], "no temporary file is left behind");
}

#[tokio::test]
async fn concurrent_callers_both_get_the_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo::demo_path(dir.path());
    let (a, b) = tokio::join!(demo::ensure_demo_db(&path), demo::ensure_demo_db(&path));
    assert_eq!((a.unwrap(), b.unwrap()), (path.clone(), path.clone()));
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "one database and no temporary file");
    let db = Database::open_sqlite(&path).await.unwrap();
    assert_eq!(db.row_estimate("main", "orders").await.unwrap(), 120);
    db.close().await;
}

#[tokio::test]
async fn a_missing_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b").join(demo::FILE_NAME);
    assert_eq!(demo::ensure_demo_db(&path).await.unwrap(), path);
    assert!(path.is_file());
}

#[tokio::test]
async fn row_counts_and_rendered_ddl() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = demo_db(dir.path()).await;
    let counts = [
        ("orders", 120),
        ("customers", 60),
        ("order_items", 300),
        ("products", 40),
    ];
    for (table, n) in counts {
        assert_eq!(db.row_estimate("main", table).await.unwrap(), n, "{table}");
    }
    assert!(matches!(
        db.row_estimate("main", "nope").await,
        Err(DbError::NotFound {
            kind: ObjectKind::Table,
            ..
        })
    ));

    let ddl = db
        .object_ddl(ObjectKind::Table, "main", "orders")
        .await
        .unwrap();
    assert!(ddl.starts_with("CREATE TABLE \"orders\" ("), "{ddl}");
    // A table's statements bring its indexes and triggers along.
    assert!(
        ddl.contains("CREATE TRIGGER orders_touch_updated_at"),
        "{ddl}"
    );
    let ddl = db
        .object_ddl(ObjectKind::Index, "main", "idx_orders_open")
        .await
        .unwrap();
    assert!(ddl.contains("WHERE status IN ('pending', 'paid')"), "{ddl}");
    let ddl = db
        .object_ddl(ObjectKind::View, "main", "low_stock")
        .await
        .unwrap();
    assert!(ddl.starts_with("CREATE VIEW \"low_stock\"("), "{ddl}");
    assert!(ddl.contains("AS product_id"), "{ddl}");

    let missing = [
        (ObjectKind::View, "main", "orders"),
        (ObjectKind::Table, "other", "orders"),
        (ObjectKind::Sequence, "main", "orders"),
    ];
    for (kind, schema, name) in missing {
        let err = db.object_ddl(kind, schema, name).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{kind} `{schema}.{name}` does not exist in sqlite://{}; check the name, or refresh the schema",
                dir.path().join(demo::FILE_NAME).display()
            )
        );
    }
    db.close().await;
}

#[tokio::test]
async fn version_hashes_change_with_the_definition() {
    let dir = tempfile::tempdir().unwrap();
    let (path, db) = demo_db(dir.path()).await;
    let before = db.introspect().await.unwrap();
    db.close().await;

    let copy = dir.path().join("altered.sqlite");
    std::fs::copy(&path, &copy).unwrap();
    let altered = Database::open_sqlite(&copy).await.unwrap();
    let sr_db::DbPool::Sqlite(pool) = altered.pool() else {
        panic!("an SQLite file opened as {:?}", altered.dialect());
    };
    sqlx::raw_sql(
        "ALTER TABLE orders ADD COLUMN gift_message TEXT; \
         DROP INDEX idx_orders_open; \
         CREATE INDEX idx_orders_open ON orders (placed_at) WHERE status = 'pending';",
    )
    .execute(pool)
    .await
    .unwrap();
    let after = altered.introspect().await.unwrap();
    altered.close().await;

    let hash = |s: &Snapshot, name: &str| s.find(Some("main"), name)[0].version_hash.clone();
    assert_ne!(hash(&before, "orders"), hash(&after, "orders"));
    assert_ne!(
        hash(&before, "idx_orders_open"),
        hash(&after, "idx_orders_open")
    );
    for unchanged in [
        "customers",
        "order_items",
        "order_totals",
        "idx_customers_email_lower",
    ] {
        assert_eq!(
            hash(&before, unchanged),
            hash(&after, unchanged),
            "{unchanged}"
        );
    }
    assert_eq!(
        after
            .table("main", "orders")
            .unwrap()
            .columns
            .last()
            .unwrap()
            .name,
        "gift_message"
    );
}
