//! Manual syncs as SyncOperations: one per tracker, progress, the sync
//! log, cancellation that leaves a consistent cache.

use std::time::Duration;

use sr_apimock::MockResponse;
use sr_sync::{PollOptions, SyncRequest, SyncStage, SyncStatus};

use crate::common::{NAME, fixture, fixture_with};

#[tokio::test]
async fn two_syncs_started_together_share_one_operation() {
    let f = fixture(150).await;
    let a = f
        .manager
        .start(SyncRequest::manual(NAME, "ann"))
        .expect("a");
    let b = f
        .manager
        .start(SyncRequest::manual("github", "bob").full())
        .expect("b");
    assert_eq!(a.id(), b.id());
    assert_eq!((a.joined, b.joined), (false, true));
    assert_eq!(f.manager.active().len(), 1);
    let (a, b) = (a.finished().await, b.finished().await);
    assert_eq!(a, b);
    assert_eq!(a.status, SyncStatus::Completed);
    assert_eq!(a.requested_by, "ann");
    assert!(f.manager.active().is_empty());
    let log = f.manager.history(Some(NAME), 10).await.expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0], a);
    // Once it has ended, a new request starts a new operation.
    let c = f
        .manager
        .start(SyncRequest::manual(NAME, "ann"))
        .expect("c");
    assert_ne!(c.id(), a.id);
    assert_eq!(c.finished().await.status, SyncStatus::Completed);
}

#[tokio::test]
async fn progress_goes_through_the_stages_to_the_end() {
    let f = fixture_with(
        30,
        PollOptions {
            batch: 10,
            ..PollOptions::default()
        },
    )
    .await;
    let handle = f
        .manager
        .start(SyncRequest::manual(NAME, "ann"))
        .expect("start");
    let mut updates = f.manager.subscribe();
    let done = handle.finished().await;
    let mut stages = Vec::new();
    let mut processed = Vec::new();
    while let Ok(op) = updates.try_recv() {
        if stages.last() != Some(&op.progress.stage) {
            stages.push(op.progress.stage);
        }
        processed.push(op.progress.processed);
    }
    assert_eq!(
        stages,
        vec![
            SyncStage::Fetching,
            SyncStage::Matching,
            SyncStage::Creating
        ]
    );
    assert!(processed.windows(2).all(|w| w[0] <= w[1]), "{processed:?}");
    assert_eq!((done.progress.total, done.progress.processed), (30, 30));
    assert!(done.started_at.is_some() && done.completed_at.is_some());
}

#[tokio::test]
async fn an_unknown_tracker_is_named_with_the_known_ones() {
    let f = fixture(0).await;
    let err = f
        .manager
        .start(SyncRequest::manual("Jira", "ann"))
        .expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "no tracker is named `Jira`; configured trackers: GitHub"
    );
}

#[tokio::test]
async fn cancelling_while_fetching_changes_nothing() {
    let f = fixture(5).await;
    f.server.push_fault(
        "issues/list-for-repo",
        MockResponse::json(200, &serde_json::json!([])).delayed(Duration::from_secs(30)),
    );
    let handle = f
        .manager
        .start(SyncRequest::manual(NAME, "ann"))
        .expect("start");
    let mut watch = handle.watch();
    watch
        .wait_for(|op| op.status == SyncStatus::InProgress)
        .await
        .expect("in progress");
    handle.cancel();
    let op = handle.finished().await;
    assert_eq!(op.status, SyncStatus::Cancelled, "{op:?}");
    let (cache, _) = f.cache_and_server_hashes().await;
    assert!(cache.is_empty());
    let state = f.store.tracker_sync_state(NAME).await.expect("state");
    assert_eq!(state.cursor, None);
    assert!(!state.degraded(), "a cancel is not a failure");
}

#[tokio::test]
async fn cancelling_between_batches_leaves_whole_issues_and_the_next_sync_finishes() {
    let f = fixture_with(
        300,
        PollOptions {
            batch: 1,
            ..PollOptions::default()
        },
    )
    .await;
    let handle = f
        .manager
        .start(SyncRequest::manual(NAME, "ann"))
        .expect("start");
    let mut watch = handle.watch();
    watch
        .wait_for(|op| op.progress.processed >= 3)
        .await
        .expect("progress");
    handle.cancel();
    let op = handle.finished().await;
    assert_eq!(op.status, SyncStatus::Cancelled, "{op:?}");
    assert!(op.results.created < 300, "{op:?}");

    // Every cached issue is exactly the server's; none is half-written.
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(cache.len() as u64, op.results.created);
    for (k, h) in &cache {
        assert_eq!(server.get(k), Some(h), "{k}");
    }
    // The cursor did not move, so nothing is skipped next time.
    assert_eq!(
        f.store
            .tracker_sync_state(NAME)
            .await
            .expect("state")
            .cursor,
        None
    );
    let next = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(next.status, SyncStatus::Completed);
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(cache, server);
}

#[tokio::test]
async fn old_operations_are_pruned_from_the_log() {
    let f = fixture(1).await;
    let done = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(
        f.manager
            .prune(chrono::Duration::days(7))
            .await
            .expect("prune"),
        0
    );
    assert_eq!(f.manager.history(None, 10).await.expect("log"), vec![done]);
    assert_eq!(
        f.manager
            .prune(chrono::Duration::zero())
            .await
            .expect("prune"),
        1
    );
    assert!(f.manager.history(None, 10).await.expect("log").is_empty());
}

/// A second process: its own manager over the same store and tracker.
fn other_process(f: &crate::common::Fixture) -> sr_sync::SyncManager {
    sr_sync::SyncManager::new(
        f.store.clone(),
        sr_tracker::TrackerSet::new(vec![
            f.tracker.clone() as std::sync::Arc<dyn sr_tracker::IssueTracker>
        ]),
        PollOptions::default(),
    )
}

#[tokio::test]
async fn a_second_process_follows_the_running_operation() {
    let f = fixture(20).await;
    f.server.push_fault(
        "issues/list-for-repo",
        MockResponse::json(200, &serde_json::json!([])).delayed(Duration::from_secs(1)),
    );
    let a = f
        .manager
        .start(SyncRequest::manual(NAME, "ann"))
        .expect("a");
    a.watch()
        .wait_for(|op| op.status == SyncStatus::InProgress)
        .await
        .expect("in progress");
    let b = other_process(&f)
        .start(SyncRequest::manual(NAME, "bob"))
        .expect("b");
    let (b, a) = (b.finished().await, a.finished().await);
    assert_eq!(b.id, a.id);
    assert_eq!(
        (b.status, b.requested_by.as_str()),
        (SyncStatus::Completed, "ann")
    );
    assert_eq!(
        f.manager.history(Some(NAME), 10).await.expect("log").len(),
        1
    );
}

#[tokio::test]
async fn an_operation_whose_process_died_is_failed_and_replaced() {
    let f = fixture(2).await;
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(10);
    let mut dead = sr_sync::SyncOperation::new(&SyncRequest::manual(NAME, "gone"), long_ago);
    dead.status = SyncStatus::InProgress;
    assert!(
        f.store
            .insert_sync_operation(&dead.to_row())
            .await
            .expect("insert")
    );
    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!((op.status, op.results.created), (SyncStatus::Completed, 2));
    let dead = f
        .store
        .sync_operation(&dead.id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        (dead.status.as_str(), dead.error.as_deref()),
        ("failed", Some("abandoned: its process stopped"))
    );
}
