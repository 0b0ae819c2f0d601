//! A throwaway PostgreSQL cluster: `initdb` into a scratch directory,
//! `pg_ctl start` on a free loopback port with the unix socket inside that
//! directory, trust authentication for the `postgres` superuser, durability
//! off (the data is thrown away). Stopped and removed on drop, or by the
//! reaper when the owning process exits.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::process::{self, Reaper};
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
    // Dropped last: stops the cluster and removes `dir`.
    _reaper: Reaper,
}

impl PgServer {
    /// Initialises and starts a new cluster. Blocks for a second or two.
    /// When run as root, the cluster runs as the `postgres` account
    /// (created if missing), because PostgreSQL refuses to run as root.
    pub fn start() -> Result<PgServer> {
        let bin = find_bindir()?;
        let account = if process::is_root() {
            Some(process::system_account("postgres")?)
        } else {
            None
        };
        let dir = process::scratch_dir("pg", account.as_ref())?;
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
        let mut reaper = Reaper::spawn(&dir, &stop, account.as_ref())?;

        let tool = |name: &str| {
            let mut cmd = Command::new(bin.join(name));
            cmd.current_dir(&dir).env("LC_ALL", "C");
            if let Some(acct) = &account {
                acct.apply(&mut cmd);
            }
            cmd
        };
        process::run_watched(
            tool("initdb")
                .args([
                    "--username=postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "-D",
                ])
                .arg(&data),
            &mut reaper,
        )?;
        let version = pretty_version(&process::run(tool("pg_ctl").arg("--version"))?);

        let log = dir.join("postgres.log");
        // Query benches read pg_stat_statements; it must be preloaded. The
        // server package ships it (Debian's does); without it the benches
        // say it is not installed.
        let preload = if has_library(&bin, "pg_stat_statements") {
            " -c shared_preload_libraries=pg_stat_statements"
        } else {
            ""
        };
        for _ in 0..ATTEMPTS {
            let port = try_free_port()?;
            let options = format!(
                "-p {port} -k '{}' -c listen_addresses=127.0.0.1 -c max_connections=300 \
                 -c fsync=off -c synchronous_commit=off -c full_page_writes=off{preload}",
                dir.display()
            );
            let started = process::run(
                tool("pg_ctl")
                    .arg("-D")
                    .arg(&data)
                    .arg("-l")
                    .arg(&log)
                    .args(["-w", "-t", "120", "-o", &options, "start"]),
            );
            if started.is_ok() {
                return Ok(PgServer {
                    port,
                    dir,
                    version,
                    _reaper: reaper,
                });
            }
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        Err(Error::NotStarted {
            server: "PostgreSQL",
            attempts: ATTEMPTS,
            log: process::tail(&text, 20),
        })
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`: the superuser, no
    /// password (trust authentication on loopback).
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
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
