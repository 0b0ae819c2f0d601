//! Shared by the listener tests: a store, a listener on a loopback port, a
//! raw HTTP client, and signatures made by independent implementations
//! (the `openssl` command and Python's `hmac`), not by our code.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve
#![allow(dead_code)]

use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use sr_secrets::Secret;
use sr_store::{Delivery, Store};
use sr_tracker::{TrackerFactory, WebhookSpec};
use sr_webhook::{DeliveryHandler, HookTracker, ListenerConfig, RunningListener, WebhookError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

pub const GH_SECRET: &str = "gh-webhook-secret";
pub const GL_TOKEN: &str = "gl-webhook-token";
pub const JIRA_SECRET: &str = "jira-webhook-secret";

/// Records what it processed and tells the test about each one.
pub struct Recorder {
    pub seen: Mutex<Vec<String>>,
    pub tx: mpsc::UnboundedSender<String>,
}

#[async_trait]
impl DeliveryHandler for Recorder {
    async fn process(&self, d: &Delivery) -> Result<(), WebhookError> {
        self.seen.lock().unwrap().push(d.delivery_id.clone());
        self.tx.send(d.delivery_id.clone()).ok();
        Ok(())
    }
}

pub struct Harness {
    pub store: Store,
    pub listener: RunningListener,
    pub recorder: Arc<Recorder>,
    pub finished: tokio::sync::broadcast::Receiver<sr_webhook::Finished>,
    _dir: Option<tempfile::TempDir>,
}

/// The listener knows no provider; its tests send GitHub's, GitLab's and
/// Jira's published example deliveries the way those providers send them,
/// so they take each type's spec from its adapter, as the engine does
/// through the registry.
fn spec(factory: &dyn TrackerFactory) -> WebhookSpec {
    factory.webhook().expect("the type has webhooks")
}

pub fn trackers() -> Vec<HookTracker> {
    let github = spec(&sr_tracker_github::GitHubFactory::default());
    let t = |name: &str, provider: &str, spec: WebhookSpec, secret: Option<&str>| HookTracker {
        name: name.into(),
        provider: provider.into(),
        webhook: Some(spec),
        secret: secret.map(Secret::new),
        accept_unsigned: false,
        timestamp_tolerance_s: Some(300),
    };
    vec![
        t("GitHub Issues", "github", github, Some(GH_SECRET)),
        t(
            "GitLab",
            "gitlab",
            spec(&sr_tracker_gitlab::GitLabFactory::default()),
            Some(GL_TOKEN),
        ),
        t(
            "Company Jira",
            "jira",
            spec(&sr_tracker_jira::JiraFactory::default()),
            Some(JIRA_SECRET),
        ),
        t("Unsigned", "github2", github, None),
    ]
}

pub async fn start(configure: impl FnOnce(&mut ListenerConfig)) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let mut h = start_on(store, configure).await;
    h._dir = Some(dir);
    h
}

/// A listener with a recorder on an existing store.
pub async fn start_on(store: Store, configure: impl FnOnce(&mut ListenerConfig)) -> Harness {
    let (tx, _handled) = mpsc::unbounded_channel();
    let recorder = Arc::new(Recorder {
        seen: Mutex::default(),
        tx,
    });
    let mut config = ListenerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), trackers());
    configure(&mut config);
    let listener = sr_webhook::start(config, store.clone(), recorder.clone())
        .await
        .unwrap();
    let finished = listener.subscribe();
    Harness {
        store,
        listener,
        recorder,
        finished,
        _dir: None,
    }
}

impl Harness {
    /// Waits until `n` more deliveries are finished (stored as processed
    /// or failed) and returns their delivery ids in order.
    pub async fn processed(&mut self, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        while out.len() < n {
            let next =
                tokio::time::timeout(std::time::Duration::from_secs(20), self.finished.recv())
                    .await;
            out.push(
                next.expect("deliveries were not processed in time")
                    .expect("processor gone")
                    .delivery_id,
            );
        }
        out
    }
}

/// A response: status code and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// Sends one HTTP/1.1 request over a fresh connection.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Reply { status, body }
}

/// HMAC-SHA256 in hex, computed by `openssl dgst`.
pub fn openssl_hmac_hex(key: &str, body: &[u8]) -> String {
    sr_testkit::openssl_hmac_sha256_hex(key, body).unwrap()
}

/// A Standard Webhooks `v1,<base64>` signature, computed by Python's hmac.
pub fn python_standard_signature(key: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let script = "import sys,hmac,hashlib,base64;k=sys.argv[1].encode();m=sys.argv[2].encode()+b'.'+sys.argv[3].encode()+b'.'+sys.stdin.buffer.read();print('v1,'+base64.b64encode(hmac.new(k,m,hashlib.sha256).digest()).decode())";
    let mut child = Command::new("python3")
        .args(["-c", script, key, id, &timestamp.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is installed");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Every body of a fixture file: GitHub's files are arrays of bodies,
/// GitLab's hold one body each.
pub fn fixture_bodies(path: &std::path::Path) -> Vec<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| serde_json::to_vec(v).unwrap())
            .collect(),
        other => vec![serde_json::to_vec(&other).unwrap()],
    }
}

pub fn fixtures_dir(kind: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures")
        .join(kind)
}

pub fn github_headers(event: &str, delivery: &str, body: &[u8]) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", "application/json".into()),
        ("X-GitHub-Event", event.into()),
        ("X-GitHub-Delivery", delivery.into()),
        (
            "X-Hub-Signature-256",
            format!("sha256={}", openssl_hmac_hex(GH_SECRET, body)),
        ),
    ]
}
