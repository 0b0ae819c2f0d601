//! The `sync_incremental` figure of `cargo xtask bench sync`: a loopback
//! GitHub (sr-apimock's validating repository) holding 100,000 issues, a
//! store whose cache holds all of them as of the last sync, ten issues
//! changed on GitHub since; one incremental sync through sr-sync and the
//! real GitHub adapter.
//!
//! `requests` is counted on the server; `local_ms` is the sync's wall time
//! less the time the mock spent in its handler (validating requests and
//! answers against GitHub's schema, which is far slower than the client).
//! What remains is ours: building the request, the loopback exchange,
//! parsing, hashing, the cache reads and the ten writes.

use std::sync::Arc;
use std::time::Instant;

use sr_apimock::{GitHubRepo, MockServer};
use sr_model::{Issue, IssueRef, IssueStatus, SearchQuery, StateFilter};
use sr_secrets::Secret;
use sr_store::Store;
use sr_sync::{PollOptions, SyncManager, SyncRequest, SyncStatus};
use sr_tracker::{IssueTracker, TrackerSet};
use sr_tracker_github::{GitHubConfig, GitHubTracker};

const TOKEN: &str = "ghp_bench_token";

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncIncremental {
    pub issues: usize,
    pub changed: usize,
    pub requests: usize,
    pub local_ms: f64,
    pub wall_ms: f64,
    pub updated: u64,
}

impl SyncIncremental {
    /// The line `cargo xtask bench sync` prints.
    pub fn json_line(&self) -> String {
        format!(
            "{{\"bench\":\"sync_incremental\",\"issues\":{},\"changed\":{},\"requests\":{},\"local_ms\":{:.2}}}",
            self.issues, self.changed, self.requests, self.local_ms
        )
    }
}

/// Runs the scenario with `issues` issues of which `changed` change.
pub async fn sync_incremental(issues: usize, changed: usize) -> Result<SyncIncremental, String> {
    let repo = GitHubRepo::new("acme", "db")
        .with_token(TOKEN)
        .with_scopes("repo");
    for i in 0..issues {
        repo.seed(&format!("Issue {i}: slow query on orders"), &[], false);
    }
    let spec = sr_apimock::spec::github().map_err(|e| format!("GitHub description: {e}"))?;
    let server = MockServer::start(spec, repo.clone())
        .await
        .map_err(|e| format!("mock server: {e}"))?;
    let config: GitHubConfig = serde_json::from_value(serde_json::json!({
        "owner": "acme", "repo": "db", "base_url": server.base_url(),
        "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}
    }))
    .map_err(|e| format!("config: {e}"))?;
    let tracker = Arc::new(
        GitHubTracker::new("bench", &config, &Secret::new(TOKEN), None)
            .map_err(|e| format!("adapter: {e}"))?,
    );
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .map_err(|e| e.to_string())?;

    // The cache as the last sync left it: every issue, the ten to change
    // and the newest ones exactly as the adapter reads them.
    let targets: Vec<u64> = (0..changed as u64)
        .map(|i| 1 + i * (issues as u64 / changed.max(1) as u64).max(1))
        .collect();
    let mut cache: Vec<Issue> = (1..=issues as u64)
        .map(|n| stand_in(tracker.as_ref(), n))
        .collect();
    let tail = SearchQuery {
        state: StateFilter::All,
        limit: 200,
        ..SearchQuery::default()
    };
    let mut real = tracker
        .search_issues(&tail)
        .await
        .map_err(|e| e.to_string())?;
    for n in &targets {
        real.extend(
            tracker
                .get_issue(&n.to_string())
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    let newest = real.iter().map(|i| i.reference.updated_at).max();
    cache.extend(real);
    store
        .upsert_issues(&cache)
        .await
        .map_err(|e| e.to_string())?;
    let mut state = store
        .tracker_sync_state("bench")
        .await
        .map_err(|e| e.to_string())?;
    state.cursor = newest;
    state.last_full = newest;
    store
        .save_tracker_sync_state(&state)
        .await
        .map_err(|e| e.to_string())?;
    for n in &targets {
        repo.edit_title(*n, &format!("Issue {n}: changed"));
    }

    let manager = SyncManager::new(
        store.clone(),
        TrackerSet::new(vec![tracker as Arc<dyn IssueTracker>]),
        PollOptions::default(),
    );
    let (requests_before, busy_before) = (server.requests().len(), server.busy());
    let started = Instant::now();
    let op = manager
        .start(SyncRequest::manual("bench", "bench"))
        .map_err(|e| e.to_string())?
        .finished()
        .await;
    let wall = started.elapsed();
    let busy = server.busy().saturating_sub(busy_before);
    if op.status != SyncStatus::Completed {
        return Err(format!("the sync ended {:?}: {:?}", op.status, op.error));
    }
    let failures = server.failures();
    if !failures.is_empty() {
        return Err(format!("requests GitHub would reject: {failures:?}"));
    }
    store.close().await;
    Ok(SyncIncremental {
        issues,
        changed,
        requests: server.requests().len() - requests_before,
        local_ms: wall.saturating_sub(busy).as_secs_f64() * 1000.0,
        wall_ms: wall.as_secs_f64() * 1000.0,
        updated: op.results.updated,
    })
}

/// A cached row for issue `n` (its content is replaced when it changes).
fn stand_in(tracker: &dyn IssueTracker, n: u64) -> Issue {
    let at = chrono::DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default();
    Issue {
        reference: IssueRef {
            key: tracker.info().key(n.to_string()),
            display_key: format!("#{n}"),
            url: format!("https://github.com/acme/db/issues/{n}"),
            title: format!("Issue {}: slow query on orders", n - 1),
            status: IssueStatus::open(),
            priority: None,
            labels: Vec::new(),
            assignee: None,
            created_at: at,
            updated_at: at,
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}
