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
//! The TLS and SSH tunnel tests get a TLS-only PostgreSQL and MariaDB and
//! an OpenSSH bastion the same way ([`tls_servers`], [`ssh_bastion`]; the
//! variables are in `fixtures`), with certificates from a throwaway
//! [`TestCa`]. The Redmine adapter's tests get a real Redmine
//! ([`redmine`], [`RedmineServer`]), and faults injected in front of it
//! by a [`FaultProxy`]. Webhook tests sign deliveries with
//! [`openssl_hmac_sha256_hex`], an HMAC that is not ours; outgoing
//! webhooks are judged by the reference library in Python
//! ([`run_python`] in the interpreter named in [`PYTHON_ENV`]).
//!
//! Without the default `db` feature the crate is std-only and offers just
//! the servers ([`PgServer`], [`MariaDbServer`]) and [`free_port`]: that is
//! what xtask uses (plus rcgen, for the test CA).

#[cfg(unix)]
mod ca;
mod error;
#[cfg(feature = "db")]
mod faults;
#[cfg(unix)]
mod fixtures;
#[cfg(feature = "db")]
mod fresh;
#[cfg(unix)]
mod mariadb;
#[cfg(unix)]
mod postgres;
#[cfg(unix)]
mod process;
mod python;
#[cfg(unix)]
mod redmine;
mod sign;
#[cfg(unix)]
mod sshd;
#[cfg(unix)]
mod standby;
mod url;

#[cfg(unix)]
pub use ca::{CERT_USER, Issued, SERVER_NAME, TestCa};
pub use error::{Error, Result};
#[cfg(feature = "db")]
pub use faults::{FAULT_NAMES, Fault, FaultProxy};
#[cfg(unix)]
pub use fixtures::{
    MARIADB_TLS_URL_ENV, PG_TLS_URL_ENV, SSH_DIR_ENV, SSH_URL_ENV, SshBastion, TLS_DIR_ENV,
    TlsFixture, TlsServers, ssh_bastion, tls_servers,
};
#[cfg(feature = "db")]
pub use fresh::{mariadb_db, postgres_db, try_mariadb_db, try_postgres_db};
#[cfg(unix)]
pub use mariadb::MariaDbServer;
#[cfg(unix)]
pub use postgres::PgServer;
pub use python::run_python;
#[cfg(unix)]
pub use redmine::{REDMINE_KEY_ENV, REDMINE_URL_ENV, RedmineFixture, RedmineServer, redmine};
pub use sign::openssl_hmac_sha256_hex;
#[cfg(unix)]
pub use sshd::{SshServer, ssh_keygen};
#[cfg(unix)]
pub use standby::PgStandby;
pub use url::{redact_url, with_database};

/// The environment variable holding the admin URL of a PostgreSQL server
/// for tests (set by `cargo xtask test`).
pub const PG_URL_ENV: &str = "SR_TEST_PG_URL";

/// The environment variable holding the admin URL of a MariaDB server for
/// tests (set by `cargo xtask test`).
pub const MARIADB_URL_ENV: &str = "SR_TEST_MARIADB_URL";

/// The environment variable holding the path of the Python interpreter
/// whose packages check our output in tests (independent validators and
/// readers), set by `cargo xtask test`.
pub const PYTHON_ENV: &str = "SR_TEST_PYTHON";

/// The tests' Python interpreter (see [`PYTHON_ENV`]).
pub fn python() -> Result<std::path::PathBuf> {
    match std::env::var_os(PYTHON_ENV) {
        Some(p) if !p.is_empty() => Ok(p.into()),
        _ => Err(Error::MissingBinary {
            what: "the tests' Python interpreter",
            looked_for: format!(
                "${PYTHON_ENV}, set by `cargo xtask test` (or `cargo xtask servers`)"
            ),
            package: "python3-venv",
        }),
    }
}

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
