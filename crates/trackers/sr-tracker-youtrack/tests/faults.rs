//! Failures: the connection diagnoses, 429 with Retry-After, 5xx bursts,
//! resets, truncated bodies, creates never sent twice, and a run under
//! random faults that ends with an exact copy of the project and no
//! duplicate issues.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::json;
use sr_apimock::{Chaos, ChaosKnobs, MockResponse, YouTrackProject};
use sr_model::{IssueDraft, SearchQuery};
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::*;

const GET: &str = "getIssue";

fn too_many(retry_after: &str) -> MockResponse {
    MockResponse::json(
        429,
        &json!({"error": "Too Many Requests", "error_description": "Rate limit exceeded"}),
    )
    .header("retry-after", retry_after)
}

#[tokio::test]
async fn connection_diagnoses_are_distinct() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("connects");
    assert_eq!(report.user.as_deref(), Some("root"));
    assert!(
        report.checks.iter().any(|c| c == "project DB is visible"),
        "{:?}",
        report.checks
    );

    let diagnose = |t: sr_tracker_youtrack::YouTrackTracker| async move {
        let e = t.test_connection().await.expect_err("must fail");
        (e.kind(), e.to_string())
    };
    // 401: a wrong token.
    let (kind, msg) = diagnose(tracker_for(f.server.base_url(), "perm:wrong")).await;
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 403: the token's owner may not read.
    f.server.push_fault(
        "getMe",
        MockResponse::json(
            403,
            &json!({"error": "Forbidden", "error_description": "Access denied"}),
        ),
    );
    let (kind, msg) = diagnose(tracker_for(f.server.base_url(), TOKEN)).await;
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    // No such project.
    let mut other = config(f.server.base_url());
    other.project = "NOPE".into();
    let (kind, msg) = diagnose(tracker_with(&other, TOKEN)).await;
    assert_eq!(kind, ErrorKind::NotFound, "{msg}");
    assert!(msg.contains("project NOPE"), "{msg}");
    // A renamed field: a config error naming the fields there are.
    let mut renamed = config(f.server.base_url());
    renamed.fields.kind = "Kind".into();
    let (kind, msg) = diagnose(tracker_with(&renamed, TOKEN)).await;
    assert_eq!(kind, ErrorKind::Config, "{msg}");
    assert!(msg.contains("config.fields.type"), "{msg}");
    assert!(msg.contains("State, Priority, Type, Assignee"), "{msg}");
    // Rate limited: a connection test is tried once.
    f.server.push_fault("getMe", too_many("30"));
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

/// A 429 is retried after its Retry-After; one asking for longer than
/// the policy waits is reported.
#[tokio::test]
async fn rate_limits_follow_retry_after() {
    let f = fixture().await;
    let id = f.project.seed("Orders drifted", &[]);
    f.server.push_fault(GET, too_many("1"));
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

    f.server.push_fault(GET, too_many("3600"));
    let e = f.tracker.get_issue(&id).await.expect_err("an hour away");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(f.count(GET), 3, "not sent again");
}

#[tokio::test]
async fn server_errors_resets_and_truncated_bodies() {
    let f = fixture().await;
    let id = f.project.seed("Orders drifted", &[]);
    for code in [502, 503] {
        f.server.push_fault(
            GET,
            MockResponse::json(code, &json!({"error": "unavailable"})),
        );
    }
    assert!(
        f.tracker
            .get_issue(&id)
            .await
            .expect("after 502, 503")
            .is_some()
    );

    let mut cut = MockResponse::json(
        200,
        &json!({"$type": "Issue", "idReadable": "DB-1", "summary": "Orders drifted", "created": 1, "updated": 1}),
    );
    cut.body.truncate(cut.body.len() / 2);
    f.server.push_fault(GET, cut);
    let e = f.tracker.get_issue(&id).await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");

    f.server.push_fault(
        GET,
        MockResponse::json(200, &json!({"$type": "Issue"})).reset_after(5),
    );
    assert!(f.tracker.get_issue(&id).await.expect("retried").is_some());

    // A create whose answer breaks is not sent again.
    f.tracker.initialize().await.expect("schema");
    let before = f.project.count();
    f.server.push_break_after_answer("createIssue");
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("Once only", ""))
        .await
        .expect_err("unknown outcome");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(f.project.count(), before + 1, "created once");
    assert_eq!(f.count("createIssue"), 1);
}

/// What the outbox does with a create: on any failure, look for the
/// issue by its summary (until a search is answered) before trying again.
async fn create_once(t: &dyn IssueTracker, title: &str) {
    for _ in 1..=30 {
        match t
            .create_issue(&IssueDraft::new(title, "Filed by the fault run."))
            .await
        {
            Ok(_) => return,
            Err(_) => {
                // Only an answered search settles it: a failed one is
                // asked again, never taken for "not there".
                for _ in 0..30 {
                    if let Ok(l) = t.search_issues(&SearchQuery::text(title)).await {
                        if l.iter().any(|i| i.reference.title == title) {
                            return;
                        }
                        break;
                    }
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
    let project = YouTrackProject::new(PROJECT).with_authorization(BEARER);
    for n in 0..200 {
        project.seed(&format!("seeded {n}"), &["db"]);
    }
    let knobs = ChaosKnobs::new(0, 7);
    knobs.set_retry_after(0);
    let server = server(Chaos::new(project.clone(), knobs.clone())).await;
    let t = tracker_for(server.base_url(), TOKEN).with_page(25);
    knobs.set_percent(25);

    let mut cache = BTreeMap::new();
    let mut cursor = None;
    sync(&t, &mut cache, &mut cursor).await;
    for n in 0..20 {
        create_once(&t, &format!("filed {n}")).await;
    }
    for n in [3, 77, 150] {
        assert!(project.edit_summary(n, &format!("edited {n}")));
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
