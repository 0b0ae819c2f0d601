//! End to end through the real binary: TLS and SSH tunnel profiles added
//! with `connection add`, checked with `connection test` and used by
//! `health --db` and `schema snapshot --db`, against the TLS-only
//! PostgreSQL and MariaDB and the OpenSSH bastion that `cargo xtask test`
//! starts (certificates from a throwaway CA, made for `localhost`).

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sr_testkit::{SshBastion, TestCa, TlsServers};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .arg("--config-dir")
            .arg(self.dir.path().join("config"))
            .args(args)
            .env_remove("SCRATCHROBIN_STORE")
            .env("RUST_LOG", "debug")
            .output()
            .expect("the binary runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn json(&self, args: &[&str], code: i32) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    }

    /// `connection test NAME --json` fails; its cause and fix.
    fn refused(&self, name: &str) -> (String, String) {
        let report = self.json(&["connection", "test", name, "--json"], 1);
        let text = |k: &str| report[k].as_str().unwrap_or_default().to_owned();
        (text("cause"), text("fix"))
    }

    /// `health --db NAME --json`: every check answers (exit 0 or 2, by the
    /// report's own status: other tests may hold locks on the server) and
    /// connectivity is ok.
    fn healthy(&self, name: &str) -> Value {
        let out = self.run(&["health", "--db", name, "--json"]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let expected = if report["status"] == "ok" { 0 } else { 2 };
        assert_eq!(out.status.code(), Some(expected), "{report}");
        let connectivity = report["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["check"] == "connectivity"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(connectivity["severity"], "ok", "{report}");
        report
    }
}

fn tls() -> TlsServers {
    sr_testkit::tls_servers().unwrap_or_else(|e| panic!("no TLS servers: {e}"))
}

fn port(url: &str) -> u16 {
    let after = url.rsplit_once(':').map(|(_, p)| p).unwrap_or_default();
    after
        .split(['/', '?'])
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {url}"))
}

fn pg_url(s: &TlsServers, host: &str, query: &str) -> String {
    format!(
        "postgres://postgres@{host}:{}/postgres?{query}",
        port(&s.pg_url)
    )
}

/// A CA the servers do not know, as a file in `dir`.
fn wrong_ca(dir: &Path) -> PathBuf {
    let path = dir.join("wrong-ca.pem");
    std::fs::write(
        &path,
        TestCa::generate("Not the servers' CA").unwrap().cert_pem(),
    )
    .unwrap();
    path
}

#[test]
fn connection_to_postgres_over_tls_with_verify_full() {
    let s = tls();
    let env = Env::new();
    let ca = s.ca().display().to_string();
    env.ok(&[
        "connection",
        "add",
        "tlspg",
        &pg_url(
            &s,
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        ),
    ]);
    let text = env.ok(&["connection", "test", "tlspg"]);
    assert!(text.starts_with("ok: tlspg"), "{text}");
    assert!(text.contains("ms (round trip); PostgreSQL "), "{text}");
    env.healthy("tlspg");
    let snapshot = env.ok(&["schema", "snapshot", "--db", "tlspg"]);
    assert!(snapshot.contains("\"dialect\""), "{snapshot}");

    let wrong = wrong_ca(env.dir.path()).display().to_string();
    env.ok(&[
        "connection",
        "add",
        "wrongca",
        &pg_url(
            &s,
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={wrong}"),
        ),
    ]);
    env.ok(&[
        "connection",
        "add",
        "wronghost",
        &pg_url(
            &s,
            "127.0.0.1",
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        ),
    ]);
    env.ok(&[
        "connection",
        "add",
        "noca",
        &pg_url(&s, "localhost", "sslmode=verify-full"),
    ]);
    let plain = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(sr_testkit::postgres_db());
    env.ok(&[
        "connection",
        "add",
        "plain",
        &format!("{plain}?sslmode=verify-full&sslrootcert={ca}"),
    ]);

    let (cause, fix) = env.refused("wrongca");
    assert!(
        cause.contains("not signed by the certificate authority in sslrootcert"),
        "{cause}"
    );
    assert!(fix.contains("holds another one"), "{fix}");
    let (cause, fix) = env.refused("wronghost");
    assert!(
        cause.contains("is for localhost, not for the host name 127.0.0.1"),
        "{cause}"
    );
    assert!(fix.contains("connect as localhost"), "{fix}");
    let (cause, fix) = env.refused("noca");
    assert!(
        cause.contains("does not trust, and the URL names no sslrootcert"),
        "{cause}"
    );
    assert!(fix.contains("add sslrootcert="), "{fix}");
    let (cause, fix) = env.refused("plain");
    assert!(
        cause.contains("the server does not offer TLS, and sslmode=verify-full requires it"),
        "{cause}"
    );
    assert!(fix.contains("ssl = on"), "{fix}");
    // The failures reach every command, not only `connection test`.
    let out = env.run(&["schema", "snapshot", "--db", "wronghost"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not for the host name 127.0.0.1"));
}

#[test]
fn connection_to_mariadb_over_tls_with_verify_identity() {
    let s = tls();
    let env = Env::new();
    let ca = s.ca().display().to_string();
    let url = |host: &str, query: &str| {
        format!(
            "mariadb://root@{host}:{}/mysql?{query}",
            port(&s.mariadb_url)
        )
    };
    env.ok(&[
        "connection",
        "add",
        "tlsmy",
        &url(
            "localhost",
            &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
        ),
    ]);
    let text = env.ok(&["connection", "test", "tlsmy"]);
    assert!(text.contains("ms (round trip); MariaDB "), "{text}");
    env.healthy("tlsmy");

    let wrong = wrong_ca(env.dir.path()).display().to_string();
    env.ok(&[
        "connection",
        "add",
        "wrongca",
        &url(
            "localhost",
            &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={wrong}"),
        ),
    ]);
    env.ok(&[
        "connection",
        "add",
        "wronghost",
        &url(
            "127.0.0.1",
            &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
        ),
    ]);
    let plain = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(sr_testkit::mariadb_db());
    env.ok(&[
        "connection",
        "add",
        "plain",
        &format!("{plain}?ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
    ]);
    let (cause, _) = env.refused("wrongca");
    assert!(
        cause.contains("not signed by the certificate authority in ssl-ca"),
        "{cause}"
    );
    let (cause, _) = env.refused("wronghost");
    assert!(
        cause.contains("is for localhost, not for the host name 127.0.0.1"),
        "{cause}"
    );
    let (cause, _) = env.refused("plain");
    assert!(
        cause.contains("does not offer TLS, and ssl-mode=VERIFY_IDENTITY requires it"),
        "{cause}"
    );
}

fn bastion() -> SshBastion {
    sr_testkit::ssh_bastion().unwrap_or_else(|e| panic!("no bastion: {e}"))
}

/// `connection add NAME URL --ssh … --known-hosts FILE`.
fn add_tunnelled(env: &Env, name: &str, url: &str, b: &SshBastion, known_hosts: &Path) {
    env.ok(&[
        "connection",
        "add",
        name,
        url,
        "--ssh",
        &format!("{}@{}:{}", b.user, b.host, b.port),
        "--ssh-key",
        b.client_key().to_str().unwrap(),
        "--known-hosts",
        known_hosts.to_str().unwrap(),
    ]);
}

#[test]
fn connection_through_the_ssh_bastion_after_trusting_its_key() {
    let (s, b) = (tls(), bastion());
    let env = Env::new();
    let hosts = env.dir.path().join("known_hosts");
    let url = pg_url(
        &s,
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", s.ca().display()),
    );
    add_tunnelled(&env, "behind", &url, &b, &hosts);
    let file = std::fs::read_to_string(env.dir.path().join("config/connections.json")).unwrap();
    assert!(file.contains("\"ssh\""), "{file}");

    // Unknown host key: refused, with the fingerprint and how to trust it.
    let (cause, fix) = env.refused("behind");
    assert!(cause.contains("presented a host key that"), "{cause}");
    assert!(fix.contains("scratchrobin connection trust"), "{fix}");
    let fingerprint = cause
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap_or_else(|| panic!("no fingerprint in {cause}"))
        .to_owned();
    let out = env.run(&["connection", "trust", "behind", "SHA256:not-it"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("presents the key {fingerprint}"))
    );
    let trusted = env.ok(&["connection", "trust", "behind", &fingerprint]);
    assert!(
        trusted.contains(&format!("trusted {fingerprint}")),
        "{trusted}"
    );

    let text = env.ok(&["connection", "test", "behind"]);
    assert!(text.contains("through the SSH bastion"), "{text}");
    assert!(text.contains("PostgreSQL "), "{text}");
    env.healthy("behind");
    let snapshot = env.ok(&["schema", "snapshot", "--db", "behind"]);
    assert!(snapshot.contains("\"dialect\""), "{snapshot}");
}

#[test]
fn connection_with_a_changed_bastion_key_is_refused() {
    let (s, b) = (tls(), bastion());
    let env = Env::new();
    let impostor = env.dir.path().join("impostor");
    sr_testkit::ssh_keygen(&impostor).unwrap();
    let public = std::fs::read_to_string(impostor.with_extension("pub")).unwrap();
    let mut parts = public.split_whitespace();
    let line = format!(
        "[{}]:{} {} {}\n",
        b.host,
        b.port,
        parts.next().unwrap(),
        parts.next().unwrap()
    );
    let hosts = env.dir.path().join("known_hosts");
    std::fs::write(&hosts, &line).unwrap();
    let url = pg_url(
        &s,
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", s.ca().display()),
    );
    add_tunnelled(&env, "behind", &url, &b, &hosts);
    let (cause, fix) = env.refused("behind");
    assert!(cause.contains("HOST KEY HAS CHANGED"), "{cause}");
    assert!(fix.contains("ssh-keygen -R"), "{fix}");
    let fingerprint = cause
        .split_whitespace()
        .find(|w| w.starts_with("SHA256:"))
        .unwrap()
        .trim_end_matches(',');
    let out = env.run(&["connection", "trust", "behind", fingerprint]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never replaced silently"));
    assert_eq!(std::fs::read_to_string(&hosts).unwrap(), line);
}
