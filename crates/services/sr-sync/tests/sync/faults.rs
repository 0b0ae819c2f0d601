//! The fault run: a fifth of requests get 429 with Retry-After, 503, a
//! reset or a truncated body. Syncs are retried as the scheduler would
//! until one completes; the cache then equals the server, without
//! duplicates, and the workbench's edits are on the server, none lost.

use sr_sync::{SyncRequest, SyncStatus};

use crate::common::{NAME, fixture};

#[tokio::test]
async fn under_faults_the_cache_ends_identical_to_the_server() {
    let f = fixture(2_000).await;
    f.chaos.set_percent(20);
    f.chaos.set_retry_after(0);
    let mut attempts = 0;
    let run = |full: bool| {
        let request = SyncRequest::manual(NAME, "ann").with_closed();
        if full { request.full() } else { request }
    };
    // A first full sync, then changes on the server and incremental syncs.
    let mut complete = |op: sr_sync::SyncOperation| {
        attempts += 1;
        op.status == SyncStatus::Completed
    };
    for _ in 0..20 {
        if complete(f.sync(run(true)).await) {
            break;
        }
    }
    for n in [3, 777, 1_301] {
        f.repo.edit_title(n, &format!("edited {n}"));
    }
    f.repo.remove(150);
    // Workbench edits, pushed through the same faults.
    for n in [10, 20, 30] {
        let key = f.key(n).parse().expect("key");
        sr_sync::record_edit(&f.store, &key, sr_sync::Field::Title, &format!("local {n}"))
            .await
            .expect("edit");
    }
    let info = sr_tracker::IssueTracker::info(f.tracker.as_ref());
    let prefix = format!("{}:{}:", info.provider, info.instance);
    for _ in 0..20 {
        let done = complete(f.sync(run(false)).await);
        let pending = f.store.pending_local_edits(&prefix).await.expect("pending");
        if done && pending.is_empty() {
            break;
        }
    }
    for _ in 0..20 {
        if complete(f.sync(run(true)).await) {
            break;
        }
    }
    let faults = f.chaos.counts();
    f.chaos.set_percent(0);
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault happened: {faults:?}"
    );
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(
        cache.len(),
        1_999,
        "after {attempts} attempts, faults {faults:?}"
    );
    assert_eq!(cache, server);
    for n in [10, 20, 30] {
        assert_eq!(
            f.tracker_issue(n).await.reference.title,
            format!("local {n}")
        );
    }
    assert!(
        f.store
            .pending_local_edits(&prefix)
            .await
            .expect("pending")
            .is_empty()
    );
    assert_eq!(
        f.store.removed_issues().await.expect("removed"),
        vec![(f.key(150), None)]
    );
}
