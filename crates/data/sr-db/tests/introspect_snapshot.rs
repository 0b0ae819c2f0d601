//! A PostgreSQL snapshot is read on several connections at once: every
//! query must see the same state. Tables are created (each with its
//! columns, key, index and comment in one transaction) while two
//! snapshots are taken at once, over and over; a snapshot that mixed two
//! states would show a table without its columns, or an index or key
//! without its table.

use sr_db::Database;

/// Creates table `t{i}` with two columns, a primary key, an index and a
/// comment, all at once.
fn table_sql(i: usize) -> String {
    format!(
        "BEGIN; CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x'); \
         CREATE INDEX t{i}_name ON t{i} (name); COMMENT ON TABLE t{i} IS 'table {i}'; COMMIT;"
    )
}

fn check(snapshot: &sr_schema::Snapshot) -> usize {
    let public = snapshot
        .schemas
        .iter()
        .find(|s| s.name == "public")
        .expect("the public schema");
    for t in &public.tables {
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "name"], "columns of {}", t.name);
        assert!(t.primary_key.is_some(), "primary key of {}", t.name);
        assert_eq!(
            t.comment.as_deref(),
            Some(format!("table {}", &t.name[1..]).as_str()),
            "comment of {}",
            t.name
        );
        let default = t.columns[1].default.as_deref();
        assert_eq!(default, Some("'x'::text"), "default of {}.name", t.name);
    }
    for i in &public.indexes {
        assert!(
            public.tables.iter().any(|t| t.name == i.table),
            "index {} without its table",
            i.name
        );
    }
    assert_eq!(public.indexes.len(), public.tables.len(), "one index each");
    public.tables.len()
}

#[tokio::test]
async fn snapshots_read_on_several_connections_see_one_state() {
    let url = sr_testkit::postgres_db().await;
    let db = Database::connect(&url).await.expect("connect");
    let writer = Database::connect(&url).await.expect("connect the writer");
    let tables = 150;
    let write = async {
        for i in 0..tables {
            writer.execute_script(&table_sql(i)).await.expect("create");
        }
    };
    let read = async {
        let mut seen = Vec::new();
        loop {
            // Two at once on the same pool, as drift check reads a live
            // baseline and the database together.
            let (a, b) = tokio::join!(db.introspect(), db.introspect());
            let (a, b) = (a.expect("snapshot a"), b.expect("snapshot b"));
            seen.push(check(&a));
            seen.push(check(&b));
            if seen.last() == Some(&tables) {
                return seen;
            }
        }
    };
    let ((), seen) = tokio::join!(write, read);
    // The snapshots were taken while tables were being added: some saw
    // fewer than all of them, which is what makes the checks above count.
    assert!(seen.iter().any(|n| *n < tables), "{seen:?}");
    db.close().await;
    writer.close().await;
}
