//! Failures: connection diagnoses, Linear's rate limit (a 400 with
//! `RATELIMITED` and its budget headers), 5xx bursts, truncated and broken
//! answers, unknown outcomes, and Linear's own input errors.

use std::time::Duration;

use serde_json::json;
use sr_apimock::MockResponse;
use sr_apimock::linear::rate_limited;
use sr_model::IssueDraft;
use sr_tracker::contract::faults::{check_waited_read, diagnose, refused_base_url};
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::*;

#[tokio::test]
async fn connection_diagnoses_are_distinct() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("connects");
    assert_eq!(report.user.as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        report.checks[..3],
        [
            "signed in as Ada Lovelace",
            "team DB (Database) is visible",
            "states: open is Todo, in progress In Progress, done Done",
        ]
    );
    assert!(
        report.checks[3].starts_with("rate limit: "),
        "{:?}",
        report.checks
    );

    // A wrong key: Linear's AUTHENTICATION_ERROR.
    let (kind, msg) = diagnose(&tracker_for(
        f.server.base_url(),
        "DB",
        "api_key",
        "lin_api_wrong",
    ))
    .await
    .expect("must fail");
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // An OAuth token sent as a key (no `Bearer`) is refused the same way.
    let (kind, _) = diagnose(&tracker_for(f.server.base_url(), "DB", "api_key", OAUTH))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Unauthorized);
    // Forbidden: the key's user may not see the team.
    f.server.push_fault(
        "team",
        MockResponse::json(
            400,
            &json!({"errors": [{"message": "Forbidden", "extensions": {"code": "FORBIDDEN", "type": "forbidden", "statusCode": 403, "userError": true}}]}),
        ),
    );
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "DB", "api_key", KEY))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    assert!(msg.contains("team DB"), "{msg}");
    // Not found: no such team.
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "NOPE", "api_key", KEY))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::NotFound, "{msg}");
    assert!(msg.contains("team NOPE"), "{msg}");
    // Rate limited, with the reset Linear names.
    // A reset an hour away is reported at once, not waited for.
    f.server.push_fault("viewer", rate_limited(3_600));
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "DB", "api_key", KEY))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::RateLimited, "{msg}");
    assert!(msg.contains("it resets at"), "{msg}");
    // Refused: nothing listens.
    let refused = refused_base_url().expect("a free port");
    let (kind, msg) = diagnose(&tracker_for(&refused, "DB", "api_key", KEY))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Refused, "{msg}");
}

#[tokio::test]
async fn linear_rate_limits_and_bursts_are_retried() {
    let f = fixture().await;
    let id = f.ws.seed("Orders drifted", &[]);
    f.server.push_fault("issue", rate_limited(1));
    check_waited_read(&f.tracker, &id, "Orders drifted", Duration::from_secs(1))
        .await
        .expect("Retry-After honoured");
    for _ in 0..3 {
        f.server.push_fault("issue", MockResponse::empty(503));
    }
    assert!(
        f.tracker
            .get_issue(&id)
            .await
            .expect("after burst")
            .is_some()
    );
    assert_eq!(f.server.count("issue"), 2 + 4);
}

/// Linear's request and complexity budgets become the budget the engine
/// shows; a spent complexity budget holds the next request back.
#[tokio::test]
async fn the_rate_budget_follows_linears_headers() {
    let f = fixture().await;
    f.tracker.test_connection().await.expect("connects");
    let budget = f.tracker.rate_budget().expect("a budget");
    assert_eq!(budget.limit, Some(1500));
    assert!(budget.remaining.is_some_and(|r| r > 0), "{budget:?}");
    let reset = chrono::Utc::now().timestamp_millis() + 1_500;
    f.server.push_fault(
        "viewer",
        MockResponse::json(200, &json!({"data": {"viewer": {"id": "user-ada", "name": "Ada Lovelace", "displayName": "ada", "email": "ada@acme.com"}}}))
            .header("x-ratelimit-requests-remaining", "900")
            .header("x-ratelimit-complexity-remaining", "0")
            .header("x-ratelimit-complexity-limit", "250000")
            .header("x-ratelimit-complexity-reset", reset.to_string()),
    );
    f.tracker.test_connection().await.expect("connects");
    let before = f.server.requests().len();
    let started = std::time::Instant::now();
    f.tracker.get_issue("DB-1").await.expect("read");
    assert!(
        started.elapsed() >= Duration::from_millis(1_000),
        "waited for the complexity reset"
    );
    assert_eq!(f.server.requests().len(), before + 1);
}

#[tokio::test]
async fn truncated_and_broken_answers() {
    let f = fixture().await;
    let id = f.ws.seed("Orders drifted", &[]);
    // Complete headers, half a JSON body: a provider error, not a panic.
    let mut cut = MockResponse::json(
        200,
        &json!({"data": {"issue": {"id": "x", "identifier": id}}}),
    );
    cut.body.truncate(cut.body.len() / 2);
    f.server.push_fault("issue", cut);
    let e = f.tracker.get_issue(&id).await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert!(e.to_string().contains("not the JSON expected"), "{e}");
    // A reset mid-body on a read is retried.
    f.server.push_fault(
        "issue",
        MockResponse::json(200, &json!({"data": {"issue": {"id": "x"}}})).reset_after(10),
    );
    assert!(f.tracker.get_issue(&id).await.expect("retried").is_some());
    // A create whose answer is lost after it took effect is an unknown
    // outcome, never sent again.
    f.tracker.initialize().await.expect("team");
    f.tracker
        .create_issue(&IssueDraft::new("warm up labels", ""))
        .await
        .expect("create");
    let before = f.ws.issue_count();
    f.server.push_break_after_answer("issueCreate");
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("Once only", ""))
        .await
        .expect_err("unknown outcome");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(f.ws.issue_count(), before + 1, "it was created once");
    assert_eq!(f.server.count("issueCreate"), 2);
}

#[tokio::test]
async fn linear_input_errors_are_reported() {
    let f = fixture().await;
    let e = f
        .tracker
        .add_comment("DB-77", "hello")
        .await
        .expect_err("missing");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("issue DB-77"), "{e}");
    let mut draft = IssueDraft::new("Orders drifted", "");
    draft.assignees = vec!["nobody".into()];
    let e = f
        .tracker
        .create_issue(&draft)
        .await
        .expect_err("no such user");
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(
        e.to_string().contains("no Linear user is named `nobody`"),
        "{e}"
    );
    let e = f.tracker.get_issue("orders").await.expect_err("not an id");
    assert!(
        e.to_string().contains("not a Linear issue identifier"),
        "{e}"
    );
}
