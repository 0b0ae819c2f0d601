//! Connections to the user's databases: SQLite, PostgreSQL and
//! MySQL/MariaDB through sqlx, each kept as its own pool type (an enum, not
//! `sqlx::Any`, which loses the types introspection needs).
//!
//! - `url`: which dialect a URL speaks, and its password-free form for
//!   messages;
//! - `connect`: [`Database::open`] from [`ConnectOptions`] (URL, password,
//!   SSH tunnel);
//! - `database`: [`Database`], a connected pool with introspection, row
//!   estimates and object DDL;
//! - `outline`: [`Database::schema_names`] and [`Database::schema_outline`],
//!   a database's tree (schemas, then each one's object names) read before
//!   its snapshot;
//! - `tls`: the URL's TLS parameters, checked before connecting;
//! - `tunnel`: SSH tunnels through a bastion (russh), known_hosts checks
//!   and [`trust_host_key`];
//! - `diagnose`: turning a failed connection into a cause and a fix (TLS
//!   failures each named, with the URL parameter to change);
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
//! - `demo`: the bundled demo shop database;
//! - `timing`: [`Database::introspect_timed`], an introspection's time split
//!   into catalog queries and model building (for the drift bench).

mod connect;
mod database;
pub mod demo;
mod diagnose;
pub mod drift;
mod error;
mod exec;
pub mod health;
mod mysql;
mod outline;
pub mod perf;
mod postgres;
mod query;
mod server;
mod sqlite;
mod timing;
mod tls;
mod tunnel;
mod url;

pub use connect::{ConnectOptions, SshAuth, SshTunnel};
pub use database::{BoxFuture, Database, DbPool};
pub use error::DbError;
pub use query::{QueryCancel, QueryOutput};
pub use sr_schema::Dialect;
pub use timing::IntrospectTiming;
pub use tunnel::{Trusted, trust_host_key};
pub use url::{dialect_of_url, redact_url};
