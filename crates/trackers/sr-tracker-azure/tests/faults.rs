//! Failures: the connection diagnoses, 429 with Azure DevOps's own
//! signals (`Retry-After`, `X-RateLimit-*`), `Retry-After` on a delayed
//! success, 5xx bursts, resets, truncated bodies, creates never sent
//! twice, and a run under random faults that ends with an exact copy of
//! the project and no duplicate work items.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;
use sr_apimock::{AzureBoards, Chaos, ChaosKnobs, MockResponse};
use sr_model::{IssueDraft, SearchQuery};
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

    let diagnose = |t: sr_tracker_azure::AzureTracker| async move {
        let e = t.test_connection().await.expect_err("must fail");
        (e.kind(), e.to_string())
    };
    // 401: a wrong token.
    let (kind, msg) = diagnose(tracker_for(f.server.base_url(), "wrong")).await;
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 203 and the sign-in page: what Azure answers a request it does not
    // take as signed in.
    let mut page = MockResponse::empty(203).header("content-type", "text/html");
    page.body = b"<html><title>Azure DevOps Services | Sign In</title></html>".to_vec();
    f.server.push_fault("Work Item Types_List", page);
    let (kind, msg) = diagnose(tracker_for(f.server.base_url(), TOKEN)).await;
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 403: the token lacks the Work Items scope.
    f.server.push_fault(
        "Work Item Types_List",
        MockResponse::json(403, &json!({"message": "TF401027: You need the Git 'GenericRead' permission to perform this action.", "typeKey": "UnauthorizedRequestException"})),
    );
    let (kind, msg) = diagnose(tracker_for(f.server.base_url(), TOKEN)).await;
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    assert!(msg.contains("project DB of organization acme"), "{msg}");
    // 404: no such project.
    let mut other = config(f.server.base_url());
    other.project = "Nope".into();
    let (kind, msg) = diagnose(tracker_with(&other, TOKEN)).await;
    assert_eq!(kind, ErrorKind::NotFound, "{msg}");
    assert!(msg.contains("project Nope"), "{msg}");
    // Rate limited: a connection test is tried once.
    f.server.push_fault("Work Item Types_List", blocked("30"));
    let (kind, msg) = diagnose(tracker_for(f.server.base_url(), TOKEN)).await;
    assert_eq!(kind, ErrorKind::RateLimited, "{msg}");
    // Refused: nothing listens.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (kind, msg) = diagnose(tracker_for(&format!("http://127.0.0.1:{port}"), TOKEN)).await;
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
    let started = Instant::now();
    let got = f
        .tracker
        .get_issue(&id)
        .await
        .expect("retried")
        .expect("found");
    assert_eq!(got.reference.title, "Orders drifted");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After honoured"
    );
    assert_eq!(f.count(GET), 2);
    let budget = f.tracker.rate_budget().expect("a budget");
    assert_eq!((budget.limit, budget.remaining), (Some(200), Some(0)));
    assert_eq!(budget.resource.as_deref(), Some("WorkItemTracking/User"));

    f.server.push_fault(GET, blocked("3600"));
    let e = f.tracker.get_issue(&id).await.expect_err("an hour away");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert!(e.to_string().contains("resets at"), "{e}");
    assert_eq!(f.count(GET), 3, "not sent again");
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
    assert_eq!(f.count("Work Items_Create"), 1);
}

/// What the outbox does with a create: on any failure, look for the work
/// item by its title before trying again.
async fn create_once(t: &dyn IssueTracker, title: &str) -> usize {
    for attempt in 1..=30 {
        match t
            .create_issue(&IssueDraft::new(title, "Filed by the fault run."))
            .await
        {
            Ok(_) => return attempt,
            Err(_) => {
                let found = t
                    .search_issues(&SearchQuery::text(title))
                    .await
                    .map(|l| l.iter().any(|i| i.reference.title == title));
                if found.is_ok_and(|f| f) {
                    return attempt;
                }
            }
        }
    }
    panic!("{title} was never created");
}

/// A copy of the project kept as a sync keeps it: a full read, then reads
/// of what changed since the newest change seen; a failed read is tried
/// again from the same cursor.
async fn sync(
    t: &dyn IssueTracker,
    cache: &mut BTreeMap<String, String>,
    cursor: &mut Option<sr_model::Timestamp>,
) {
    for _ in 0..60 {
        let q = SearchQuery {
            limit: 0,
            updated_since: *cursor,
            ..SearchQuery::default()
        };
        if let Ok(list) = t.search_issues(&q).await {
            for i in &list {
                cache.insert(i.reference.key.id.clone(), i.content_hash());
                *cursor = (*cursor).max(Some(i.reference.updated_at));
            }
            return;
        }
    }
    panic!("no sync got through");
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
    knobs.set_percent(25);

    let mut cache = BTreeMap::new();
    let mut cursor = None;
    sync(&t, &mut cache, &mut cursor).await;
    for n in 0..20 {
        create_once(&t, &format!("filed {n}")).await;
    }
    for id in [3, 77, 150] {
        boards.edit(id, "System.Title", json!(format!("edited {id}")));
    }
    sync(&t, &mut cache, &mut cursor).await;
    sync(&t, &mut cache, &mut cursor).await;
    let faults = knobs.counts();
    let requests = knobs.requests();
    knobs.set_percent(0);
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault happened: {faults:?} in {requests} requests"
    );

    let server_items = t
        .search_issues(&SearchQuery {
            limit: 0,
            ..SearchQuery::default()
        })
        .await
        .expect("server");
    let on_server: BTreeMap<String, String> = server_items
        .iter()
        .map(|i| (i.reference.key.id.clone(), i.content_hash()))
        .collect();
    assert_eq!(on_server.len(), 220, "200 seeded and 20 filed, each once");
    assert_eq!(cache, on_server, "faults {faults:?}");
    let mut titles: Vec<&str> = server_items
        .iter()
        .map(|i| i.reference.title.as_str())
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), 220, "no duplicate titles");
    assert_eq!(server.failures(), Vec::<String>::new());
}
