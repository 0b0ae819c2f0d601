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

    // Redmine behind a limiter: 429 with Retry-After, then 5xx and a
    // reset; the read gets through on its fourth try.
    proxy.push(Fault::TooManyRequests { retry_after: 1 });
    proxy.push(Fault::Status(503));
    proxy.push(Fault::Reset);
    let before = count(&proxy.requests(), &get);
    let got = t
        .get_issue(&one.key().id)
        .await
        .expect("after three faults");
    assert_eq!(got.map(|i| i.body), Some("first".to_owned()));
    assert_eq!(count(&proxy.requests(), &get), before + 4);
    // An answer cut short: read again.
    proxy.push(Fault::Truncated);
    let got = t
        .get_issue(&one.key().id)
        .await
        .expect("after a cut answer");
    assert_eq!(got.map(|i| i.reference.title), Some("One".to_owned()));
    assert_eq!(count(&proxy.requests(), &get), before + 6);
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
    // A creation refused with 503 was not taken: sent again, made once.
    proxy.push(Fault::Status(503));
    t.create_issue(&IssueDraft::new("Three", ""))
        .await
        .expect("after a 503");
    assert_eq!(posts(), sent + 3);
    // A reset after the request was written: the adapter cannot tell
    // whether it arrived, so it is not repeated (here it never arrived).
    proxy.push(Fault::Reset);
    let e = t
        .create_issue(&IssueDraft::new("Four", ""))
        .await
        .expect_err("reset");
    assert_eq!(e.kind(), ErrorKind::UnknownOutcome, "{e}");
    assert_eq!(posts(), sent + 4);

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
    assert_eq!(
        titles,
        ["One", "Three", "Two"],
        "each issue once; `Four` never arrived"
    );
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
