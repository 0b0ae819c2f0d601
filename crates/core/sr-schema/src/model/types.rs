//! User-defined types and extensions: PostgreSQL enums, domains and
//! installed extensions. Other dialects leave these lists empty.

use serde::{Deserialize, Serialize};

use super::{CheckConstraint, is_false};

/// An enumerated type (`CREATE TYPE mood AS ENUM (...)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    pub name: String,
    /// The labels in their sort order, which is part of the type's meaning.
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

/// A domain: a base type with a default, nullability and checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub name: String,
    pub data_type: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckConstraint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default)]
    pub version_hash: String,
}

/// An installed extension, listed under the schema it was installed into.
/// Its version is deliberately absent: upgrading an extension is an
/// operations task, not schema drift.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
}
