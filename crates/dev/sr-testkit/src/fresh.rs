//! Fresh, empty databases for tests, one per call, in one server per test
//! process: the server `cargo xtask test` started (its admin URL is in
//! `SR_TEST_PG_URL` / `SR_TEST_MARIADB_URL`), or else one this process
//! starts on first use and that the reaper stops when the process exits.

use std::sync::OnceLock;

use sqlx::Connection;

use crate::error::{Error, Result};
use crate::url::{redact_url, with_database};
use crate::{MARIADB_URL_ENV, PG_URL_ENV};

/// Where a test process gets its databases from.
#[derive(Debug)]
struct Source<S> {
    admin_url: String,
    // Kept for the life of the process. Statics are never dropped; the
    // reaper notices the process exit instead.
    _server: Option<S>,
}

type Shared<S> = OnceLock<std::result::Result<Source<S>, String>>;

/// Returns the admin URL of the process's shared server of one kind,
/// starting the server on first use when the environment names none.
async fn admin_url<S: Send + Sync + 'static>(
    cell: &'static Shared<S>,
    server: &'static str,
    env: &'static str,
    start: fn() -> Result<(S, String)>,
) -> Result<String> {
    let found = tokio::task::spawn_blocking(move || {
        let source = cell.get_or_init(|| match std::env::var(env) {
            Ok(url) if !url.trim().is_empty() => Ok(Source {
                admin_url: url.trim().to_owned(),
                _server: None,
            }),
            _ => start()
                .map(|(s, admin_url)| Source {
                    admin_url,
                    _server: Some(s),
                })
                .map_err(|e| e.to_string()),
        });
        source
            .as_ref()
            .map(|s| s.admin_url.clone())
            .map_err(Clone::clone)
    })
    .await;
    match found {
        Ok(Ok(url)) => Ok(url),
        Ok(Err(message)) => Err(Error::SharedServer { server, message }),
        Err(join) => Err(Error::SharedServer {
            server,
            message: join.to_string(),
        }),
    }
}

fn fresh_name() -> String {
    format!("sr_test_{}", uuid::Uuid::new_v4().simple())
}

#[cfg(unix)]
fn start_pg() -> Result<(crate::PgServer, String)> {
    let s = crate::PgServer::start()?;
    let url = s.admin_url();
    Ok((s, url))
}

#[cfg(unix)]
fn start_mariadb() -> Result<(crate::MariaDbServer, String)> {
    let s = crate::MariaDbServer::start()?;
    let url = s.admin_url();
    Ok((s, url))
}

#[cfg(not(unix))]
fn start_pg() -> Result<((), String)> {
    Err(Error::Unsupported(
        "sr-testkit starts servers on unix only; set SR_TEST_PG_URL to an admin URL",
    ))
}

#[cfg(not(unix))]
fn start_mariadb() -> Result<((), String)> {
    Err(Error::Unsupported(
        "sr-testkit starts servers on unix only; set SR_TEST_MARIADB_URL to an admin URL",
    ))
}

/// Like [`postgres_db`], but returns the error instead of panicking.
pub async fn try_postgres_db() -> Result<String> {
    #[cfg(unix)]
    static PG: Shared<crate::PgServer> = OnceLock::new();
    #[cfg(not(unix))]
    static PG: Shared<()> = OnceLock::new();
    let admin = admin_url(&PG, "PostgreSQL", PG_URL_ENV, start_pg).await?;
    let name = fresh_name();
    let fail = |source| Error::CreateDatabase {
        url: redact_url(&admin),
        source,
    };
    let mut conn = sqlx::PgConnection::connect(&admin).await.map_err(fail)?;
    sqlx::raw_sql(&format!(r#"CREATE DATABASE "{name}""#))
        .execute(&mut conn)
        .await
        .map_err(fail)?;
    conn.close().await.ok();
    Ok(with_database(&admin, &name))
}

/// Like [`mariadb_db`], but returns the error instead of panicking.
pub async fn try_mariadb_db() -> Result<String> {
    #[cfg(unix)]
    static MARIADB: Shared<crate::MariaDbServer> = OnceLock::new();
    #[cfg(not(unix))]
    static MARIADB: Shared<()> = OnceLock::new();
    let admin = admin_url(&MARIADB, "MariaDB", MARIADB_URL_ENV, start_mariadb).await?;
    let name = fresh_name();
    let fail = |source| Error::CreateDatabase {
        url: redact_url(&admin),
        source,
    };
    let mut conn = sqlx::MySqlConnection::connect(&admin).await.map_err(fail)?;
    sqlx::raw_sql(&format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
        .execute(&mut conn)
        .await
        .map_err(fail)?;
    conn.close().await.ok();
    Ok(with_database(&admin, &name))
}

/// The URL (`postgres://…@127.0.0.1:PORT/sr_test_…`) of a new, empty
/// database on a real PostgreSQL server. Panics with the reason and the fix
/// when no server can be had.
pub async fn postgres_db() -> String {
    try_postgres_db()
        .await
        .unwrap_or_else(|e| panic!("sr-testkit: no PostgreSQL database for this test: {e}"))
}

/// The URL (`mysql://…@127.0.0.1:PORT/sr_test_…`) of a new, empty database
/// on a real MariaDB server. Panics with the reason and the fix when no
/// server can be had.
pub async fn mariadb_db() -> String {
    try_mariadb_db()
        .await
        .unwrap_or_else(|e| panic!("sr-testkit: no MariaDB database for this test: {e}"))
}
