//! `scratchrobin tracker test NAME --json` for an Azure DevOps tracker,
//! against loopback Azure Boards mocks that check every request against
//! Microsoft's description: a wrong token (401), the sign-in page Azure
//! answers with 203, a token without access (403), a project that does not
//! exist (404), a blocked client (429 with Retry-After and `X-RateLimit-*`),
//! TLS spoken to a plain-HTTP port and a port nobody listens on: seven
//! failures, six distinct diagnoses (401 and the sign-in page are one),
//! each with a stable `kind` and words a user can act on, none showing the
//! token.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;

use crate::common;

use serde_json::{Value, json};
use sr_apimock::{AzureBoards, MockResponse, MockServer};

const TOKEN: &str = "azdo-diagnosis-test-pat";
/// `Basic base64(":azdo-diagnosis-test-pat")`: the PAT with an empty user.
fn basic() -> String {
    "Basic OmF6ZG8tZGlhZ25vc2lzLXRlc3QtcGF0".to_owned()
}

/// Runs `tracker test` for one Azure DevOps tracker at `base_url`.
fn tracker_test(dir: &Path, base_url: &str, project: &str, token: &str) -> (bool, Value) {
    let entry = json!({"name": "boards", "type": "azure_devops", "config": {
        "base_url": base_url, "organization": "acme", "project": project,
        "auth": {"type": "personal_token", "token": "${SR_AZDO_TEST_TOKEN}"}}});
    common::tracker_test(dir, entry, "SR_AZDO_TEST_TOKEN", token)
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
    let spec = sr_apimock::spec::azure_devops().unwrap();
    let boards = AzureBoards::new("acme", "DB").with_authorization(&basic());
    let server = runtime.block_on(MockServer::start(spec, boards)).unwrap();
    if let Some(f) = case.fault {
        server.push_fault("Work Item Types_List", f);
    }
    let run = tracker_test(dir.path(), server.base_url(), case.project, case.token);
    seen.push(failed(case.kind, case.says).check(case.name, run));
    assert_eq!(server.failures(), Vec::<String>::new(), "{}", case.name);
}

#[test]
fn seven_failures_give_six_distinct_diagnoses() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut seen = Vec::new();
    let mut sign_in = MockResponse::empty(203).header("content-type", "text/html; charset=utf-8");
    sign_in.body = b"<html><title>Azure DevOps Services | Sign In</title></html>".to_vec();
    let blocked = MockResponse::json(
        429,
        &json!({"message": "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'WorkItemTracking' in namespace 'User'."}),
    )
    .header("retry-after", "30")
    .header("x-ratelimit-resource", "WorkItemTracking/User")
    .header("x-ratelimit-limit", "200")
    .header("x-ratelimit-remaining", "0")
    .header("x-ratelimit-reset", {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        (now + 30).to_string()
    });
    let cases = [
        Case {
            name: "401",
            fault: None,
            project: "DB",
            token: "wrong-pat",
            kind: "unauthorized",
            says: &["Azure DevOps answered 401", "create a new one"],
        },
        Case {
            name: "203 sign-in page",
            fault: Some(sign_in),
            project: "DB",
            token: TOKEN,
            kind: "unauthorized",
            says: &["Azure DevOps answered 401"],
        },
        Case {
            name: "403",
            fault: Some(MockResponse::json(
                403,
                &json!({"message": "TF400813: The user is not authorized to access this resource."}),
            )),
            project: "DB",
            token: TOKEN,
            kind: "forbidden",
            says: &["403", "project DB of organization acme", "TF400813"],
        },
        Case {
            name: "404",
            fault: None,
            project: "Nope",
            token: TOKEN,
            kind: "not_found",
            says: &["404", "project Nope of organization acme", "check the name"],
        },
        Case {
            name: "429",
            fault: Some(blocked),
            project: "DB",
            token: TOKEN,
            kind: "rate_limited",
            says: &["Azure DevOps rate limit reached", "resets at"],
        },
    ];
    for case in cases {
        check(&runtime, case, &mut seen);
    }
    // TLS spoken to a plain-HTTP port.
    let spec = sr_apimock::spec::azure_devops().unwrap();
    let boards = AzureBoards::new("acme", "DB").with_authorization(&basic());
    let plain = runtime.block_on(MockServer::start(spec, boards)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tls = plain.base_url().replace("http://", "https://");
    let run = tracker_test(dir.path(), &tls, "DB", TOKEN);
    let tls = failed("tls", &["TLS handshake", "config.ca_file"]);
    seen.push(tls.check("tls", run));
    let dir = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", common::closed_port());
    let run = tracker_test(dir.path(), &closed, "DB", TOKEN);
    seen.push(failed("refused", &[]).check("refused", run));
    // 401 and the sign-in page are one diagnosis, said alike on purpose.
    common::assert_distinct(&seen, 6);
}

#[test]
fn a_good_token_and_project_pass() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let spec = sr_apimock::spec::azure_devops().unwrap();
    let boards = AzureBoards::new("acme", "DB").with_authorization(&basic());
    let server = runtime.block_on(MockServer::start(spec, boards)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), server.base_url(), "DB", TOKEN);
    assert!(ok, "{json}");
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(server.failures(), Vec::<String>::new());
}
