//! The SQL dialects ScratchRobin introspects.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A database's SQL dialect. MariaDB counts as MySQL: they share the wire
/// protocol and almost all of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Sqlite,
    Postgres,
    MySql,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
        }
    }

    /// The name people know the product by.
    pub fn label(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL/MariaDB",
        }
    }

    /// The schema objects live in when a user names none.
    pub fn default_schema(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => Some("main"),
            Dialect::Postgres => Some("public"),
            // In MySQL a schema is a database; the connection's database is
            // the default, and only the connection knows it.
            Dialect::MySql => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            _ => Err(format!(
                "unknown dialect `{s}`; expected sqlite, postgres or mysql"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Option<Dialect>) {
        assert_eq!(input.parse::<Dialect>().ok(), expected, "{input}");
    }

    #[test]
    fn dialect_names() {
        check("sqlite", Some(Dialect::Sqlite));
        check("SQLite3", Some(Dialect::Sqlite));
        check("postgresql", Some(Dialect::Postgres));
        check("pg", Some(Dialect::Postgres));
        check("mariadb", Some(Dialect::MySql));
        check("mysql", Some(Dialect::MySql));
        check("oracle", None);
        for d in Dialect::ALL {
            check(d.as_str(), Some(d));
            assert_eq!(
                serde_json::to_value(d).unwrap(),
                serde_json::json!(d.as_str())
            );
        }
    }
}
