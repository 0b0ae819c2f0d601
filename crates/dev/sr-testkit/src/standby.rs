//! A throwaway streaming-replication standby of a [`PgServer`]: a base
//! backup taken with `pg_basebackup -R` (the primary's loopback
//! replication is trusted, as `initdb --auth=trust` writes it), started
//! read-only on its own loopback port. Stopped and removed on drop, or by
//! the reaper when the owning process exits.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

use crate::error::{Error, Result};
use crate::postgres::{ATTEMPTS, find_bindir};
use crate::process::{self, Reaper};
use crate::{PgServer, try_free_port};

/// A running standby that replays a [`PgServer`]'s changes.
#[derive(Debug)]
pub struct PgStandby {
    port: u16,
    dir: PathBuf,
    // Dropped last: stops the standby and removes `dir`.
    _reaper: Reaper,
}

impl PgStandby {
    /// Copies `primary` and starts replaying from it. Blocks for a few
    /// seconds.
    pub fn start(primary: &PgServer) -> Result<PgStandby> {
        let bin = find_bindir()?;
        let account = if process::is_root() {
            Some(process::system_account("postgres")?)
        } else {
            None
        };
        let dir = process::scratch_dir("pg-standby", account.as_ref())?;
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
            tool("pg_basebackup")
                .args(["-h", "127.0.0.1", "-p", &primary.port().to_string()])
                .args(["-U", "postgres", "-X", "stream", "-R", "--no-sync", "-D"])
                .arg(&data),
            &mut reaper,
        )?;
        let log = dir.join("postgres.log");
        for _ in 0..ATTEMPTS {
            let port = try_free_port()?;
            // A hot standby needs at least the primary's max_connections.
            let options = format!(
                "-p {port} -k '{}' -c listen_addresses=127.0.0.1 -c max_connections=300 \
                 -c fsync=off -c hot_standby=on",
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
                return Ok(PgStandby {
                    port,
                    dir,
                    _reaper: reaper,
                });
            }
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        Err(Error::NotStarted {
            server: "PostgreSQL standby",
            attempts: ATTEMPTS,
            log: process::tail(&text, 20),
        })
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres` (read-only).
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the standby and removes its directory (the same as dropping
    /// it).
    pub fn stop(self) {}

    /// The scratch directory holding the data directory and the log.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}
