//! A throwaway PostgreSQL cluster: `initdb` into a scratch directory,
//! `pg_ctl start` on a free loopback port with the unix socket inside that
//! directory, trust authentication for the `postgres` superuser, durability
//! off (the data is thrown away). Stopped and removed on drop, or by the
//! reaper when the owning process exits.
//!
//! [`PgServer::start_tls`] starts one that accepts only TLS connections
//! over TCP, with a certificate for `localhost` from a [`TestCa`]; the
//! role `certuser` must log in with a client certificate of that CA.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ca::{CERT_USER, SERVER_NAME, TestCa, write};
use crate::error::{Error, Result};
use crate::process::{self, Account, Reaper};
use crate::try_free_port;

/// Where Debian (and most Linux distributions) put the server programs;
/// they are not on `PATH`.
const PG_LIB_DIR: &str = "/usr/lib/postgresql";

/// Tries per start; each picks a new port, in case another process took
/// the free one first.
pub(crate) const ATTEMPTS: u32 = 3;

/// A running throwaway PostgreSQL cluster.
#[derive(Debug)]
pub struct PgServer {
    port: u16,
    dir: PathBuf,
    version: String,
    tls: bool,
    // Dropped last: stops the cluster and removes `dir`.
    _reaper: Reaper,
}

impl PgServer {
    /// Initialises and starts a new cluster. Blocks for a second or two.
    /// When run as root, the cluster runs as the `postgres` account
    /// (created if missing), because PostgreSQL refuses to run as root.
    pub fn start() -> Result<PgServer> {
        Self::start_with(None)
    }

    /// Like [`PgServer::start`], for a cluster that refuses connections
    /// without TLS over TCP (`hostssl` only), presenting a certificate for
    /// `localhost` signed by `ca`, trusting `ca` for client certificates,
    /// with a `certuser` role that logs in by certificate alone.
    pub fn start_tls(ca: &TestCa) -> Result<PgServer> {
        Self::start_with(Some(ca))
    }

    fn start_with(ca: Option<&TestCa>) -> Result<PgServer> {
        let mut cluster = Cluster::prepare("pg")?;
        let data = cluster.data.clone();
        process::run_watched(
            cluster
                .tool("initdb")
                .args([
                    "--username=postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "-D",
                ])
                .arg(&data),
            &mut cluster.reaper,
        )?;
        let version = pretty_version(&process::run(cluster.tool("pg_ctl").arg("--version"))?);
        let tls_options = match ca {
            Some(ca) => configure_tls(ca, &cluster.dir, &data, cluster.account.as_ref())?,
            None => String::new(),
        };
        // Query benches read pg_stat_statements; it must be preloaded. The
        // server package ships it (Debian's does); without it the benches
        // say it is not installed.
        let preload = if has_library(&cluster.bin, "pg_stat_statements") {
            " -c shared_preload_libraries=pg_stat_statements"
        } else {
            ""
        };
        let port = cluster.start(
            "PostgreSQL",
            &format!("-c synchronous_commit=off -c full_page_writes=off{preload}{tls_options}"),
        )?;
        if ca.is_some() {
            // Over the unix socket, which trusts everyone.
            process::run(
                cluster
                    .tool("psql")
                    .args(["-h"])
                    .arg(&cluster.dir)
                    .args(["-p", &port.to_string(), "-U", "postgres", "-d", "postgres"])
                    .args(["-v", "ON_ERROR_STOP=1", "-c"])
                    .arg(format!("CREATE ROLE {CERT_USER} LOGIN")),
            )?;
        }
        Ok(PgServer {
            port,
            dir: cluster.dir,
            version,
            tls: ca.is_some(),
            _reaper: cluster.reaper,
        })
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`: the superuser, no
    /// password (trust authentication on loopback). A TLS cluster's is
    /// `postgres://postgres@localhost:PORT/postgres?sslmode=require`.
    pub fn admin_url(&self) -> String {
        if self.tls {
            format!(
                "postgres://postgres@{SERVER_NAME}:{}/postgres?sslmode=require",
                self.port
            )
        } else {
            format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The scratch directory holding the data directory, the log and the
    /// unix socket.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server's version, e.g. `PostgreSQL 15.18`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Stops the cluster and removes its directory (the same as dropping it).
    pub fn stop(self) {}
}

/// A cluster's scratch directory, the account it runs as, its programs
/// and the reaper that stops it: what a primary and a standby set up
/// alike.
pub(crate) struct Cluster {
    pub(crate) bin: PathBuf,
    pub(crate) account: Option<Account>,
    pub(crate) dir: PathBuf,
    pub(crate) data: PathBuf,
    pub(crate) reaper: Reaper,
}

impl Cluster {
    /// A new scratch directory for a cluster of `kind`. When run as root
    /// the cluster runs as the `postgres` account (created if missing),
    /// because PostgreSQL refuses to run as root.
    pub(crate) fn prepare(kind: &str) -> Result<Cluster> {
        let bin = find_bindir()?;
        let account = if process::is_root() {
            Some(process::system_account("postgres")?)
        } else {
            None
        };
        let dir = process::scratch_dir(kind, account.as_ref())?;
        let data = dir.join("data");
        let stop: Vec<OsString> = vec![
            bin.join("pg_ctl").into(),
            "-D".into(),
            data.clone().into(),
            "-m".into(),
            "immediate".into(),
            "-w".into(),
            "stop".into(),
        ];
        // Started before anything else so that whatever happens next, the
        // directory goes away with this process.
        let reaper = Reaper::spawn(&dir, &stop, account.as_ref())?;
        Ok(Cluster {
            bin,
            account,
            dir,
            data,
            reaper,
        })
    }

    /// The server program `name`, run in the directory as the cluster's
    /// account.
    pub(crate) fn tool(&self, name: &str) -> Command {
        let mut cmd = Command::new(self.bin.join(name));
        cmd.current_dir(&self.dir).env("LC_ALL", "C");
        if let Some(acct) = &self.account {
            acct.apply(&mut cmd);
        }
        cmd
    }

    /// Starts the server on a free loopback port, its socket in the
    /// directory, durability off, with the further `options`; the port.
    /// Each of the [`ATTEMPTS`] picks a new port, in case another process
    /// took the free one first; `server` names it in the error.
    pub(crate) fn start(&self, server: &'static str, options: &str) -> Result<u16> {
        let log = self.dir.join("postgres.log");
        for _ in 0..ATTEMPTS {
            let port = try_free_port()?;
            let options = format!(
                "-p {port} -k '{}' -c listen_addresses=127.0.0.1 -c max_connections=300 \
                 -c fsync=off {options}",
                self.dir.display()
            );
            let started = process::run(
                self.tool("pg_ctl")
                    .arg("-D")
                    .arg(&self.data)
                    .arg("-l")
                    .arg(&log)
                    .args(["-w", "-t", "120", "-o", &options, "start"]),
            );
            if started.is_ok() {
                return Ok(port);
            }
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        Err(Error::NotStarted {
            server,
            attempts: ATTEMPTS,
            log: process::tail(&text, 20),
        })
    }
}

/// Writes the server's certificate, key and CA into `dir` (owned by the
/// server's account, the key 0600 as PostgreSQL demands), replaces
/// pg_hba.conf with TLS-only rules, and returns the server options.
fn configure_tls(
    ca: &TestCa,
    dir: &Path,
    data: &Path,
    account: Option<&Account>,
) -> Result<String> {
    let server = ca.server(&[SERVER_NAME])?;
    let files = [
        ("server.pem", server.cert_pem.as_str(), 0o644),
        ("server.key", server.key_pem.as_str(), 0o600),
        ("ca.pem", &ca.cert_pem(), 0o644),
        (
            "pg_hba.conf",
            // The first matching line wins: certuser must show a client
            // certificate whose common name is its own.
            "local all all trust\n\
             hostssl all certuser 127.0.0.1/32 cert\n\
             hostssl all certuser ::1/128 cert\n\
             hostssl all all 127.0.0.1/32 trust\n\
             hostssl all all ::1/128 trust\n\
             hostssl replication all 127.0.0.1/32 trust\n",
            0o600,
        ),
    ];
    for (name, text, mode) in files {
        let path = if name == "pg_hba.conf" {
            data.join(name)
        } else {
            dir.join(name)
        };
        write(&path, text, mode)?;
        if let Some(acct) = account {
            std::os::unix::fs::chown(&path, Some(acct.uid), Some(acct.gid)).map_err(|source| {
                Error::Io {
                    what: "could not hand over the TLS file",
                    path: path.clone(),
                    source,
                }
            })?;
        }
    }
    Ok(format!(
        " -c ssl=on -c ssl_cert_file='{d}/server.pem' -c ssl_key_file='{d}/server.key' \
         -c ssl_ca_file='{d}/ca.pem'",
        d = dir.display()
    ))
}

/// The directory holding `initdb` and `pg_ctl`: `SR_PG_BINDIR` if set, else
/// the newest `/usr/lib/postgresql/N/bin`, else the one on `PATH`.
pub(crate) fn find_bindir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SR_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(PG_LIB_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let n: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((n, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    match process::find_program(&["pg_ctl"], &[]) {
        Some(pg_ctl) if pg_ctl.with_file_name("initdb").is_file() => {
            Ok(pg_ctl.parent().map(Path::to_path_buf).unwrap_or_default())
        }
        _ => Err(Error::MissingBinary {
            what: "PostgreSQL server programs (initdb, pg_ctl)",
            looked_for: format!("{PG_LIB_DIR}/*/bin, PATH and $SR_PG_BINDIR"),
            package: "postgresql",
        }),
    }
}

/// Whether the server's library directory (`BIN/../lib`, as Debian lays it
/// out) holds the shared library `name`.
fn has_library(bin: &Path, name: &str) -> bool {
    bin.parent()
        .is_some_and(|p| p.join("lib").join(format!("{name}.so")).is_file())
}

/// `PostgreSQL 15.18` from `pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
fn pretty_version(output: &str) -> String {
    match output.split_once("(PostgreSQL) ") {
        Some((_, rest)) => format!(
            "PostgreSQL {}",
            rest.split_whitespace().next().unwrap_or("")
        ),
        None => format!("PostgreSQL ({})", output.trim()),
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
            "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n",
            "PostgreSQL 15.18",
        );
        check("pg_ctl (PostgreSQL) 17.2\n", "PostgreSQL 17.2");
        check("odd", "PostgreSQL (odd)");
    }
}
