//! Row estimates and object DDL on real PostgreSQL and MariaDB servers.

use sr_db::{Database, DbError};
use sr_model::ObjectKind;

const SCHEMA: &str = "CREATE TABLE items (id integer PRIMARY KEY, name varchar(20) NOT NULL);\n\
                      CREATE INDEX items_name ON items (name);\n\
                      INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');";

#[allow(clippy::unwrap_used)] // A test helper: a failure is the test failing.
async fn check(db: &Database, schema: &str, refresh: &str, ddl_start: &str) {
    db.execute_script(SCHEMA).await.unwrap();
    if !refresh.is_empty() {
        db.execute_script(refresh).await.unwrap();
    }
    assert_eq!(db.row_estimate(schema, "items").await.unwrap(), 3);
    let ddl = db
        .object_ddl(ObjectKind::Table, schema, "items")
        .await
        .unwrap();
    assert!(ddl.starts_with(ddl_start), "{ddl}");
    assert!(ddl.contains("CREATE INDEX"), "{ddl}");
    let err = db
        .object_ddl(ObjectKind::View, schema, "items")
        .await
        .unwrap_err();
    assert!(matches!(err, DbError::NotFound { .. }), "{err}");
    let err = db.row_estimate(schema, "nothing").await.unwrap_err();
    assert!(matches!(err, DbError::NotFound { .. }), "{err}");
    db.close().await;
}

#[tokio::test]
async fn postgres_rows_and_ddl() {
    let db = Database::connect(&sr_testkit::postgres_db().await)
        .await
        .unwrap();
    // Never analysed: counted exactly.
    check(&db, "public", "", "CREATE TABLE \"public\".\"items\"").await;
}

#[tokio::test]
async fn mariadb_rows_and_ddl() {
    let db = Database::connect(&sr_testkit::mariadb_db().await)
        .await
        .unwrap();
    let name = db.name().to_owned();
    // InnoDB's estimate is refreshed by ANALYZE, not by the insert.
    check(&db, &name, "ANALYZE TABLE items", "CREATE TABLE `items`").await;
}
