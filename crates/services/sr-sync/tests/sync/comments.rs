//! Comments both ways: workbench comments are sent once, even when the
//! tracker's answer is lost, and the tracker's comments on followed issues
//! are read when the issue changed (never for issues nobody follows).

use sr_model::{IssueKey, LinkType, ObjectKind, ObjectRef, SyncDirection};
use sr_store::NewLink;
use sr_sync::{SyncRequest, SyncResults, SyncStatus};

use crate::common::{Fixture, NAME, fixture};

async fn link(f: &Fixture, number: u64) {
    let key: IssueKey = f.key(number).parse().expect("key");
    let cached = f.store.issue(&key).await.expect("read").expect("cached");
    let object = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders");
    f.store
        .link(&NewLink {
            object: &object,
            issue: &cached.issue,
            link_type: LinkType::Manual,
            created_by: "ann",
            sync_direction: SyncDirection::Bidirectional,
        })
        .await
        .expect("link");
}

async fn write(f: &Fixture, number: u64, body: &str) {
    f.store
        .add_local_comment(&f.key(number), "ann", body)
        .await
        .expect("kept");
}

/// The cache's comments of an issue: (body, pending).
async fn cached(f: &Fixture, number: u64) -> Vec<(String, bool)> {
    f.store
        .issue_comments(&f.key(number))
        .await
        .expect("comments")
        .into_iter()
        .map(|c| (c.body, c.pending))
        .collect()
}

fn comment_reads(f: &Fixture, number: u64) -> usize {
    let path = format!("/repos/acme/db/issues/{number}/comments");
    f.server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .count()
}

#[tokio::test]
async fn comments_go_both_ways_and_our_own_are_not_read_back_as_new() {
    let f = fixture(5).await;
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    link(&f, 2).await;
    assert!(f.repo.comment(2, "Seen on GitHub"));
    assert!(f.repo.comment(3, "Nobody follows issue 3"));
    write(&f, 2, "Written in the workbench").await;

    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.status, SyncStatus::Completed, "{op:?}");
    assert_eq!(op.results.comments_sent, 1, "{op:?}");
    assert_eq!(
        f.repo.comment_bodies(2),
        vec!["Seen on GitHub", "Written in the workbench"]
    );
    assert_eq!(
        cached(&f, 2).await,
        vec![
            ("Seen on GitHub".to_owned(), false),
            ("Written in the workbench".to_owned(), false)
        ]
    );
    assert_eq!(
        comment_reads(&f, 3),
        0,
        "an issue nobody follows is not read"
    );
    assert!(cached(&f, 3).await.is_empty());

    // Our comment moved the issue on GitHub before the sync read it, so
    // the next sync neither sends nor reads anything new.
    let again = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(
        (again.results.comments_sent, again.results.comments_received),
        (0, 0),
        "{again:?}"
    );
    assert_eq!(cached(&f, 2).await.len(), 2);
    // Nothing changed since: no read at all.
    let reads = comment_reads(&f, 2);
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(comment_reads(&f, 2), reads);

    // A new comment on GitHub arrives with the next sync.
    assert!(f.repo.comment(2, "A reply on GitHub"));
    let next = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(next.results.comments_received, 1, "{next:?}");
    assert_eq!(cached(&f, 2).await.len(), 3);
}

#[tokio::test]
async fn a_comment_whose_answer_was_lost_is_not_posted_twice() {
    let f = fixture(3).await;
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    write(&f, 1, "Please add an index on orders(customer_id)").await;
    f.server.push_break_after_answer("issues/create-comment");
    let key: IssueKey = f.key(1).parse().expect("key");
    let mut first = SyncResults::default();
    sr_sync::comments::send_pending(&f.store, f.tracker.as_ref(), Some(&key), &mut first)
        .await
        .expect("store");
    assert_eq!(first.comments_sent, 0, "{first:?}");
    assert_eq!(first.failed, 1, "{first:?}");
    assert_eq!(f.repo.comment_bodies(1).len(), 1, "GitHub got it");
    let kept = f.store.issue_comments(&f.key(1)).await.expect("comments");
    assert!(kept[0].pending && kept[0].last_error.is_some(), "{kept:?}");

    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.results.comments_sent, 1, "{op:?}");
    assert_eq!(
        f.repo.comment_bodies(1),
        vec!["Please add an index on orders(customer_id)"],
        "found at GitHub, not sent again"
    );
    let synced = f.store.issue_comments(&f.key(1)).await.expect("comments");
    assert_eq!(synced.len(), 1);
    assert!(!synced[0].pending && synced[0].remote_id.is_some());
}

#[tokio::test]
async fn under_faults_every_comment_is_posted_exactly_once() {
    let f = fixture(12).await;
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    for n in 1..=12 {
        link(&f, n).await;
    }
    for n in 1..=12 {
        for i in 0..3 {
            write(&f, n, &format!("note {i} on issue {n}")).await;
        }
        if n % 4 == 0 {
            assert!(f.repo.comment(n, &format!("remote note on issue {n}")));
        }
    }
    f.chaos.set_percent(30);
    f.chaos.set_retry_after(0);
    let info = sr_tracker::IssueTracker::info(f.tracker.as_ref());
    let prefix = format!("{}:{}:", info.provider, info.instance);
    for _ in 0..40 {
        let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
        let pending = f.store.pending_comments(&prefix).await.expect("pending");
        if op.status == SyncStatus::Completed && pending.is_empty() {
            break;
        }
    }
    let faults = f.chaos.counts();
    f.chaos.set_percent(0);
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault happened: {faults:?}"
    );
    // One clean sync reads what the faults kept from being read.
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    for n in 1..=12 {
        let mut expected: Vec<String> = (0..3).map(|i| format!("note {i} on issue {n}")).collect();
        if n % 4 == 0 {
            expected.insert(0, format!("remote note on issue {n}"));
        }
        let mut on_server = f.repo.comment_bodies(n);
        let mut want = expected.clone();
        on_server.sort();
        want.sort();
        assert_eq!(on_server, want, "issue {n}, faults {faults:?}");
        let mut in_cache: Vec<String> = cached(&f, n).await.into_iter().map(|c| c.0).collect();
        in_cache.sort();
        assert_eq!(in_cache, want, "cache of issue {n}");
    }
}

#[tokio::test]
async fn a_comment_the_tracker_refuses_for_good_is_not_sent_again() {
    let f = fixture(3).await;
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    write(&f, 2, "About the deleted issue").await;
    assert!(f.repo.remove(2));
    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.results.failed, 1, "{op:?}");
    assert!(
        op.results.errors[0].error.contains("not sent again"),
        "{op:?}"
    );
    let kept = f.store.issue_comments(&f.key(2)).await.expect("comments");
    assert!(kept[0].rejected && !kept[0].pending, "{kept:?}");
    assert!(kept[0].last_error.is_some(), "{kept:?}");

    let posts = |f: &Fixture| {
        f.server
            .requests()
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some("issues/create-comment"))
            .count()
    };
    let before = posts(&f);
    let next = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(next.results.failed, 0, "{next:?}");
    assert_eq!(posts(&f), before, "not sent again");
    assert_eq!(
        f.store
            .take_back_comment(kept[0].id)
            .await
            .expect("take back")
            .as_deref(),
        Some("About the deleted issue")
    );
}
