//! `scratchrobin tracker test NAME --json` for a YouTrack tracker, against
//! loopback YouTrack projects that check every request against the REST
//! operations the adapter uses (sr-apimock's `youtrack`): a wrong
//! permanent token (401), a token whose owner may not read (403), a
//! project that does not exist (404), YouTrack's rate limiting (429 with
//! `Retry-After`), TLS spoken to a plain-HTTP port and a port nobody
//! listens on: six distinct diagnoses, none showing the token.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;

use crate::common;

use serde_json::{Value, json};
use sr_apimock::{MockResponse, MockServer, YouTrackProject};

const TOKEN: &str = "perm:ZGlhZw==.U1I=.yt-diagnosis-token";

/// Runs `tracker test` for one YouTrack tracker at `base_url`.
fn tracker_test(dir: &Path, base_url: &str, project: &str, token: &str) -> (bool, Value) {
    let entry = json!({"name": "yt", "type": "youtrack", "config": {
        "base_url": base_url, "project": project,
        "auth": {"type": "permanent_token", "token": "${SR_YOUTRACK_TEST_TOKEN}"}}});
    common::tracker_test(dir, entry, "SR_YOUTRACK_TEST_TOKEN", token)
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

/// What a failure must be diagnosed as; neither token may show.
fn failed<'a>(kind: &'a str, says: &'a [&'a str]) -> common::Diagnosis<'a> {
    common::Diagnosis {
        kind,
        says,
        hides: &[TOKEN, "perm:wrong"],
    }
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
        let run = tracker_test(dir.path(), server.base_url(), case.project, case.token);
        seen.push(failed(case.kind, case.says).check(case.name, run));
        assert_eq!(server.failures(), Vec::<String>::new(), "{}", case.name);
    }
    // TLS spoken to the mock's plain-HTTP port.
    let server = server(&runtime);
    let dir = tempfile::tempdir().unwrap();
    let tls = server.base_url().replace("http://", "https://");
    let run = tracker_test(dir.path(), &tls, "DB", TOKEN);
    let tls = failed("tls", &["TLS handshake", "config.ca_file"]);
    seen.push(tls.check("tls", run));
    let dir = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", common::closed_port());
    let run = tracker_test(dir.path(), &closed, "DB", TOKEN);
    let refused = failed("refused", &["refused the connection", "check the base URL"]);
    seen.push(refused.check("refused", run));
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
