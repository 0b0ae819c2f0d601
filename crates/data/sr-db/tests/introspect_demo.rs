//! SQLite introspection on the real demo database, built from the bundled
//! SQL into a temporary directory.

use crate::common;

use common::demo_snapshot;
use sr_model::ObjectKind;
use sr_schema::{FkAction, IndexColumn, IndexKey, Snapshot, TriggerEvent, TriggerTiming};

#[tokio::test]
async fn every_table_view_index_and_trigger_is_found() {
    let snap = demo_snapshot().await;
    assert_eq!(snap.database, "demo");
    let main = snap.schema("main").unwrap();
    let names = |v: Vec<&str>| v.join(" ");
    assert_eq!(
        names(main.tables.iter().map(|t| t.name.as_str()).collect()),
        "addresses categories coupons customers inventory order_items orders payments \
         products reviews shipments suppliers"
    );
    assert_eq!(
        names(main.views.iter().map(|v| v.name.as_str()).collect()),
        "low_stock order_totals"
    );
    assert_eq!(
        names(main.triggers.iter().map(|t| t.name.as_str()).collect()),
        "order_items_reserve_stock orders_touch_updated_at"
    );
    assert_eq!(main.indexes.len(), 11);
    for t in &main.tables {
        assert_eq!(t.version_hash.len(), 64, "{}", t.name);
    }
}

#[tokio::test]
async fn foreign_keys_carry_their_actions() {
    use FkAction::*;
    let snap = demo_snapshot().await;
    let main = snap.schema("main").unwrap();
    let mut got = Vec::new();
    for t in &main.tables {
        for fk in &t.foreign_keys {
            got.push((
                format!(
                    "{}({}) -> {}({})",
                    t.name,
                    fk.columns.join(","),
                    fk.referenced_table,
                    fk.referenced_columns.join(",")
                ),
                fk.name.as_deref(),
                fk.on_delete,
                fk.on_update,
            ));
        }
    }
    let want = [
        (
            "addresses(customer_id) -> customers(id)",
            None,
            Cascade,
            NoAction,
        ),
        (
            "categories(parent_id) -> categories(id)",
            None,
            SetNull,
            NoAction,
        ),
        (
            "inventory(product_id) -> products(id)",
            None,
            Cascade,
            NoAction,
        ),
        (
            "order_items(order_id) -> orders(id)",
            None,
            Cascade,
            NoAction,
        ),
        (
            "order_items(product_id) -> products(id)",
            None,
            Restrict,
            NoAction,
        ),
        (
            "orders(customer_id) -> customers(id)",
            None,
            Restrict,
            NoAction,
        ),
        (
            "orders(shipping_address_id) -> addresses(id)",
            None,
            SetNull,
            NoAction,
        ),
        (
            "orders(coupon_id) -> coupons(id)",
            Some("orders_coupon_fk"),
            SetNull,
            NoAction,
        ),
        ("payments(order_id) -> orders(id)", None, Cascade, NoAction),
        (
            "products(category_id) -> categories(id)",
            None,
            Restrict,
            Cascade,
        ),
        (
            "products(supplier_id) -> suppliers(id)",
            None,
            SetNull,
            NoAction,
        ),
        (
            "reviews(customer_id) -> customers(id)",
            None,
            SetNull,
            NoAction,
        ),
        (
            "reviews(product_id) -> products(id)",
            None,
            Cascade,
            NoAction,
        ),
        ("shipments(order_id) -> orders(id)", None, Cascade, Cascade),
    ];
    let want: Vec<(String, Option<&str>, FkAction, FkAction)> = want
        .into_iter()
        .map(|(s, n, d, u)| (s.to_owned(), n, d, u))
        .collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn columns_keys_and_constraints() {
    let snap = demo_snapshot().await;
    let products = snap.table("main", "products").unwrap();
    let id = products.column("id").unwrap();
    assert_eq!(id.identity, Some(sr_schema::Identity::AutoIncrement));
    let search = products.column("search_name").unwrap();
    let generated = search.generated.as_ref().unwrap();
    assert_eq!(
        (generated.expression.as_str(), generated.stored),
        ("lower(name)", false)
    );
    let active = products.column("active").unwrap();
    assert_eq!(
        (
            active.data_type.as_str(),
            active.nullable,
            active.default.as_deref()
        ),
        ("INTEGER", false, Some("1"))
    );
    assert_eq!(
        products.column("created_at").unwrap().default.as_deref(),
        Some("datetime('now')")
    );
    assert_eq!(
        products
            .unique_constraints
            .iter()
            .map(|u| u.columns.join(","))
            .collect::<Vec<_>>(),
        ["sku"]
    );

    let customers = snap.table("main", "customers").unwrap();
    assert_eq!(
        customers.column("email").unwrap().collation.as_deref(),
        Some("NOCASE")
    );
    let unique: Vec<(Option<&str>, String)> = customers
        .unique_constraints
        .iter()
        .map(|u| (u.name.as_deref(), u.columns.join(",")))
        .collect();
    assert_eq!(unique, [(Some("customers_email_key"), "email".to_owned())]);
    let checks: Vec<(Option<&str>, &str)> = customers
        .check_constraints
        .iter()
        .map(|c| (c.name.as_deref(), c.expression.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            (None, "status IN ('active', 'suspended', 'closed')"),
            (Some("customers_email_format"), "email LIKE '%_@_%._%'"),
        ]
    );

    let items = snap.table("main", "order_items").unwrap();
    let pk = items.primary_key.as_ref().unwrap();
    assert_eq!(pk.columns, ["order_id", "product_id"]);
    assert_eq!(
        items.options.get("without_rowid").map(String::as_str),
        Some("true")
    );
    let shipments = snap.table("main", "shipments").unwrap();
    assert_eq!(
        shipments.unique_constraints[0].name.as_deref(),
        Some("shipments_tracking_key")
    );
    assert_eq!(
        shipments.unique_constraints[0].columns,
        ["carrier", "tracking_number"]
    );
}

#[tokio::test]
async fn partial_and_expression_indexes() {
    let snap = demo_snapshot().await;
    let main = snap.schema("main").unwrap();
    let open = main.index("idx_orders_open").unwrap();
    assert_eq!(open.table, "orders");
    assert_eq!(
        open.predicate.as_deref(),
        Some("status IN ('pending', 'paid')")
    );
    assert_eq!(open.columns, [IndexColumn::column("placed_at")]);

    let email = main.index("idx_customers_email_lower").unwrap();
    assert!(email.unique);
    assert_eq!(email.columns, [IndexColumn::expression("lower(email)")]);
    assert_eq!(email.predicate, None);

    let placed = main.index("idx_orders_customer_placed").unwrap();
    let keys: Vec<(&IndexKey, bool)> = placed
        .columns
        .iter()
        .map(|c| (&c.key, c.descending))
        .collect();
    assert_eq!(
        keys,
        [
            (&IndexKey::Column("customer_id".into()), false),
            (&IndexKey::Column("placed_at".into()), true)
        ]
    );
    assert!(main.indexes_of("orders").count() == 2);
}

#[tokio::test]
async fn views_and_triggers() {
    let snap = demo_snapshot().await;
    let main = snap.schema("main").unwrap();
    let low = main.view("low_stock").unwrap();
    assert!(
        low.definition.starts_with("SELECT p.id"),
        "{}",
        low.definition
    );
    assert!(
        low.definition.ends_with("i.quantity <= i.reorder_level"),
        "{}",
        low.definition
    );
    assert_eq!(
        low.columns,
        [
            "product_id",
            "sku",
            "name",
            "supplier",
            "warehouse",
            "quantity",
            "reorder_level"
        ]
    );
    assert_eq!(main.view("order_totals").unwrap().columns.len(), 7);

    let touch = main.trigger("orders_touch_updated_at").unwrap();
    assert_eq!(touch.table, "orders");
    assert_eq!(touch.timing, TriggerTiming::After);
    assert_eq!(
        touch.events,
        [TriggerEvent::Update {
            columns: vec![
                "status".into(),
                "shipping_address_id".into(),
                "coupon_id".into(),
                "notes".into()
            ]
        }]
    );
    assert_eq!(
        touch.when.as_deref(),
        Some("NEW.updated_at = OLD.updated_at")
    );
    assert!(
        touch
            .definition
            .starts_with("CREATE TRIGGER orders_touch_updated_at")
    );
    let reserve = main.trigger("order_items_reserve_stock").unwrap();
    assert_eq!(
        (reserve.table.as_str(), reserve.timing, &reserve.events[..]),
        (
            "order_items",
            TriggerTiming::After,
            &[TriggerEvent::Insert][..]
        )
    );
}

#[tokio::test]
async fn names_resolve_to_objects() {
    let snap = demo_snapshot().await;
    let check = |schema: Option<&str>, name: &str, expected: &[ObjectKind]| {
        let kinds: Vec<ObjectKind> = snap.find(schema, name).iter().map(|m| m.kind).collect();
        assert_eq!(kinds, expected, "find({schema:?}, {name:?})");
    };
    check(Some("main"), "orders", &[ObjectKind::Table]);
    check(None, "orders", &[ObjectKind::Table]);
    check(None, "Orders", &[ObjectKind::Table]);
    check(Some("main"), "order_totals", &[ObjectKind::View]);
    check(None, "idx_orders_open", &[ObjectKind::Index]);
    check(None, "orders_touch_updated_at", &[ObjectKind::Trigger]);
    check(None, "no_such_thing", &[]);
    check(Some("temp"), "orders", &[]);

    let m = &snap.find(Some("main"), "orders")[0];
    let r = m.to_object_ref("demo");
    assert_eq!(r.key(), "demo:table:main.orders");
    assert_eq!(r.qualified_name(), "demo.main.orders");
    assert_eq!(
        r.version_hash.as_deref(),
        Some(snap.table("main", "orders").unwrap().version_hash.as_str())
    );
}

#[tokio::test]
async fn snapshot_json_is_stable_across_runs_and_round_trips() {
    let a = demo_snapshot().await;
    let b = demo_snapshot().await;
    let text = a.to_json();
    assert_eq!(text, a.to_json(), "serialising twice gives the same bytes");
    assert_eq!(
        text,
        b.to_json(),
        "two fresh demo databases give the same bytes"
    );
    let back = Snapshot::from_json(&text).unwrap();
    assert_eq!(back, a);
    assert_eq!(back.to_json(), text);
}
