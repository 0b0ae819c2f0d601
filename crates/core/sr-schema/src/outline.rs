//! A schema's outline: the names of its objects by kind, which is what a
//! tree of the database lists, without their definitions. sr-db reads one
//! per schema in a few milliseconds, so a large database shows its tree
//! long before its full snapshot is read; [`SchemaOutline::of`] gives the
//! outline of a snapshot's schema, so both sources list the same objects
//! in the same (canonical) order.

use serde::{Deserialize, Serialize};

use crate::{RoutineKind, Schema};

/// A view's name, and whether it is materialized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineView {
    pub name: String,
    pub materialized: bool,
}

/// A routine: overloads share the name and differ in their arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineRoutine {
    pub name: String,
    /// The identity arguments as the database prints them.
    pub arguments: String,
    pub kind: RoutineKind,
}

/// An index or a trigger and the table it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineChild {
    pub table: String,
    pub name: String,
}

/// The objects of one schema, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaOutline {
    pub name: String,
    pub tables: Vec<String>,
    pub views: Vec<OutlineView>,
    pub routines: Vec<OutlineRoutine>,
    pub triggers: Vec<OutlineChild>,
    pub indexes: Vec<OutlineChild>,
    pub sequences: Vec<String>,
}

impl SchemaOutline {
    /// The outline of a snapshot's schema (already in canonical order).
    pub fn of(schema: &Schema) -> SchemaOutline {
        let child = |table: &str, name: &str| OutlineChild {
            table: table.to_owned(),
            name: name.to_owned(),
        };
        SchemaOutline {
            name: schema.name.clone(),
            tables: schema.tables.iter().map(|t| t.name.clone()).collect(),
            views: schema
                .views
                .iter()
                .map(|v| OutlineView {
                    name: v.name.clone(),
                    materialized: v.materialized,
                })
                .collect(),
            routines: schema
                .routines
                .iter()
                .map(|r| OutlineRoutine {
                    name: r.name.clone(),
                    arguments: r.arguments.clone(),
                    kind: r.kind,
                })
                .collect(),
            triggers: schema
                .triggers
                .iter()
                .map(|t| child(&t.table, &t.name))
                .collect(),
            indexes: schema
                .indexes
                .iter()
                .map(|i| child(&i.table, &i.name))
                .collect(),
            sequences: schema.sequences.iter().map(|s| s.name.clone()).collect(),
        }
    }

    /// Puts every list in the order a normalised snapshot has (by name;
    /// indexes and triggers by table, then name; routines by name, then
    /// arguments, then kind): byte order, whatever the database's
    /// collation sorted by.
    pub fn sort(&mut self) {
        self.tables.sort();
        self.views.sort_by(|a, b| a.name.cmp(&b.name));
        self.routines
            .sort_by(|a, b| (&a.name, &a.arguments, a.kind).cmp(&(&b.name, &b.arguments, b.kind)));
        self.triggers
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.indexes
            .sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
        self.sequences.sort();
    }

    /// How many objects the outline lists.
    pub fn len(&self) -> usize {
        self.tables.len()
            + self.views.len()
            + self.routines.len()
            + self.triggers.len()
            + self.indexes.len()
            + self.sequences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dialect, Index, IndexColumn, Routine, Snapshot, Table, View};

    #[test]
    fn a_sorted_outline_matches_the_normalised_snapshots() {
        let mut schema = Schema::new("app");
        schema.tables = vec![Table::new("b"), Table::new("B"), Table::new("a")];
        schema.views = vec![View {
            name: "v".into(),
            materialized: true,
            definition: "SELECT 1".into(),
            ..View::default()
        }];
        let index = |table: &str, name: &str| Index {
            name: name.into(),
            table: table.into(),
            columns: vec![IndexColumn::column("id")],
            ..Index::default()
        };
        schema.indexes = vec![index("b", "a_idx"), index("a", "z_idx")];
        let routine = |args: &str, kind| Routine {
            name: "f".into(),
            kind,
            arguments: args.into(),
            returns: None,
            language: None,
            definition: String::new(),
            comment: None,
            version_hash: String::new(),
        };
        schema.routines = vec![
            routine("b integer", RoutineKind::Function),
            routine("a text", RoutineKind::Procedure),
        ];
        let mut unsorted = SchemaOutline::of(&schema);
        let mut snapshot = Snapshot::new(Dialect::Postgres, "db");
        snapshot.schemas.push(schema);
        snapshot.normalize();
        let expected = SchemaOutline::of(&snapshot.schemas[0]);
        assert_ne!(unsorted, expected);
        unsorted.sort();
        assert_eq!(unsorted, expected);
        assert_eq!(expected.tables, ["B", "a", "b"]);
        assert_eq!(expected.indexes[0].name, "z_idx");
        // Three tables, the view, two indexes and both routines.
        assert_eq!(expected.len(), 3 + 1 + 2 + 2);
    }
}
