//! The fault run against Azure DevOps Boards, through the real Azure
//! adapter into a real store: a fifth of requests get 429 with Azure's
//! `Retry-After` and `X-RateLimit-*`, 503, a reset or a truncated body,
//! and WIQL's cap is small so every read goes in windows. Syncs are
//! retried as the scheduler would until one completes; the cache then
//! equals the project, and work items filed through the faults (looked up
//! by title after any failure, as the outbox does) exist once each.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sr_apimock::{AzureBoards, Chaos, ChaosKnobs, MockServer, json_patch_rule};
use sr_model::{IssueDraft, SearchQuery};
use sr_secrets::Secret;
use sr_store::Store;
use sr_sync::{PollOptions, SyncManager, SyncRequest, SyncStatus};
use sr_tracker::reqwest::Url;
use sr_tracker::{HttpSettings, IssueTracker, RetryPolicy, TrackerSet};
use sr_tracker_azure::{AzureConfig, AzureTracker};

const NAME: &str = "Boards";

async fn create_once(t: &dyn IssueTracker, title: &str) {
    for _ in 0..30 {
        if t.create_issue(&IssueDraft::new(title, "Filed through faults."))
            .await
            .is_ok()
        {
            return;
        }
        let found = t
            .search_issues(&SearchQuery::text(title))
            .await
            .is_ok_and(|l| l.iter().any(|i| i.reference.title == title));
        if found {
            return;
        }
    }
    panic!("{title} was never created");
}

#[tokio::test]
async fn under_faults_the_azure_cache_ends_identical_to_the_project() {
    let boards = AzureBoards::new("acme", "DB").with_wiql_cap(40);
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
    let spec = sr_apimock::spec::azure_devops().expect("Azure DevOps description");
    let server = MockServer::start(spec, Chaos::new(boards.clone(), knobs.clone()))
        .await
        .expect("server");
    server.rule("Work Items_Create", json_patch_rule);
    server.rule("Work Items_Update", json_patch_rule);
    server.refuse_invalid(true);
    let config: AzureConfig = serde_json::from_value(json!({
        "base_url": server.base_url(), "organization": "acme", "project": "DB",
        "auth": {"type": "personal_token", "token": "${AZURE_DEVOPS_PAT}"}
    }))
    .expect("config");
    let mut settings =
        HttpSettings::new("Azure DevOps", Url::parse(server.base_url()).expect("url"));
    settings.request_timeout = Duration::from_secs(5);
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    let tracker = Arc::new(
        AzureTracker::new(NAME, &config, &Secret::new("pat"), Some(settings))
            .expect("tracker")
            .with_wiql_cap(40),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("store");
    let manager = SyncManager::new(
        store.clone(),
        TrackerSet::new(vec![tracker.clone() as Arc<dyn IssueTracker>]),
        PollOptions::default(),
    );
    let sync_until_done = |full: bool| {
        let manager = &manager;
        async move {
            for _ in 0..30 {
                let request = SyncRequest::manual(NAME, "ann").with_closed();
                let request = if full { request.full() } else { request };
                let op = manager.start(request).expect("start").finished().await;
                if op.status == SyncStatus::Completed {
                    return;
                }
            }
            panic!("no sync completed in 30 tries");
        }
    };

    knobs.set_percent(20);
    sync_until_done(true).await;
    for n in 0..10 {
        create_once(tracker.as_ref(), &format!("filed {n}")).await;
    }
    for id in [3, 150, 299] {
        boards.edit(id, "System.Title", json!(format!("edited {id}")));
    }
    sync_until_done(false).await;
    sync_until_done(true).await;
    let faults = knobs.counts();
    knobs.set_percent(0);
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
    let on_server = tracker
        .search_issues(&SearchQuery {
            limit: 0,
            ..SearchQuery::default()
        })
        .await
        .expect("server");
    let server_hashes: BTreeMap<String, String> = on_server
        .iter()
        .map(|i| (i.key().to_string(), i.content_hash()))
        .collect();
    assert_eq!(
        server_hashes.len(),
        310,
        "300 seeded and 10 filed, each once"
    );
    assert_eq!(cache, server_hashes, "faults {faults:?}");
    let mut titles: Vec<&str> = on_server
        .iter()
        .map(|i| i.reference.title.as_str())
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), 310, "no duplicates");
    assert_eq!(server.failures(), Vec::<String>::new());
}
