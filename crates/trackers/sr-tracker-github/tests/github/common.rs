//! The fixture every test starts from: a validating GitHub mock and an
//! adapter pointed at it, with short retry delays.

use std::time::Duration;

use serde_json::json;
use sr_apimock::{GitHubRepo, MockServer};
use sr_secrets::Secret;
use sr_tracker::HttpSettings;
use sr_tracker::contract::loopback_settings;
use sr_tracker_github::{GitHubConfig, GitHubTracker};

pub const TOKEN: &str = "ghp_test_token";

pub struct Fixture {
    pub server: MockServer,
    pub repo: GitHubRepo,
    pub tracker: GitHubTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends by checking that GitHub would have taken every
        // request, and that the mock answered as the description says.
        self.server.assert_clean("GitHub", true);
    }
}

pub fn config(base_url: &str) -> GitHubConfig {
    serde_json::from_value(json!({
        "owner": "acme", "repo": "db", "base_url": base_url,
        "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config")
}

pub fn settings(base_url: &str) -> HttpSettings {
    loopback_settings("GitHub", base_url, Duration::from_secs(2)).expect("settings")
}

pub fn tracker_for(base_url: &str, token: &str) -> GitHubTracker {
    GitHubTracker::new(
        "GitHub Issues",
        &config(base_url),
        &Secret::new(token),
        Some(settings(base_url)),
    )
    .expect("tracker")
}

pub async fn fixture_with(repo: GitHubRepo) -> Fixture {
    let spec = sr_apimock::spec::github().expect("GitHub description");
    let server = MockServer::start(spec, repo.clone()).await.expect("server");
    let tracker = tracker_for(server.base_url(), TOKEN);
    Fixture {
        server,
        repo,
        tracker,
    }
}

pub async fn fixture() -> Fixture {
    fixture_with(GitHubRepo::new("acme", "db").with_token(TOKEN)).await
}
