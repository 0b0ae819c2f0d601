//! Incremental and full polling: request counts, hash comparison, and the
//! reconciliation of deleted and moved issues.

use sr_sync::{PollOptions, SyncKind, SyncRequest, SyncStatus};

use crate::common::{NAME, fixture, fixture_with};

/// What a sync did, as (created, updated, skipped, removed, moved).
fn counts(op: &sr_sync::SyncOperation) -> (u64, u64, u64, u64, u64) {
    let r = &op.results;
    (r.created, r.updated, r.skipped, r.removed, r.moved)
}

#[tokio::test]
async fn first_sync_is_full_then_incremental_reads_only_changes() {
    let f = fixture(250).await;
    let first = f.sync(SyncRequest::manual(NAME, "ann").with_closed()).await;
    assert_eq!(first.status, SyncStatus::Completed, "{first:?}");
    assert_eq!(counts(&first), (250, 0, 0, 0, 0));
    assert_eq!(f.requests(), 3, "250 issues are three pages");

    // Nothing changed: one request, every issue in the overlap skipped.
    let before = f.requests();
    let second = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(second.kind, SyncKind::Incremental);
    assert_eq!(
        (second.results.created, second.results.updated),
        (0, 0),
        "{second:?}"
    );
    assert_eq!(f.requests() - before, 1);

    // Three edits on GitHub: three updates, still one request.
    for n in [5, 100, 200] {
        assert!(f.repo.edit_title(n, &format!("renamed {n}")));
    }
    let before = f.requests();
    let third = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(
        (third.results.created, third.results.updated),
        (0, 3),
        "{third:?}"
    );
    assert_eq!(f.requests() - before, 1);
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(cache, server);
}

/// The acceptance case: 100,000 issues, 10 changed since the last sync.
/// The cache starts as a completed full sync at the end of seeding would
/// have left it (cursor at the newest issue; the changed issues cached as
/// they were), so that the measured sync is the incremental one.
#[tokio::test]
async fn incremental_sync_of_100k_issues_with_10_changed_takes_at_most_2_requests() {
    let f = fixture(100_000).await;
    // Cache the ten issues to be changed, and the overlap's tail, as a
    // full sync would have: from the tracker itself.
    let targets: Vec<u64> = (0..10).map(|i| 1 + i * 9_973).collect();
    let mut cached = Vec::new();
    for n in &targets {
        cached.push(f.tracker_issue(*n).await);
    }
    cached.extend(f.tail(100).await);
    f.store.upsert_issues(&cached).await.expect("cache");
    let newest = cached.iter().map(|i| i.reference.updated_at).max();
    let mut state = f.store.tracker_sync_state(NAME).await.expect("state");
    state.cursor = newest;
    state.last_full = newest;
    f.store
        .save_tracker_sync_state(&state)
        .await
        .expect("state");

    for n in &targets {
        assert!(f.repo.edit_title(*n, &format!("changed {n}")));
    }
    let before = f.requests();
    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.status, SyncStatus::Completed, "{op:?}");
    let sent = f.requests() - before;
    assert!(sent <= 2, "{sent} requests");
    assert_eq!((op.results.created, op.results.updated), (0, 10), "{op:?}");
    for n in &targets {
        let key = f.key(*n).parse().expect("key");
        let c = f.store.issue(&key).await.expect("read").expect("cached");
        assert_eq!(c.issue.reference.title, format!("changed {n}"));
    }
}

#[tokio::test]
async fn a_full_sync_finds_deleted_and_moved_issues() {
    let f = fixture_with(
        6,
        PollOptions {
            batch: 2,
            ..PollOptions::default()
        },
    )
    .await;
    let first = f.sync(SyncRequest::manual(NAME, "ann").full()).await;
    assert_eq!(counts(&first), (6, 0, 0, 0, 0), "{first:?}");

    // Issue 2 is deleted; issue 4 is gone and reappears under a new
    // number with its title (moved); issue 5 is renamed.
    assert!(f.repo.remove(2));
    assert!(f.repo.remove(4));
    let moved = f.repo.seed("issue 3", &[], false);
    assert!(f.repo.edit_title(5, "renamed"));

    let op = f.sync(SyncRequest::manual(NAME, "ann").full()).await;
    assert_eq!(op.status, SyncStatus::Completed, "{op:?}");
    assert_eq!(counts(&op), (1, 1, 3, 1, 1), "{op:?}");
    let removed = f.store.removed_issues().await.expect("removed");
    assert_eq!(
        removed,
        vec![(f.key(2), None), (f.key(4), Some(f.key(moved)))]
    );
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(cache, server);
}

#[tokio::test]
async fn closed_issues_are_left_out_unless_asked_for() {
    let f = fixture(4).await;
    let closed = sr_model::IssueUpdate {
        state: Some(sr_model::IssueState::Done),
        ..Default::default()
    };
    sr_tracker::IssueTracker::update_issue(f.tracker.as_ref(), "2", &closed)
        .await
        .expect("close");
    let without = f.sync(SyncRequest::manual(NAME, "ann").full()).await;
    assert_eq!(counts(&without), (3, 0, 1, 0, 0), "{without:?}");
    let with = f
        .sync(SyncRequest::manual(NAME, "ann").full().with_closed())
        .await;
    assert_eq!(counts(&with), (1, 0, 3, 0, 0), "{with:?}");
}
