//! The fault run: a fifth of requests get 429 with Retry-After, 503, a
//! reset or a truncated body. Syncs are retried as the scheduler would
//! until one completes; the cache then equals the server, without
//! duplicates.

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
    for _ in 0..20 {
        if complete(f.sync(run(false)).await) {
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
    assert_eq!(
        f.store.removed_issues().await.expect("removed"),
        vec![(f.key(150), None)]
    );
}
