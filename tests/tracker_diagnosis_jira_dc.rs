//! `scratchrobin tracker test NAME --json` for a Jira Data Center tracker
//! (`api_version: 2`, a personal access token), against loopback Data
//! Center sites that check every request against the REST v2 operations
//! (sr-apimock's `jira_data_center`): a wrong token (401), an account
//! that may not browse the project (403), a project that does not exist
//! (404), Data Center's rate limiting (429 with `Retry-After` and its
//! `X-RateLimit-*` token bucket), TLS spoken to a plain-HTTP port and a
//! port nobody listens on: six distinct diagnoses, none showing the token.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use sr_apimock::{JiraSite, MockResponse, MockServer};

const TOKEN: &str = "jira-dc-diagnosis-test-pat";

/// Runs `tracker test` for one Jira Data Center tracker at `base_url`.
fn tracker_test(dir: &Path, base_url: &str, project: &str, token: &str) -> (bool, Value) {
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    let trackers = json!({"trackers": [{"name": "jira-dc", "type": "jira", "config": {
        "base_url": base_url, "project_key": project, "api_version": 2,
        "auth": {"type": "bearer", "token": "${SR_JIRA_DC_TEST_TOKEN}"}}}]});
    std::fs::write(config.join("trackers.json"), trackers.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(&config)
        .args(["tracker", "test", "jira-dc", "--json"])
        .env_remove("SCRATCHROBIN_STORE")
        .env("SR_JIRA_DC_TEST_TOKEN", token)
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
    let spec = sr_apimock::spec::jira_data_center().unwrap();
    let site = JiraSite::data_center("DB").with_authorization(&format!("Bearer {TOKEN}"));
    runtime.block_on(MockServer::start(spec, site)).unwrap()
}

struct Case {
    name: &'static str,
    fault: Option<MockResponse>,
    project: &'static str,
    token: &'static str,
    kind: &'static str,
    says: &'static [&'static str],
}

fn check(runtime: &tokio::runtime::Runtime, case: Case, seen: &mut Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let server = server(runtime);
    if let Some(f) = case.fault {
        server.push_fault("getProject", f);
    }
    let (ok, json) = tracker_test(dir.path(), server.base_url(), case.project, case.token);
    assert!(!ok, "{}: the test should fail: {json}", case.name);
    assert_eq!(json["kind"], case.kind, "{}: {json}", case.name);
    let diagnosis = json["diagnosis"].as_str().unwrap_or_default().to_owned();
    for words in case.says {
        assert!(
            diagnosis.contains(words),
            "{}: the diagnosis should say `{words}`: {diagnosis}",
            case.name
        );
    }
    assert!(
        !diagnosis.contains(TOKEN) && !diagnosis.contains("wrong-pat"),
        "{}: a token leaked: {diagnosis}",
        case.name
    );
    assert_eq!(server.failures(), Vec::<String>::new(), "{}", case.name);
    seen.push(diagnosis);
}

#[test]
fn six_failures_give_six_distinct_diagnoses() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut seen = Vec::new();
    // Data Center's rate limiting (8.6 and later): 429, `Retry-After`
    // and the token bucket's headers.
    let limited = MockResponse::json(
        429,
        &json!({"errorMessages": ["Rate limit exceeded."], "errors": {}}),
    )
    .header("retry-after", "30")
    .header("x-ratelimit-limit", "100")
    .header("x-ratelimit-remaining", "0")
    .header("x-ratelimit-interval-seconds", "60")
    .header("x-ratelimit-fillrate", "10");
    let cases = [
        Case {
            name: "401",
            fault: None,
            project: "DB",
            token: "wrong-pat",
            kind: "unauthorized",
            says: &["Jira answered 401", "create a new one"],
        },
        Case {
            name: "403",
            fault: Some(MockResponse::json(
                403,
                &json!({"errorMessages": ["You do not have permission to browse project DB."], "errors": {}}),
            )),
            project: "DB",
            token: TOKEN,
            kind: "forbidden",
            says: &["403", "project DB"],
        },
        Case {
            name: "404",
            fault: None,
            project: "NOPE",
            token: TOKEN,
            kind: "not_found",
            says: &["404", "project NOPE"],
        },
        Case {
            name: "429",
            fault: Some(limited),
            project: "DB",
            token: TOKEN,
            kind: "rate_limited",
            says: &["Jira rate limit reached", "resets at"],
        },
    ];
    for case in cases {
        check(&runtime, case, &mut seen);
    }
    // TLS spoken to a plain-HTTP port.
    let plain = server(&runtime);
    let dir = tempfile::tempdir().unwrap();
    let tls = plain.base_url().replace("http://", "https://");
    let (ok, json) = tracker_test(dir.path(), &tls, "DB", TOKEN);
    assert!(!ok, "{json}");
    assert_eq!(json["kind"], "tls", "{json}");
    let diagnosis = json["diagnosis"].as_str().unwrap_or_default().to_owned();
    assert!(
        diagnosis.contains("TLS handshake") && diagnosis.contains("config.ca_file"),
        "{diagnosis}"
    );
    seen.push(diagnosis);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), &format!("http://127.0.0.1:{port}"), "DB", TOKEN);
    assert!(!ok, "{json}");
    assert_eq!(json["kind"], "refused", "{json}");
    seen.push(json["diagnosis"].as_str().unwrap_or_default().to_owned());
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
