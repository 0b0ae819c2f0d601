//! SSH tunnels through a real OpenSSH bastion on loopback (started by
//! `cargo xtask test`) to the TLS-only servers: `verify-full` works through
//! the tunnel, an unknown host key is refused with its fingerprint and
//! works once trusted, a changed one is refused loudly, and a session the
//! bastion drops is opened again for the next connection.

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::{Path, PathBuf};

use sr_db::{ConnectOptions, Database, DbPool, SshAuth, SshTunnel, Trusted, trust_host_key};
use sr_testkit::{SshBastion, SshServer, TlsServers};

fn servers() -> (TlsServers, SshBastion) {
    let tls = sr_testkit::tls_servers().unwrap_or_else(|e| panic!("no TLS servers: {e}"));
    let ssh = sr_testkit::ssh_bastion().unwrap_or_else(|e| panic!("no bastion: {e}"));
    (tls, ssh)
}

fn port(url: &str) -> u16 {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.port())
        .unwrap_or_else(|| panic!("{url}"))
}

fn tunnel(b: &SshBastion, known_hosts: &Path) -> SshTunnel {
    SshTunnel {
        host: b.host.clone(),
        port: b.port,
        user: b.user.clone(),
        auth: SshAuth::KeyFile {
            path: b.client_key(),
            passphrase: None,
        },
        known_hosts: Some(known_hosts.to_path_buf()),
    }
}

/// A known_hosts file in `dir` holding `text`.
fn known_hosts(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("known_hosts");
    std::fs::write(&path, text).unwrap();
    path
}

/// verify-full to the TLS PostgreSQL as the bastion sees it (`localhost`).
fn pg_verify_full(tls: &TlsServers) -> String {
    format!(
        "postgres://postgres@localhost:{}/postgres?sslmode=verify-full&sslrootcert={}",
        port(&tls.pg_url),
        tls.ca().display()
    )
}

async fn open(url: &str, ssh: SshTunnel) -> Result<Database, String> {
    let options = ConnectOptions {
        url: url.to_owned(),
        password: None,
        ssh: Some(ssh),
    };
    Database::open(&options).await.map_err(|e| e.to_string())
}

async fn pg_ssl(db: &Database) -> bool {
    let DbPool::Postgres(pool) = db.pool() else {
        panic!("not PostgreSQL")
    };
    sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn verify_full_through_the_tunnel() {
    let (tls, b) = servers();
    let dir = tempfile::tempdir().unwrap();
    let hosts = known_hosts(dir.path(), &b.known_hosts_line().unwrap());
    let db = open(&pg_verify_full(&tls), tunnel(&b, &hosts))
        .await
        .unwrap();
    assert!(db.tunnelled());
    assert!(db.server_version().starts_with("PostgreSQL "));
    assert!(pg_ssl(&db).await, "TLS inside the tunnel");
    // Several pooled connections at once, each its own channel.
    let (a, c) = tokio::join!(db.introspect(), db.introspect());
    a.unwrap();
    c.unwrap();
    db.close().await;

    // MariaDB with VERIFY_IDENTITY through the same bastion.
    let url = format!(
        "mysql://root@localhost:{}/mysql?ssl-mode=VERIFY_IDENTITY&ssl-ca={}",
        port(&tls.mariadb_url),
        tls.ca().display()
    );
    let db = open(&url, tunnel(&b, &hosts)).await.unwrap();
    assert!(
        db.server_version().starts_with("MariaDB "),
        "{}",
        db.server_version()
    );
    db.close().await;
}

#[tokio::test]
async fn an_unknown_host_key_is_refused_then_trusted() {
    let (tls, b) = servers();
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("ssh").join("known_hosts");
    let ssh = tunnel(&b, &hosts);
    let err = open(&pg_verify_full(&tls), ssh.clone()).await.unwrap_err();
    for part in [
        "presented a host key that",
        "does not know",
        "ssh-ed25519",
        "scratchrobin connection trust",
    ] {
        assert!(err.contains(part), "`{err}` lacks `{part}`");
    }
    let fingerprint = err
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap_or_else(|| panic!("no fingerprint in `{err}`"))
        .trim_end_matches([';', ',', ')'])
        .to_owned();

    // A fingerprint that is not the bastion's is not trusted.
    let wrong = trust_host_key(&ssh, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        wrong.contains(&format!("presents the key {fingerprint}")),
        "{wrong}"
    );
    assert!(!hosts.exists(), "nothing was written");

    match trust_host_key(&ssh, &fingerprint).await.unwrap() {
        Trusted::Added {
            fingerprint: fp,
            file,
        } => {
            assert_eq!(fp, fingerprint);
            assert_eq!(file, hosts);
        }
        other => panic!("{other:?}"),
    }
    let db = open(&pg_verify_full(&tls), ssh.clone()).await.unwrap();
    assert!(pg_ssl(&db).await);
    db.close().await;
    assert!(matches!(
        trust_host_key(&ssh, &fingerprint).await.unwrap(),
        Trusted::AlreadyKnown { .. }
    ));
}

#[tokio::test]
async fn a_changed_host_key_is_refused() {
    let (tls, b) = servers();
    let dir = tempfile::tempdir().unwrap();
    // Another key recorded for the bastion's name: as if it changed.
    let other = dir.path().join("impostor");
    sr_testkit::ssh_keygen(&other).unwrap();
    let public = std::fs::read_to_string(other.with_extension("pub")).unwrap();
    let mut parts = public.split_whitespace();
    let line = format!(
        "[{}]:{} {} {}\n",
        b.host,
        b.port,
        parts.next().unwrap(),
        parts.next().unwrap()
    );
    let hosts = known_hosts(dir.path(), &line);
    let ssh = tunnel(&b, &hosts);
    let err = open(&pg_verify_full(&tls), ssh.clone()).await.unwrap_err();
    for part in [
        "HOST KEY HAS CHANGED",
        "line 1 of",
        "ssh-keygen -R",
        "do not connect",
    ] {
        assert!(err.contains(part), "`{err}` lacks `{part}`");
    }
    let fingerprint = err
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .trim_end_matches([';', ',']);
    let refused = trust_host_key(&ssh, fingerprint)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("never replaced silently"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(&hosts).unwrap(),
        line,
        "known_hosts untouched"
    );
}

#[tokio::test]
async fn a_wrong_key_or_user_is_refused() {
    let (tls, b) = servers();
    let dir = tempfile::tempdir().unwrap();
    let hosts = known_hosts(dir.path(), &b.known_hosts_line().unwrap());
    let stranger = dir.path().join("stranger");
    sr_testkit::ssh_keygen(&stranger).unwrap();
    let mut ssh = tunnel(&b, &hosts);
    ssh.auth = SshAuth::KeyFile {
        path: stranger,
        passphrase: None,
    };
    let err = open(&pg_verify_full(&tls), ssh.clone()).await.unwrap_err();
    assert!(err.contains("refused the key"), "{err}");
    assert!(err.contains("authorized_keys"), "{err}");
    ssh.auth = SshAuth::KeyFile {
        path: dir.path().join("missing"),
        passphrase: None,
    };
    let err = open(&pg_verify_full(&tls), ssh).await.unwrap_err();
    assert!(err.contains("cannot be read"), "{err}");
}

#[tokio::test]
async fn a_bastion_that_cannot_reach_the_database_says_so() {
    let (_, b) = servers();
    let dir = tempfile::tempdir().unwrap();
    let hosts = known_hosts(dir.path(), &b.known_hosts_line().unwrap());
    let err = open(
        "postgres://postgres@127.0.0.1:1/postgres",
        tunnel(&b, &hosts),
    )
    .await
    .unwrap_err();
    assert!(
        err.contains("could not open a connection to 127.0.0.1:1"),
        "{err}"
    );
}

/// The ids of the processes sshd `pid` forked (one per login).
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

#[tokio::test]
async fn a_dropped_session_is_opened_again() {
    let (tls, _) = servers();
    // Its own bastion, so killing its logins touches no other test.
    let server = tokio::task::spawn_blocking(SshServer::start)
        .await
        .unwrap()
        .unwrap();
    let b = SshBastion {
        host: "127.0.0.1".into(),
        port: server.port(),
        user: server.user().to_owned(),
        dir: server.dir().to_path_buf(),
    };
    let dir = tempfile::tempdir().unwrap();
    let hosts = known_hosts(dir.path(), &b.known_hosts_line().unwrap());
    let db = open(&pg_verify_full(&tls), tunnel(&b, &hosts))
        .await
        .unwrap();
    assert!(pg_ssl(&db).await);
    let logins = children(server.pid());
    assert!(!logins.is_empty(), "sshd has our login");
    for pid in logins {
        std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
    }
    // The pool tests a connection before handing it out; the dead one is
    // dropped and the new one goes through a new session.
    assert!(pg_ssl(&db).await);
    db.close().await;
}
