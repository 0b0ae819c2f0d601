//! The fixture every test starts from: a validating GitLab mock and an
//! adapter pointed at it, with short retry delays.

use std::time::Duration;

use serde_json::json;
use sr_secrets::Secret;
use sr_tracker::contract::loopback_settings;
use sr_tracker_gitlab::{GitLabConfig, GitLabTracker};

use crate::mock::MockGitlab;

pub const TOKEN: &str = "glpat-test-token";
pub const PROJECT: &str = "acme/db";

pub struct Fixture {
    pub server: MockGitlab,
    pub tracker: GitLabTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends by checking that GitLab would have accepted every request.
        if !std::thread::panicking() {
            assert_eq!(
                self.server.failures(),
                Vec::<String>::new(),
                "requests GitLab would reject"
            );
        }
    }
}

pub fn tracker_for(base_url: &str, project: &str, token: &str) -> GitLabTracker {
    tracker_with_timeout(base_url, project, token, Duration::from_secs(3))
}

pub fn tracker_with_timeout(
    base_url: &str,
    project: &str,
    token: &str,
    timeout: Duration,
) -> GitLabTracker {
    let config: GitLabConfig = serde_json::from_value(json!({
        "project": project, "base_url": base_url,
        "auth": {"type": "personal_token", "token": "${GITLAB_TOKEN}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config");
    let s = loopback_settings("GitLab", base_url, timeout).expect("settings");
    GitLabTracker::new("GitLab Issues", &config, &Secret::new(token), Some(s)).expect("tracker")
}

pub async fn fixture() -> Fixture {
    let server = MockGitlab::start(PROJECT, 42, TOKEN).await;
    let tracker = tracker_for(&server.base_url, PROJECT, TOKEN);
    Fixture { server, tracker }
}
