//! The Markdown description a new issue starts with: the object's name,
//! columns and DDL. The `object_context` template of sr-links replaces it
//! once the context generator exists.

use std::fmt::Write;

use sr_model::ObjectRef;
use sr_schema::Snapshot;

use super::object::{ObjectDef, find_object};

/// A short title suggestion for an issue about `object`.
pub fn issue_title(object: &ObjectRef) -> String {
    format!(
        "{} {}.{}: ",
        object.kind.label(),
        object.schema,
        object.name
    )
}

/// The Markdown summary of `object`, from `snapshot` when it has it.
pub fn object_summary(object: &ObjectRef, snapshot: Option<&Snapshot>) -> String {
    let mut out = format!(
        "## {} `{}.{}`\n\n",
        object.kind.label(),
        object.schema,
        object.name
    );
    writeln!(
        out,
        "- Connection: `{}` (database `{}`)",
        object.connection, object.database
    )
    .ok();
    if let Some(hash) = object.version_hash.as_deref().filter(|h| !h.is_empty()) {
        writeln!(out, "- Version: `{}`", short_hash(hash)).ok();
    }
    let found = snapshot.and_then(|s| find_object(s, object).map(|d| (s, d)));
    let Some((snapshot, def)) = found else {
        out.push_str("\nThe object's definition was not loaded.\n");
        return out;
    };
    match def {
        ObjectDef::Table(_, table) => {
            out.push_str(
                "\n### Columns\n\n| Column | Type | Null | Default |\n|---|---|---|---|\n",
            );
            for c in &table.columns {
                writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    c.name,
                    c.data_type,
                    if c.nullable { "yes" } else { "no" },
                    c.default.as_deref().unwrap_or("")
                )
                .ok();
            }
        }
        ObjectDef::View(_, view) if !view.columns.is_empty() => {
            writeln!(out, "\n### Columns\n\n{}", view.columns.join(", ")).ok();
        }
        ObjectDef::Index(i) => {
            writeln!(out, "- Table: `{}`", i.table).ok();
        }
        ObjectDef::Trigger(t) => {
            writeln!(out, "- Table: `{}`", t.table).ok();
        }
        _ => {}
    }
    let ddl = sr_schema::create_sql(snapshot, object.kind, &object.schema, &object.name)
        .unwrap_or_default();
    if !ddl.is_empty() {
        write!(out, "\n### DDL\n\n```sql\n{ddl}\n```\n").ok();
    }
    out
}

/// The first twelve characters of a version hash, enough to tell versions
/// apart on screen.
pub fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

#[cfg(test)]
mod tests {
    use sr_model::ObjectKind;
    use sr_schema::{Column, Dialect, Schema, Table};

    use super::*;

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new(Dialect::Sqlite, "shop");
        let mut main = Schema::new("main");
        let mut t = Table::new("orders");
        let mut status = Column::new("status", "TEXT", false);
        status.default = Some("'new'".into());
        t.columns = vec![Column::new("id", "INTEGER", true), status];
        main.tables = vec![t];
        s.schemas = vec![main];
        s
    }

    fn check(object: &ObjectRef, snapshot: Option<&Snapshot>, expected: &str) {
        let got = object_summary(object, snapshot);
        assert_eq!(got, expected, "\n--- got ---\n{got}");
    }

    #[test]
    fn table_summary_lists_columns_and_ddl() {
        let mut o = ObjectRef::new("demo", ObjectKind::Table, "shop", "main", "orders");
        o.version_hash = Some("0123456789abcdef".into());
        check(
            &o,
            Some(&snapshot()),
            "## Table `main.orders`\n\n- Connection: `demo` (database `shop`)\n- Version: `0123456789ab`\n\n\
             ### Columns\n\n| Column | Type | Null | Default |\n|---|---|---|---|\n\
             | id | INTEGER | yes |  |\n| status | TEXT | no | 'new' |\n\n\
             ### DDL\n\n```sql\nCREATE TABLE \"orders\" (\n    \"id\" INTEGER,\n    \"status\" TEXT NOT NULL DEFAULT 'new'\n);\n```\n",
        );
    }

    #[test]
    fn missing_objects_say_so() {
        let o = ObjectRef::new("demo", ObjectKind::View, "shop", "main", "gone");
        let expected = "## View `main.gone`\n\n- Connection: `demo` (database `shop`)\n\nThe object's definition was not loaded.\n";
        check(&o, Some(&snapshot()), expected);
        check(&o, None, expected);
    }

    #[test]
    fn titles_and_hashes() {
        let o = ObjectRef::new("demo", ObjectKind::Table, "shop", "main", "orders");
        assert_eq!(issue_title(&o), "Table main.orders: ");
        assert_eq!(short_hash("abc"), "abc");
        assert_eq!(short_hash("0123456789abcdef"), "0123456789ab");
    }
}
