//! Rendering a [`SchemaDiff`] as a migration script for one dialect.
//!
//! Statements come in dependency order: first what depends on something
//! that goes or changes (triggers, views, foreign keys, indexes), then the
//! drops, then creations from the bottom up (schemas, types, sequences,
//! routines, tables, foreign keys, views, indexes, triggers, comments).
//! Unchanged views that read a changed table are dropped and recreated too,
//! since most dialects refuse to alter a column a view uses.
//!
//! The rollback of `diff(a, b)` is `render(&diff(b, a), dialect)`.

mod common;
mod mysql;
mod object;
mod plan;
mod postgres;
mod sqlite;

use serde::{Deserialize, Serialize};

pub use object::create_sql;

use crate::{Dialect, SchemaDiff};

/// One statement of a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// The SQL, without a trailing `;`.
    pub sql: String,
    /// True when running the statement can lose data.
    #[serde(default, skip_serializing_if = "crate::model::is_false")]
    pub destructive: bool,
}

/// A migration: statements to run in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MigrationScript {
    pub statements: Vec<Statement>,
}

impl MigrationScript {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The script as SQL text, one statement per paragraph, each ending in
    /// `;`, destructive ones preceded by a warning comment.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        for s in &self.statements {
            if s.destructive {
                out.push_str("-- destructive: may lose data\n");
            }
            out.push_str(&s.sql);
            out.push_str(";\n\n");
        }
        out
    }

    pub(crate) fn push(&mut self, sql: impl Into<String>) {
        self.statements.push(Statement {
            sql: sql.into(),
            destructive: false,
        });
    }

    pub(crate) fn push_destructive(&mut self, sql: impl Into<String>, destructive: bool) {
        self.statements.push(Statement {
            sql: sql.into(),
            destructive,
        });
    }
}

/// The statements that turn a database in the diff's `a` state into its
/// `b` state, in `dialect`. A diff read back from JSON lacks the snapshots
/// and so the unchanged objects that depend on changed ones: render the
/// diff that [`crate::diff`] returned.
pub fn render(diff: &SchemaDiff, dialect: Dialect) -> MigrationScript {
    let plan = plan::Plan::new(diff);
    match dialect {
        Dialect::Postgres => postgres::render(&plan),
        Dialect::Sqlite => sqlite::render(&plan),
        Dialect::MySql => mysql::render(&plan),
    }
}
