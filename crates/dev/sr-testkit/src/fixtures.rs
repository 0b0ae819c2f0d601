//! The servers of the TLS and SSH tunnel tests, shared by a whole test
//! run: a PostgreSQL and a MariaDB that require TLS (certificates from one
//! throwaway [`TestCa`]) and an OpenSSH bastion on loopback.
//!
//! `cargo xtask test` starts them once and hands them to the tests in the
//! environment ([`PG_TLS_URL_ENV`], [`MARIADB_TLS_URL_ENV`],
//! [`TLS_DIR_ENV`], [`SSH_URL_ENV`], [`SSH_DIR_ENV`]); a test run some
//! other way starts its own on first use, once per test process.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::ca::TestCa;
use crate::error::{Error, Result};
use crate::process::{self, Reaper};
use crate::{MariaDbServer, PgServer, SshServer};

/// Admin URL of the TLS-only PostgreSQL
/// (`postgres://postgres@localhost:PORT/postgres?sslmode=require`).
pub const PG_TLS_URL_ENV: &str = "SR_TEST_PG_TLS_URL";

/// Admin URL of the TLS-only MariaDB (`mysql://root@localhost:PORT?ssl-mode=REQUIRED`).
pub const MARIADB_TLS_URL_ENV: &str = "SR_TEST_MARIADB_TLS_URL";

/// Directory with the CA that signed both servers' certificates
/// (`ca.pem`) and a client certificate for `certuser` (`client.pem`,
/// `client.key`).
pub const TLS_DIR_ENV: &str = "SR_TEST_TLS_DIR";

/// The bastion, `ssh://USER@127.0.0.1:PORT`.
pub const SSH_URL_ENV: &str = "SR_TEST_SSH_URL";

/// Directory with the bastion's authorized client key (`client_ed25519`)
/// and its public host key (`host_ed25519_key.pub`).
pub const SSH_DIR_ENV: &str = "SR_TEST_SSH_DIR";

/// The TLS servers and the CA's files.
#[derive(Debug)]
pub struct TlsFixture {
    pub pg: PgServer,
    pub mariadb: MariaDbServer,
    dir: PathBuf,
    // Dropped last: removes `dir`.
    _reaper: Reaper,
}

impl TlsFixture {
    /// Makes a CA and starts both servers (in parallel). Blocks for a few
    /// seconds.
    pub fn start() -> Result<TlsFixture> {
        let ca = TestCa::generate("ScratchRobin test CA")?;
        let dir = process::scratch_dir("tls", None)?;
        let reaper = Reaper::spawn(&dir, &[], None)?;
        ca.write_client_files(&dir)?;
        let (pg, mariadb) = std::thread::scope(|scope| {
            let pg = scope.spawn(|| PgServer::start_tls(&ca));
            let my = scope.spawn(|| MariaDbServer::start_tls(&ca));
            (joined(pg), joined(my))
        });
        Ok(TlsFixture {
            pg: pg?,
            mariadb: mariadb?,
            dir,
            _reaper: reaper,
        })
    }

    /// The directory of `ca.pem`, `client.pem` and `client.key`.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// The variables that hand these servers to tests.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (PG_TLS_URL_ENV, self.pg.admin_url()),
            (MARIADB_TLS_URL_ENV, self.mariadb.admin_url()),
            (TLS_DIR_ENV, self.dir.display().to_string()),
        ]
    }
}

fn joined<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    h.join()
        .unwrap_or_else(|_| Err(Error::Unsupported("a server start-up thread panicked")))
}

/// Where the TLS servers of this test process are.
#[derive(Debug, Clone)]
pub struct TlsServers {
    /// `postgres://postgres@localhost:PORT/postgres?sslmode=require`.
    pub pg_url: String,
    /// `mysql://root@localhost:PORT?ssl-mode=REQUIRED`.
    pub mariadb_url: String,
    /// `ca.pem`, `client.pem`, `client.key`.
    pub dir: PathBuf,
}

impl TlsServers {
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
}

/// Where the bastion of this test process is.
#[derive(Debug, Clone)]
pub struct SshBastion {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// `client_ed25519` and `host_ed25519_key.pub`.
    pub dir: PathBuf,
}

impl SshBastion {
    /// The private key the bastion accepts.
    pub fn client_key(&self) -> PathBuf {
        self.dir.join("client_ed25519")
    }

    /// A known_hosts line for the bastion's real host key.
    pub fn known_hosts_line(&self) -> Result<String> {
        let path = self.dir.join("host_ed25519_key.pub");
        let key = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            what: "could not read the bastion's host key",
            path,
            source,
        })?;
        // `TYPE BASE64 COMMENT` → `[HOST]:PORT TYPE BASE64`.
        let mut parts = key.split_whitespace();
        let (kind, base64) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        Ok(format!("[{}]:{} {kind} {base64}\n", self.host, self.port))
    }
}

/// The TLS servers: from the environment, else started once per process.
/// Blocks while starting them.
pub fn tls_servers() -> Result<TlsServers> {
    static STARTED: OnceLock<std::result::Result<(TlsServers, Option<TlsFixture>), String>> =
        OnceLock::new();
    let found = STARTED.get_or_init(|| {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let (Some(pg_url), Some(mariadb_url), Some(dir)) = (
            var(PG_TLS_URL_ENV),
            var(MARIADB_TLS_URL_ENV),
            var(TLS_DIR_ENV),
        ) {
            return Ok((
                TlsServers {
                    pg_url,
                    mariadb_url,
                    dir: dir.into(),
                },
                None,
            ));
        }
        let f = TlsFixture::start().map_err(|e| e.to_string())?;
        let servers = TlsServers {
            pg_url: f.pg.admin_url(),
            mariadb_url: f.mariadb.admin_url(),
            dir: f.dir.clone(),
        };
        Ok((servers, Some(f)))
    });
    match found {
        Ok((s, _)) => Ok(s.clone()),
        Err(message) => Err(Error::SharedServer {
            server: "TLS servers",
            message: message.clone(),
        }),
    }
}

/// The SSH bastion: from the environment, else started once per process.
pub fn ssh_bastion() -> Result<SshBastion> {
    static STARTED: OnceLock<std::result::Result<(SshBastion, Option<SshServer>), String>> =
        OnceLock::new();
    let found = STARTED.get_or_init(|| {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let (Some(url), Some(dir)) = (var(SSH_URL_ENV), var(SSH_DIR_ENV)) {
            return parse_ssh_url(&url)
                .map(|(user, host, port)| {
                    (
                        SshBastion {
                            host,
                            port,
                            user,
                            dir: dir.into(),
                        },
                        None,
                    )
                })
                .ok_or_else(|| format!("${SSH_URL_ENV} is not ssh://USER@HOST:PORT: {url}"));
        }
        let s = SshServer::start().map_err(|e| e.to_string())?;
        let bastion = SshBastion {
            host: "127.0.0.1".to_owned(),
            port: s.port(),
            user: s.user().to_owned(),
            dir: s.dir().to_path_buf(),
        };
        Ok((bastion, Some(s)))
    });
    match found {
        Ok((b, _)) => Ok(b.clone()),
        Err(message) => Err(Error::SharedServer {
            server: "sshd",
            message: message.clone(),
        }),
    }
}

/// `(user, host, port)` of `ssh://USER@HOST:PORT`.
fn parse_ssh_url(url: &str) -> Option<(String, String, u16)> {
    let rest = url.strip_prefix("ssh://")?;
    let (user, hostport) = rest.split_once('@')?;
    let (host, port) = hostport.rsplit_once(':')?;
    Some((user.to_owned(), host.to_owned(), port.parse().ok()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ssh_urls() {
        assert_eq!(
            super::parse_ssh_url("ssh://root@127.0.0.1:2222"),
            Some(("root".into(), "127.0.0.1".into(), 2222))
        );
        assert_eq!(super::parse_ssh_url("root@127.0.0.1:2222"), None);
    }
}
