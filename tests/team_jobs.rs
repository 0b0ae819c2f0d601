//! Team mode's scheduled jobs end to end: two `scratchrobin serve`
//! processes on one PostgreSQL store poll a loopback GitHub, and each poll
//! interval is run by one of them only (the mock sees one poll's requests
//! per interval, the store one scheduled sync per claimed interval). The
//! polling serve is SIGKILLed and the other takes over within one
//! interval. A serve stopped with SIGTERM mid-poll exits cleanly, stops its
//! sync, gives its claim back at once, and the webhook delivery it
//! acknowledged is processed (by it, or by the next serve).
//!
//! Every wait is on something observable (the store's rows, the mock's
//! request log, a process's exit), never a sleep standing in for an event.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sr_apimock::{GitHubRepo, MockResponse, MockServer};
use sr_store::{JobRecord, Store};

const SECRET: &str = "team-jobs-webhook-secret";
const TOKEN: &str = "team-jobs-token";
const JOB: &str = "tracker:GH";
const LIST_ISSUES: &str = "issues/list-for-repo";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

struct Serve {
    child: Child,
    addr: SocketAddr,
}

impl Serve {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
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
}

/// Starts `serve` polling every `poll_seconds`.
fn serve(dir: &Path, store: &str, poll_seconds: u64) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .arg("--store")
        .arg(store)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SR_TEAM_TOKEN", TOKEN)
        .env("SR_TEAM_SECRET", SECRET)
        .env("SCRATCHROBIN_POLL_SECONDS", poll_seconds.to_string())
        .env_remove("SCRATCHROBIN_STORE")
        .env("RUST_LOG", "warn")
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
        }
    });
    Serve { child, addr }
}

/// Whether a claimant id (`host:PID:nonce+p`) is the process `pid`'s.
fn is_of(claimant: Option<&str>, pid: u32) -> bool {
    claimant.is_some_and(|c| c.split(':').nth(1) == Some(pid.to_string().as_str()))
}

/// Reads the poll job's row until `done` holds; fails after `within`.
async fn wait_for(
    store: &Store,
    within: Duration,
    what: &str,
    done: impl Fn(&JobRecord) -> bool,
) -> JobRecord {
    let deadline = Instant::now() + within;
    loop {
        let record = store.job_record(JOB).await.unwrap();
        if let Some(r) = record.as_ref().filter(|r| done(r)) {
            return r.clone();
        }
        if Instant::now() >= deadline {
            let ops = store.sync_operations(Some("GH"), 5).await.unwrap();
            panic!("never: {what}; the job: {record:?}; recent syncs: {ops:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The poll requests the mock has answered so far.
fn polls(github: &MockServer) -> usize {
    github
        .requests()
        .iter()
        .filter(|r| r.operation_id.as_deref() == Some(LIST_ISSUES))
        .count()
}

/// Scheduled syncs of GH in the store's sync log.
async fn scheduled_syncs(store: &Store) -> usize {
    store
        .sync_operations(Some("GH"), 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|op| op.origin == "scheduled")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_serves_poll_each_interval_once_and_one_takes_over_after_a_sigkill() {
    const EVERY: u64 = 2;
    let url = sr_testkit::postgres_db().await;
    let repo = GitHubRepo::new("Codertocat", "Hello-World").with_token(TOKEN);
    let github = MockServer::start(sr_apimock::spec::github().unwrap(), repo)
        .await
        .unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    setup(a.path(), github.base_url());
    setup(b.path(), github.base_url());
    let store = Store::open(&url).await.unwrap();

    // One serve alone: what one poll costs, once the first (full) is done.
    let first = serve(a.path(), &url, EVERY);
    let alone = Duration::from_secs(30);
    let r = wait_for(&store, alone, "first polls", |r| {
        r.runs >= 2 && r.claimed_by.is_none()
    })
    .await;
    let mut seen = (r.runs, polls(&github));
    let r = wait_for(&store, alone, "a third poll", |r| {
        r.runs > seen.0 && r.claimed_by.is_none()
    })
    .await;
    let per_poll = (polls(&github) - seen.1) / usize::try_from(r.runs - seen.0).unwrap();
    assert!(per_poll >= 1, "a poll reads the issues");
    seen = (r.runs, polls(&github));

    // Two serves: every interval's requests are one poll's, by one serve.
    let second = serve(b.path(), &url, EVERY);
    let mut by = Vec::new();
    for _ in 0..4 {
        let r = wait_for(&store, alone, "the next interval", |r| {
            r.runs > seen.0 && r.claimed_by.is_none()
        })
        .await;
        let (intervals, requests) = (r.runs - seen.0, polls(&github) - seen.1);
        assert_eq!(
            requests,
            per_poll * usize::try_from(intervals).unwrap(),
            "{intervals} interval(s) polled more than once"
        );
        by.push(r.last_by.clone());
        seen = (r.runs, polls(&github));
    }
    assert_eq!(
        scheduled_syncs(&store).await,
        usize::try_from(seen.0).unwrap(),
        "one scheduled sync per claimed interval"
    );
    assert!(
        by.iter().all(|b| is_of(b.as_deref(), first.pid())),
        "the serve that polled keeps polling: {by:?}"
    );

    // SIGKILL the polling serve in the middle of a poll (its next request
    // hangs); the other takes over within one interval of the kill.
    github.push_fault(
        LIST_ISSUES,
        MockResponse::json(200, &serde_json::json!([])).delayed(Duration::from_secs(60)),
    );
    // The mock logs a request before it answers: wait for the hung one.
    let asked = polls(&github);
    let deadline = Instant::now() + alone;
    while polls(&github) == asked {
        assert!(Instant::now() < deadline, "the next poll never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let r = store.job_record(JOB).await.unwrap().unwrap();
    assert!(is_of(r.claimed_by.as_deref(), first.pid()), "{r:?}");
    let mut first = first;
    first.child.kill().unwrap();
    let killed = Instant::now();
    first.child.wait().unwrap();
    let r = wait_for(&store, alone, "the takeover", |r| {
        is_of(r.last_by.as_deref(), second.pid()) && r.claimed_by.is_none()
    })
    .await;
    assert_eq!(r.last_error, None, "the poll after the takeover ran: {r:?}");
    let took = killed.elapsed();
    assert!(
        took <= Duration::from_secs(EVERY) + Duration::from_millis(1500),
        "polled again {took:?} after the kill"
    );
    // And it polls on alone, once per interval.
    let start = (r.runs, polls(&github));
    let r = wait_for(&store, alone, "polls after the takeover", |r| {
        r.runs >= start.0 + 2 && r.claimed_by.is_none()
    })
    .await;
    assert!(is_of(r.last_by.as_deref(), second.pid()), "{r:?}");
    // `sync status --json`, from a third process, names the poller.
    let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(a.path().join("data"))
        .arg("--config-dir")
        .arg(a.path().join("config"))
        .arg("--store")
        .arg(&url)
        .args(["sync", "status", "--json"])
        .env("SR_TEAM_TOKEN", TOKEN)
        .env("SR_TEAM_SECRET", SECRET)
        .env_remove("SCRATCHROBIN_STORE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let polled_by = status[0]["polled_by"].as_str().map(str::to_owned);
    assert!(is_of(polled_by.as_deref(), second.pid()), "{status}");
    // The text form names it too.
    let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(a.path().join("data"))
        .arg("--config-dir")
        .arg(a.path().join("config"))
        .arg("--store")
        .arg(&url)
        .args(["sync", "status"])
        .env("SR_TEAM_TOKEN", TOKEN)
        .env("SR_TEAM_SECRET", SECRET)
        .env_remove("SCRATCHROBIN_STORE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "scheduled polls: last by {}",
            polled_by.unwrap_or_default()
        )),
        "{text}"
    );
    let after = wait_for(&store, alone, "the run finished", |r| {
        r.claimed_by.is_none()
    })
    .await;
    assert_eq!(
        scheduled_syncs(&store).await,
        usize::try_from(after.runs).unwrap()
    );
    assert!(github.failures().is_empty(), "{:?}", github.failures());
    drop(second);
    store.close().await;
}

/// HMAC-SHA256 of the body by `openssl`, an implementation not ours.
fn sign(body: &[u8]) -> String {
    format!(
        "sha256={}",
        sr_testkit::openssl_hmac_sha256_hex(SECRET, body).unwrap()
    )
}

/// Sends one signed delivery; the answer's status line.
fn deliver(addr: SocketAddr, id: &str, body: &[u8]) -> String {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let head = format!(
        "POST /webhook/github HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         X-GitHub-Event: issues\r\nX-GitHub-Delivery: {id}\r\nX-Hub-Signature-256: {}\r\nContent-Length: {}\r\n\r\n",
        sign(body),
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).ok();
    reply.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_poll_gives_the_claim_back_and_loses_no_delivery() {
    // A long interval: only a released claim lets another serve poll soon.
    const EVERY: u64 = 600;
    let url = sr_testkit::postgres_db().await;
    let repo = GitHubRepo::new("Codertocat", "Hello-World").with_token(TOKEN);
    let github = MockServer::start(sr_apimock::spec::github().unwrap(), repo)
        .await
        .unwrap();
    // The first poll hangs on its first request until long after SIGTERM.
    github.push_fault(
        LIST_ISSUES,
        MockResponse::json(200, &serde_json::json!([])).delayed(Duration::from_secs(60)),
    );
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    setup(a.path(), github.base_url());
    setup(b.path(), github.base_url());
    let store = Store::open(&url).await.unwrap();
    let within = Duration::from_secs(30);

    let mut first = serve(a.path(), &url, EVERY);
    wait_for(&store, within, "the first serve's claim", |r| {
        is_of(r.claimed_by.as_deref(), first.pid())
    })
    .await;
    let fixtures = repo_root().join("../shared/fixtures/github-webhooks/issues.json");
    let all: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures).unwrap()).unwrap();
    let body = serde_json::to_vec(&all[0]).unwrap();
    let status = deliver(first.addr, "term-1", &body);
    assert!(status.starts_with("HTTP/1.1 2"), "{status}");

    let term = Command::new("kill")
        .args(["-TERM", &first.pid().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let stopped = Instant::now();
    let exit = first.child.wait().unwrap();
    assert!(exit.success(), "serve ended with {exit} on SIGTERM");
    assert!(
        stopped.elapsed() < Duration::from_secs(30),
        "stopping took {:?}",
        stopped.elapsed()
    );

    // The claim is given back: due now, no holder, no head start.
    let r = store.job_record(JOB).await.unwrap().unwrap();
    assert_eq!(
        (r.claimed_by.as_deref(), r.last_by.as_deref()),
        (None, None),
        "{r:?}"
    );
    assert!(r.next_due <= chrono::Utc::now(), "{r:?}");
    // The stopped sync is not left running; the delivery it acknowledged
    // is stored: processed, or (not yet begun) pending for the next serve.
    let ops = store.sync_operations(Some("GH"), 10).await.unwrap();
    assert!(
        ops.iter()
            .all(|op| op.status != "in_progress" && op.status != "pending"),
        "{ops:?}"
    );
    let deliveries = store.deliveries(false, 10).await.unwrap();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert!(
        ["processed", "pending"].contains(&deliveries[0].status.as_str()),
        "{deliveries:?}"
    );

    // Another serve polls at once, not an interval (10 minutes) later.
    let second = serve(b.path(), &url, EVERY);
    let r = wait_for(&store, within, "the second serve's poll", |r| {
        is_of(r.last_by.as_deref(), second.pid())
    })
    .await;
    assert_eq!(r.last_error, None, "{r:?}");
    // Nothing the stopped serve accepted is lost or stuck.
    let deadline = Instant::now() + within;
    loop {
        let deliveries = store.deliveries(false, 10).await.unwrap();
        if deliveries[0].status.as_str() == "processed" {
            break;
        }
        assert!(Instant::now() < deadline, "never processed: {deliveries:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(second);
    store.close().await;
}
