//! What many crates' tests share: real PostgreSQL and MariaDB servers on
//! loopback in throwaway directories, a fresh empty database per test, and
//! free ports.
//!
//! ```no_run
//! # async fn example() {
//! let url = sr_testkit::postgres_db().await; // postgres://postgres@127.0.0.1:PORT/sr_test_…
//! # let _ = url;
//! # }
//! ```
//!
//! `cargo xtask test` starts one PostgreSQL and one MariaDB for the whole
//! run and passes their admin URLs in [`PG_URL_ENV`] and
//! [`MARIADB_URL_ENV`]. A test run some other way (`cargo test -p …`)
//! starts its own throwaway server on first use, once per test process.
//!
//! Without the default `db` feature the crate is std-only and offers just
//! the servers ([`PgServer`], [`MariaDbServer`]) and [`free_port`]: that is
//! what xtask uses.

mod error;
#[cfg(feature = "db")]
mod fresh;
#[cfg(unix)]
mod mariadb;
#[cfg(unix)]
mod postgres;
#[cfg(unix)]
mod process;
#[cfg(unix)]
mod standby;
mod url;

pub use error::{Error, Result};
#[cfg(feature = "db")]
pub use fresh::{mariadb_db, postgres_db, try_mariadb_db, try_postgres_db};
#[cfg(unix)]
pub use mariadb::MariaDbServer;
#[cfg(unix)]
pub use postgres::PgServer;
#[cfg(unix)]
pub use standby::PgStandby;
pub use url::{redact_url, with_database};

/// The environment variable holding the admin URL of a PostgreSQL server
/// for tests (set by `cargo xtask test`).
pub const PG_URL_ENV: &str = "SR_TEST_PG_URL";

/// The environment variable holding the admin URL of a MariaDB server for
/// tests (set by `cargo xtask test`).
pub const MARIADB_URL_ENV: &str = "SR_TEST_MARIADB_URL";

/// A loopback port that was free a moment ago (the OS picked it). Another
/// process may take it before the caller binds it; servers here retry.
/// Panics when no port can be bound at all.
pub fn free_port() -> u16 {
    try_free_port().unwrap_or_else(|e| panic!("sr-testkit: {e}"))
}

/// Like [`free_port`], but returns the error.
pub fn try_free_port() -> Result<u16> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(Error::NoFreePort)
}
