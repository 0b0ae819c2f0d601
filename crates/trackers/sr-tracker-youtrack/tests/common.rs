//! The fixture every test starts from: a validating YouTrack mock that
//! refuses what YouTrack's REST reference refuses (a request without
//! `fields`, a custom field written with the wrong `$type`), and an
//! adapter pointed at it with short retry delays.

use std::time::Duration;

use serde_json::json;
use sr_apimock::{MockServer, Responder, YouTrackProject};
use sr_secrets::Secret;
use sr_tracker::HttpSettings;
use sr_tracker::contract::loopback_settings;
use sr_tracker_youtrack::{YouTrackConfig, YouTrackTracker};

pub const PROJECT: &str = "DB";
pub const TOKEN: &str = "perm:cm9vdA==.U1I=.t0ken";
pub const BEARER: &str = "Bearer perm:cm9vdA==.U1I=.t0ken";

pub struct Fixture {
    pub server: MockServer,
    pub project: YouTrackProject,
    pub tracker: YouTrackTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends by checking that YouTrack would have taken every
        // request.
        self.server.assert_clean("YouTrack", false);
    }
}

pub fn config(base_url: &str) -> YouTrackConfig {
    serde_json::from_value(json!({
        "base_url": base_url, "project": PROJECT,
        "auth": {"type": "permanent_token", "token": "${YOUTRACK_TOKEN}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config")
}

pub fn settings(base_url: &str) -> HttpSettings {
    loopback_settings("YouTrack", base_url, Duration::from_secs(5)).expect("settings")
}

pub fn tracker_with(config: &YouTrackConfig, token: &str) -> YouTrackTracker {
    let base = config.base_url.clone();
    YouTrackTracker::new("YT", config, &Secret::new(token), Some(settings(&base))).expect("tracker")
}

pub fn tracker_for(base_url: &str, token: &str) -> YouTrackTracker {
    tracker_with(&config(base_url), token)
}

/// A validating server in front of `responder`; violations refused with 400.
pub async fn server(responder: impl Responder) -> MockServer {
    let spec = sr_apimock::spec::youtrack().expect("YouTrack description");
    let server = MockServer::start(spec, responder).await.expect("server");
    server.refuse_invalid(true);
    server
}

pub async fn fixture() -> Fixture {
    let project = YouTrackProject::new(PROJECT).with_authorization(BEARER);
    let server = server(project.clone()).await;
    let tracker = tracker_for(server.base_url(), TOKEN);
    Fixture {
        server,
        project,
        tracker,
    }
}
