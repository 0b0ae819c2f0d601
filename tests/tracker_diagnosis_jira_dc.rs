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

use crate::common;

use serde_json::{Value, json};
use sr_apimock::{JiraSite, MockResponse, MockServer};

const TOKEN: &str = "jira-dc-diagnosis-test-pat";

/// Runs `tracker test` for one Jira Data Center tracker at `base_url`.
fn tracker_test(dir: &Path, base_url: &str, project: &str, token: &str) -> (bool, Value) {
    let entry = json!({"name": "jira-dc", "type": "jira", "config": {
        "base_url": base_url, "project_key": project, "api_version": 2,
        "auth": {"type": "bearer", "token": "${SR_JIRA_DC_TEST_TOKEN}"}}});
    common::tracker_test(dir, entry, "SR_JIRA_DC_TEST_TOKEN", token)
}

fn server(runtime: &tokio::runtime::Runtime) -> MockServer {
    let spec = sr_apimock::spec::jira_data_center().unwrap();
    let site = JiraSite::data_center("DB").with_authorization(&format!("Bearer {TOKEN}"));
    runtime.block_on(MockServer::start(spec, site)).unwrap()
}

/// What a failure must be diagnosed as; neither token may show.
fn failed<'a>(kind: &'a str, says: &'a [&'a str]) -> common::Diagnosis<'a> {
    common::Diagnosis {
        kind,
        says,
        hides: &[TOKEN, "wrong-pat"],
    }
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
    let run = tracker_test(dir.path(), server.base_url(), case.project, case.token);
    seen.push(failed(case.kind, case.says).check(case.name, run));
    assert_eq!(server.failures(), Vec::<String>::new(), "{}", case.name);
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
    let run = tracker_test(dir.path(), &tls, "DB", TOKEN);
    let tls = failed("tls", &["TLS handshake", "config.ca_file"]);
    seen.push(tls.check("tls", run));
    let dir = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", common::closed_port());
    let run = tracker_test(dir.path(), &closed, "DB", TOKEN);
    seen.push(failed("refused", &[]).check("refused", run));
    common::assert_distinct(&seen, 6);
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
