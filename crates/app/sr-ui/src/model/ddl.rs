//! The DDL shown in an object's detail tab and in issue descriptions:
//! sr-schema's `create_sql`, the renderer migrations use and sr-db's
//! `object_ddl` answers with, so what a user reads is what the product
//! would run, in the connection's own dialect.
//!
//! Rendering goes through a diff from an empty schema, too much to redo
//! every frame for an open tab, so the last answers are kept. Entries hold
//! a `Weak` of their snapshot: while it exists the snapshot's memory is
//! not reused, so a refreshed snapshot never meets an old entry.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use sr_model::ObjectKind;
use sr_schema::Snapshot;

/// Entries kept: a few open tabs with their tables' indexes.
const KEEP: usize = 64;

struct Entry {
    snapshot: Weak<Snapshot>,
    kind: ObjectKind,
    schema: String,
    name: String,
    sql: Arc<str>,
}

thread_local! {
    static CACHE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// The CREATE statements of `kind` `schema.name`, empty when the snapshot
/// has no such object; rendered once per snapshot (see the module docs).
pub fn object_sql(
    snapshot: &Arc<Snapshot>,
    kind: ObjectKind,
    schema: &str,
    name: &str,
) -> Arc<str> {
    let weak = Arc::downgrade(snapshot);
    let hit = CACHE.with_borrow(|cache| {
        cache
            .iter()
            .find(|e| {
                e.snapshot.ptr_eq(&weak) && e.kind == kind && e.schema == schema && e.name == name
            })
            .map(|e| e.sql.clone())
    });
    if let Some(sql) = hit {
        return sql;
    }
    let sql: Arc<str> = sr_schema::create_sql(snapshot, kind, schema, name)
        .unwrap_or_default()
        .into();
    CACHE.with_borrow_mut(|cache| {
        cache.retain(|e| e.snapshot.strong_count() > 0);
        if cache.len() >= KEEP {
            cache.remove(0);
        }
        cache.push(Entry {
            snapshot: weak,
            kind,
            schema: schema.to_owned(),
            name: name.to_owned(),
            sql: sql.clone(),
        });
    });
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Arc<Snapshot> {
        let mut s = Snapshot::new(sr_schema::Dialect::Postgres, "shop");
        let mut schema = sr_schema::Schema::new("public");
        let mut t = sr_schema::Table::new("film");
        t.columns
            .push(sr_schema::Column::new("id", "integer", false));
        schema.tables.push(t);
        s.schemas.push(schema);
        Arc::new(s)
    }

    #[test]
    fn a_table_is_rendered_by_the_schema_renderer_and_a_new_snapshot_is_rendered_again() {
        let first = demo();
        let sql = object_sql(&first, ObjectKind::Table, "public", "film");
        assert!(sql.contains("CREATE TABLE"), "{sql}");
        assert!(sql.contains("film"), "{sql}");
        assert!(object_sql(&first, ObjectKind::Table, "public", "nope").is_empty());
        drop(first);
        let mut changed = (*demo()).clone();
        changed.schemas[0].tables[0]
            .columns
            .push(sr_schema::Column::new("title", "text", true));
        let second = Arc::new(changed);
        let sql = object_sql(&second, ObjectKind::Table, "public", "film");
        assert!(sql.contains("title"), "{sql}");
    }
}
