//! A large connection's tree as the engine streams it on its first load:
//! the schemas shown as being read, each schema's rows as its outline
//! comes (in any order, under the filter), then the snapshot's rows with
//! their version hashes; a refresh keeps the tree it has.

use sr_schema::{OutlineChild, SchemaOutline};

use super::*;
use crate::model::explorer::explorer_tree;
use sr_engine::SchemaEvent;

fn big() -> UiState {
    let mut s = ready();
    s.apply(connections(&[
        ("demo", "sqlite:///tmp/demo.db", "sqlite"),
        ("big", "postgres://app@db/big", "postgres"),
    ]));
    s.ensure_connection("big");
    s.take_commands();
    s
}

fn outline(schema: &str, tables: &[&str]) -> Event {
    let mut o = SchemaOutline {
        name: schema.into(),
        tables: tables.iter().map(|t| (*t).to_owned()).collect(),
        ..SchemaOutline::default()
    };
    if let Some(first) = tables.first() {
        o.indexes.push(OutlineChild {
            table: (*first).into(),
            name: format!("{first}_idx"),
        });
    }
    Event::Schema(SchemaEvent::Outline {
        connection: "big".into(),
        outline: Arc::new(o),
    })
}

/// Each schema as `name: tables shown` (`…` while being read).
fn tree(s: &UiState) -> Vec<String> {
    let conn = s.connection("big").expect("big");
    conn.tree
        .iter()
        .map(|schema| {
            if !schema.loaded {
                return format!("{}: …", schema.name);
            }
            let tables: Vec<&str> = schema
                .groups
                .iter()
                .filter(|g| g.kind == crate::model::explorer::GroupKind::Tables)
                .flat_map(|g| g.shown_items().map(|i| i.object.name.as_str()))
                .collect();
            format!("{}: {}", schema.name, tables.join(" "))
        })
        .collect()
}

fn full_snapshot() -> Arc<Snapshot> {
    let mut snap = Snapshot::new(Dialect::Postgres, "bigdb");
    for (name, tables) in [("app", &["orders", "users"][..]), ("audit", &["log"][..])] {
        let mut schema = Schema::new(name);
        schema.tables = tables.iter().map(|t| Table::new(*t)).collect();
        schema.indexes = vec![sr_schema::Index {
            name: format!("{}_idx", tables[0]),
            table: tables[0].into(),
            columns: vec![sr_schema::IndexColumn::column("id")],
            ..sr_schema::Index::default()
        }];
        snap.schemas.push(schema);
    }
    snap.normalize();
    Arc::new(snap)
}

#[test]
fn the_tree_shows_schema_by_schema_then_the_snapshot_takes_over() {
    let mut s = big();
    s.apply(Event::Schema(SchemaEvent::Names {
        connection: "big".into(),
        database: "bigdb".into(),
        schemas: vec!["app".into(), "audit".into()],
    }));
    assert_eq!(tree(&s), ["app: …", "audit: …"]);
    // Outlines come in any order; the filter applies to them at once.
    s.set_filter("o".into());
    s.apply(outline("audit", &["log"]));
    assert_eq!(tree(&s), ["app: …", "audit: log"]);
    s.apply(outline("app", &["orders", "users"]));
    assert_eq!(tree(&s), ["app: orders", "audit: log"]);
    s.set_filter(String::new());
    assert_eq!(tree(&s), ["app: orders users", "audit: log"]);
    let conn = s.connection("big").expect("big");
    assert_eq!(
        conn.tree[0].groups[1].items[0].key,
        "big:index:app.orders_idx"
    );
    assert_eq!(conn.tree[0].groups[0].items[0].object.database, "bigdb");
    assert_eq!(conn.schema, Load::Loading, "the details are still read");

    // The snapshot's rows are the outline's, with version hashes.
    let full = full_snapshot();
    let streamed = conn.tree.clone();
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "big".into(),
        snapshot: full.clone(),
    }));
    let conn = s.connection("big").expect("big");
    assert_eq!(conn.tree, explorer_tree("big", &full, ""));
    assert_eq!(conn.tree.len(), streamed.len());
    for (a, b) in conn.tree.iter().zip(&streamed) {
        let keys = |x: &crate::model::explorer::ExplorerSchema| {
            x.groups
                .iter()
                .flat_map(|g| g.items.iter().map(|i| i.key.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(a), keys(b));
    }
    assert!(
        conn.tree[0].groups[0].items[0]
            .object
            .version_hash
            .is_some()
    );

    // A refresh keeps the loaded tree until its new snapshot.
    s.refresh_connection("big");
    s.apply(Event::Schema(SchemaEvent::Names {
        connection: "big".into(),
        database: "bigdb".into(),
        schemas: vec!["app".into(), "audit".into(), "new".into()],
    }));
    s.apply(outline("new", &["t"]));
    assert_eq!(tree(&s), ["app: orders users", "audit: log"]);
}

#[test]
fn parts_for_a_connection_not_loading_are_dropped() {
    let mut s = ready();
    s.apply(Event::Schema(SchemaEvent::Names {
        connection: "gone".into(),
        database: "x".into(),
        schemas: vec!["a".into()],
    }));
    assert!(s.connection("gone").is_none(), "not brought back");
    // A failed load keeps the cause, not a half tree.
    let mut s = big();
    s.apply(Event::Schema(SchemaEvent::Names {
        connection: "big".into(),
        database: "bigdb".into(),
        schemas: vec!["app".into()],
    }));
    s.fail_job("Load schema of big".into(), "connection refused".into());
    s.apply(outline("app", &["orders"]));
    assert_eq!(
        s.connection("big").map(|c| c.schema.clone()),
        Some(Load::Failed("connection refused".into()))
    );
}
