//! The engine's background sync: a poll job per pulling tracker (not the
//! local one), a first sync that fills the cache from a loopback GitHub,
//! and a clean stop.

use std::sync::Arc;

use sr_apimock::{GitHubRepo, MockServer};
use sr_engine::IssueEvent;
use sr_engine::{Engine, EngineOptions, EngineSync};
use sr_secrets::{Keyring, Resolver};
use sr_sync::SyncStatus;

#[tokio::test]
async fn the_engine_polls_its_trackers_and_stops_cleanly() {
    let repo = GitHubRepo::new("acme", "db").with_token("t");
    for n in 0..3 {
        repo.seed(&format!("issue {n}"), &[], false);
    }
    let spec = sr_apimock::spec::github().expect("spec");
    let server = MockServer::start(spec, repo).await.expect("server");
    let dir = tempfile::tempdir().expect("dir");
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .expect("paths");
    std::fs::write(
        paths.trackers_file(),
        format!(
            r#"{{"trackers": [
                {{"name": "Local", "type": "local"}},
                {{"name": "GH", "type": "github",
                  "config": {{"owner": "acme", "repo": "db", "base_url": "{}",
                             "auth": {{"type": "personal_token", "token": "${{TOKEN}}"}}}}}},
                {{"name": "Quiet", "type": "github", "sync": {{"mode": "manual"}},
                  "config": {{"owner": "acme", "repo": "db", "base_url": "{}",
                             "auth": {{"type": "personal_token", "token": "${{TOKEN}}"}}}}}}]}}"#,
            server.base_url(),
            server.base_url()
        ),
    )
    .expect("trackers.json");
    let resolver = Arc::new(Resolver::with_env(
        |n| (n == "TOKEN").then(|| "t".to_owned()),
        Keyring::in_memory(),
    ));
    let engine = Arc::new(
        Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .expect("engine"),
    );
    let mut notices = engine.subscribe();
    let sync = EngineSync::start(&engine).await;
    let mut updates = sync.updates();
    assert_eq!(
        sync.jobs(),
        vec![
            "drift:demo",
            "health:demo",
            "perf:demo",
            "sync-log-prune",
            "tracker:GH"
        ]
    );
    let done = loop {
        let op = updates.recv().await.expect("an update");
        if !op.status.is_active() {
            break op;
        }
    };
    assert_eq!(done.status, SyncStatus::Completed, "{done:?}");
    assert_eq!((done.tracker.as_str(), done.results.created), ("GH", 3));
    // The new issues reached the UI's event stream, as webhooks' do.
    let mut titles = Vec::new();
    while titles.len() < 3 {
        match notices.recv().await.expect("a notice") {
            sr_engine::Event::Issues(IssueEvent::Refreshed(issue)) => {
                titles.push(issue.reference.title)
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    titles.sort();
    assert_eq!(titles, vec!["issue 0", "issue 1", "issue 2"]);
    sync.shutdown().await;
    assert_eq!(server.failures(), Vec::<String>::new());
}
