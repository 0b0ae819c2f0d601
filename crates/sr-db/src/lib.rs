//! Connections to the user's databases: SQLite, PostgreSQL and
//! MySQL/MariaDB through sqlx, each kept as its own pool type (an enum, not
//! `sqlx::Any`, which loses the types introspection needs).
//!
//! - `url`: which dialect a URL speaks, and its password-free form for
//!   messages;
//! - `database`: [`Database`], a connected pool with introspection, row
//!   estimates and object DDL;
//! - `diagnose`: turning a failed connection into a cause and a fix;
//! - `sqlite`: SQLite introspection from pragmas and `sqlite_schema`;
//! - `demo`: the bundled demo shop database.
//!
//! PostgreSQL and MySQL introspection, the query runner, and health checks
//! come in the following slices of issue #3; until then those calls return
//! [`DbError::NotYetSupported`].

mod database;
pub mod demo;
mod diagnose;
pub mod drift;
mod error;
mod exec;
mod mysql;
mod postgres;
mod sqlite;
mod url;

pub use database::{BoxFuture, Database, DbPool};
pub use error::DbError;
pub use sr_schema::Dialect;
pub use url::{dialect_of_url, redact_url};
