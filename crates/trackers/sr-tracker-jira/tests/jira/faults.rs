//! Failures: connection diagnoses, retries on 429 and 5xx, truncated and
//! broken answers, unknown outcomes and Jira's own field errors.

use std::time::Duration;

use serde_json::json;
use sr_apimock::MockResponse;
use sr_model::IssueDraft;
use sr_tracker::contract::faults::{check_waited_read, diagnose, refused_base_url};
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::*;

#[tokio::test]
async fn connection_diagnoses_are_distinct() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("connects");
    assert_eq!(report.user.as_deref(), Some("Mia Krystof"));
    assert_eq!(
        report.checks,
        [
            "signed in as Mia Krystof",
            "project DB (Project DB) is visible",
            "issue type Task can be created",
            "every priority level maps to a Jira priority",
        ]
    );

    // 401: a wrong token.
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "DB", "wrong"))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 403: the account may not browse the project.
    f.server.push_fault(
        "getProject",
        MockResponse::json(403, &json!({"errorMessages": ["You do not have permission to browse project DB."], "errors": {}})),
    );
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "DB", TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    assert!(msg.contains("project DB"), "{msg}");
    // 404: no such project (or not visible).
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "NOPE", TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::NotFound, "{msg}");
    assert!(msg.contains("project NOPE"), "{msg}");
    // Refused: nothing listens.
    let refused = refused_base_url().expect("a free port");
    let (kind, msg) = diagnose(&tracker_for(&refused, "DB", TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Refused, "{msg}");
}

/// Issue types and priorities come from createmeta and the priority list;
/// a configuration naming ones the site lacks is diagnosed.
#[tokio::test]
async fn issue_types_and_priorities_are_checked() {
    let f = fixture().await;
    assert_eq!(
        f.tracker.issue_types().await.expect("types"),
        ["Task", "Bug", "Story", "Epic"]
    );
    assert_eq!(
        f.tracker.priorities().await.expect("priorities"),
        ["Highest", "High", "Medium", "Low", "Lowest"]
    );
    let mut config = config(f.server.base_url(), "DB");
    config.default_issue_type = "Incident".into();
    let t = sr_tracker_jira::JiraTracker::new(
        "Company Jira",
        &config,
        &sr_secrets::Secret::new(TOKEN),
        Some(settings(f.server.base_url())),
    )
    .expect("tracker");
    let e = t.test_connection().await.expect_err("no such type");
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("no issue type `Incident`; set config.default_issue_type to one of: Task, Bug, Story, Epic"), "{e}");
    let mut config = super::common::config(f.server.base_url(), "DB");
    config
        .priorities
        .insert(sr_model::Priority::P0, "Blocker".into());
    let t = sr_tracker_jira::JiraTracker::new(
        "Company Jira",
        &config,
        &sr_secrets::Secret::new(TOKEN),
        Some(settings(f.server.base_url())),
    )
    .expect("tracker");
    let e = t.test_connection().await.expect_err("no such priority");
    assert!(e.to_string().contains("no priority Blocker"), "{e}");
}

#[tokio::test]
async fn rate_limits_and_bursts_are_retried() {
    let f = fixture().await;
    let key = f.site.seed("Orders drifted", &[]);
    f.server.push_fault(
        "getIssue",
        MockResponse::json(
            429,
            &json!({"errorMessages": ["Rate limit exceeded."], "errors": {}}),
        )
        .header("retry-after", "1")
        .header("x-ratelimit-limit", "350")
        .header("x-ratelimit-remaining", "0")
        .header("ratelimit-reason", "jira-quota-global-based"),
    );
    check_waited_read(&f.tracker, &key, "Orders drifted", Duration::from_secs(1))
        .await
        .expect("Retry-After honoured");

    for _ in 0..3 {
        f.server.push_fault("getIssue", MockResponse::empty(503));
    }
    assert!(
        f.tracker
            .get_issue(&key)
            .await
            .expect("after burst")
            .is_some()
    );
    let attempts = f.server.count("getIssue");
    assert_eq!(attempts, 2 + 4);
}

/// Jira's `X-RateLimit-*` headers become the budget the engine shows.
#[tokio::test]
async fn the_rate_budget_follows_jiras_headers() {
    let f = fixture().await;
    f.server.push_fault(
        "getCurrentUser",
        MockResponse::json(
            200,
            &json!({"accountId": "5b10", "displayName": "Mia Krystof"}),
        )
        .header("x-ratelimit-limit", "350")
        .header("x-ratelimit-remaining", "349"),
    );
    f.tracker.test_connection().await.expect("connects");
    let budget = f.tracker.rate_budget().expect("a budget");
    assert_eq!((budget.limit, budget.remaining), (Some(350), Some(349)));
}

#[tokio::test]
async fn truncated_and_broken_answers() {
    let f = fixture().await;
    let key = f.site.seed("Orders drifted", &[]);
    // Complete headers, half a JSON body: a provider error, not a panic.
    let mut cut = MockResponse::json(
        200,
        &json!({"id": "10001", "key": key, "fields": {"summary": "x"}}),
    );
    cut.body.truncate(cut.body.len() / 2);
    f.server.push_fault("getIssue", cut);
    let e = f.tracker.get_issue(&key).await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert!(e.to_string().contains("not the JSON expected"), "{e}");

    // A reset mid-body on a read is retried.
    f.server.push_fault(
        "getIssue",
        MockResponse::json(200, &json!({"id": "10001", "key": key, "fields": {}})).reset_after(10),
    );
    assert!(f.tracker.get_issue(&key).await.expect("retried").is_some());

    // A reset after a create was sent is an unknown outcome, never resent.
    f.server.push_fault(
        "createIssue",
        MockResponse::json(201, &json!({"id": "10009", "key": "DB-9"})).reset_after(5),
    );
    let before = f.site.issue_count();
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("Once only", ""))
        .await
        .expect_err("unknown outcome");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(
        f.site.issue_count(),
        before,
        "the fault answered; nothing was created twice"
    );
    let creates = f.server.count("createIssue");
    assert_eq!(creates, 1);
}

/// A transition whose answer is lost is not resent; the issue is read
/// again to see whether it moved (here it did not, so the outcome stays
/// unknown).
#[tokio::test]
async fn lost_transition_answers_are_checked_not_resent() {
    let f = fixture().await;
    let key = f.site.seed("Orders drifted", &[]);
    f.server.push_fault(
        "doTransition",
        MockResponse::json(200, &json!({"padding": "x".repeat(64)})).reset_after(8),
    );
    let close = sr_model::IssueUpdate {
        state: Some(sr_model::IssueState::Done),
        ..sr_model::IssueUpdate::default()
    };
    let e = f
        .tracker
        .update_issue(&key, &close)
        .await
        .expect_err("unknown");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    let posts = f.server.count("doTransition");
    assert_eq!(posts, 1);
    // Tried again by the caller, it goes through.
    let closed = f.tracker.update_issue(&key, &close).await.expect("closed");
    assert_eq!(closed.reference.status.state, sr_model::IssueState::Done);
}

#[tokio::test]
async fn jira_field_errors_are_reported_by_field() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Orders drifted", "");
    draft.issue_type = Some("Incident".into());
    let e = f.tracker.create_issue(&draft).await.expect_err("bad type");
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(
        e.to_string()
            .contains("issuetype: Specify a valid issue type"),
        "{e}"
    );
    let e = f
        .tracker
        .add_comment("DB-77", "hello")
        .await
        .expect_err("missing");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("issue DB-77"), "{e}");
}
