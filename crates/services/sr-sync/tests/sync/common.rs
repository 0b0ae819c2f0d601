//! The fixture: a validating GitHub mock (behind a [`Chaos`] responder,
//! quiet unless a test turns it up), the GitHub adapter pointed at it with
//! short retry delays, a throwaway store and a [`SyncManager`] over both.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use sr_apimock::{Chaos, ChaosKnobs, GitHubRepo, MockServer};
use sr_model::{Issue, SearchQuery, StateFilter};
use sr_secrets::Secret;
use sr_store::Store;
use sr_sync::{PollOptions, SyncManager, SyncOperation, SyncRequest};
use sr_tracker::contract::loopback_settings;
use sr_tracker::{IssueTracker, TrackerSet};
use sr_tracker_github::{GitHubConfig, GitHubTracker};

pub const TOKEN: &str = "ghp_sync_token";
pub const NAME: &str = "GitHub";

pub struct Fixture {
    pub server: MockServer,
    pub repo: GitHubRepo,
    pub chaos: ChaosKnobs,
    pub tracker: Arc<GitHubTracker>,
    pub store: Store,
    pub manager: SyncManager,
    _dir: tempfile::TempDir,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Whatever the faults, every request must be one GitHub accepts.
        if !std::thread::panicking() {
            assert_eq!(
                self.server.failures(),
                Vec::<String>::new(),
                "requests GitHub would reject"
            );
        }
    }
}

pub async fn fixture(issues: usize) -> Fixture {
    fixture_with(issues, PollOptions::default()).await
}

pub async fn fixture_with(issues: usize, options: PollOptions) -> Fixture {
    let repo = GitHubRepo::new("acme", "db").with_token(TOKEN);
    for n in 0..issues {
        repo.seed(
            &format!("issue {n}"),
            if n % 3 == 0 { &["bug"] } else { &[] },
            false,
        );
    }
    let chaos = ChaosKnobs::new(0, 7);
    let spec = sr_apimock::spec::github().expect("GitHub description");
    let server = MockServer::start(spec, Chaos::new(repo.clone(), chaos.clone()))
        .await
        .expect("server");
    let config: GitHubConfig = serde_json::from_value(json!({
        "owner": "acme", "repo": "db", "base_url": server.base_url(),
        "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}
    }))
    .expect("config");
    let settings =
        loopback_settings("GitHub", server.base_url(), Duration::from_secs(5)).expect("settings");
    let tracker = Arc::new(
        GitHubTracker::new(NAME, &config, &Secret::new(TOKEN), Some(settings)).expect("tracker"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("store");
    let manager = SyncManager::new(
        store.clone(),
        TrackerSet::new(vec![tracker.clone() as Arc<dyn IssueTracker>]),
        options,
    );
    Fixture {
        server,
        repo,
        chaos,
        tracker,
        store,
        manager,
        _dir: dir,
    }
}

impl Fixture {
    /// Runs a sync to its end.
    pub async fn sync(&self, request: SyncRequest) -> SyncOperation {
        self.manager.start(request).expect("start").finished().await
    }

    pub fn requests(&self) -> usize {
        self.server.requests().len()
    }

    /// Every issue on the server (faults off while reading), by key.
    pub async fn server_issues(&self) -> BTreeMap<String, Issue> {
        let all = SearchQuery {
            state: StateFilter::All,
            limit: usize::MAX,
            ..SearchQuery::default()
        };
        self.tracker
            .search_issues(&all)
            .await
            .expect("server issues")
            .into_iter()
            .map(|i| (i.key().to_string(), i))
            .collect()
    }

    /// Every issue in the cache that is not marked removed, by key, as
    /// content hashes; with the server's hashes for comparison.
    pub async fn cache_and_server_hashes(
        &self,
    ) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let info = self.tracker.info();
        let cache = self
            .store
            .instance_issue_hashes(&info.provider, &info.instance)
            .await
            .expect("cache")
            .into_iter()
            .collect();
        let server = self
            .server_issues()
            .await
            .into_iter()
            .map(|(k, i)| (k, i.content_hash()))
            .collect();
        (cache, server)
    }

    pub fn key(&self, number: u64) -> String {
        self.tracker.info().key(number.to_string()).to_string()
    }
}

impl Fixture {
    /// One issue as the adapter reads it.
    pub async fn tracker_issue(&self, number: u64) -> Issue {
        self.tracker
            .get_issue(&number.to_string())
            .await
            .expect("read")
            .expect("exists")
    }

    /// The `n` most recently updated issues.
    pub async fn tail(&self, n: usize) -> Vec<Issue> {
        let q = SearchQuery {
            state: StateFilter::All,
            limit: n,
            ..SearchQuery::default()
        };
        self.tracker.search_issues(&q).await.expect("tail")
    }
}
