//! Team mode on a shared PostgreSQL store: what one process's CLI changes
//! reaches another process's event stream (`scratchrobin watch`) through
//! LISTEN/NOTIFY, with no polling loop.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A process's data and config directories on the shared store.
fn command(dir: &Path, store: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
    cmd.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("USER", "tester")
        .env_remove("SCRATCHROBIN_STORE");
    cmd
}

fn run(dir: &Path, store: &str, args: &[&str]) -> Output {
    let out = command(dir, store, args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Kills the watcher when the test ends, however it ends.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `watch --json` and returns its stdout lines as they come, once
/// it says it is listening.
fn watch(dir: &Path, store: &str) -> (Watcher, mpsc::Receiver<serde_json::Value>) {
    let mut child = command(dir, store, &["watch", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if line.contains("watching the store's changes") {
                ready_tx.send(()).ok();
            }
        }
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line) {
                tx.send(v).ok();
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("watch to start listening");
    (Watcher(child), rx)
}

/// The next change matching `want`, and how long after `since` it came.
fn wait_for(
    rx: &mpsc::Receiver<serde_json::Value>,
    since: Instant,
    want: impl Fn(&serde_json::Value) -> bool,
) -> Duration {
    let deadline = since + Duration::from_secs(15);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let change = rx.recv_timeout(left).expect("the change to reach watch");
        if want(&change) {
            return since.elapsed();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_link_made_by_one_process_reaches_anothers_event_stream() {
    let store = sr_testkit::postgres_db().await;
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The store's schema exists before the watcher starts listening.
    run(
        a.path(),
        &store,
        &["links", "--object", "demo:main.orders", "--json"],
    );
    let (_watcher, changes) = watch(b.path(), &store);

    let sent = Instant::now();
    let out = run(
        a.path(),
        &store,
        &[
            "issue",
            "create",
            "--tracker",
            "Local",
            "--object",
            "demo:main.orders",
            "--title",
            "Shared",
            "--json",
        ],
    );
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let key = created["issue"]["key"].as_str().unwrap().to_owned();
    let after_create = Instant::now();
    let latency = wait_for(&changes, after_create, |c| {
        c["table"] == "links" && c["op"] == "INSERT" && c["object"] == "demo:table:main.orders"
    });
    eprintln!(
        "link notice reached the other process {} ms after the CLI returned ({} ms after it started)",
        latency.as_millis(),
        sent.elapsed().as_millis()
    );

    let removed = Instant::now();
    run(
        a.path(),
        &store,
        &[
            "link",
            "remove",
            "--object",
            "demo:main.orders",
            "--issue",
            &key,
        ],
    );
    wait_for(&changes, removed, |c| {
        c["table"] == "links" && c["op"] == "DELETE" && c["issue"] == key.as_str()
    });
}
