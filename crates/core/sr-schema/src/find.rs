//! Resolving an object name as a user types it (`orders`, `main.orders`)
//! to the objects in a snapshot that carry it.
//!
//! A name may match several objects: a table and an index can share a name
//! in MySQL, functions have overloads, and without a schema every schema is
//! searched. The caller decides what to do with more than one match.

use sr_model::{ObjectKind, ObjectRef};

use crate::model::{RoutineKind, Snapshot};

/// One object a name resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMatch {
    pub kind: ObjectKind,
    pub database: String,
    pub schema: String,
    pub name: String,
    /// For indexes and triggers: the table (or view) they belong to.
    pub table: Option<String>,
    /// For routines: the argument list that tells overloads apart.
    pub arguments: Option<String>,
    pub version_hash: String,
}

impl ObjectMatch {
    /// The reference the rest of the product stores, for an object in the
    /// connection called `connection`; it carries the version hash seen now.
    pub fn to_object_ref(&self, connection: &str) -> ObjectRef {
        let mut r = ObjectRef::new(
            connection,
            self.kind,
            self.database.clone(),
            self.schema.clone(),
            self.name.clone(),
        );
        r.version_hash = Some(self.version_hash.clone());
        r
    }
}

impl Snapshot {
    /// The objects called `name` in `schema` (every schema when `None`).
    ///
    /// Exact matches win; when there are none, names are compared ignoring
    /// ASCII case, since SQLite, MySQL on most systems and unquoted
    /// PostgreSQL identifiers do not tell `Orders` from `orders`. The result
    /// is ordered by kind, schema and name; it is empty when nothing matches.
    pub fn find(&self, schema: Option<&str>, name: &str) -> Vec<ObjectMatch> {
        let all = self.matches(schema, name, |a, b| a.eq_ignore_ascii_case(b));
        let exact: Vec<ObjectMatch> = all
            .iter()
            .filter(|m| m.name == name && schema.is_none_or(|s| m.schema == s))
            .cloned()
            .collect();
        if exact.is_empty() { all } else { exact }
    }

    fn matches(
        &self,
        schema: Option<&str>,
        name: &str,
        eq: impl Fn(&str, &str) -> bool,
    ) -> Vec<ObjectMatch> {
        let mut out = Vec::new();
        for s in &self.schemas {
            if schema.is_some_and(|want| !eq(&s.name, want)) {
                continue;
            }
            let mut push =
                |kind, obj_name: &str, table: Option<&str>, args: Option<&str>, hash: &str| {
                    if eq(obj_name, name) {
                        out.push(ObjectMatch {
                            kind,
                            database: self.database.clone(),
                            schema: s.name.clone(),
                            name: obj_name.to_owned(),
                            table: table.map(str::to_owned),
                            arguments: args.map(str::to_owned),
                            version_hash: hash.to_owned(),
                        });
                    }
                };
            for t in &s.tables {
                push(ObjectKind::Table, &t.name, None, None, &t.version_hash);
            }
            for v in &s.views {
                let kind = if v.materialized {
                    ObjectKind::MaterializedView
                } else {
                    ObjectKind::View
                };
                push(kind, &v.name, None, None, &v.version_hash);
            }
            for i in &s.indexes {
                push(
                    ObjectKind::Index,
                    &i.name,
                    Some(&i.table),
                    None,
                    &i.version_hash,
                );
            }
            for t in &s.triggers {
                push(
                    ObjectKind::Trigger,
                    &t.name,
                    Some(&t.table),
                    None,
                    &t.version_hash,
                );
            }
            for q in &s.sequences {
                push(ObjectKind::Sequence, &q.name, None, None, &q.version_hash);
            }
            for r in &s.routines {
                let kind = match r.kind {
                    RoutineKind::Function => ObjectKind::Function,
                    RoutineKind::Procedure => ObjectKind::Procedure,
                };
                push(kind, &r.name, None, Some(&r.arguments), &r.version_hash);
            }
        }
        out.sort_by(|a, b| {
            (a.kind, &a.schema, &a.name, &a.table, &a.arguments).cmp(&(
                b.kind,
                &b.schema,
                &b.name,
                &b.table,
                &b.arguments,
            ))
        });
        out
    }
}
