//! Failures: connection diagnoses, retries, unknown outcomes, rate limits
//! and the provider's own validation errors.

use std::time::Duration;

use serde_json::json;
use sr_apimock::MockResponse;
use sr_model::IssueDraft;
use sr_secrets::Secret;
use sr_tracker::{ErrorKind, IssueTracker};
use sr_tracker_github::{GitHubConfig, GitHubTracker};

use crate::common::*;

/// `test_connection`'s error: its kind and its message.
async fn diagnose(f: &Fixture) -> (ErrorKind, String) {
    let e = f.tracker.test_connection().await.expect_err("must fail");
    (e.kind(), e.to_string())
}

#[tokio::test]
async fn connection_diagnoses_are_distinct() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("connects");
    assert_eq!(report.user.as_deref(), Some("octocat"));
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.contains("acme/db is visible")),
        "{:?}",
        report.checks
    );

    // 401: a wrong token.
    let e = tracker_for(f.server.base_url(), "wrong")
        .test_connection()
        .await
        .expect_err("401");
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");

    // 403: the token lacks the `repo` scope.
    f.server.push_fault(
        "repos/get",
        MockResponse::json(
            403,
            &json!({"message": "Resource not accessible by integration"}),
        )
        .header("x-oauth-scopes", "read:user")
        .header("x-accepted-oauth-scopes", "repo"),
    );
    let (kind, msg) = diagnose(&f).await;
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    assert!(msg.contains("add the `repo` scope"), "{msg}");

    // 404: no such repository (or not visible).
    let missing = GitHubTracker::new(
        "x",
        &GitHubConfig {
            repo: "nope".into(),
            ..config(f.server.base_url())
        },
        &Secret::new(TOKEN),
        Some(settings(f.server.base_url())),
    )
    .expect("tracker");
    let e = missing.test_connection().await.expect_err("404");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("repository acme/nope"), "{e}");

    // Refused: nothing listens on the port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let closed = tracker_for(&format!("http://127.0.0.1:{port}"), TOKEN);
    let e = closed.test_connection().await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Refused, "{e}");

    // TLS: an https URL for a server that speaks plain HTTP.
    let tls = tracker_for(&f.server.base_url().replace("http://", "https://"), TOKEN);
    let e = tls.test_connection().await.expect_err("tls");
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

#[tokio::test]
async fn retries_reads_but_never_resends_a_create_after_an_unknown_outcome() {
    let f = fixture().await;
    // A 503 burst then success: the read goes through.
    f.tracker
        .create_issue(&IssueDraft::new("x", ""))
        .await
        .expect("create");
    f.server.push_fault("issues/get", MockResponse::empty(503));
    f.server.push_fault("issues/get", MockResponse::empty(502));
    assert!(
        f.tracker
            .get_issue("1")
            .await
            .expect("get after retries")
            .is_some()
    );
    // A gateway timeout on a create: not sent again, the caller is told.
    f.server
        .push_fault("issues/create", MockResponse::empty(504));
    let before = f.repo.issue_count();
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("y", ""))
        .await
        .expect_err("unknown");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    let creates = f.server.count("issues/create");
    assert_eq!(creates, 2, "the failed create was sent once");
    assert_eq!(f.repo.issue_count(), before);
    // A response slower than the timeout, on a create: unknown outcome too.
    f.server.push_fault(
        "issues/create",
        MockResponse::json(201, &json!({})).delayed(Duration::from_secs(3)),
    );
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("z", ""))
        .await
        .expect_err("timeout");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    // A reset mid-body: a read is sent again and succeeds; a create is not.
    f.server.push_fault(
        "issues/get",
        MockResponse::json(200, &json!({"number": 1, "title": "a long enough body"}))
            .reset_after(10),
    );
    assert!(
        f.tracker
            .get_issue("1")
            .await
            .expect("read after a reset")
            .is_some()
    );
    f.server.push_fault(
        "issues/create",
        MockResponse::json(201, &json!({"number": 9, "title": "a long enough body"}))
            .reset_after(10),
    );
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("w", ""))
        .await
        .expect_err("reset");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    // Truncated JSON is reported, not panicked on.
    f.server.push_fault(
        "issues/get",
        MockResponse {
            body: b"{\"number\": 1, \"tit".to_vec(),
            ..MockResponse::json(200, &json!({}))
        },
    );
    let e = f.tracker.get_issue("1").await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    // Rate limited with a long Retry-After: reported with its reset time.
    f.server.push_fault(
        "issues/get",
        MockResponse::json(429, &json!({"message": "slow down"})).header("retry-after", "3600"),
    );
    let e = f.tracker.get_issue("1").await.expect_err("limited");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert!(e.to_string().contains("resets at"), "{e}");
}

#[tokio::test]
async fn an_exhausted_budget_holds_requests_back() {
    let f = fixture().await;
    f.tracker
        .create_issue(&IssueDraft::new("x", ""))
        .await
        .expect("create");
    let reset = (chrono::Utc::now().timestamp() + 3600).to_string();
    f.server.push_fault(
        "issues/get",
        MockResponse::json(
            403,
            &json!({"message": "API rate limit exceeded for user ID 1."}),
        )
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-limit", "5000")
        .header("x-ratelimit-reset", reset.clone()),
    );
    let e = f.tracker.get_issue("1").await.expect_err("limited");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    let budget = f.tracker.rate_budget().expect("budget");
    assert_eq!(
        (
            budget.remaining,
            budget.reset_at.map(|t| t.timestamp().to_string())
        ),
        (Some(0), Some(reset))
    );
    // Until the reset nothing more is sent.
    let sent = f.server.requests().len();
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("y", ""))
        .await
        .expect_err("held back");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(f.server.requests().len(), sent);
}

#[tokio::test]
async fn server_side_validation_errors_carry_the_fields() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("x", "");
    draft.assignees = vec!["stranger".into()];
    let e = f.tracker.create_issue(&draft).await.expect_err("422");
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(
        e.to_string(),
        "GitHub rejected the request: assignees: invalid"
    );
}
