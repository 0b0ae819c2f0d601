//! Schema objects other than tables: views, indexes, triggers, sequences
//! and routines.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::is_false;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// The view's column names, in order, where the database reports them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The query, without `CREATE VIEW ... AS`.
    pub definition: String,
    /// View options that are part of the definition: `check_option`
    /// (`local`, `cascaded`) and PostgreSQL's `security_barrier` and
    /// `security_invoker`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// The table (or materialized view) the index belongs to.
    pub table: String,
    pub unique: bool,
    pub columns: Vec<IndexColumn>,
    /// Non-key columns carried in the index (PostgreSQL `INCLUDE`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// The predicate of a partial index, without `WHERE`.
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The access method where the dialect has several (`btree`, `gin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

/// One key of an index: a column or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexColumn {
    #[serde(flatten)]
    pub key: IndexKey,
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// A non-default operator class (PostgreSQL `text_pattern_ops`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
}

impl IndexColumn {
    pub fn column(name: impl Into<String>) -> Self {
        IndexColumn {
            key: IndexKey::Column(name.into()),
            descending: false,
            collation: None,
            opclass: None,
        }
    }

    pub fn expression(sql: impl Into<String>) -> Self {
        IndexColumn {
            key: IndexKey::Expression(sql.into()),
            descending: false,
            collation: None,
            opclass: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    Column(String),
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    /// The table or view the trigger fires on.
    pub table: String,
    pub timing: TriggerTiming,
    pub events: Vec<TriggerEvent>,
    pub for_each_row: bool,
    /// The `WHEN` condition, without `WHEN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The whole definition as the database gives it back (for SQLite and
    /// MySQL the CREATE TRIGGER statement; for PostgreSQL the trigger
    /// definition).
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TriggerEvent {
    Insert,
    /// `UPDATE`, or `UPDATE OF columns` when `columns` is not empty.
    Update {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        columns: Vec<String>,
    },
    Delete,
    Truncate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    pub start: i64,
    pub increment: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
    /// How many values a session takes at a time; `None` for the default
    /// of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    /// `table.column` when the sequence belongs to a column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

/// A function or a procedure. Overloads share a name and differ in
/// `arguments`, which is part of their identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routine {
    pub name: String,
    pub kind: RoutineKind,
    /// The argument list as the database prints it (`a integer, b text`).
    pub arguments: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutineKind {
    Function,
    Procedure,
}
