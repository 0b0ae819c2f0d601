//! Team mode end to end: two `scratchrobin serve` processes on one
//! PostgreSQL store share the work. 1,000 signed GitHub deliveries sent
//! round-robin to both are each stored once and processed once; 100
//! auto-issue outbox calls create exactly 100 issues on a loopback GitHub;
//! one serve is SIGKILLed mid-run and nothing is lost or done twice.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use sr_apimock::{GitHubRepo, MockServer};

const SECRET: &str = "team-serve-webhook-secret";
const TOKEN: &str = "team-serve-token";
const DELIVERIES: usize = 1000;
const INTENTS: usize = 100;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

struct Serve {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn scratchrobin(dir: &Path, store: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
    cmd.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .arg("--store")
        .arg(store)
        .env("SR_TEAM_TOKEN", TOKEN)
        .env("SR_TEAM_SECRET", SECRET)
        .env_remove("SCRATCHROBIN_STORE");
    cmd
}

/// Starts `serve`; its "delivery finished" log lines go to `finished`.
fn serve(dir: &Path, store: &str, finished: mpsc::Sender<String>) -> Serve {
    let mut child = scratchrobin(dir, store)
        .args(["serve", "--listen", "127.0.0.1:0"])
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
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("ERROR") || line.contains("panicked") {
                eprintln!("serve: {line}");
            }
            if line.contains("delivery finished")
                && let Some(rest) = line.split("delivery=").nth(1)
            {
                let id = rest.split_whitespace().next().unwrap_or_default();
                finished.send(id.trim_matches('"').to_owned()).ok();
            }
        }
    });
    Serve { child, addr }
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
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
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

fn setup(dir: &Path, github: &str) {
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("trackers.json"),
        format!(
            r#"{{"trackers": [{{"name": "GH", "type": "github",
                "config": {{"owner": "Codertocat", "repo": "Hello-World", "base_url": "{github}",
                           "auth": {{"type": "personal_token", "token": "${{SR_TEAM_TOKEN}}"}}}},
                "sync": {{"webhook_secret": "${{SR_TEAM_SECRET}}"}}}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        config.join("auto_issue_rules.json"),
        r#"{"auto_issue_rules": [{"name": "Drift", "event": "drift.detected",
            "tracker": "GH", "template": "drift_detection", "max_per_hour": 1000}]}"#,
    )
    .unwrap();
}

/// Commits `INTENTS` auto-issue creates to the shared store from this
/// process (distinct objects, so distinct fingerprints), without sending.
async fn commit_intents(dir: &Path, store: &str) {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let resolver = Arc::new(sr_secrets::Resolver::with_env(
        |n| match n {
            "SR_TEAM_TOKEN" => Some(TOKEN.to_owned()),
            "SR_TEAM_SECRET" => Some(SECRET.to_owned()),
            _ => None,
        },
        sr_secrets::Keyring::in_memory(),
    ));
    let mut options = sr_engine::EngineOptions::new(paths);
    options.store_url = Some(store.to_owned());
    let engine = sr_engine::Engine::open_with(options, resolver)
        .await
        .unwrap();
    let mut event =
        sr_auto::load_event(&repo_root().join("config/events/drift.detected.json")).unwrap();
    for n in 0..INTENTS {
        event.object = Some(format!("main.table_{n}"));
        let outcomes = engine.enqueue_event(&event, None).await.unwrap();
        assert_eq!(outcomes.len(), 1);
        assert_eq!(outcomes[0].action, "create", "{outcomes:?}");
    }
    engine.store().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serves_share_deliveries_and_the_outbox_through_a_sigkill() {
    let store = sr_testkit::postgres_db().await;
    let repo = GitHubRepo::new("Codertocat", "Hello-World").with_token(TOKEN);
    let github = MockServer::start(sr_apimock::spec::github().unwrap(), repo.clone())
        .await
        .unwrap();
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    for d in [&a, &b, &c] {
        setup(d.path(), github.base_url());
    }
    // The client commits the outbox calls first; the serves send them.
    commit_intents(c.path(), &store).await;

    let fixtures = repo_root().join("../shared/fixtures/github-webhooks/issues.json");
    let all: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures).unwrap()).unwrap();
    let body = serde_json::to_vec(&all[0]).unwrap();
    let signature = sign(&body);

    let (finished_tx, finished) = mpsc::channel();
    let first = serve(a.path(), &store, finished_tx.clone());
    let second = serve(b.path(), &store, finished_tx.clone());
    let addrs = Arc::new(Mutex::new(vec![first.addr, second.addr]));
    let first = Arc::new(Mutex::new(Some(first)));

    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let senders: Vec<_> = (0..8)
        .map(|t| {
            let (acknowledged, addrs, body, signature) = (
                acknowledged.clone(),
                addrs.clone(),
                body.clone(),
                signature.clone(),
            );
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(300);
                for i in 0..DELIVERIES / 8 {
                    let id = format!("t{t}-{i}");
                    // Round-robin over the live serves; a delivery that was
                    // not acknowledged is sent again, like a tracker does.
                    let mut attempt = t + i;
                    loop {
                        let addr = {
                            let addrs = addrs.lock().unwrap();
                            addrs[attempt % addrs.len()]
                        };
                        if deliver(addr, &id, &body, &signature) {
                            break;
                        }
                        assert!(Instant::now() < deadline, "{id} was never acknowledged");
                        attempt += 1;
                    }
                    acknowledged.lock().unwrap().insert(id);
                }
            })
        })
        .collect();
    // SIGKILL the first serve in the middle of the run.
    while acknowledged.lock().unwrap().len() < DELIVERIES / 3 {
        std::thread::yield_now();
    }
    let killed_addr = {
        let mut slot = first.lock().unwrap();
        let mut killed = slot.take().unwrap();
        killed.child.kill().unwrap();
        killed.child.wait().unwrap();
        killed.addr
    };
    addrs.lock().unwrap().retain(|a| *a != killed_addr);
    for s in senders {
        s.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert_eq!(acknowledged.len(), DELIVERIES);

    // Every acknowledged delivery is stored once and processed; no
    // delivery was finished by two processes.
    let mut finished_count: BTreeMap<String, usize> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        while let Ok(id) = finished.try_recv() {
            *finished_count.entry(id).or_default() += 1;
        }
        let out = scratchrobin(c.path(), &store)
            .args(["webhook", "deliveries", "--json", "--limit", "5000"])
            .output()
            .unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let rows = rows.as_array().unwrap();
        let ids: Vec<&str> = rows
            .iter()
            .map(|d| d["delivery_id"].as_str().unwrap())
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "a delivery was stored twice");
        let processed: BTreeSet<String> = rows
            .iter()
            .filter(|d| d["status"] == "processed")
            .map(|d| d["delivery_id"].as_str().unwrap().to_owned())
            .collect();
        if acknowledged.is_subset(&processed) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} acknowledged deliveries processed; not processed: {:?}",
            acknowledged.intersection(&processed).count(),
            acknowledged.len(),
            rows.iter()
                .filter(|d| d["status"] != "processed")
                .take(3)
                .map(|d| format!("{} {} {}", d["delivery_id"], d["status"], d["last_error"]))
                .collect::<Vec<_>>()
        );
        // Progress is reported by the serves' logs.
        if let Ok(id) = finished.recv_timeout(Duration::from_secs(5)) {
            *finished_count.entry(id).or_default() += 1;
        }
    }
    let twice: Vec<_> = finished_count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "processed by two processes: {twice:?}");

    // The outbox: exactly one issue per committed call.
    // GitHub asks for a second between writes, and each serve keeps to
    // that: 100 creates take a minute or two.
    let deadline = Instant::now() + Duration::from_secs(400);
    loop {
        let out = scratchrobin(c.path(), &store)
            .args(["outbox", "list", "--json"])
            .output()
            .unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let done = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "done")
            .count();
        if done == INTENTS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{done} of {INTENTS} outbox calls done; issues on GitHub: {}; not done: {:?}",
            repo.issue_count(),
            rows.as_array()
                .unwrap()
                .iter()
                .filter(|r| r["status"] != "done")
                .map(|r| format!(
                    "#{} {} attempts {} claimed {} {}",
                    r["id"], r["status"], r["attempts"], r["claimed_by"], r["last_error"]
                ))
                .collect::<Vec<_>>()
        );
        // The surviving serve works on its own schedule; look again soon.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert_eq!(repo.issue_count(), INTENTS, "exactly one issue per call");
    assert_eq!(github.failures(), Vec::<String>::new());
    drop(second);
}
