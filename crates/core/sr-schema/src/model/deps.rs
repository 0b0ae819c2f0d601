//! What depends on what: edges between objects, as the database's catalog
//! records them (`pg_depend`) or as the definitions' text shows them
//! (MySQL/MariaDB views and routines, SQLite's schema).
//!
//! Dependencies decide the order of a migration and which unchanged
//! objects must be dropped and created again around a change; they are
//! never compared as drift themselves (they follow from definitions that
//! are compared).

use serde::{Deserialize, Serialize};

use crate::diff::ObjectType;

/// The identity of one object in a snapshot: what a diff matches objects
/// by. Database-wide objects (casts, event triggers, publications) have an
/// empty schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectId {
    pub kind: ObjectType,
    pub schema: String,
    pub name: String,
    /// For indexes, triggers and policies: their table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// For routines, aggregates and operators: what tells overloads apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
}

impl ObjectId {
    pub fn new(kind: ObjectType, schema: impl Into<String>, name: impl Into<String>) -> Self {
        ObjectId {
            kind,
            schema: schema.into(),
            name: name.into(),
            table: None,
            arguments: None,
        }
    }

    /// The same object with its table (indexes, triggers, policies).
    pub fn on_table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    /// The same object with its argument list (routines, aggregates).
    pub fn with_arguments(mut self, arguments: impl Into<String>) -> Self {
        self.arguments = Some(arguments.into());
        self
    }
}

/// `object` cannot exist without `on`: it is created after it, and
/// dropped (or changed away from it) before it goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dependency {
    pub object: ObjectId,
    pub on: ObjectId,
}
