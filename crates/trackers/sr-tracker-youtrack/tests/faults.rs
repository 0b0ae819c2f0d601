//! Failures: the connection diagnoses, 429 with Retry-After, 5xx bursts,
//! resets, truncated bodies, creates never sent twice, and a run under
//! random faults that ends with an exact copy of the project and no
//! duplicate issues.

use std::time::Duration;

use serde_json::json;
use sr_apimock::{Chaos, ChaosKnobs, MockResponse, YouTrackProject};
use sr_model::IssueDraft;
use sr_tracker::contract::faults::{
    CursorMirror, FaultPlan, check_waited_read, diagnose, fault_run, refused_base_url,
};
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

    // 401: a wrong token.
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), "perm:wrong"))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Unauthorized, "{msg}");
    // 403: the token's owner may not read.
    f.server.push_fault(
        "getMe",
        MockResponse::json(
            403,
            &json!({"error": "Forbidden", "error_description": "Access denied"}),
        ),
    );
    let (kind, msg) = diagnose(&tracker_for(f.server.base_url(), TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Forbidden, "{msg}");
    // No such project.
    let mut other = config(f.server.base_url());
    other.project = "NOPE".into();
    let (kind, msg) = diagnose(&tracker_with(&other, TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::NotFound, "{msg}");
    assert!(msg.contains("project NOPE"), "{msg}");
    // A renamed field: a config error naming the fields there are.
    let mut renamed = config(f.server.base_url());
    renamed.fields.kind = "Kind".into();
    let (kind, msg) = diagnose(&tracker_with(&renamed, TOKEN))
        .await
        .expect("must fail");
    assert_eq!(kind, ErrorKind::Config, "{msg}");
    assert!(msg.contains("config.fields.type"), "{msg}");
    assert!(msg.contains("State, Priority, Type, Assignee"), "{msg}");
    // Rate limited: a connection test is tried once.
    f.server.push_fault("getMe", too_many("30"));
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

/// A 429 is retried after its Retry-After; one asking for longer than
/// the policy waits is reported.
#[tokio::test]
async fn rate_limits_follow_retry_after() {
    let f = fixture().await;
    let id = f.project.seed("Orders drifted", &[]);
    f.server.push_fault(GET, too_many("1"));
    check_waited_read(&f.tracker, &id, "Orders drifted", Duration::from_secs(1))
        .await
        .expect("Retry-After honoured");
    assert_eq!(f.server.count(GET), 2);

    f.server.push_fault(GET, too_many("3600"));
    let e = f.tracker.get_issue(&id).await.expect_err("an hour away");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert_eq!(f.server.count(GET), 3, "not sent again");
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
    assert_eq!(f.server.count("createIssue"), 1);
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
    let plan = FaultPlan {
        seeded: 200,
        filed: 20,
        switch: &|on| knobs.set_percent(if on { 25 } else { 0 }),
        counts: &|| knobs.counts().to_vec(),
        edit: &|| {
            for n in [3, 77, 150] {
                assert!(project.edit_summary(n, &format!("edited {n}")));
            }
        },
    };
    fault_run(&t, &mut CursorMirror::default(), plan)
        .await
        .expect("fault run");
    assert_eq!(server.failures(), Vec::<String>::new());
}
