//! `scratchrobin tracker test NAME --json` for a YouTrack tracker, against
//! loopback YouTrack projects that check every request against the REST
//! operations the adapter uses (sr-apimock's `youtrack`): a wrong
//! permanent token (401), a token whose owner may not read (403), a
//! project that does not exist (404), YouTrack's rate limiting (429 with
//! `Retry-After`), TLS spoken to a plain-HTTP port and a port nobody
//! listens on: six distinct diagnoses, none showing the token.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use sr_apimock::{MockResponse, MockServer, YouTrackProject};

const TOKEN: &str = "perm:ZGlhZw==.U1I=.yt-diagnosis-token";

/// Runs `tracker test` for one YouTrack tracker at `base_url`.
fn tracker_test(dir: &Path, base_url: &str, project: &str, token: &str) -> (bool, Value) {
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    let trackers = json!({"trackers": [{"name": "yt", "type": "youtrack", "config": {
        "base_url": base_url, "project": project,
        "auth": {"type": "permanent_token", "token": "${SR_YOUTRACK_TEST_TOKEN}"}}}]});
    std::fs::write(config.join("trackers.json"), trackers.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(&config)
        .args(["tracker", "test", "yt", "--json"])
        .env_remove("SCRATCHROBIN_STORE")
        .env("SR_YOUTRACK_TEST_TOKEN", token)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), json)
}

fn server(runtime: &tokio::runtime::Runtime) -> MockServer {
    let spec = sr_apimock::spec::youtrack().unwrap();
    let project = YouTrackProject::new("DB").with_authorization(&format!("Bearer {TOKEN}"));
    let server = runtime.block_on(MockServer::start(spec, project)).unwrap();
    server.refuse_invalid(true);
    server
}

/// One failure: the fault `getMe` answers with (none: the project or
/// token alone fails), and what the diagnosis must be.
struct Case {
    name: &'static str,
    fault: Option<MockResponse>,
    project: &'static str,
    token: &'static str,
    kind: &'static str,
    says: &'static [&'static str],
}

/// Checks one failing run's kind and words; returns its diagnosis.
fn diagnosis(name: &str, ok: bool, json: &Value, kind: &str, says: &[&str]) -> String {
    assert!(!ok, "{name}: the test should fail: {json}");
    assert_eq!(json["kind"], kind, "{name}: {json}");
    let diagnosis = json["diagnosis"].as_str().unwrap_or_default().to_owned();
    for words in says {
        assert!(
            diagnosis.contains(words),
            "{name}: the diagnosis should say `{words}`: {diagnosis}"
        );
    }
    assert!(
        !diagnosis.contains(TOKEN) && !diagnosis.contains("perm:wrong"),
        "{name}: a token leaked: {diagnosis}"
    );
    diagnosis
}

#[test]
fn six_failures_give_six_distinct_diagnoses() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut seen = Vec::new();
    let forbidden = MockResponse::json(
        403,
        &json!({"error": "Forbidden", "error_description": "Access denied"}),
    );
    // YouTrack's rate limiting: 429 with `Retry-After`; an hour away, so
    // it is reported at once rather than waited for.
    let limited = MockResponse::json(
        429,
        &json!({"error": "Too Many Requests", "error_description": "Rate limit exceeded"}),
    )
    .header("retry-after", "3600");
    let cases = [
        Case {
            name: "401",
            fault: None,
            project: "DB",
            token: "perm:wrong",
            kind: "unauthorized",
            says: &["401", "create a new one"],
        },
        Case {
            name: "403",
            fault: Some(forbidden),
            project: "DB",
            token: TOKEN,
            kind: "forbidden",
            says: &["403"],
        },
        Case {
            name: "404",
            fault: None,
            project: "NOPE",
            token: TOKEN,
            kind: "not_found",
            says: &["project NOPE"],
        },
        Case {
            name: "429",
            fault: Some(limited),
            project: "DB",
            token: TOKEN,
            kind: "rate_limited",
            says: &["rate limit", "resets at"],
        },
    ];
    for case in cases {
        let dir = tempfile::tempdir().unwrap();
        let server = server(&runtime);
        if let Some(f) = case.fault {
            server.push_fault("getMe", f);
        }
        let (ok, json) = tracker_test(dir.path(), server.base_url(), case.project, case.token);
        seen.push(diagnosis(case.name, ok, &json, case.kind, case.says));
        assert_eq!(server.failures(), Vec::<String>::new(), "{}", case.name);
    }
    // TLS spoken to the mock's plain-HTTP port.
    let server = server(&runtime);
    let dir = tempfile::tempdir().unwrap();
    let tls = server.base_url().replace("http://", "https://");
    let (ok, json) = tracker_test(dir.path(), &tls, "DB", TOKEN);
    seen.push(diagnosis(
        "tls",
        ok,
        &json,
        "tls",
        &["TLS handshake", "config.ca_file"],
    ));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), &format!("http://127.0.0.1:{port}"), "DB", TOKEN);
    seen.push(diagnosis(
        "refused",
        ok,
        &json,
        "refused",
        &["refused the connection", "check the base URL"],
    ));
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "{seen:#?}");
}

#[test]
fn a_good_token_and_project_pass() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = server(&runtime);
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), server.base_url(), "DB", TOKEN);
    assert!(ok, "{json}");
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(server.failures(), Vec::<String>::new());
}
