//! Objects kept as the statement that creates them: PostgreSQL aggregates,
//! collations, operators, casts, composite and range types, event triggers
//! and publications, and MySQL/MariaDB events.
//!
//! None of them has anything a migration alters piece by piece in
//! practice, so the model keeps the whole definition: a changed one is
//! dropped and created again, which is what their own `ALTER` statements
//! cannot do for most attributes anyway.

use serde::{Deserialize, Serialize};

use crate::diff::ObjectType;

/// One object known by its definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinedObject {
    /// `aggregate`, `collation`, `operator`, `cast`, `type`,
    /// `event_trigger`, `publication` or `event`.
    pub kind: ObjectType,
    /// The name; for a cast `source AS target` (casts have no name).
    pub name: String,
    /// What tells objects of one name apart and what `DROP` needs after the
    /// name: an aggregate's argument types (`text`, `ORDER BY integer`), an
    /// operator's operand types (`integer, integer`, `NONE, integer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    /// The complete `CREATE` statement (without a trailing `;`), as the
    /// database's own catalog describes the object.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

impl DefinedObject {
    pub fn new(kind: ObjectType, name: impl Into<String>, definition: impl Into<String>) -> Self {
        DefinedObject {
            kind,
            name: name.into(),
            arguments: None,
            definition: definition.into(),
            comment: None,
            version_hash: String::new(),
        }
    }
}
