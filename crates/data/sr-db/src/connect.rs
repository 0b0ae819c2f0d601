//! Opening a database from [`ConnectOptions`]: the URL, the password kept
//! apart from it, and an optional SSH tunnel through a bastion. TLS
//! parameters are checked first ([`crate::tls`]), the tunnel is opened
//! next, then one connection is made and asked for the server's version,
//! so a failure is reported with its cause and fix instead of a pool
//! timeout.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use sqlx::Connection;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sr_schema::Dialect;
use sr_secrets::Secret;

use crate::database::{CONNECT_TIMEOUT, Database, DbPool};
use crate::diagnose::diagnose;
use crate::tls::{TlsFacts, read_tls};
use crate::tunnel::{Failure, Tunnel};
use crate::url::{dialect_of_url, redact_url};
use crate::{BoxFuture, DbError};

/// Everything needed to open a database.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// `sqlite://…`, `postgres://…`, `mysql://…` or `mariadb://…`; TLS
    /// settings go in its query (`sslmode`, `sslrootcert`, `ssl-mode`,
    /// `ssl-ca`, …).
    pub url: String,
    /// The password, when the URL holds none (a profile keeps it in the
    /// keyring or the environment). SQLite ignores it.
    pub password: Option<Secret>,
    /// Reach the server through this SSH bastion. SQLite ignores it.
    pub ssh: Option<SshTunnel>,
}

impl ConnectOptions {
    /// Options for `url` alone.
    pub fn new(url: impl Into<String>) -> Self {
        ConnectOptions {
            url: url.into(),
            password: None,
            ssh: None,
        }
    }
}

/// An SSH bastion the connection goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTunnel {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub auth: SshAuth,
    /// The known_hosts file to check the bastion's key against; `None`
    /// for `~/.ssh/known_hosts`.
    pub known_hosts: Option<PathBuf>,
}

/// How to authenticate to the bastion. Keys stay where they are: the
/// agent signs for itself, a key file is read only to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SshAuth {
    /// The running ssh-agent (`SSH_AUTH_SOCK`).
    Agent,
    /// An OpenSSH private key file, with its passphrase if it has one.
    KeyFile {
        path: PathBuf,
        passphrase: Option<Secret>,
    },
}

impl Database {
    /// Opens a database: checks the URL's TLS settings, opens the SSH
    /// tunnel if one is asked for, then makes one connection and reads the
    /// server's version.
    #[tracing::instrument(name = "db.connect", skip_all, fields(url = %redact_url(&options.url), ssh = options.ssh.is_some()))]
    pub fn open(options: &ConnectOptions) -> BoxFuture<'_, Result<Database, DbError>> {
        Box::pin(open_inner(options))
    }

    /// Connects to `url` (`sqlite://…`, `postgres://…`, `mysql://…` or
    /// `mariadb://…`): [`Database::open`] with the URL alone.
    pub fn connect(url: &str) -> BoxFuture<'_, Result<Database, DbError>> {
        Box::pin(async move { open_inner(&ConnectOptions::new(url)).await })
    }

    /// Like [`Database::connect`], with the password given apart from the
    /// URL. SQLite ignores it.
    pub fn connect_with_password<'a>(
        url: &'a str,
        password: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Database, DbError>> {
        Box::pin(async move {
            let options = ConnectOptions {
                url: url.to_owned(),
                password: password.cloned(),
                ssh: None,
            };
            open_inner(&options).await
        })
    }
}

async fn open_inner(options: &ConnectOptions) -> Result<Database, DbError> {
    let url = options.url.as_str();
    let shown = redact_url(url);
    let bad_url = |reason: String| DbError::BadUrl {
        url: shown.clone(),
        reason,
    };
    let dialect = dialect_of_url(url)
        .ok_or_else(|| bad_url("the scheme is not sqlite, postgres, mysql or mariadb".into()))?;
    if dialect == Dialect::Sqlite {
        let opts = SqliteConnectOptions::from_str(url).map_err(|e| bad_url(e.to_string()))?;
        return Database::open_sqlite_with(opts, shown).await;
    }
    let (url, facts) = read_tls(url, dialect).map_err(|bad| DbError::Connect {
        url: shown.clone(),
        cause: bad.cause,
        fix: bad.fix,
    })?;
    let tunnel_failed = |f: Failure| DbError::Connect {
        url: shown.clone(),
        cause: f.cause,
        fix: f.fix,
    };
    match dialect {
        Dialect::Postgres => {
            let mut opts = PgConnectOptions::from_str(&url).map_err(|e| bad_url(e.to_string()))?;
            if let Some(p) = &options.password {
                opts = opts.password(p.expose());
            }
            let tunnel = match &options.ssh {
                Some(ssh) => {
                    let host = tcp_host(opts.get_host(), &shown)?;
                    let port = opts.get_port();
                    let t = Tunnel::open(ssh, &host, port, &format!(".s.PGSQL.{port}"))
                        .await
                        .map_err(tunnel_failed)?;
                    opts = opts.socket(t.dir());
                    Some(Arc::new(t))
                }
                None => None,
            };
            let version = timed(pg_version(&opts), &shown, &facts).await?;
            let name = opts
                .get_database()
                .unwrap_or(opts.get_username())
                .to_owned();
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_lazy_with(opts);
            Ok(Database::from_parts(
                DbPool::Postgres(pool),
                shown,
                name,
                version,
                tunnel,
            ))
        }
        Dialect::MySql | Dialect::Sqlite => {
            // sqlx knows only the mysql scheme; MariaDB speaks the same.
            let mysql_url = match url.split_once(':') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mariadb") => {
                    format!("mysql:{rest}")
                }
                _ => url.clone(),
            };
            let mut opts =
                MySqlConnectOptions::from_str(&mysql_url).map_err(|e| bad_url(e.to_string()))?;
            if let Some(p) = &options.password {
                opts = opts.password(p.expose());
            }
            let tunnel = match &options.ssh {
                Some(ssh) => {
                    let host = tcp_host(opts.get_host(), &shown)?;
                    let t = Tunnel::open(ssh, &host, opts.get_port(), "mysql.sock")
                        .await
                        .map_err(tunnel_failed)?;
                    opts = opts.socket(t.socket());
                    Some(Arc::new(t))
                }
                None => None,
            };
            let version = timed(mysql_version(&opts), &shown, &facts).await?;
            let name = opts.get_database().unwrap_or_default().to_owned();
            let pool = MySqlPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(CONNECT_TIMEOUT)
                .connect_lazy_with(opts);
            Ok(Database::from_parts(
                DbPool::MySql(pool),
                shown,
                name,
                version,
                tunnel,
            ))
        }
    }
}

/// The host a tunnel forwards to: a TCP host, not a socket path.
fn tcp_host(host: &str, shown: &str) -> Result<String, DbError> {
    if host.starts_with('/') {
        return Err(DbError::Connect {
            url: shown.to_owned(),
            cause: format!(
                "the URL names the Unix socket {host}, which an SSH tunnel cannot reach"
            ),
            fix: "give the server's host name and port as the bastion sees them".to_owned(),
        });
    }
    Ok(host.to_owned())
}

/// One connection, asked for the server's version, then closed.
async fn pg_version(opts: &PgConnectOptions) -> Result<String, sqlx::Error> {
    let mut conn = PgConnection::connect_with(opts).await?;
    let v: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(format!("PostgreSQL {v}"))
}

async fn mysql_version(opts: &MySqlConnectOptions) -> Result<String, sqlx::Error> {
    let mut conn = MySqlConnection::connect_with(opts).await?;
    let v: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(server_name(&v))
}

/// `MariaDB 10.11.19-MariaDB-0+deb12u1` or `MySQL 8.0.36`.
pub(crate) fn server_name(version: &str) -> String {
    if version.to_ascii_lowercase().contains("mariadb") {
        format!("MariaDB {version}")
    } else {
        format!("MySQL {version}")
    }
}

/// Runs a probe with the connect timeout, turning a failure into a
/// diagnosed error.
async fn timed(
    probe: impl Future<Output = Result<String, sqlx::Error>>,
    shown: &str,
    facts: &TlsFacts,
) -> Result<String, DbError> {
    let started = Instant::now();
    match tokio::time::timeout(CONNECT_TIMEOUT, probe).await {
        Ok(Ok(version)) => {
            tracing::debug!(version = %version, ms = started.elapsed().as_millis() as u64, "connected");
            Ok(version)
        }
        Ok(Err(e)) => {
            let (cause, fix) = diagnose(&e, facts.dialect, Some(facts));
            Err(DbError::Connect {
                url: shown.to_owned(),
                cause,
                fix,
            })
        }
        Err(_) => Err(DbError::Connect {
            url: shown.to_owned(),
            cause: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            fix: "check the host and port, and that no firewall drops the connection".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_names() {
        assert_eq!(
            super::server_name("10.11.19-MariaDB-0+deb12u1"),
            "MariaDB 10.11.19-MariaDB-0+deb12u1"
        );
        assert_eq!(super::server_name("8.0.36"), "MySQL 8.0.36");
    }
}
