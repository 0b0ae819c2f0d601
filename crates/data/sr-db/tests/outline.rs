//! A PostgreSQL database's outline (its schemas, then each one's object
//! names) lists exactly what its snapshot lists, in the same order, so a
//! tree shown from the outline does not change when the snapshot follows:
//! on the Pagila sample and on a schema made of the cases the catalog
//! rules leave out (constraint, partition and extension objects, cloned
//! triggers, identity sequences, overloads, a partitioned table).

use sr_db::Database;
use sr_schema::SchemaOutline;

/// Every schema's outline against the snapshot's, on the database at `url`.
#[allow(clippy::unwrap_used)] // A test helper: a failure is the test failing.
async fn outlines_match_the_snapshot(url: &str) -> usize {
    let db = Database::connect(url).await.unwrap();
    assert!(db.streams_schemas());
    let snapshot = db.introspect().await.unwrap();
    let names = db.schema_names().await.unwrap();
    let expected: Vec<&str> = snapshot.schemas.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, expected);
    let mut objects = 0;
    for schema in &snapshot.schemas {
        let outline = db.schema_outline(&schema.name).await.unwrap();
        assert_eq!(outline, SchemaOutline::of(schema), "schema {}", schema.name);
        objects += outline.len();
    }
    let none = db.schema_outline("no_such_schema").await.unwrap();
    assert!(none.is_empty());
    db.close().await;
    objects
}

#[tokio::test]
async fn the_pagila_outline_is_its_snapshots() {
    let url = sr_testkit::postgres_db().await;
    let sql = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/samples/pagila/pagila-schema.sql"
    ))
    .expect("the Pagila schema");
    let db = Database::connect(&url).await.expect("connects");
    db.execute_script(&sql).await.expect("Pagila loads");
    db.close().await;
    let objects = outlines_match_the_snapshot(&url).await;
    assert!(objects > 100, "{objects} objects");
}

#[tokio::test]
async fn what_the_snapshot_leaves_out_the_outline_leaves_out() {
    let url = sr_testkit::postgres_db().await;
    let db = Database::connect(&url).await.expect("connects");
    db.execute_script(
        r#"CREATE SCHEMA "Sales";
        CREATE TABLE "Sales"."Orders" (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            code text UNIQUE,
            during tstzrange,
            EXCLUDE USING gist (during WITH &&));
        CREATE TABLE "Sales".b (n serial, placed date NOT NULL) PARTITION BY RANGE (placed);
        CREATE TABLE "Sales".b_2024 PARTITION OF "Sales".b
            FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE INDEX b_placed ON "Sales".b (placed);
        CREATE SEQUENCE "Sales".ticket;
        CREATE VIEW "Sales".big AS SELECT id FROM "Sales"."Orders" WHERE id > 10;
        CREATE MATERIALIZED VIEW "Sales".totals AS SELECT count(*) AS n FROM "Sales"."Orders";
        CREATE INDEX totals_n ON "Sales".totals (n);
        CREATE FUNCTION "Sales".touch() RETURNS trigger LANGUAGE plpgsql
            AS 'BEGIN RETURN NEW; END';
        CREATE TRIGGER b_touch BEFORE INSERT ON "Sales".b
            FOR EACH ROW EXECUTE FUNCTION "Sales".touch();
        CREATE TRIGGER orders_touch BEFORE UPDATE ON "Sales"."Orders"
            FOR EACH ROW EXECUTE FUNCTION "Sales".touch();
        CREATE FUNCTION "Sales".f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
        CREATE FUNCTION "Sales".f(a text) RETURNS text LANGUAGE sql AS 'SELECT a';
        CREATE PROCEDURE "Sales".p() LANGUAGE sql AS 'SELECT 1';
        CREATE AGGREGATE "Sales".total(integer) (SFUNC = int4pl, STYPE = integer);
        CREATE TABLE public.a (id integer PRIMARY KEY, orders_id bigint);
        CREATE INDEX "A_idx" ON public.a (orders_id);"#,
    )
    .await
    .expect("the schema");
    db.close().await;
    let objects = outlines_match_the_snapshot(&url).await;
    assert!(objects >= 14, "{objects} objects");
}
