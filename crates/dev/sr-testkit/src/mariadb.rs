//! A throwaway MariaDB server: `mariadb-install-db` into a scratch
//! directory, then `mariadbd` on a free loopback port with its socket inside
//! that directory and durability off. Tests connect as the server's `root`
//! user, which has no password (`--auth-root-authentication-method=normal`
//! creates it for 127.0.0.1 too). Killed and removed on drop, or by the
//! reaper when the owning process exits.
//!
//! [`MariaDbServer::start_tls`] starts one with `require_secure_transport`
//! and a certificate for `localhost` from a [`TestCa`].

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::ca::{SERVER_NAME, TestCa, write};
use crate::error::{Error, Result};
use crate::process::{self, Reaper};
use crate::try_free_port;

/// Where Debian puts `mariadbd`, which may not be on a normal user's `PATH`.
const SBIN: &[&str] = &["/usr/sbin", "/usr/local/sbin", "/usr/bin"];

const ATTEMPTS: u32 = 3;

/// How long a server may take to say it is ready.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// A running throwaway MariaDB server.
#[derive(Debug)]
pub struct MariaDbServer {
    port: u16,
    dir: PathBuf,
    version: String,
    tls: bool,
    child: Child,
    // Dropped after `child` is killed: removes `dir`.
    _reaper: Reaper,
}

impl MariaDbServer {
    /// Initialises and starts a new server. Blocks for a few seconds. As
    /// root it runs as root (`--user=root`), which mariadbd allows when
    /// asked explicitly.
    pub fn start() -> Result<MariaDbServer> {
        Self::start_with(None)
    }

    /// Like [`MariaDbServer::start`], for a server that refuses
    /// connections without TLS (`require_secure_transport`), presenting a
    /// certificate for `localhost` signed by `ca`.
    pub fn start_tls(ca: &TestCa) -> Result<MariaDbServer> {
        Self::start_with(Some(ca))
    }

    fn start_with(ca: Option<&TestCa>) -> Result<MariaDbServer> {
        let missing = |what, names: &[&str]| Error::MissingBinary {
            what,
            looked_for: format!("{} in PATH and {}", names.join(" or "), SBIN.join(", ")),
            package: "mariadb-server",
        };
        let server_names = ["mariadbd", "mysqld"];
        let mariadbd = process::find_program(&server_names, SBIN)
            .ok_or_else(|| missing("the MariaDB server", &server_names))?;
        let install_names = ["mariadb-install-db", "mysql_install_db"];
        let install_db = process::find_program(&install_names, SBIN)
            .ok_or_else(|| missing("the MariaDB installer", &install_names))?;

        let dir = process::scratch_dir("mariadb", None)?;
        let mut reaper = Reaper::spawn(&dir, &[], None)?;
        let data = dir.join("data");
        let as_root: &[&str] = if process::is_root() {
            &["--user=root"]
        } else {
            &[]
        };

        process::run_watched(
            Command::new(&install_db)
                .current_dir(&dir)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                // Its own temporary directory: installs running at once
                // (the plain and the TLS server) never share temp tables.
                .arg(format!("--tmpdir={}", dir.display()))
                .args([
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--skip-name-resolve",
                ])
                .args(as_root),
            &mut reaper,
        )?;
        let version = pretty_version(&process::run(Command::new(&mariadbd).arg("--version"))?);
        let mut tls_args: Vec<String> = Vec::new();
        if let Some(ca) = ca {
            let server = ca.server(&[SERVER_NAME])?;
            write(&dir.join("ca.pem"), &ca.cert_pem(), 0o644)?;
            write(&dir.join("server.pem"), &server.cert_pem, 0o644)?;
            write(&dir.join("server.key"), &server.key_pem, 0o600)?;
            tls_args = vec![
                format!("--ssl-ca={}", dir.join("ca.pem").display()),
                format!("--ssl-cert={}", dir.join("server.pem").display()),
                format!("--ssl-key={}", dir.join("server.key").display()),
                "--require-secure-transport=ON".to_owned(),
            ];
        }

        let mut log = String::new();
        for _ in 0..ATTEMPTS {
            let port = try_free_port()?;
            let mut cmd = Command::new(&mariadbd);
            cmd.current_dir(&dir)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg(format!("--socket={}", dir.join("mariadbd.sock").display()))
                .arg(format!("--pid-file={}", dir.join("mariadbd.pid").display()))
                .arg(format!("--tmpdir={}", dir.display()))
                .arg(format!("--port={port}"))
                .args([
                    "--bind-address=127.0.0.1",
                    "--skip-name-resolve",
                    "--skip-log-bin",
                    "--max-connections=300",
                    "--innodb-buffer-pool-size=64M",
                    "--innodb-flush-log-at-trx-commit=0",
                    "--innodb-doublewrite=0",
                    "--innodb-buffer-pool-dump-at-shutdown=0",
                    "--innodb-buffer-pool-load-at-startup=0",
                    "--character-set-server=utf8mb4",
                ])
                .args(as_root)
                .args(&tls_args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                // Out of the terminal's process group: Ctrl-C reaches the
                // owner, whose reaper then kills the server.
                .process_group(0);
            let mut child = cmd.spawn().map_err(|source| Error::Spawn {
                command: process::describe(&cmd),
                source,
            })?;
            reaper.watch_group(child.id());
            match process::wait_for_log(
                &mut child,
                "mariadbd",
                "ready for connections",
                READY_TIMEOUT,
            ) {
                Ok(()) => {
                    return Ok(MariaDbServer {
                        port,
                        dir,
                        version,
                        tls: ca.is_some(),
                        child,
                        _reaper: reaper,
                    });
                }
                Err(lines) => {
                    child.kill().ok();
                    child.wait().ok();
                    log = lines;
                }
            }
        }
        Err(Error::NotStarted {
            server: "MariaDB",
            attempts: ATTEMPTS,
            log,
        })
    }

    /// `mysql://root@127.0.0.1:PORT`: the server's root user, no password,
    /// no default database. A TLS server's is
    /// `mysql://root@localhost:PORT?ssl-mode=REQUIRED`.
    pub fn admin_url(&self) -> String {
        if self.tls {
            format!("mysql://root@{SERVER_NAME}:{}?ssl-mode=REQUIRED", self.port)
        } else {
            format!("mysql://root@127.0.0.1:{}", self.port)
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The scratch directory holding the data directory and the socket.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server's version, e.g. `MariaDB 10.11.19-MariaDB-0+deb12u1`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Kills the server and removes its directory (the same as dropping it).
    pub fn stop(self) {}
}

impl Drop for MariaDbServer {
    fn drop(&mut self) {
        // The data is thrown away, so there is nothing to shut down cleanly.
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// `MariaDB 10.11.19-MariaDB-0+deb12u1` from `mariadbd --version`.
fn pretty_version(output: &str) -> String {
    match output.split_once(" Ver ") {
        Some((_, rest)) => format!("MariaDB {}", rest.split_whitespace().next().unwrap_or("")),
        None => format!("MariaDB ({})", output.trim()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pretty_version_cases() {
        fn check(output: &str, expected: &str) {
            assert_eq!(super::pretty_version(output), expected, "{output:?}");
        }
        check(
            "/usr/sbin/mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)\n",
            "MariaDB 10.11.19-MariaDB-0+deb12u1",
        );
        check("odd", "MariaDB (odd)");
    }
}
