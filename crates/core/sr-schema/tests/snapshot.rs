//! The snapshot model as data: canonical order, version hashes, the JSON
//! file format and name look-ups, on a small hand-built shop schema.

use sr_model::ObjectKind;
use sr_schema::{
    CheckConstraint, Column, Dialect, FkAction, ForeignKey, Index, IndexColumn, PrimaryKey,
    Routine, RoutineKind, Schema, SchemaError, Sequence, Snapshot, Table, Trigger, TriggerEvent,
    TriggerTiming, View,
};

fn table(name: &str, columns: &[&str]) -> Table {
    Table {
        columns: columns
            .iter()
            .map(|c| Column::new(*c, "integer", true))
            .collect(),
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec![columns[0].to_owned()],
        }),
        ..Table::new(name)
    }
}

/// A snapshot whose lists are deliberately out of order.
fn shop() -> Snapshot {
    let mut orders = table("orders", &["id", "customer_id", "total"]);
    orders.foreign_keys.push(ForeignKey {
        name: None,
        columns: vec!["customer_id".into()],
        referenced_schema: "public".into(),
        referenced_table: "customers".into(),
        referenced_columns: vec!["id".into()],
        on_delete: FkAction::Cascade,
        on_update: FkAction::NoAction,
    });
    orders.check_constraints = vec![
        CheckConstraint {
            name: None,
            expression: "total >= 0".into(),
        },
        CheckConstraint {
            name: None,
            expression: "customer_id > 0".into(),
        },
    ];
    let mut public = Schema::new("public");
    public.tables = vec![orders, table("customers", &["id", "email"])];
    public.views = vec![View {
        name: "order_totals".into(),
        definition: "SELECT id, total FROM orders".into(),
        ..View::default()
    }];
    public.indexes = vec![
        Index {
            name: "orders_open".into(),
            table: "orders".into(),
            columns: vec![IndexColumn::column("id")],
            predicate: Some("total > 0".into()),
            ..Index::default()
        },
        Index {
            name: "customers_email_lower".into(),
            table: "customers".into(),
            unique: true,
            columns: vec![IndexColumn::expression("lower(email)")],
            ..Index::default()
        },
    ];
    public.triggers = vec![Trigger {
        name: "orders_touch".into(),
        table: "orders".into(),
        timing: TriggerTiming::Before,
        events: vec![
            TriggerEvent::Update {
                columns: vec!["total".into()],
            },
            TriggerEvent::Insert,
        ],
        for_each_row: true,
        when: None,
        definition: "EXECUTE FUNCTION touch()".into(),
        comment: None,
        version_hash: String::new(),
    }];
    public.sequences = vec![Sequence {
        name: "orders_id_seq".into(),
        start: 1,
        increment: 1,
        owned_by: Some("orders.id".into()),
        ..Sequence::default()
    }];
    let routine = |args: &str| Routine {
        name: "touch".into(),
        kind: RoutineKind::Function,
        arguments: args.into(),
        returns: Some("trigger".into()),
        language: Some("plpgsql".into()),
        definition: "BEGIN NEW.updated_at := now(); RETURN NEW; END".into(),
        comment: None,
        version_hash: String::new(),
    };
    public.routines = vec![routine("x integer"), routine("")];
    let mut audit = Schema::new("audit");
    audit.tables = vec![table("orders", &["id", "changed_at"])];

    let mut s = Snapshot::new(Dialect::Postgres, "shop");
    s.schemas = vec![public, audit];
    s
}

#[test]
fn normalising_sorts_every_list_and_fills_every_hash() {
    let s = shop().normalized();
    let names: Vec<&str> = s.schemas.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["audit", "public"]);
    let public = &s.schemas[1];
    let tables: Vec<&str> = public.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["customers", "orders"]);
    let indexes: Vec<&str> = public.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(indexes, ["customers_email_lower", "orders_open"]);
    let checks: Vec<&str> = public.tables[1]
        .check_constraints
        .iter()
        .map(|c| c.expression.as_str())
        .collect();
    assert_eq!(checks, ["customer_id > 0", "total >= 0"]);
    // Column order is meaning, not noise: it stays as declared.
    let columns: Vec<&str> = public.tables[1]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(columns, ["id", "customer_id", "total"]);
    assert_eq!(public.routines[0].arguments, "");
    assert_eq!(public.triggers[0].events[0], TriggerEvent::Insert);
    for schema in &s.schemas {
        for t in &schema.tables {
            assert_eq!(t.version_hash.len(), 64, "{}", t.name);
        }
    }
    assert_eq!(
        s.clone().normalized(),
        s,
        "normalising twice changes nothing"
    );
}

#[test]
fn json_round_trip_is_identical_and_stable() {
    let text = shop().to_json();
    let back = Snapshot::from_json(&text).unwrap();
    assert_eq!(back, shop().normalized());
    assert_eq!(back.to_json(), text);
    assert!(text.ends_with("}\n"));
    assert!(text.contains("\"where\": \"total > 0\""));
    assert!(text.contains("\"expression\": \"lower(email)\""));
    assert!(text.contains("\"on_delete\": \"cascade\""));
}

#[test]
fn bad_json_and_newer_formats_are_errors_that_say_what_to_do() {
    let check = |text: &str, expected: &str| match Snapshot::from_json(text) {
        Err(e) => assert!(e.to_string().contains(expected), "{e}"),
        Ok(s) => panic!("{text}: parsed as {s:?}"),
    };
    check("{", "line 1, column 1");
    check(
        r#"{"format_version": 1, "dialect": "oracle", "database": "x"}"#,
        "unknown variant `oracle`",
    );
    check(
        r#"{"format_version": 99, "dialect": "sqlite", "database": "x"}"#,
        "format version 99",
    );
    assert!(matches!(
        Snapshot::from_json(r#"{"format_version": 99, "dialect": "sqlite", "database": "x"}"#),
        Err(SchemaError::UnsupportedVersion { found: 99, .. })
    ));
}

#[test]
fn version_hashes_follow_definitions_not_formatting() {
    let base = shop().normalized();
    let hash_of = |s: &Snapshot| s.table("public", "orders").unwrap().version_hash.clone();

    let mut renamed_column = shop();
    renamed_column.schemas[0].tables[0].columns[2].name = "amount".into();
    assert_ne!(hash_of(&renamed_column.normalized()), hash_of(&base));

    let mut new_action = shop();
    new_action.schemas[0].tables[0].foreign_keys[0].on_delete = FkAction::Restrict;
    assert_ne!(hash_of(&new_action.normalized()), hash_of(&base));

    let mut reformatted = shop();
    reformatted.schemas[0].tables[0].check_constraints[0].expression = "total >=  0 ".into();
    assert_eq!(hash_of(&reformatted.normalized()), hash_of(&base));

    let mut reordered = shop();
    reordered.schemas[0].tables[0].check_constraints.reverse();
    assert_eq!(hash_of(&reordered.normalized()), hash_of(&base));
}

fn check_find(schema: Option<&str>, name: &str, expected: &[(ObjectKind, &str, &str)]) {
    let s = shop().normalized();
    let got: Vec<(ObjectKind, String, String)> = s
        .find(schema, name)
        .into_iter()
        .map(|m| (m.kind, m.schema, m.name))
        .collect();
    let want: Vec<(ObjectKind, String, String)> = expected
        .iter()
        .map(|(k, s, n)| (*k, (*s).to_owned(), (*n).to_owned()))
        .collect();
    assert_eq!(got, want, "find({schema:?}, {name:?})");
}

#[test]
fn finding_objects_by_name() {
    use ObjectKind::*;
    check_find(Some("public"), "orders", &[(Table, "public", "orders")]);
    check_find(
        None,
        "orders",
        &[(Table, "audit", "orders"), (Table, "public", "orders")],
    );
    check_find(Some("audit"), "orders", &[(Table, "audit", "orders")]);
    check_find(Some("public"), "ORDERS", &[(Table, "public", "orders")]);
    check_find(Some("PUBLIC"), "orders", &[(Table, "public", "orders")]);
    check_find(None, "order_totals", &[(View, "public", "order_totals")]);
    check_find(None, "orders_open", &[(Index, "public", "orders_open")]);
    check_find(None, "orders_touch", &[(Trigger, "public", "orders_touch")]);
    check_find(
        None,
        "orders_id_seq",
        &[(Sequence, "public", "orders_id_seq")],
    );
    check_find(
        None,
        "touch",
        &[(Function, "public", "touch"), (Function, "public", "touch")],
    );
    check_find(None, "nothing", &[]);
    check_find(Some("nowhere"), "orders", &[]);
    check_find(Some("audit"), "customers", &[]);
}

#[test]
fn a_match_becomes_an_object_ref_with_its_hash() {
    let s = shop().normalized();
    let m = &s.find(Some("public"), "orders_open")[0];
    assert_eq!(m.table.as_deref(), Some("orders"));
    let r = m.to_object_ref("shopdb");
    assert_eq!(r.key(), "shopdb:index:public.orders_open");
    assert_eq!(r.qualified_name(), "shop.public.orders_open");
    assert_eq!(r.version_hash.as_deref(), Some(m.version_hash.as_str()));
    assert_eq!(
        r.version_hash.as_deref(),
        Some(s.schemas[1].indexes[1].version_hash.as_str())
    );
}
