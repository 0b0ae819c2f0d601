//! `scratchrobin tracker test NAME --json` against loopback GitHub servers
//! that check every request against GitHub's OpenAPI description and
//! answer 401 (bad token), 403 (a classic token without the `repo`
//! scope, told by `X-OAuth-Scopes` / `X-Accepted-OAuth-Scopes`), 404 (a
//! repository the token cannot see), and a port nobody listens on: four
//! distinct diagnoses, each with a stable `kind` and a sentence a user can
//! act on.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;

use serde_json::{Value, json};

use crate::common;
use sr_apimock::{GitHubRepo, MockServer};

const TOKEN: &str = "ghp_diagnosis_test_token";

/// Runs `tracker test` for one GitHub tracker at `base_url` and returns
/// the exit status's success and the JSON it printed.
fn tracker_test(dir: &Path, base_url: &str, repo: &str, token: &str) -> (bool, Value) {
    let entry = json!({"name": "gh", "type": "github", "config": {
        "owner": "acme", "repo": repo, "base_url": base_url,
        "auth": {"type": "personal_token", "token": "${SR_DIAG_TEST_TOKEN}"}}});
    common::tracker_test(dir, entry, "SR_DIAG_TEST_TOKEN", token)
}

/// What a failure must be diagnosed as; neither token may show.
fn failed<'a>(kind: &'a str, says: &'a [&'a str]) -> common::Diagnosis<'a> {
    common::Diagnosis {
        kind,
        says,
        hides: &[TOKEN, "wrong-token"],
    }
}

/// One case: what the server is, what `kind` must come back, and words the
/// diagnosis must contain (what is wrong and what to do).
struct Case {
    name: &'static str,
    repo: GitHubRepo,
    configured_repo: &'static str,
    token: &'static str,
    kind: &'static str,
    says: &'static [&'static str],
}

fn check(runtime: &tokio::runtime::Runtime, case: Case, seen: &mut Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let spec = sr_apimock::spec::github().unwrap();
    let server = runtime
        .block_on(MockServer::start(spec, case.repo))
        .unwrap();
    let run = tracker_test(
        dir.path(),
        server.base_url(),
        case.configured_repo,
        case.token,
    );
    seen.push(failed(case.kind, case.says).check(case.name, run));
    assert_eq!(server.failures(), Vec::<String>::new(), "{}", case.name);
}

#[test]
fn four_failures_give_four_distinct_diagnoses() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let repo = || GitHubRepo::new("acme", "db").with_token(TOKEN);
    let mut seen = Vec::new();
    check(
        &runtime,
        Case {
            name: "401",
            repo: repo(),
            configured_repo: "db",
            token: "wrong-token",
            kind: "unauthorized",
            says: &["401", "expired or revoked", "create a new one"],
        },
        &mut seen,
    );
    check(
        &runtime,
        Case {
            name: "403 missing scope",
            repo: repo().with_scopes("read:org").requiring_scope("repo"),
            configured_repo: "db",
            token: TOKEN,
            kind: "forbidden",
            says: &["403", "scopes `read:org`", "add the `repo` scope"],
        },
        &mut seen,
    );
    check(
        &runtime,
        Case {
            name: "404",
            repo: repo(),
            configured_repo: "nope",
            token: TOKEN,
            kind: "not_found",
            says: &["404", "repository acme/nope", "check the name"],
        },
        &mut seen,
    );

    // A port that was free a moment ago and has no listener now.
    let dir = tempfile::tempdir().unwrap();
    let closed = format!("http://127.0.0.1:{}", common::closed_port());
    let run = tracker_test(dir.path(), &closed, "db", TOKEN);
    let refused = failed("refused", &["refused the connection", "check the base URL"]);
    seen.push(refused.check("refused", run));
    common::assert_distinct(&seen, 4);
}

/// The working case, so the failures above are failures of the server
/// and not of the test's setup.
#[test]
fn a_good_token_and_repository_pass() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let spec = sr_apimock::spec::github().unwrap();
    let repo = GitHubRepo::new("acme", "db")
        .with_token(TOKEN)
        .with_scopes("repo, read:org")
        .requiring_scope("repo");
    let server = runtime.block_on(MockServer::start(spec, repo)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), server.base_url(), "db", TOKEN);
    assert!(ok, "{json}");
    assert_eq!(json["ok"], true, "{json}");
    assert_eq!(server.failures(), Vec::<String>::new());
}
