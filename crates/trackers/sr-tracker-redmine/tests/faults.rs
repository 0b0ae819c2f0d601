//! Faults one at a time, injected by a proxy in front of the real
//! Redmine: 429 with Retry-After, 5xx bursts, resets, answers cut short;
//! reads are retried, a creation is never sent twice.

use sr_model::{IssueDraft, SearchQuery, StateFilter};
use sr_testkit::{Fault, FaultProxy};
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::{new_project, redmine, tracker};

fn count(reqs: &[String], prefix: &str) -> usize {
    reqs.iter().filter(|r| r.starts_with(prefix)).count()
}

#[tokio::test]
async fn reads_outlast_faults_and_creations_are_never_doubled() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let proxy = FaultProxy::start(&rm.url).await.expect("proxy");
    let t = tracker(&proxy.url(), &project, &rm.api_key);
    t.initialize().await.expect("schema");
    let one = t
        .create_issue(&IssueDraft::new("One", "first"))
        .await
        .expect("create");
    let get = format!("GET /issues/{}.json", one.key().id);

    // Redmine behind a limiter: 429 with Retry-After, then 5xx, a reset
    // and a cut answer; the read gets through after all of them.
    proxy.push(Fault::TooManyRequests { retry_after: 1 });
    proxy.push(Fault::Status(503));
    proxy.push(Fault::Reset);
    proxy.push(Fault::Truncated);
    let before = count(&proxy.requests(), &get);
    let got = t.get_issue(&one.key().id).await.expect("after four faults");
    assert_eq!(got.map(|i| i.body), Some("first".to_owned()));
    assert_eq!(count(&proxy.requests(), &get), before + 5);
    assert_eq!(proxy.counts(), [1, 1, 1, 1]);

    // A longer burst than the retries: a transient error, said so.
    for _ in 0..6 {
        proxy.push(Fault::Status(503));
    }
    let e = t.get_issue(&one.key().id).await.expect_err("burst");
    assert!(e.is_transient(), "{e}");
    while proxy.counts()[1] < 7 {
        // Drain what the retries left queued.
        t.get_issue(&one.key().id).await.ok();
    }

    // A creation cut short took effect: reported, not sent again.
    let posts = || count(&proxy.requests(), "POST /issues.json");
    let sent = posts();
    proxy.push(Fault::Truncated);
    let e = t
        .create_issue(&IssueDraft::new("Two", ""))
        .await
        .expect_err("cut short");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(posts(), sent + 1);
    // A creation refused with 503 never reached Redmine: reported, not
    // sent again either (the adapter cannot tell it from one that did).
    proxy.push(Fault::Status(503));
    let e = t
        .create_issue(&IssueDraft::new("Three", ""))
        .await
        .expect_err("503");
    assert!(e.is_transient() || e.kind() == ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(posts(), sent + 2);
    // A reset before sending is safe to repeat: the issue is made once.
    proxy.push(Fault::Reset);
    let four = t.create_issue(&IssueDraft::new("Four", "")).await;

    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let mut titles: Vec<String> = t
        .search_issues(&all)
        .await
        .expect("list")
        .into_iter()
        .map(|i| i.reference.title)
        .collect();
    titles.sort();
    let mut want = vec!["One", "Two"];
    if four.is_ok() {
        want.push("Four");
    }
    want.sort();
    assert_eq!(titles, want, "each issue once; `Three` never arrived");
}

#[tokio::test]
async fn rate_limits_longer_than_the_wait_are_reported() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let proxy = FaultProxy::start(&rm.url).await.expect("proxy");
    let t = tracker(&proxy.url(), &project, &rm.api_key);
    t.initialize().await.expect("schema");
    for _ in 0..6 {
        proxy.push(Fault::TooManyRequests { retry_after: 3600 });
    }
    let e = t.get_issue("1").await.expect_err("an hour away");
    assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
}
