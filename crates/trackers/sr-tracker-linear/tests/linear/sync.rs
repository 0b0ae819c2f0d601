//! The fault run: a fifth of requests get Linear's rate limit (a 400 with
//! `RATELIMITED`), a 503, a reset or a truncated body. Syncs into a store
//! are retried as the scheduler would until one completes; the cache then
//! equals the workspace, without duplicates, and the workbench's edits
//! are in Linear, none lost and none applied twice.

use std::collections::BTreeMap;
use std::sync::Arc;

use sr_model::{SearchQuery, StateFilter};
use sr_store::Store;
use sr_sync::{PollOptions, SyncManager, SyncRequest, SyncStatus};
use sr_tracker::{IssueTracker, TrackerSet};

use crate::common::*;

const ISSUES: usize = 1_000;

#[tokio::test]
async fn under_faults_the_cache_ends_identical_to_the_workspace() {
    let f = fixture().await;
    for n in 0..ISSUES {
        f.ws.seed(
            &format!("issue {n}"),
            if n % 3 == 0 { &["bug-hunt"] } else { &[] },
        );
    }
    let tracker: Arc<dyn IssueTracker> =
        Arc::new(tracker_for(f.server.base_url(), "DB", "api_key", KEY));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("store");
    let manager = SyncManager::new(
        store.clone(),
        TrackerSet::new(vec![tracker.clone()]),
        PollOptions::default(),
    );
    let sync = |full: bool| {
        let r = SyncRequest::manual("Linear", "ann").with_closed();
        let r = if full { r.full() } else { r };
        let op = manager.start(r).expect("start");
        async move { op.finished().await.status == SyncStatus::Completed }
    };
    f.chaos.set_percent(25);
    f.chaos.set_retry_after(0);
    let mut done = false;
    for _ in 0..30 {
        if sync(true).await {
            done = true;
            break;
        }
    }
    assert!(done, "a full sync completes");
    // Changes in Linear, then workbench edits pushed through the faults.
    f.ws.edit_title("DB-3", "edited in Linear");
    f.ws.move_to("DB-77", "Done");
    f.ws.trash("DB-150");
    f.ws.move_to("DB-500", "In Progress");
    f.ws.comment("DB-5", "from Linear");
    for n in [10, 20, 30] {
        let key = tracker.info().key(format!("DB-{n}"));
        sr_sync::record_edit(&store, &key, sr_sync::Field::Title, &format!("local {n}"))
            .await
            .expect("edit");
    }
    let prefix = format!("{}:{}:", tracker.info().provider, tracker.info().instance);
    for _ in 0..30 {
        let ok = sync(false).await;
        let pending = store.pending_local_edits(&prefix).await.expect("pending");
        if ok && pending.is_empty() {
            break;
        }
    }
    for _ in 0..30 {
        if sync(true).await {
            break;
        }
    }
    let faults = f.chaos.counts();
    f.chaos.set_percent(0);
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault happened: {faults:?}"
    );

    let info = tracker.info();
    let cache: BTreeMap<String, String> = store
        .instance_issue_hashes(&info.provider, &info.instance)
        .await
        .expect("cache")
        .into_iter()
        .collect();
    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let server: BTreeMap<String, String> = tracker
        .search_issues(&all)
        .await
        .expect("workspace")
        .into_iter()
        .map(|i| (i.key().to_string(), i.content_hash()))
        .collect();
    assert_eq!(cache.len(), ISSUES - 1, "faults {faults:?}");
    assert_eq!(cache, server);
    // No issue was created twice in Linear, and the edits arrived.
    assert_eq!(f.ws.issue_count(), ISSUES - 1);
    let titles: BTreeMap<String, String> = f.ws.titles().into_iter().collect();
    for n in [10, 20, 30] {
        assert_eq!(titles[&format!("DB-{n}")], format!("local {n}"));
    }
    assert_eq!(titles["DB-3"], "edited in Linear");
    assert!(
        store
            .pending_local_edits(&prefix)
            .await
            .expect("pending")
            .is_empty()
    );
    assert_eq!(
        store.removed_issues().await.expect("removed"),
        vec![(info.key("DB-150").to_string(), None)]
    );
}
