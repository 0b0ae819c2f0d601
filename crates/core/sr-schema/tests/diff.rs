//! The diff and the renderer on hand-built snapshots: which changes are
//! found, which are destructive, what is noise, and the order statements
//! come in. Round trips against real databases live in sr-db's golden cases.

use sr_schema::{
    ChangeKind, Column, Dialect, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Snapshot,
    Table, View, diff, render,
};

fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ty, true)
}

fn table(name: &str, columns: &[(&str, &str)]) -> Table {
    Table {
        columns: columns.iter().map(|(n, t)| col(n, t)).collect(),
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec![columns[0].0.to_owned()],
        }),
        ..Table::new(name)
    }
}

fn snap(dialect: Dialect, tables: Vec<Table>) -> Snapshot {
    let mut s = Snapshot::new(dialect, "db");
    let mut public = Schema::new("public");
    public.tables = tables;
    s.schemas.push(public);
    s
}

/// One line per change: `object name change [D]` and its attributes.
fn summary(a: &Snapshot, b: &Snapshot) -> Vec<String> {
    let d = diff(a, b);
    let mut out = Vec::new();
    for c in &d.changes {
        let kind = match c.change {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        };
        let mark = if c.destructive { " D" } else { "" };
        out.push(format!("{} {} {kind}{mark}", c.object.as_str(), c.name));
        for a in &c.attributes {
            let mark = if a.destructive { " D" } else { "" };
            out.push(format!("  {}{mark}", a.attribute));
        }
    }
    out
}

fn check(a: Vec<Table>, b: Vec<Table>, expected: &[&str]) {
    let got = summary(&snap(Dialect::Postgres, a), &snap(Dialect::Postgres, b));
    assert_eq!(got, expected);
}

#[test]
fn changes_and_destructive_marks() {
    let t = |cols: &[(&str, &str)]| vec![table("t", cols)];
    check(t(&[("id", "integer")]), t(&[("id", "integer")]), &[]);
    check(
        t(&[("id", "integer")]),
        t(&[("id", "integer"), ("x", "text")]),
        &["table t changed", "  column x"],
    );
    check(
        t(&[("id", "integer"), ("x", "text")]),
        t(&[("id", "integer")]),
        &["table t changed D", "  column x D"],
    );
    check(
        t(&[("id", "integer")]),
        t(&[("id", "bigint")]),
        &["table t changed", "  column id.type"],
    );
    check(
        t(&[("id", "bigint")]),
        t(&[("id", "integer")]),
        &["table t changed D", "  column id.type D"],
    );
    check(t(&[("id", "integer")]), vec![], &["table t removed D"]);
    check(vec![], t(&[("id", "integer")]), &["table t added"]);
    // Column order is not a difference.
    check(
        t(&[("id", "integer"), ("a", "text"), ("b", "text")]),
        t(&[("id", "integer"), ("b", "text"), ("a", "text")]),
        &[],
    );
}

#[test]
fn version_hashes_and_formatting_are_noise() {
    let view = |def: &str, hash: &str| View {
        name: "v".into(),
        definition: def.into(),
        version_hash: hash.into(),
        ..View::default()
    };
    let mut a = snap(Dialect::Postgres, vec![]);
    let mut b = snap(Dialect::Postgres, vec![]);
    a.schemas[0].views.push(view("SELECT a,  b FROM t", "old"));
    b.schemas[0]
        .views
        .push(view("SELECT a, b\n  FROM t;", "new"));
    assert!(diff(&a, &b).is_empty());
}

#[test]
fn json_form_names_every_destructive_change() {
    let a = snap(Dialect::Postgres, vec![table("t", &[("id", "integer")])]);
    let b = snap(Dialect::Postgres, vec![]);
    let json: serde_json::Value = serde_json::from_str(&diff(&a, &b).to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "dialect": "postgres",
            "changes": [{
                "object": "table", "schema": "public", "name": "t",
                "change": "removed", "destructive": true
            }]
        })
    );
}

/// The statements' first words, in order.
fn verbs(a: &Snapshot, b: &Snapshot, dialect: Dialect) -> Vec<String> {
    render(&diff(a, b), dialect)
        .statements
        .iter()
        .map(|s| s.sql.split(" (").next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn referenced_tables_come_first_and_dependents_go_first() {
    let mut orders = table("orders", &[("id", "integer"), ("customer_id", "integer")]);
    orders.foreign_keys.push(ForeignKey {
        name: Some("orders_customer_fk".into()),
        columns: vec!["customer_id".into()],
        referenced_schema: "public".into(),
        referenced_table: "customers".into(),
        referenced_columns: vec!["id".into()],
        ..ForeignKey::default()
    });
    let customers = table("customers", &[("id", "integer")]);
    let empty = snap(Dialect::Postgres, vec![]);
    let mut full = snap(Dialect::Postgres, vec![orders, customers]);
    full.schemas[0].indexes.push(Index {
        name: "orders_customer".into(),
        table: "orders".into(),
        columns: vec![IndexColumn::column("customer_id")],
        ..Index::default()
    });
    full.schemas[0].views.push(View {
        name: "v".into(),
        definition: "SELECT id FROM orders".into(),
        ..View::default()
    });
    assert_eq!(
        verbs(&empty, &full, Dialect::Postgres),
        [
            "BEGIN",
            "SET LOCAL search_path TO DEFAULT",
            "CREATE TABLE \"public\".\"customers\"",
            "CREATE TABLE \"public\".\"orders\"",
            "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_customer_fk\" FOREIGN KEY",
            "CREATE VIEW \"public\".\"v\" AS SELECT id FROM orders",
            "CREATE INDEX \"orders_customer\" ON \"public\".\"orders\" USING btree",
            "COMMIT",
        ]
        .map(|s| s.replace(" USING btree", ""))
    );
    assert_eq!(
        verbs(&full, &empty, Dialect::Postgres),
        [
            "BEGIN",
            "SET LOCAL search_path TO DEFAULT",
            "DROP VIEW \"public\".\"v\"",
            "DROP TABLE \"public\".\"orders\"",
            "DROP TABLE \"public\".\"customers\"",
            "COMMIT",
        ]
    );
    let script = render(&diff(&full, &empty), Dialect::Postgres);
    assert!(
        script
            .statements
            .iter()
            .filter(|s| s.sql.starts_with("DROP TABLE"))
            .all(|s| s.destructive)
    );
    assert!(
        script
            .to_sql()
            .contains("-- destructive: may lose data\nDROP TABLE")
    );
}

#[test]
fn sqlite_rebuilds_what_alter_cannot_do() {
    let a = snap(
        Dialect::Sqlite,
        vec![table("t", &[("id", "INTEGER"), ("x", "TEXT")])],
    );
    let b = snap(Dialect::Sqlite, vec![table("t", &[("id", "INTEGER")])]);
    assert_eq!(
        verbs(&a, &b, Dialect::Sqlite),
        [
            "PRAGMA foreign_keys = OFF",
            "BEGIN",
            "PRAGMA legacy_alter_table = ON",
            "CREATE TABLE \"_sr_new_t\"",
            "INSERT INTO \"_sr_new_t\"",
            "DROP TABLE \"t\"",
            "ALTER TABLE \"_sr_new_t\" RENAME TO \"t\"",
            "PRAGMA legacy_alter_table = OFF",
            "COMMIT",
            "PRAGMA foreign_keys = ON",
        ]
    );
    // Adding a nullable column needs no rebuild.
    assert_eq!(
        verbs(&b, &a, Dialect::Sqlite),
        ["BEGIN", "ALTER TABLE \"t\" ADD COLUMN \"x\" TEXT", "COMMIT"]
    );
}
