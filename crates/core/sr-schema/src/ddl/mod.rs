//! Rendering a [`SchemaDiff`] as a migration script for one dialect.
//!
//! Each renderer emits steps (`steps`): statements about one object with
//! the phase they belong to in a kind-by-kind order (what depends on
//! something that goes first, then drops, then creations bottom up:
//! schemas, types, sequences, routines, tables, foreign keys, views,
//! indexes, triggers, comments). The steps are then ordered over the
//! dependency graphs of `a` and `b` (`plan`), so a function returning a
//! table's rows comes after the table and a view after the aggregate it
//! calls. Unchanged objects that depend on one that goes or is rebuilt
//! (and views over a changed table) are dropped and created again, with
//! their indexes, triggers, privileges and comments.
//!
//! Scripts run in one transaction where the engine allows it: PostgreSQL
//! and SQLite scripts are wrapped in `BEGIN`/`COMMIT` (SQLite's
//! `PRAGMA foreign_keys` stays outside, where it takes effect); what
//! cannot run inside is placed before and named in the script's notes.
//!
//! The rollback of `diff(a, b)` is `render(&diff(b, a), dialect)`.

mod common;
mod mysql;
mod object;
mod plan;
mod postgres;
mod sqlite;
mod steps;

use serde::{Deserialize, Serialize};

pub use object::create_sql;
pub(crate) use postgres::{EnumPlan, enum_plan};

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
    /// What a reader must know before running the script (that it cannot
    /// run in one transaction, and why); written as comments at its top.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl MigrationScript {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The script as SQL text, one statement per paragraph, each ending in
    /// `;`, destructive ones preceded by a warning comment.
    pub fn to_sql(&self) -> String {
        let mut out = String::new();
        for n in &self.notes {
            for line in n.lines() {
                out.push_str("-- ");
                out.push_str(line);
                out.push('\n');
            }
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
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

    /// `outside`, then `inside` wrapped in `BEGIN`/`COMMIT` when it holds
    /// anything.
    pub(crate) fn transactional(outside: Vec<Statement>, inside: Vec<Statement>) -> Self {
        let mut s = MigrationScript {
            statements: outside,
            notes: Vec::new(),
        };
        if !inside.is_empty() {
            s.push("BEGIN");
            s.statements.extend(inside);
            s.push("COMMIT");
        }
        s
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
