//! The servers for one test or bench run, on loopback in throwaway
//! directories, started in parallel: one PostgreSQL cluster and one MariaDB
//! server; for tests also a TLS-only PostgreSQL and MariaDB with
//! certificates from a throwaway CA, an OpenSSH bastion and a Redmine.
//! Tests find them through the admin URLs in the environment
//! (sr-testkit hands out a fresh database per test from there). They stop
//! when this value is dropped, and, if xtask dies (Ctrl-C, a kill), their
//! reapers stop them as the process goes away.

use std::process::Command;

use anyhow::{Context, Result};
use sr_testkit::{
    MARIADB_URL_ENV, MariaDbServer, PG_URL_ENV, PYTHON_ENV, PgServer, RedmineServer, SSH_DIR_ENV,
    SSH_URL_ENV, SshServer, TlsFixture,
};

/// Which servers a run needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    pub postgres: bool,
    pub mariadb: bool,
    /// The TLS-only PostgreSQL and MariaDB, and the SSH bastion.
    pub tls_and_ssh: bool,
    /// A Redmine (Debian's package) for the Redmine adapter's tests.
    pub redmine: bool,
    /// The Python interpreter with the tests' independent checkers.
    pub python: bool,
}

#[derive(Debug, Default)]
pub struct Servers {
    pg: Option<PgServer>,
    mariadb: Option<MariaDbServer>,
    tls: Option<TlsFixture>,
    ssh: Option<SshServer>,
    redmine: Option<RedmineServer>,
    /// Variables for the runner: the admin URLs.
    env: Vec<(&'static str, String)>,
    /// One line per server, for the summary.
    pub lines: Vec<String>,
}

impl Servers {
    /// Starts what `needs` asks for, except a server whose URL the caller
    /// already set in the environment: that one is used as it is.
    pub fn start(needs: Needs) -> Result<Servers> {
        let mut s = Servers::default();
        let given = |var: &'static str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
        let pg_given = given(PG_URL_ENV);
        let my_given = given(MARIADB_URL_ENV);
        let (pg, mariadb, tls, ssh, redmine) = std::thread::scope(|scope| {
            let pg = (needs.postgres && pg_given.is_none()).then(|| scope.spawn(PgServer::start));
            let my =
                (needs.mariadb && my_given.is_none()).then(|| scope.spawn(MariaDbServer::start));
            let tls = needs.tls_and_ssh.then(|| scope.spawn(TlsFixture::start));
            let ssh = needs.tls_and_ssh.then(|| scope.spawn(SshServer::start));
            let redmine = needs.redmine.then(|| scope.spawn(RedmineServer::start));
            (
                pg.map(joined),
                my.map(joined),
                tls.map(joined),
                ssh.map(joined),
                redmine.map(joined),
            )
        });
        if let Some(pg) = pg {
            let pg = pg.context("starting the PostgreSQL cluster for the tests")?;
            s.lines.push(format!(
                "{} on 127.0.0.1:{} in {}",
                pg.version(),
                pg.port(),
                pg.dir().display()
            ));
            s.env.push((PG_URL_ENV, pg.admin_url()));
            s.pg = Some(pg);
        } else if let Some(url) = pg_given {
            s.lines.push(format!(
                "PostgreSQL from ${PG_URL_ENV}: {}",
                sr_testkit::redact_url(&url)
            ));
        }
        if let Some(my) = mariadb {
            let my = my.context("starting the MariaDB server for the tests")?;
            s.lines.push(format!(
                "{} on 127.0.0.1:{} in {}",
                my.version(),
                my.port(),
                my.dir().display()
            ));
            s.env.push((MARIADB_URL_ENV, my.admin_url()));
            s.mariadb = Some(my);
        } else if let Some(url) = my_given {
            s.lines.push(format!(
                "MariaDB from ${MARIADB_URL_ENV}: {}",
                sr_testkit::redact_url(&url)
            ));
        }
        if let Some(tls) = tls {
            let tls = tls.context("starting the TLS-only PostgreSQL and MariaDB for the tests")?;
            s.lines.push(format!(
                "TLS-only {} on localhost:{} and {} on localhost:{}, CA in {}",
                tls.pg.version(),
                tls.pg.port(),
                tls.mariadb.version(),
                tls.mariadb.port(),
                tls.dir().display()
            ));
            s.env.extend(tls.env());
            s.tls = Some(tls);
        }
        if let Some(ssh) = ssh {
            let ssh = ssh.context("starting the OpenSSH bastion for the tests")?;
            s.lines.push(format!(
                "sshd bastion {} in {}",
                ssh.url(),
                ssh.dir().display()
            ));
            s.env.push((SSH_URL_ENV, ssh.url()));
            s.env.push((SSH_DIR_ENV, ssh.dir().display().to_string()));
            s.ssh = Some(ssh);
        }
        if let Some(redmine) = redmine {
            let redmine = redmine.context("starting the Redmine for the tests")?;
            s.lines.push(format!(
                "Redmine {} in {}",
                redmine.url(),
                redmine.dir().display()
            ));
            s.env.extend(redmine.env());
            s.redmine = Some(redmine);
        }
        if needs.python {
            let python = crate::python::test_python()?;
            s.lines
                .push(format!("Python with the checkers at {}", python.display()));
            s.env
                .push((PYTHON_ENV, python.to_string_lossy().into_owned()));
        }
        for line in &s.lines {
            eprintln!("xtask: {line}");
        }
        Ok(s)
    }

    /// Points `cmd` at the servers.
    pub fn apply(&self, cmd: &mut Command) {
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
    }

    /// Stops the servers and removes their directories.
    pub fn stop(self) {
        drop(self);
    }
}

fn joined<T>(h: std::thread::ScopedJoinHandle<'_, sr_testkit::Result<T>>) -> sr_testkit::Result<T> {
    h.join().unwrap_or_else(|_| {
        Err(sr_testkit::Error::Unsupported(
            "the server start-up thread panicked",
        ))
    })
}

/// `cargo xtask servers`: starts the servers the tests use and keeps them
/// until Enter or Ctrl-C, printing the variables to export; then `cargo nextest run
/// …` in another shell reuses them run after run.
pub fn hold() -> Result<i32> {
    crate::setup::ensure_packages(crate::setup::PACKAGES)?;
    let servers = Servers::start(Needs {
        postgres: true,
        mariadb: true,
        tls_and_ssh: true,
        redmine: true,
        python: true,
    })?;
    for (k, v) in &servers.env {
        println!("export {k}='{v}'");
    }
    use std::io::Write;
    std::io::stdout().flush()?;
    let (tx, rx) = std::sync::mpsc::channel();
    ctrlc_channel(tx);
    rx.recv().ok();
    servers.stop();
    Ok(0)
}

/// Sends on `tx` when stdin closes (Ctrl-D) or a line is entered; the
/// servers' reapers stop them if the process is killed instead.
fn ctrlc_channel(tx: std::sync::mpsc::Sender<()>) {
    std::thread::spawn(move || {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok();
        tx.send(()).ok();
    });
}
