//! The snapshot model: a database's schemas and the objects in them.
//!
//! Field order here is the JSON order of the file format, and every list is
//! kept in a canonical order by `Snapshot::normalize` (columns stay in their
//! ordinal order, which is part of a table's meaning).

mod defined;
mod deps;
mod objects;
mod security;
mod table;
mod types;

use serde::{Deserialize, Serialize};

use crate::Dialect;

pub use defined::DefinedObject;
pub use deps::{Dependency, ObjectId};
pub use objects::{
    Index, IndexColumn, IndexKey, Routine, RoutineKind, Sequence, Trigger, TriggerEvent,
    TriggerTiming, View,
};
pub use security::{Grant, Policy};
pub use table::{
    CheckConstraint, Column, FkAction, ForeignKey, Generated, Identity, PrimaryKey, Table,
    UniqueConstraint,
};
pub use types::{Domain, EnumType, Extension};

/// The snapshot file format this build writes. Readers accept this version
/// and older ones; a newer file is an error rather than a silent misreading.
/// Version 2 added `objects` (kept as their definition) and
/// `dependencies`.
pub const FORMAT_VERSION: u32 = 2;

/// Everything introspection found in one database, at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format_version: u32,
    pub dialect: Dialect,
    /// The database's own name: the file stem for SQLite, the database name
    /// for PostgreSQL and MySQL.
    pub database: String,
    #[serde(default)]
    pub schemas: Vec<Schema>,
    /// Database-wide objects kept as their definition: casts, event
    /// triggers and publications (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<DefinedObject>,
    /// What depends on what, from the catalog. `None` when unknown (a file
    /// written before version 2): the renderer then infers dependencies
    /// from the definitions' text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<Vec<Dependency>>,
}

impl Snapshot {
    /// An empty snapshot in the current format version.
    pub fn new(dialect: Dialect, database: impl Into<String>) -> Self {
        Snapshot {
            format_version: FORMAT_VERSION,
            dialect,
            database: database.into(),
            schemas: Vec::new(),
            objects: Vec::new(),
            dependencies: None,
        }
    }

    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.name == name)
    }

    /// The table `name` in `schema`, by exact name.
    pub fn table(&self, schema: &str, name: &str) -> Option<&Table> {
        self.schema(schema)?.tables.iter().find(|t| t.name == name)
    }
}

/// A namespace of objects: a PostgreSQL schema, a MySQL database, an SQLite
/// attached database (`main`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<View>,
    /// Indexes of every table in the schema, each naming its table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// Triggers of every table and view in the schema, each naming its table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sequences: Vec<Sequence>,
    /// Functions and procedures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routines: Vec<Routine>,
    /// Enumerated types (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Domains (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// Extensions installed into this schema (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// Row-level-security policies of the schema's tables (PostgreSQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    /// Privileges granted on the schema's tables, views and sequences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub privileges: Vec<Grant>,
    /// Objects kept as their definition: aggregates, collations,
    /// operators, composite and range types (PostgreSQL), events (MySQL).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<DefinedObject>,
}

impl Schema {
    pub fn new(name: impl Into<String>) -> Self {
        Schema {
            name: name.into(),
            ..Schema::default()
        }
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }

    pub fn trigger(&self, name: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.name == name)
    }

    /// The indexes defined on `table`.
    pub fn indexes_of<'a>(&'a self, table: &'a str) -> impl Iterator<Item = &'a Index> + 'a {
        self.indexes.iter().filter(move |i| i.table == table)
    }
}

/// Serde helper: leave `false` flags out of the JSON.
pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
