//! Access control inside a schema: row-level-security policies and
//! privileges granted on tables, views and sequences (PostgreSQL).

use serde::{Deserialize, Serialize};

/// A row-level-security policy (`CREATE POLICY`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub table: String,
    /// False for a `RESTRICTIVE` policy.
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// The roles it applies to (`PUBLIC` for everyone), sorted.
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

/// The privileges one grantee holds on one object, beyond its owner's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The table, view or sequence.
    pub object: String,
    /// A role name, or `PUBLIC`.
    pub grantee: String,
    /// Sorted privilege names (`INSERT`, `SELECT`).
    pub privileges: Vec<String>,
    /// Privileges the grantee may grant on (`WITH GRANT OPTION`), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grantable: Vec<String>,
}
