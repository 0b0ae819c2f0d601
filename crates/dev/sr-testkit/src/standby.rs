//! A throwaway streaming-replication standby of a [`PgServer`]: a base
//! backup taken with `pg_basebackup -R` (the primary's loopback
//! replication is trusted, as `initdb --auth=trust` writes it), started
//! read-only on its own loopback port. Stopped and removed on drop, or by
//! the reaper when the owning process exits.

use std::path::PathBuf;

use crate::PgServer;
use crate::error::Result;
use crate::postgres::Cluster;
use crate::process::{self, Reaper};

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
        let mut cluster = Cluster::prepare("pg-standby")?;
        let data = cluster.data.clone();
        process::run_watched(
            cluster
                .tool("pg_basebackup")
                .args(["-h", "127.0.0.1", "-p", &primary.port().to_string()])
                .args(["-U", "postgres", "-X", "stream", "-R", "--no-sync", "-D"])
                .arg(&data),
            &mut cluster.reaper,
        )?;
        // A hot standby needs at least the primary's max_connections: both
        // get the 300 Cluster::start sets.
        let port = cluster.start("PostgreSQL standby", "-c hot_standby=on")?;
        Ok(PgStandby {
            port,
            dir: cluster.dir,
            _reaper: cluster.reaper,
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
