//! A full read costs one request per hundred issues: GitHub's largest
//! page, followed through `Link` headers and nothing else (no count
//! request, no extra page past the last). `cargo xtask bench sync` reports
//! the same count for ten thousand issues; this proves it.

use sr_model::{SearchQuery, StateFilter};
use sr_tracker::IssueTracker;

use crate::common::fixture;

/// Seeds `issues` issues, reads them all, and checks the number of issues
/// read and of requests sent, every one a list page at `per_page=100`.
async fn check(issues: usize, expected_requests: usize) {
    let f = fixture().await;
    for n in 0..issues {
        let labels: &[&str] = if n % 3 == 0 { &["bug"] } else { &[] };
        f.repo.seed(&format!("issue {n}"), labels, false);
    }
    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let read = f.tracker.search_issues(&all).await.expect("full read");
    assert_eq!(read.len(), issues, "issues read of {issues}");
    let sent = f.server.requests();
    assert_eq!(
        sent.len(),
        expected_requests,
        "requests for {issues} issues"
    );
    for (i, r) in sent.iter().enumerate() {
        assert_eq!(
            r.operation_id.as_deref(),
            Some("issues/list-for-repo"),
            "{r:?}"
        );
        assert!(
            r.query.contains(&("per_page".into(), "100".into())),
            "{r:?}"
        );
        let page = r
            .query
            .iter()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.as_str());
        let expected_page = (i > 0).then(|| (i + 1).to_string());
        assert_eq!(page, expected_page.as_deref(), "request {i} of {issues}");
    }
}

#[tokio::test]
async fn a_full_read_takes_one_request_per_hundred_issues() {
    check(0, 1).await;
    check(1, 1).await;
    check(100, 1).await;
    check(101, 2).await;
    check(1_000, 10).await;
}
