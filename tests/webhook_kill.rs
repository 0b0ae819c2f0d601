//! Durability of the webhook listener: deliveries keep arriving while the
//! `scratchrobin serve` process is killed with SIGKILL and started again.
//! Every delivery that got a 2xx must end up in the store, processed, once.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SECRET: &str = "kill-test-webhook-secret";

struct Server {
    child: Child,
    addr: SocketAddr,
    finished: mpsc::Receiver<String>,
}

/// Starts `serve` and waits for its "listening on" line. Finished
/// deliveries are reported from its log on `finished`.
fn serve(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SR_KILL_TEST_TOKEN", "unused-token")
        .env("SR_KILL_TEST_SECRET", SECRET)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected: {line}"))
        .parse()
        .unwrap();
    let (tx, finished) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("delivery=").nth(1)
                && line.contains("delivery finished")
            {
                tx.send(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                )
                .ok();
            }
        }
    });
    Server {
        child,
        addr,
        finished,
    }
}

/// HMAC-SHA256 of the body by `openssl`, an implementation not ours.
fn sign(body: &[u8]) -> String {
    format!(
        "sha256={}",
        sr_testkit::openssl_hmac_sha256_hex(SECRET, body).unwrap()
    )
}

/// Sends one delivery; true when it was acknowledged with a 2xx.
fn deliver(addr: SocketAddr, id: &str, body: &[u8], signature: &str) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let head = format!(
        "POST /webhook/github HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         X-GitHub-Event: issues\r\nX-GitHub-Delivery: {id}\r\nX-Hub-Signature-256: {signature}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes())
        .and_then(|_| s.write_all(body))
        .is_err()
    {
        return false;
    }
    let mut reply = String::new();
    s.read_to_string(&mut reply).ok();
    reply.starts_with("HTTP/1.1 2")
}

#[test]
fn every_acknowledged_delivery_survives_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/trackers.json"),
        r#"{"trackers": [{"name": "GH", "type": "github",
            "config": {"owner": "Codertocat", "repo": "Hello-World", "base_url": "http://127.0.0.1:9",
                       "auth": {"type": "personal_token", "token": "${SR_KILL_TEST_TOKEN}"}},
            "sync": {"webhook_secret": "${SR_KILL_TEST_SECRET}"}}]}"#,
    )
    .unwrap();
    // A real issues payload published by GitHub.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/github-webhooks/issues.json");
    let all: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures).unwrap()).unwrap();
    let body = serde_json::to_vec(&all[0]).unwrap();
    let signature = sign(&body);

    let mut server = serve(dir.path());
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    // Eight senders deliver concurrently; the server is killed while
    // requests are in flight and started again on another port.
    let addr = std::sync::Arc::new(std::sync::Mutex::new(server.addr));
    let senders: Vec<_> = (0..8)
        .map(|t| {
            let (acknowledged, addr, body, signature) = (
                acknowledged.clone(),
                addr.clone(),
                body.clone(),
                signature.clone(),
            );
            std::thread::spawn(move || {
                // Like a tracker, retry a delivery that was not acknowledged
                // (to whatever address the server has now) until it is.
                let deadline = Instant::now() + Duration::from_secs(60);
                for i in 0..12 {
                    let id = format!("t{t}-{i}");
                    while !deliver(*addr.lock().unwrap(), &id, &body, &signature) {
                        assert!(Instant::now() < deadline, "{id} was never acknowledged");
                        std::thread::yield_now();
                    }
                    acknowledged.lock().unwrap().insert(id);
                }
            })
        })
        .collect();
    // Kill once some deliveries have been acknowledged.
    while acknowledged.lock().unwrap().len() < 20 {
        std::thread::yield_now();
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    server = serve(dir.path());
    *addr.lock().unwrap() = server.addr;
    for s in senders {
        s.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "deliveries went on after the restart"
    );

    // Wait until the store shows every acknowledged delivery processed,
    // re-reading it each time the restarted server reports progress.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // Reports already received are reflected in the store read below
        // (the log line follows the commit); only later ones are awaited.
        while server.finished.try_recv().is_ok() {}
        let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--config-dir")
            .arg(dir.path().join("config"))
            .args(["webhook", "deliveries", "--json", "--limit", "1000"])
            .env("SR_KILL_TEST_TOKEN", "unused-token")
            .output()
            .unwrap();
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows = list.as_array().unwrap();
        let processed: BTreeSet<String> = rows
            .iter()
            .filter(|d| d["status"] == "processed")
            .map(|d| d["delivery_id"].as_str().unwrap().to_owned())
            .collect();
        let stored: Vec<&str> = rows
            .iter()
            .map(|d| d["delivery_id"].as_str().unwrap())
            .collect();
        let unique: BTreeSet<&str> = stored.iter().copied().collect();
        assert_eq!(unique.len(), stored.len(), "a delivery was stored twice");
        if acknowledged.is_subset(&processed) {
            break;
        }
        let states: Vec<String> = rows
            .iter()
            .filter(|d| d["status"] != "processed")
            .map(|d| format!("{} {} {}", d["delivery_id"], d["status"], d["last_error"]))
            .collect();
        assert!(
            Instant::now() < deadline,
            "not processed: {states:?}; acknowledged but missing: {:?}",
            acknowledged.difference(&processed).collect::<Vec<_>>()
        );
        // Wait for the server to report progress rather than spinning.
        server.finished.recv_timeout(Duration::from_secs(5)).ok();
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    // The processed delivery reached the issue cache: the tracker itself is
    // unreachable, so `issue show` answers from the cache.
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--config-dir")
            .arg(dir.path().join("config"))
            .args(args)
            .env("SR_KILL_TEST_TOKEN", "unused-token")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let trackers = cli(&["tracker", "list", "--json"]);
    let instance = trackers[0]["instance"].as_str().unwrap().to_owned();
    let number = all[0]["issue"]["number"].to_string();
    let shown = cli(&["issue", "show", &format!("{instance}:{number}"), "--json"]);
    assert_eq!(shown["title"], all[0]["issue"]["title"]);
}
