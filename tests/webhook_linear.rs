//! Linear deliveries through a real `scratchrobin serve`: the issue and
//! comment bodies (built from Linear's documented payload types, see
//! crates/trackers/sr-tracker-linear/tests/fixtures/webhooks/README.md),
//! sent now and signed by `openssl` as Linear signs them (hex HMAC-SHA256
//! of the raw body in `Linear-Signature`), are acknowledged and processed;
//! a delivery whose `webhookTimestamp` is two minutes old, or whose
//! signature is wrong, is refused.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SECRET: &str = "lin_wh_fixtures_secret";

fn post(addr: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A fixture with its send time set to `sent_ms`.
fn body(name: &str, sent_ms: i64) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../trackers/sr-tracker-linear/tests/fixtures/webhooks")
        .join(name);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["webhookTimestamp"] = serde_json::json!(sent_ms);
    serde_json::to_vec(&v).unwrap()
}

fn headers(event: &str, delivery: &str, body: &[u8], secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", "application/json; charset=utf-8".to_owned()),
        ("Linear-Event", event.to_owned()),
        ("Linear-Delivery", delivery.to_owned()),
        (
            "Linear-Signature",
            sr_testkit::openssl_hmac_sha256_hex(secret, body).unwrap(),
        ),
    ]
}

#[test]
fn linear_deliveries_are_verified_and_processed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/trackers.json"),
        r#"{"trackers": [{"name": "Lin", "type": "linear",
            "config": {"team": "DB", "base_url": "http://127.0.0.1:9",
                       "auth": {"type": "api_key", "token": "${SR_LIN_KEY}"}},
            "sync": {"webhook_secret": "${SR_LIN_SECRET}"}}]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config-dir")
        .arg(dir.path().join("config"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SR_LIN_KEY", "unused")
        .env("SR_LIN_SECRET", SECRET)
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
    let addr = line.trim().trim_start_matches("listening on ").to_owned();
    let (tx, finished) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(stderr).lines().map_while(Result::ok) {
            if l.contains("delivery finished") {
                tx.send(l).ok();
            }
        }
    });

    let now = chrono::Utc::now().timestamp_millis();
    let sent = [
        ("Issue", "issue-create.json"),
        ("Comment", "comment-create.json"),
        ("Issue", "issue-update-done.json"),
        ("Issue", "issue-remove.json"),
    ];
    for (i, (event, file)) in sent.iter().enumerate() {
        let b = body(file, now);
        let h = headers(event, &format!("lin-{i}"), &b, SECRET);
        assert_eq!(post(&addr, "/webhook/linear/Lin", &h, &b), 202, "{file}");
    }
    // Two minutes old: a replay, refused though the signature is right.
    let stale = body("issue-create.json", now - 120_000);
    let h = headers("Issue", "lin-stale", &stale, SECRET);
    assert_eq!(post(&addr, "/webhook/linear/Lin", &h, &stale), 401);
    // Signed with another secret.
    let forged = body("issue-create.json", now);
    let h = headers("Issue", "lin-forged", &forged, "not-the-secret");
    assert_eq!(post(&addr, "/webhook/linear/Lin", &h, &forged), 401);

    let mut lines = Vec::new();
    while lines.len() < sent.len() {
        lines.push(
            finished
                .recv_timeout(Duration::from_secs(30))
                .expect("deliveries were not all processed"),
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let failed: Vec<&String> = lines
        .iter()
        .filter(|l| !l.contains("status=\"processed\"") && !l.contains("status=processed"))
        .collect();
    assert!(failed.is_empty(), "failed deliveries: {failed:#?}");
}
