//! An object's context as plain data: what an issue about the object should
//! say (its name, columns, keys, indexes, DDL, dependencies and size).
//!
//! [`ObjectContext::from_snapshot`] takes what the schema snapshot knows;
//! the caller adds what only the live database can say (the DDL as the
//! database prints it, the row estimate). The `object_context` template
//! renders it (see `template`).

use serde::Serialize;
use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{IndexKey, Schema, Snapshot, Table};

/// Everything the `object_context` template may use. Every field is always
/// present (empty or `null` when unknown), so a strict template can test
/// any of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ObjectContext {
    /// `schema.name`.
    pub qualified_name: String,
    /// "Table", "View", …
    pub kind: String,
    pub connection: String,
    pub database: String,
    pub columns: Vec<ColumnContext>,
    /// The primary key's columns, comma-separated; `null` without one.
    pub primary_key: Option<String>,
    /// Each unique constraint's columns, comma-separated.
    pub unique_keys: Vec<String>,
    pub indexes: Vec<IndexContext>,
    /// The object's DDL; empty when unknown.
    pub ddl: String,
    /// Foreign keys of this table.
    pub references: Vec<ForeignKeyContext>,
    /// Foreign keys of other tables that point at this one.
    pub referenced_by: Vec<ForeignKeyContext>,
    /// Views whose definition names this object (`schema.name`).
    pub used_by_views: Vec<String>,
    /// The table the object belongs to (indexes, triggers).
    pub table: Option<String>,
    /// Approximate row count; `null` when not known.
    pub row_estimate: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnContext {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
    /// The default expression; empty when none.
    pub default: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexContext {
    pub name: String,
    /// Key columns and expressions, comma-separated.
    pub columns: String,
    pub unique: bool,
}

/// One foreign key: `table (columns) → referenced_table (referenced_columns)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKeyContext {
    /// `schema.table` holding the key.
    pub table: String,
    pub columns: String,
    /// `schema.table` the key points at.
    pub referenced_table: String,
    pub referenced_columns: String,
}

impl ObjectContext {
    /// The context of `object` from `snapshot`. An object the snapshot does
    /// not hold gets its name and kind only. `ddl` and `row_estimate` are
    /// left for the caller.
    pub fn from_snapshot(object: &ObjectRef, snapshot: &Snapshot) -> ObjectContext {
        let qualified = format!("{}.{}", object.schema, object.name);
        let mut ctx = ObjectContext {
            qualified_name: qualified.clone(),
            kind: object.kind.label().to_owned(),
            connection: object.connection.clone(),
            database: object.database.clone(),
            ..ObjectContext::default()
        };
        let Some(schema) = snapshot.schemas.iter().find(|s| s.name == object.schema) else {
            return ctx;
        };
        match object.kind {
            ObjectKind::Table => {
                if let Some(t) = schema.tables.iter().find(|t| t.name == object.name) {
                    table_context(&mut ctx, schema, t);
                    ctx.referenced_by = referenced_by(snapshot, &object.schema, &object.name);
                }
            }
            ObjectKind::View | ObjectKind::MaterializedView => {
                if let Some(v) = schema.views.iter().find(|v| v.name == object.name) {
                    ctx.columns = v
                        .columns
                        .iter()
                        .map(|c| ColumnContext {
                            name: c.clone(),
                            data_type: String::new(),
                            nullable: true,
                            default: String::new(),
                        })
                        .collect();
                }
            }
            ObjectKind::Index => {
                ctx.table = schema
                    .indexes
                    .iter()
                    .find(|i| i.name == object.name)
                    .map(|i| format!("{}.{}", schema.name, i.table));
            }
            ObjectKind::Trigger => {
                ctx.table = schema
                    .triggers
                    .iter()
                    .find(|t| t.name == object.name)
                    .map(|t| format!("{}.{}", schema.name, t.table));
            }
            _ => {}
        }
        ctx.used_by_views = used_by_views(snapshot, &object.schema, &object.name);
        ctx
    }
}

fn table_context(ctx: &mut ObjectContext, schema: &Schema, t: &Table) {
    ctx.columns = t
        .columns
        .iter()
        .map(|c| ColumnContext {
            name: c.name.clone(),
            data_type: c.data_type.clone(),
            nullable: c.nullable,
            default: c.default.clone().unwrap_or_default(),
        })
        .collect();
    ctx.primary_key = t.primary_key.as_ref().map(|k| k.columns.join(", "));
    ctx.unique_keys = t
        .unique_constraints
        .iter()
        .map(|u| u.columns.join(", "))
        .collect();
    ctx.indexes = schema
        .indexes
        .iter()
        .filter(|i| i.table == t.name)
        .map(|i| IndexContext {
            name: i.name.clone(),
            columns: i
                .columns
                .iter()
                .map(|c| match &c.key {
                    IndexKey::Column(n) | IndexKey::Expression(n) => n.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            unique: i.unique,
        })
        .collect();
    let here = format!("{}.{}", schema.name, t.name);
    ctx.references = t
        .foreign_keys
        .iter()
        .map(|fk| ForeignKeyContext {
            table: here.clone(),
            columns: fk.columns.join(", "),
            referenced_table: format!("{}.{}", fk.referenced_schema, fk.referenced_table),
            referenced_columns: fk.referenced_columns.join(", "),
        })
        .collect();
}

/// Foreign keys anywhere in the snapshot that point at `schema.table`.
fn referenced_by(snapshot: &Snapshot, schema: &str, table: &str) -> Vec<ForeignKeyContext> {
    let mut out = Vec::new();
    for s in &snapshot.schemas {
        for t in &s.tables {
            for fk in t
                .foreign_keys
                .iter()
                .filter(|fk| fk.referenced_schema == schema && fk.referenced_table == table)
            {
                out.push(ForeignKeyContext {
                    table: format!("{}.{}", s.name, t.name),
                    columns: fk.columns.join(", "),
                    referenced_table: format!("{schema}.{table}"),
                    referenced_columns: fk.referenced_columns.join(", "),
                });
            }
        }
    }
    out
}

/// Views whose definition names `name` as a whole word (case-insensitive).
/// Snapshots carry no dependency graph, so this reads the SQL text; it may
/// over-report a view that only mentions the name in a string.
fn used_by_views(snapshot: &Snapshot, schema: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for s in &snapshot.schemas {
        for v in &s.views {
            if (s.name != schema || v.name != name) && mentions(&v.definition, name) {
                out.push(format!("{}.{}", s.name, v.name));
            }
        }
    }
    out
}

/// Whether `sql` contains `word` bounded by non-identifier characters.
pub(crate) fn mentions(sql: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let hay = sql.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    hay.match_indices(&word).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}
