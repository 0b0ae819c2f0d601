//! Database objects as the rest of the product names them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// The kind of a database object. Serialised in the product spec's
/// upper-case form (`TABLE`, `VIEW`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ObjectKind {
    Database,
    Schema,
    Table,
    View,
    MaterializedView,
    Procedure,
    Function,
    Trigger,
    Index,
    Sequence,
    Type,
    Column,
    Constraint,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 13] = [
        ObjectKind::Database,
        ObjectKind::Schema,
        ObjectKind::Table,
        ObjectKind::View,
        ObjectKind::MaterializedView,
        ObjectKind::Procedure,
        ObjectKind::Function,
        ObjectKind::Trigger,
        ObjectKind::Index,
        ObjectKind::Sequence,
        ObjectKind::Type,
        ObjectKind::Column,
        ObjectKind::Constraint,
    ];

    /// The lower-case name used in object keys and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Database => "database",
            ObjectKind::Schema => "schema",
            ObjectKind::Table => "table",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized_view",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Function => "function",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Index => "index",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Type => "type",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
        }
    }

    /// A human label for the UI ("Materialized view").
    pub fn label(self) -> &'static str {
        match self {
            ObjectKind::Database => "Database",
            ObjectKind::Schema => "Schema",
            ObjectKind::Table => "Table",
            ObjectKind::View => "View",
            ObjectKind::MaterializedView => "Materialized view",
            ObjectKind::Procedure => "Procedure",
            ObjectKind::Function => "Function",
            ObjectKind::Trigger => "Trigger",
            ObjectKind::Index => "Index",
            ObjectKind::Sequence => "Sequence",
            ObjectKind::Type => "Type",
            ObjectKind::Column => "Column",
            ObjectKind::Constraint => "Constraint",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ObjectKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase().replace([' ', '-'], "_");
        ObjectKind::ALL
            .into_iter()
            .find(|k| k.as_str() == lower)
            .ok_or_else(|| {
                let names: Vec<&str> = ObjectKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown object kind `{s}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// A reference to one database object (the spec's ObjectReference).
///
/// Identity is (connection, kind, schema, name); `database` is the database's
/// own name as the server reports it, kept for display and qualified names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObjectRef {
    /// The connection profile this object lives in (`demo`).
    pub connection: String,
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    pub database: String,
    pub schema: String,
    pub name: String,
    /// Hash of the object's normalised definition when it was referenced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_at: Option<Timestamp>,
}

impl ObjectRef {
    pub fn new(
        connection: impl Into<String>,
        kind: ObjectKind,
        database: impl Into<String>,
        schema: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        ObjectRef {
            connection: connection.into(),
            kind,
            database: database.into(),
            schema: schema.into(),
            name: name.into(),
            version_hash: None,
            modified_at: None,
        }
    }

    /// `database.schema.name`, as in the product spec.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}.{}", self.database, self.schema, self.name)
    }

    /// The stable identity used in the store: `connection:kind:schema.name`.
    /// The database name is left out so that renaming a database file or
    /// restoring it under another name keeps its links.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}.{}",
            self.connection, self.kind, self.schema, self.name
        )
    }

    /// The name users type on the command line: `connection:schema.name`.
    pub fn name(&self) -> ObjectName {
        ObjectName {
            connection: self.connection.clone(),
            schema: Some(self.schema.clone()),
            name: self.name.clone(),
        }
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}:{}.{}",
            self.kind.label(),
            self.connection,
            self.schema,
            self.name
        )
    }
}

/// An object as a user names it: `CONNECTION:schema.name` or
/// `CONNECTION:name` (the connection's default schema). The kind and the
/// database are found by looking the name up in the connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectName {
    pub connection: String,
    pub schema: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not an object name: {reason}; write it as CONNECTION:schema.name, for example demo:main.orders"
)]
pub struct ObjectNameError {
    pub input: String,
    pub reason: &'static str,
}

impl FromStr for ObjectName {
    type Err = ObjectNameError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason| ObjectNameError {
            input: input.to_owned(),
            reason,
        };
        let (connection, rest) = input
            .split_once(':')
            .ok_or_else(|| err("the connection is missing"))?;
        if connection.is_empty() {
            return Err(err("the connection is empty"));
        }
        if rest.is_empty() {
            return Err(err("the object name is empty"));
        }
        let (schema, name) = match rest.split_once('.') {
            Some((s, n)) if !s.is_empty() && !n.is_empty() => (Some(s.to_owned()), n.to_owned()),
            Some(_) => return Err(err("the schema or the name is empty")),
            None => (None, rest.to_owned()),
        };
        Ok(ObjectName {
            connection: connection.to_owned(),
            schema,
            name,
        })
    }
}

impl fmt::Display for ObjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{}:{}.{}", self.connection, s, self.name),
            None => write!(f, "{}:{}", self.connection, self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<(&str, Option<&str>, &str), &str>) {
        let got = input.parse::<ObjectName>();
        match (got, expected) {
            (Ok(n), Ok((c, s, name))) => {
                assert_eq!(
                    (n.connection.as_str(), n.schema.as_deref(), n.name.as_str()),
                    (c, s, name)
                );
                assert_eq!(n.to_string(), input);
            }
            (Err(e), Err(reason)) => assert_eq!(e.reason, reason),
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn object_names() {
        check("demo:main.orders", Ok(("demo", Some("main"), "orders")));
        check("demo:orders", Ok(("demo", None, "orders")));
        check("orders", Err("the connection is missing"));
        check(":main.orders", Err("the connection is empty"));
        check("demo:", Err("the object name is empty"));
        check("demo:.orders", Err("the schema or the name is empty"));
    }

    #[test]
    fn keys_and_qualified_names() {
        let o = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders");
        assert_eq!(o.key(), "demo:table:main.orders");
        assert_eq!(o.qualified_name(), "demo.main.orders");
        let json = serde_json::to_value(&o).unwrap();
        assert_eq!(json["type"], "TABLE");
    }

    #[test]
    fn kinds_parse_from_their_names() {
        for k in ObjectKind::ALL {
            assert_eq!(k.as_str().parse::<ObjectKind>(), Ok(k));
        }
        assert!("tabel".parse::<ObjectKind>().is_err());
    }
}
