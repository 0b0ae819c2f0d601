//! The CREATE statements of one object of a snapshot, as the renderer
//! would write them: the DDL shown for an object and put in issues.

use sr_model::ObjectKind;

use super::render;
use crate::model::{Schema, Snapshot};

/// The statements that create the object `kind` `schema.name` of
/// `snapshot` (a table with its keys and indexes, a view, a routine, ...),
/// or `None` when the snapshot holds no such object.
pub fn create_sql(
    snapshot: &Snapshot,
    kind: ObjectKind,
    schema: &str,
    name: &str,
) -> Option<String> {
    let source = snapshot.schema(schema)?;
    let mut only = Schema::new(schema);
    match kind {
        ObjectKind::Table => {
            only.tables = source
                .tables
                .iter()
                .filter(|t| t.name == name)
                .cloned()
                .collect();
            only.indexes = source
                .indexes
                .iter()
                .filter(|i| i.table == name)
                .cloned()
                .collect();
            only.triggers = source
                .triggers
                .iter()
                .filter(|t| t.table == name)
                .cloned()
                .collect();
            only.policies = source
                .policies
                .iter()
                .filter(|p| p.table == name)
                .cloned()
                .collect();
        }
        ObjectKind::View | ObjectKind::MaterializedView => {
            only.views = source
                .views
                .iter()
                .filter(|v| v.name == name)
                .cloned()
                .collect();
            only.indexes = source
                .indexes
                .iter()
                .filter(|i| i.table == name)
                .cloned()
                .collect();
        }
        ObjectKind::Index => {
            only.indexes = source
                .indexes
                .iter()
                .filter(|i| i.name == name)
                .cloned()
                .collect();
        }
        ObjectKind::Trigger => {
            only.triggers = source
                .triggers
                .iter()
                .filter(|t| t.name == name)
                .cloned()
                .collect();
        }
        ObjectKind::Sequence => {
            only.sequences = source
                .sequences
                .iter()
                .filter(|q| q.name == name)
                .cloned()
                .collect();
        }
        ObjectKind::Function | ObjectKind::Procedure => {
            only.routines = source
                .routines
                .iter()
                .filter(|r| r.name == name)
                .cloned()
                .collect();
        }
        ObjectKind::Type => {
            only.enums = source
                .enums
                .iter()
                .filter(|e| e.name == name)
                .cloned()
                .collect();
            only.domains = source
                .domains
                .iter()
                .filter(|d| d.name == name)
                .cloned()
                .collect();
        }
        _ => return None,
    }
    let found = !(only.tables.is_empty()
        && only.views.is_empty()
        && only.sequences.is_empty()
        && only.routines.is_empty()
        && only.enums.is_empty()
        && only.domains.is_empty()
        && (matches!(
            kind,
            ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView
        ) || only.indexes.is_empty() && only.triggers.is_empty()));
    if !found {
        return None;
    }
    let mut empty = Snapshot::new(snapshot.dialect, snapshot.database.clone());
    empty.schemas.push(Schema::new(schema));
    let mut one = empty.clone();
    one.schemas[0] = only;
    let d = crate::diff(&empty, &one);
    if d.is_empty() {
        return None;
    }
    let script = render(&d, snapshot.dialect);
    // Creating from nothing never needs SQLite's foreign-key switch; one
    // object's DDL is shown without the script's transaction.
    let text: Vec<String> = script
        .statements
        .iter()
        .filter(|s| {
            !s.sql.starts_with("PRAGMA foreign_keys")
                && !s.sql.starts_with("SET LOCAL search_path")
                && s.sql != "BEGIN"
                && s.sql != "COMMIT"
        })
        .map(|s| format!("{};", s.sql))
        .collect();
    Some(text.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, Dialect, Index, IndexColumn, Table};

    fn check(kind: ObjectKind, name: &str, expected: Option<&str>) {
        let mut s = Snapshot::new(Dialect::Postgres, "db");
        let mut public = Schema::new("public");
        let mut t = Table::new("t");
        t.columns.push(Column::new("id", "integer", false));
        public.tables.push(t);
        public.indexes.push(Index {
            name: "t_id".into(),
            table: "t".into(),
            columns: vec![IndexColumn::column("id")],
            ..Index::default()
        });
        s.schemas.push(public);
        assert_eq!(create_sql(&s, kind, "public", name).as_deref(), expected);
    }

    #[test]
    fn one_object_as_create_statements() {
        check(
            ObjectKind::Table,
            "t",
            Some(
                "CREATE TABLE \"public\".\"t\" (\n    \"id\" integer NOT NULL\n);\n\n\
                 CREATE INDEX \"t_id\" ON \"public\".\"t\" (\"id\");",
            ),
        );
        check(
            ObjectKind::Index,
            "t_id",
            Some("CREATE INDEX \"t_id\" ON \"public\".\"t\" (\"id\");"),
        );
        check(ObjectKind::Table, "missing", None);
        check(ObjectKind::View, "t", None);
        check(ObjectKind::Column, "t", None);
    }
}
