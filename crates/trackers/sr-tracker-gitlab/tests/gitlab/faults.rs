//! Fault cases: 429 with and without `RateLimit-*` headers, 5xx bursts,
//! truncated JSON, and creations that are never sent twice.

use sr_model::IssueDraft;
use sr_tracker::{ErrorKind, IssueTracker};

use std::time::Duration;

use crate::common::{PROJECT, TOKEN, fixture, tracker_with_timeout};
use crate::mock::Fault;

fn count(reqs: &[String], prefix: &str) -> usize {
    reqs.iter().filter(|r| r.starts_with(prefix)).count()
}

#[tokio::test]
async fn rate_limits_are_waited_out_or_reported() {
    let f = fixture().await;
    f.tracker
        .create_issue(&IssueDraft::new("One", ""))
        .await
        .expect("create");
    let soon = (chrono::Utc::now().timestamp() + 1).to_string();
    // GitLab's documented 429: RateLimit-* headers and Retry-After.
    f.server.fault(Fault::Status(
        429,
        vec![
            ("ratelimit-limit", "600".into()),
            ("ratelimit-remaining", "0".into()),
            ("ratelimit-reset", soon),
            ("retry-after", "1".into()),
        ],
        "Retry later".into(),
    ));
    // A 429 without any of them: plain backoff.
    f.server.fault(Fault::Status(
        429,
        vec![],
        r#"{"message":"429 Too Many Requests"}"#.into(),
    ));
    let got = f.tracker.get_issue("1").await.expect("after two 429s");
    assert!(got.is_some());
    assert_eq!(
        count(
            &f.server.requests(),
            "GET /api/v4/projects/acme%2Fdb/issues/1"
        ),
        3
    );

    let later = (chrono::Utc::now().timestamp() + 3600).to_string();
    for _ in 0..4 {
        f.server.fault(Fault::Status(
            429,
            vec![
                ("ratelimit-remaining", "0".into()),
                ("ratelimit-reset", later.clone()),
                ("retry-after", "3600".into()),
            ],
            "Retry later".into(),
        ));
    }
    let e = f.tracker.get_issue("1").await.expect_err("an hour away");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
    assert!(e.to_string().contains("resets at"), "{e}");
    f.server.lock().faults.clear();
}

#[tokio::test]
async fn server_error_bursts() {
    let f = fixture().await;
    f.tracker
        .create_issue(&IssueDraft::new("One", ""))
        .await
        .expect("create");
    for code in [502, 503, 504] {
        f.server.fault(Fault::Status(
            code,
            vec![],
            "<html>bad gateway</html>".into(),
        ));
    }
    assert!(
        f.tracker
            .get_issue("1")
            .await
            .expect("after a burst")
            .is_some()
    );
    for _ in 0..4 {
        f.server.fault(Fault::Status(503, vec![], "".into()));
    }
    let e = f.tracker.get_issue("1").await.expect_err("burst too long");
    assert!(e.is_transient(), "{e}");
    // A create answered 502 may have happened: it is not sent again.
    let before = count(
        &f.server.requests(),
        "POST /api/v4/projects/acme%2Fdb/issues",
    );
    f.server.fault(Fault::Status(502, vec![], "".into()));
    let e = f
        .tracker
        .create_issue(&IssueDraft::new("Two", ""))
        .await
        .expect_err("502");
    assert_eq!(
        count(
            &f.server.requests(),
            "POST /api/v4/projects/acme%2Fdb/issues"
        ),
        before + 1,
        "{e}"
    );
}

#[tokio::test]
async fn truncated_json_is_a_provider_error() {
    let f = fixture().await;
    f.server.fault(Fault::Truncated);
    let e = f.tracker.get_issue("1").await.expect_err("truncated");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
    assert!(e.to_string().contains("not the JSON expected"), "{e}");
    f.server.fault(Fault::Truncated);
    let e = f
        .tracker
        .search_issues(&sr_model::SearchQuery::default())
        .await
        .expect_err("truncated page");
    assert_eq!(e.kind(), ErrorKind::Provider, "{e}");
}

#[tokio::test]
async fn slow_answers_past_the_timeout() {
    let f = fixture().await;
    let t = tracker_with_timeout(
        &f.server.base_url,
        PROJECT,
        TOKEN,
        Duration::from_millis(300),
    );
    t.create_issue(&IssueDraft::new("One", ""))
        .await
        .expect("create");
    // A read is tried again after a timeout.
    f.server.fault(Fault::Slow(Duration::from_millis(800)));
    assert!(t.get_issue("1").await.expect("second try").is_some());
    assert_eq!(
        count(
            &f.server.requests(),
            "GET /api/v4/projects/acme%2Fdb/issues/1"
        ),
        2
    );
    // A create that timed out after sending may have happened: reported,
    // not sent again.
    f.server.fault(Fault::Slow(Duration::from_millis(800)));
    let e = t
        .create_issue(&IssueDraft::new("Two", ""))
        .await
        .expect_err("timeout");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(
        count(
            &f.server.requests(),
            "POST /api/v4/projects/acme%2Fdb/issues"
        ),
        2
    );
}
