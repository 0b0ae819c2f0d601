//! The table editor's edits and the migration rendered from them.

use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{
    Column, Dialect, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Snapshot, Table, View,
};

use super::*;

/// `customers` and `orders` (referencing it), an index on orders and a
/// view reading it, in `dialect`.
fn shop(dialect: Dialect) -> Snapshot {
    let mut s = Snapshot::new(dialect, "shop");
    let mut schema = Schema::new(if dialect == Dialect::Sqlite {
        "main"
    } else {
        "public"
    });
    let mut customers = Table::new("customers");
    customers.columns = vec![
        Column::new("id", "INTEGER", false),
        Column::new("email", "TEXT", false),
    ];
    customers.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    let mut orders = Table::new("orders");
    orders.columns = vec![
        Column::new("id", "INTEGER", false),
        Column::new("customer_id", "INTEGER", false),
        Column::new("status", "TEXT", true),
    ];
    orders.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
    });
    orders.foreign_keys.push(ForeignKey {
        columns: vec!["customer_id".into()],
        referenced_schema: schema.name.clone(),
        referenced_table: "customers".into(),
        referenced_columns: vec!["id".into()],
        ..ForeignKey::default()
    });
    schema.tables = vec![customers, orders];
    schema.indexes.push(Index {
        name: "orders_by_status".into(),
        table: "orders".into(),
        unique: false,
        columns: vec![IndexColumn::column("status")],
        ..Index::default()
    });
    schema.views.push(View {
        name: "open_orders".into(),
        definition: "SELECT id FROM orders WHERE status = 'open'".into(),
        ..View::default()
    });
    s.schemas.push(schema);
    s
}

fn editor(dialect: Dialect, table: &str) -> TableEditor {
    let s = shop(dialect);
    let schema = s.schemas[0].name.clone();
    let object = ObjectRef::new("demo", ObjectKind::Table, "shop", schema, table);
    TableEditor::open(&object, &s).expect("the table exists")
}

/// The statements' SQL and destructive marks after `edit`.
fn check(
    dialect: Dialect,
    table: &str,
    edit: impl FnOnce(&mut TableEditor) -> Result<(), String>,
    expected: &[(&str, bool)],
) {
    let mut e = editor(dialect, table);
    e.edit(edit);
    assert_eq!(e.error, None);
    let got: Vec<(&str, bool)> = e
        .script
        .statements
        .iter()
        .map(|s| (s.sql.as_str(), s.destructive))
        .collect();
    assert_eq!(got, expected, "{dialect:?}");
}

#[test]
fn an_unchanged_table_has_no_migration() {
    assert!(editor(Dialect::Sqlite, "orders").script.is_empty());
    assert!(editor(Dialect::Postgres, "orders").script.is_empty());
}

#[test]
fn migrations_per_dialect() {
    let add_note = |e: &mut TableEditor| {
        e.new_column = ColumnForm {
            name: "note".into(),
            data_type: "TEXT".into(),
            nullable: true,
            default: String::new(),
        };
        e.add_column()
    };
    check(
        Dialect::Sqlite,
        "orders",
        add_note,
        &[
            ("BEGIN", false),
            ("ALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT", false),
            ("COMMIT", false),
        ],
    );
    check(
        Dialect::Postgres,
        "orders",
        add_note,
        // One transaction; a new column leaves the views over the table
        // alone (sr-schema recreates them only for a dropped or retyped
        // column).
        &[
            ("BEGIN", false),
            ("SET LOCAL search_path TO DEFAULT", false),
            (
                "ALTER TABLE \"public\".\"orders\" ADD COLUMN \"note\" TEXT",
                false,
            ),
            ("COMMIT", false),
        ],
    );
    check(
        Dialect::Postgres,
        "orders",
        |e| e.rename_column("status", "state"),
        &[(
            "ALTER TABLE \"public\".\"orders\" RENAME COLUMN \"status\" TO \"state\"",
            false,
        )],
    );
    check(
        Dialect::Postgres,
        "orders",
        |e| {
            e.new_index = IndexForm {
                name: String::new(),
                columns: "customer_id".into(),
                unique: false,
            };
            e.add_index()
        },
        &[
            ("BEGIN", false),
            ("SET LOCAL search_path TO DEFAULT", false),
            (
                "CREATE INDEX \"orders_customer_id_idx\" ON \"public\".\"orders\" (\"customer_id\")",
                false,
            ),
            ("COMMIT", false),
        ],
    );
}

#[test]
fn drops_are_destructive_and_rewrites_are_noticed() {
    let mut e = editor(Dialect::Sqlite, "orders");
    e.edit(|e| e.drop_index("orders_by_status"));
    e.edit(|e| e.drop_column("status"));
    assert_eq!(e.error, None);
    assert!(
        e.script.statements.iter().any(|s| s.destructive),
        "{:?}",
        e.script
    );
    assert!(
        e.impact.destructive && e.impact.rewrites_table,
        "{:?}",
        e.impact
    );

    let mut e = editor(Dialect::Postgres, "orders");
    e.table.columns[2].data_type = "VARCHAR(20)".into();
    e.refresh();
    assert!(e.impact.rewrites_table, "{:?}", e.script);
}

#[test]
fn edits_that_cannot_work_say_why() {
    let check = |edit: fn(&mut TableEditor) -> Result<(), String>, expected: &str| {
        let mut e = editor(Dialect::Sqlite, "orders");
        e.edit(edit);
        assert_eq!(e.error.as_deref(), Some(expected));
        assert!(e.script.is_empty());
    };
    check(
        |e| e.drop_column("id"),
        "id is part of a key; drop the key first.",
    );
    check(
        |e| e.drop_column("status"),
        "status is in index orders_by_status; drop the index first.",
    );
    check(
        TableEditor::add_column,
        "Give the new column a name and a type.",
    );
    check(
        |e| e.rename_column("status", "id"),
        "orders already has a column id.",
    );
    check(
        |e| {
            e.new_fk = ForeignKeyForm {
                columns: "customer_id".into(),
                table: "nowhere".into(),
                referenced: String::new(),
            };
            e.add_foreign_key()
        },
        "No table nowhere in main.",
    );
    check(
        |e| {
            e.new_index = IndexForm {
                name: "x".into(),
                columns: "nope".into(),
                unique: false,
            };
            e.add_index()
        },
        "orders has no column nope.",
    );
}

#[test]
fn the_impact_names_views_keys_and_indexes() {
    let mut e = editor(Dialect::Sqlite, "customers");
    e.edit(|e| {
        e.new_column = ColumnForm {
            name: "vip".into(),
            data_type: "INTEGER".into(),
            nullable: false,
            default: "0".into(),
        };
        e.add_column()
    });
    assert_eq!(e.impact.referencing_keys, ["main.orders (customer_id)"]);
    assert_eq!(e.impact.dependent_views, [] as [String; 0]);
    let e = editor(Dialect::Sqlite, "orders");
    assert_eq!(e.impact.dependent_views, ["main.open_orders"]);
    assert_eq!(e.impact.indexes, ["orders_by_status"]);
    assert!(!e.impact.rewrites_table);
}

#[test]
fn whole_words_only() {
    let check = |text: &str, word: &str, expected: bool| {
        assert_eq!(mentions(text, word), expected, "{word:?} in {text:?}");
    };
    check("select * from orders", "orders", true);
    check("SELECT * FROM \"Orders\"", "orders", true);
    check("select * from order_items", "orders", false);
    check("select * from preorders", "orders", false);
    check("select * from main.orders o", "orders", true);
}
