//! The fault run on the real Redmine: a fifth of requests through the
//! proxy get 429 with Retry-After, 503, a reset or an answer cut short.
//! Syncs are retried as the scheduler would until one completes; the
//! cache then equals the server, issue for issue, without duplicates,
//! and the workbench's edits are on the server, none lost. More than a
//! page of issues, so paging by offset runs under the faults too.

use std::sync::Arc;

use sr_model::{IssueDraft, IssueUpdate, SearchQuery, StateFilter};
use sr_store::Store;
use sr_sync::{PollOptions, SyncManager, SyncRequest, SyncStatus};
use sr_testkit::FaultProxy;
use sr_tracker::{IssueTracker, TrackerSet};

use crate::common::{new_project, redmine, tracker};

const ISSUES: usize = 110;

#[tokio::test]
async fn under_faults_the_cache_ends_identical_to_redmine() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let direct = tracker(&rm.url, &project, &rm.api_key);
    let mut ids = Vec::new();
    for n in 0..ISSUES {
        let i = direct
            .create_issue(&IssueDraft::new(format!("issue {n}"), format!("body {n}")))
            .await
            .expect("seed");
        ids.push(i.key().id.clone());
    }
    let proxy = FaultProxy::start(&rm.url).await.expect("proxy");
    let t = Arc::new(tracker(&proxy.url(), &project, &rm.api_key));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("store");
    let manager = SyncManager::new(
        store.clone(),
        TrackerSet::new(vec![t.clone() as Arc<dyn IssueTracker>]),
        PollOptions::default(),
    );
    // One of each fault first, whatever the draw, then a fifth at random.
    proxy.push(sr_testkit::Fault::TooManyRequests { retry_after: 0 });
    proxy.push(sr_testkit::Fault::Status(503));
    proxy.push(sr_testkit::Fault::Reset);
    proxy.push(sr_testkit::Fault::Truncated);
    proxy.set_retry_after(0);
    proxy.set_percent(20, 11);
    let mut attempts = 0;
    let mut sync = async |full: bool| {
        attempts += 1;
        let r = SyncRequest::manual("Redmine", "ann").with_closed();
        let r = if full { r.full() } else { r };
        let op = manager.start(r).expect("start").finished().await;
        op.status == SyncStatus::Completed
    };
    for _ in 0..20 {
        if sync(true).await {
            break;
        }
    }
    // Changes on Redmine, and edits in the workbench pushed through the
    // same faults.
    for n in [3, 77, 105] {
        direct
            .update_issue(
                &ids[n],
                &IssueUpdate {
                    title: Some(format!("edited {n}")),
                    ..IssueUpdate::default()
                },
            )
            .await
            .expect("edit on Redmine");
    }
    direct.delete_issue(&ids[50]).await.expect("delete");
    let prefix = format!("{}:{}:", t.info().provider, t.info().instance);
    for n in [10, 20, 30] {
        let key = t.info().key(ids[n].clone());
        sr_sync::record_edit(&store, &key, sr_sync::Field::Title, &format!("local {n}"))
            .await
            .expect("edit");
    }
    for _ in 0..20 {
        let done = sync(false).await;
        let pending = store.pending_local_edits(&prefix).await.expect("pending");
        if done && pending.is_empty() {
            break;
        }
    }
    for _ in 0..20 {
        if sync(true).await {
            break;
        }
    }
    let faults = proxy.counts();
    proxy.set_percent(0, 1);
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault happened: {faults:?}"
    );
    let info = t.info();
    let cache: std::collections::BTreeMap<String, String> = store
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
    let server: std::collections::BTreeMap<String, String> = t
        .search_issues(&all)
        .await
        .expect("server")
        .into_iter()
        .map(|i| (i.key().to_string(), i.content_hash()))
        .collect();
    assert_eq!(server.len(), ISSUES - 1, "no duplicates on Redmine");
    assert_eq!(
        cache.len(),
        ISSUES - 1,
        "after {attempts} syncs, faults {faults:?}"
    );
    assert_eq!(cache, server);
    for n in [10, 20, 30] {
        let i = t.get_issue(&ids[n]).await.expect("read").expect("exists");
        assert_eq!(i.reference.title, format!("local {n}"));
    }
    assert!(
        store
            .pending_local_edits(&prefix)
            .await
            .expect("pending")
            .is_empty()
    );
    drop(dir);
}
