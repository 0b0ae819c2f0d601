//! The object context and the `object_context` template, checked as data:
//! a hand-built shop schema goes in, the context or the Markdown comes out.

use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{
    Column, Dialect, ForeignKey, Index, IndexColumn, PrimaryKey, Schema, Snapshot, Table,
    UniqueConstraint, View,
};
use sr_templates::{ObjectContext, TemplateError, Templates, draft_title};

fn column(name: &str, data_type: &str, nullable: bool, default: Option<&str>) -> Column {
    Column {
        name: name.into(),
        data_type: data_type.into(),
        nullable,
        default: default.map(Into::into),
        ..Column::default()
    }
}

fn shop() -> Snapshot {
    let customers = Table {
        name: "customers".into(),
        columns: vec![
            column("id", "INTEGER", false, None),
            column("email", "TEXT", false, None),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        unique_constraints: vec![UniqueConstraint {
            name: None,
            columns: vec!["email".into()],
        }],
        ..Table::default()
    };
    let orders = Table {
        name: "orders".into(),
        columns: vec![
            column("id", "INTEGER", false, None),
            column("customer_id", "INTEGER", false, None),
            column("status", "TEXT", true, Some("'new'")),
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        }),
        foreign_keys: vec![ForeignKey {
            columns: vec!["customer_id".into()],
            referenced_schema: "main".into(),
            referenced_table: "customers".into(),
            referenced_columns: vec!["id".into()],
            ..ForeignKey::default()
        }],
        ..Table::default()
    };
    let mut snapshot = Snapshot::new(Dialect::Sqlite, "shop");
    snapshot.schemas.push(Schema {
        name: "main".into(),
        tables: vec![customers, orders],
        views: vec![
            View {
                name: "open_orders".into(),
                columns: vec!["id".into()],
                definition: "SELECT id FROM orders WHERE status <> 'done'".into(),
                ..View::default()
            },
            View {
                name: "orders_archive_names".into(),
                definition: "SELECT 1 FROM orders_archive".into(),
                ..View::default()
            },
        ],
        indexes: vec![Index {
            name: "orders_customer".into(),
            table: "orders".into(),
            columns: vec![IndexColumn::column("customer_id")],
            ..Index::default()
        }],
        ..Schema::default()
    });
    snapshot
}

fn object(kind: ObjectKind, name: &str) -> ObjectRef {
    ObjectRef::new("demo", kind, "shop", "main", name)
}

fn context(kind: ObjectKind, name: &str) -> ObjectContext {
    ObjectContext::from_snapshot(&object(kind, name), &shop())
}

#[test]
fn context_holds_keys_dependencies_and_views() {
    let orders = context(ObjectKind::Table, "orders");
    assert_eq!(orders.qualified_name, "main.orders");
    assert_eq!(orders.kind, "Table");
    assert_eq!(orders.primary_key.as_deref(), Some("id"));
    let names: Vec<&str> = orders.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "customer_id", "status"]);
    assert_eq!(orders.indexes.len(), 1);
    assert_eq!(orders.indexes[0].columns, "customer_id");
    assert_eq!(orders.references[0].referenced_table, "main.customers");
    assert!(orders.referenced_by.is_empty());
    // `orders_archive` is another word; only `open_orders` uses `orders`.
    assert_eq!(orders.used_by_views, ["main.open_orders"]);

    let customers = context(ObjectKind::Table, "customers");
    assert_eq!(customers.unique_keys, ["email"]);
    assert_eq!(customers.referenced_by[0].table, "main.orders");
    assert_eq!(customers.referenced_by[0].columns, "customer_id");

    let index = context(ObjectKind::Index, "orders_customer");
    assert_eq!(index.table.as_deref(), Some("main.orders"));

    let missing = context(ObjectKind::Table, "nope");
    assert_eq!(
        (missing.qualified_name.as_str(), missing.columns.len()),
        ("main.nope", 0)
    );
}

/// Renders `ctx` with the built-in template and checks that every expected
/// line is present and no unexpected one is.
fn check(ctx: &ObjectContext, present: &[&str], absent: &[&str]) {
    let templates = Templates::builtin().expect("the built-in templates compile");
    let body = templates.object_context(ctx).expect("renders");
    for line in present {
        assert!(
            body.lines().any(|l| l == *line),
            "missing {line:?} in:\n{body}"
        );
    }
    for text in absent {
        assert!(!body.contains(text), "unexpected {text:?} in:\n{body}");
    }
}

#[test]
fn builtin_template_renders_the_context() {
    let mut orders = context(ObjectKind::Table, "orders");
    orders.ddl =
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT CHECK (note <> '&'))".into();
    orders.row_estimate = Some(1200);
    check(
        &orders,
        &[
            "## Table `main.orders`",
            "- Connection: `demo` (database `shop`)",
            "- Rows (estimate): 1200",
            "- Primary key: (id)",
            "| status | TEXT | yes | 'new' |",
            "| id | INTEGER | no |  |",
            "- `orders_customer` (customer_id)",
            "- (customer_id) references `main.customers` (id)",
            "- `main.open_orders`",
            "```sql",
            // Markdown, not HTML: nothing is escaped.
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT CHECK (note <> '&'))",
        ],
        &["Referenced by", "&lt;", "&#x27;"],
    );
    let customers = context(ObjectKind::Table, "customers");
    check(
        &customers,
        &[
            "- Unique: (email)",
            "### Referenced by",
            "- `main.orders` (customer_id) references (id)",
        ],
        &["Rows (estimate)", "### DDL", "### References\n"],
    );
    let index = context(ObjectKind::Index, "orders_customer");
    check(
        &index,
        &["## Index `main.orders_customer`", "- Table: `main.orders`"],
        &["### Columns"],
    );
}

#[test]
fn titles_name_the_object() {
    assert_eq!(
        draft_title(&object(ObjectKind::View, "open_orders")),
        "View main.open_orders: "
    );
}

#[test]
fn user_templates_replace_the_builtin_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ctx = context(ObjectKind::Table, "orders");
    let render = |text: Option<&str>| -> Result<String, TemplateError> {
        let path = dir.path().join("object_context.hbs");
        match text {
            Some(t) => std::fs::write(&path, t).expect("write template"),
            None => std::fs::remove_file(&path).unwrap_or_default(),
        }
        Templates::load(Some(dir.path()))?.object_context(&ctx)
    };
    assert_eq!(
        render(Some("{{kind}} {{qualified_name}} {{primary_key}}")).ok(),
        Some("Table main.orders id".into())
    );
    // Strict mode: a variable the context does not have is an error that
    // names the user's file.
    let err = render(Some("{{kind}} {{no_such_field}}")).expect_err("strict");
    let text = err.to_string();
    assert!(
        text.contains("object_context.hbs") && text.contains("no_such_field"),
        "{text}"
    );
    let err = render(Some("{{#if kind}}unclosed")).expect_err("syntax");
    assert!(err.to_string().contains("object_context.hbs"), "{err}");
    // Without the file the built-in template is back.
    assert!(render(None).is_ok_and(|b| b.starts_with("## Table `main.orders`")));
}
