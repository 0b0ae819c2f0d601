//! Failures: the connection diagnoses, 429 with Azure DevOps's own
//! signals (`Retry-After`, `X-RateLimit-*`), `Retry-After` on a delayed
//! success, 5xx bursts, resets, truncated bodies, creates never sent
//! twice, and a run under random faults that ends with an exact copy of
//! the project and no duplicate work items.

use std::time::{Duration, Instant};

use serde_json::json;
use sr_apimock::{AzureBoards, Chaos, ChaosKnobs, MockResponse};
use sr_model::IssueDraft;
use sr_tracker::contract::faults::{
    CursorMirror, FaultPlan, check_waited_read, diagnose, fault_run, refused_base_url,
};
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::*;

const GET: &str = "Work Items_Get Work Item";

/// Azure DevOps's answer when a client is blocked.
fn blocked(retry_after: &str) -> MockResponse {
    MockResponse::json(
        429,
        &json!({"message": "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'WorkItemTracking' in namespace 'User'.", "typeKey": "RequestBlockedException"}),
    )
    .header("retry-after", retry_after)
    .header("x-ratelimit-resource", "WorkItemTracking/User")
    .header("x-ratelimit-delay", "0.000")
    .header("x-ratelimit-limit", "200")
    .header("x-ratelimit-remaining", "0")
    .header("x-ratelimit-reset", (chrono::Utc::now().timestamp() + 60).to_string())
}

#[tokio::test]
async fn connection_diagnoses_are_distinct() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("connects");
    assert_eq!(
        report.checks[0],
        "project DB of organization acme is visible"
    );

    // 401: a wrong token.
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "wrong"))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 203 and the sign-in page: what Azure answers a request it does not
    // take as signed in.
    let mut page = MockResponse::empty(203).header("content-type", "text/html");
    page.body = b"<html><title>Azure DevOps Services | Sign In</title></html>".to_vec();
    f.server.push_fault("Work Item Types_List", page);
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 403: the token lacks the Work Items scope.
    f.server.push_fault(
        "Work Item Types_List",
        MockResponse::json(403, &json!({"message": "TF401027: You need the Git 'GenericRead' permission to perform this action.", "typeKey": "UnauthorizedRequestException"})),
    );
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    assert!(msg.contains("project DB of organization acme"), "{msg}");
    // 404: no such project.
    let mut other = config(f.server.base_url());
    other.project = "Nope".into();
    let (kind, msg) = diagnose(&tracker_with(&other, TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::NotFound, "{msg}");
    assert!(msg.contains("project Nope"), "{msg}");
    // Rate limited: a connection test is tried once.
    f.server.push_fault("Work Item Types_List", blocked("30"));
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::RateLimited, "{msg}");
    // Refused: nothing listens.
    let refused = refused_base_url().expect("a free port");
    let (kind, msg) = diagnose(&tracker_for(&refused, TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Refused, "{msg}");
}

/// A 429 is retried after its Retry-After; the `X-RateLimit-*` headers
/// become the budget the engine shows; one asking for longer than the
/// policy waits is reported with its reset.
#[tokio::test]
async fn rate_limits_follow_azures_signals() {
    let f = fixture().await;
    let id = f.boards.seed("Orders drifted", &[]).to_string();
    f.server.push_fault(GET, blocked("1"));
    check_waited_read(&f.tracker, &id, "Orders drifted", Duration::from_secs(1))
        .await
        .expect("Retry-After honoured");
    assert_eq!(f.server.count(GET), 2);
    let budget = f.tracker.rate_budget().expect("a budget");
    assert_eq!((budget.limit, budget.remaining), (Some(200), Some(0)));
    assert_eq!(budget.resource.as_deref(), Some("WorkItemTracking/User"));

    f.server.push_fault(GET, blocked("3600"));
    let e = f.tracker.get_issue(&id).await.expect_err("an hour away");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert!(e.to_string().contains("resets at"), "{e}");
    assert_eq!(f.server.count(GET), 3, "not sent again");
}

/// A delayed success carries Retry-After: the next request waits for it.
#[tokio::test]
async fn retry_after_on_a_success_paces_the_next_request() {
    let f = fixture().await;
    let id = f.boards.seed("Orders drifted", &[]).to_string();
    let mut delayed = MockResponse::json(200, &json!({"id": 1, "fields": {"System.Title": "x"}}));
    delayed = delayed
        .header("retry-after", "1")
        .header("x-ratelimit-delay", "0.250")
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-limit", "200");
    f.server.push_fault(GET, delayed);
    f.tracker.get_issue(&id).await.expect("first");
    let started = Instant::now();
    f.tracker.get_issue(&id).await.expect("second");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the second waited"
    );
    // A used-up budget alone does not hold Azure requests back: the
    // service delays rather than refuses them.
    let started = Instant::now();
    f.tracker.get_issue(&id).await.expect("third");
    assert!(started.elapsed() < Duration::from_millis(900));
}

#[tokio::test]
async fn server_errors_resets_and_truncated_bodies() {
    let f = fixture().await;
    let id = f.boards.seed("Orders drifted", &[]).to_string();
    for code in [500, 502, 503] {
        f.server.push_fault(
            GET,
            MockResponse::json(code, &json!({"message": "unavailable"})),
        );
    }
    // 500 is final; 502 and 503 are retried.
    let e = f.tracker.get_issue(&id).await.expect_err("500");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert!(
        f.tracker
            .get_issue(&id)
            .await
            .expect("after 502, 503")
            .is_some()
    );

    let mut cut = MockResponse::json(
        200,
        &json!({"id": 1, "fields": {"System.Title": "Orders drifted"}}),
    );
    cut.body.truncate(cut.body.len() / 2);
    f.server.push_fault(GET, cut);
    let e = f.tracker.get_issue(&id).await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert!(e.to_string().contains("not the JSON expected"), "{e}");

    f.server.push_fault(
        GET,
        MockResponse::json(200, &json!({"id": 1, "fields": {}})).reset_after(5),
    );
    assert!(f.tracker.get_issue(&id).await.expect("retried").is_some());

    // A create whose answer breaks is not sent again.
    let before = f.boards.count();
    f.server.push_break_after_answer("Work Items_Create");
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("Once only", ""))
        .await
        .expect_err("unknown outcome");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(f.boards.count(), before + 1, "created once");
    assert_eq!(f.server.count("Work Items_Create"), 1);
}

#[tokio::test]
async fn under_random_faults_the_copy_is_exact_and_nothing_is_duplicated() {
    let boards = AzureBoards::new(ORG, PROJECT)
        .with_authorization(BASIC)
        .with_wiql_cap(25);
    for n in 0..200 {
        boards.seed(&format!("seeded {n}"), &["db"]);
    }
    let knobs = ChaosKnobs::new(0, 7);
    knobs.set_retry_after(0);
    knobs.set_rate_limit_headers(&[
        ("x-ratelimit-resource", "WorkItemTracking/User"),
        ("x-ratelimit-limit", "200"),
        ("x-ratelimit-remaining", "0"),
        ("x-ratelimit-delay", "1.5"),
    ]);
    let server = server(Chaos::new(boards.clone(), knobs.clone())).await;
    let t = tracker_for(server.base_url(), TOKEN).with_wiql_cap(25);
    let plan = FaultPlan {
        seeded: 200,
        filed: 20,
        switch: &|on| knobs.set_percent(if on { 25 } else { 0 }),
        counts: &|| knobs.counts().to_vec(),
        edit: &|| {
            for id in [3, 77, 150] {
                boards.edit(id, "System.Title", json!(format!("edited {id}")));
            }
        },
    };
    fault_run(&t, &mut CursorMirror::default(), plan)
        .await
        .expect("fault run");
    assert_eq!(server.failures(), Vec::<String>::new());
}
