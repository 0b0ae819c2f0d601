//! The fault run through the sync engine into a real store: a fifth of
//! requests get 429 with Azure's `Retry-After` and `X-RateLimit-*`, 503,
//! a reset or a truncated body, and WIQL's cap is small so every read goes
//! in windows. Syncs are retried as the scheduler would until one
//! completes; the cached copy then equals the project, and work items
//! filed through the faults exist once each.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use sr_apimock::{AzureBoards, Chaos, ChaosKnobs};
use sr_store::Store;
use sr_sync::{PollOptions, SyncManager, SyncRequest, SyncStatus};
use sr_tracker::contract::faults::{FaultPlan, Mirror, fault_run};
use sr_tracker::{IssueTracker, TrackerSet};

use crate::common::*;

/// The copy the sync engine keeps in the store.
struct StoreMirror {
    manager: SyncManager,
    store: Store,
}

#[async_trait(?Send)]
impl Mirror for StoreMirror {
    async fn sync(&mut self, t: &dyn IssueTracker, full: bool) -> bool {
        let request = SyncRequest::manual(&t.info().name, "ann").with_closed();
        let request = if full { request.full() } else { request };
        let op = self.manager.start(request).expect("start");
        op.finished().await.status == SyncStatus::Completed
    }

    async fn contents(&self, t: &dyn IssueTracker) -> BTreeMap<String, String> {
        let info = t.info();
        self.store
            .instance_issue_hashes(&info.provider, &info.instance)
            .await
            .expect("cache")
            .into_iter()
            .collect()
    }
}

#[tokio::test]
async fn under_faults_the_cache_ends_identical_to_the_project() {
    let boards = AzureBoards::new(ORG, PROJECT)
        .with_authorization(BASIC)
        .with_wiql_cap(40);
    for n in 0..300 {
        boards.seed(
            &format!("work item {n}"),
            if n % 3 == 0 { &["db"] } else { &[] },
        );
    }
    let knobs = ChaosKnobs::new(0, 7);
    knobs.set_retry_after(0);
    knobs.set_rate_limit_headers(&[
        ("x-ratelimit-resource", "WorkItemTracking/User"),
        ("x-ratelimit-limit", "200"),
        ("x-ratelimit-remaining", "0"),
    ]);
    let server = server(Chaos::new(boards.clone(), knobs.clone())).await;
    let tracker = Arc::new(tracker_for(server.base_url(), TOKEN).with_wiql_cap(40));
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("store");
    let manager = SyncManager::new(
        store.clone(),
        TrackerSet::new(vec![tracker.clone() as Arc<dyn IssueTracker>]),
        PollOptions::default(),
    );
    let plan = FaultPlan {
        seeded: 300,
        filed: 10,
        switch: &|on| knobs.set_percent(if on { 20 } else { 0 }),
        counts: &|| knobs.counts().to_vec(),
        edit: &|| {
            for id in [3, 150, 299] {
                boards.edit(id, "System.Title", json!(format!("edited {id}")));
            }
        },
    };
    fault_run(tracker.as_ref(), &mut StoreMirror { manager, store }, plan)
        .await
        .expect("fault run");
    assert_eq!(server.failures(), Vec::<String>::new());
}
