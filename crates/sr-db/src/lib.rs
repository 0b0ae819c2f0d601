//! Connections to the user's databases: SQLite, PostgreSQL and
//! MySQL/MariaDB through sqlx, each kept as its own pool type (an enum, not
//! `sqlx::Any`, which loses the types introspection needs).
//!
//! - `url`: which dialect a URL speaks, and its password-free form for
//!   messages;
//! - `database`: [`Database`], a connected pool with introspection, row
//!   estimates and object DDL;
//! - `diagnose`: turning a failed connection into a cause and a fix;
//! - `exec`: running scripts and migrations ([`Database::execute_script`],
//!   [`Database::apply`]);
//! - `sqlite`: SQLite introspection from pragmas and `sqlite_schema`;
//! - `postgres`: PostgreSQL introspection from `pg_catalog`;
//! - `mysql`: MySQL/MariaDB introspection from `information_schema`;
//! - `server`: row estimates and object DDL on the servers;
//! - [`drift`]: comparing a live database with a snapshot file, a
//!   migrations directory or another database;
//! - [`health`]: health checks (connectivity, long-running queries, blocked
//!   locks, saturation, replication lag, SQLite integrity, last backup);
//! - [`perf`]: query benches (timed runs with cancellation, plans,
//!   `pg_stat_statements`), fingerprints and the regression rule;
//! - `demo`: the bundled demo shop database.

mod database;
pub mod demo;
mod diagnose;
pub mod drift;
mod error;
mod exec;
pub mod health;
mod mysql;
pub mod perf;
mod postgres;
mod query;
mod server;
mod sqlite;
mod url;

pub use database::{BoxFuture, Database, DbPool};
pub use error::DbError;
pub use query::{QueryCancel, QueryOutput};
pub use sr_schema::Dialect;
pub use url::{dialect_of_url, redact_url};
