//! The fixture every test starts from: a validating Azure Boards mock that
//! refuses what Microsoft's description (and RFC 6902) refuses, and an
//! adapter pointed at it with short retry delays.

use std::time::Duration;

use serde_json::json;
use sr_apimock::{AzureBoards, MockServer, Responder, json_patch_rule};
use sr_secrets::Secret;
use sr_tracker::HttpSettings;
use sr_tracker::contract::loopback_settings;
use sr_tracker_azure::{AzureConfig, AzureTracker};

pub const ORG: &str = "acme";
pub const PROJECT: &str = "DB";
pub const TOKEN: &str = "t0ken";
/// `Basic base64(":t0ken")`: a PAT with an empty user name.
pub const BASIC: &str = "Basic OnQwa2Vu";

pub struct Fixture {
    pub server: MockServer,
    pub boards: AzureBoards,
    pub tracker: AzureTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends by checking that Azure DevOps would have taken every
        // request, and that the mock answered as the description says.
        self.server.assert_clean("Azure DevOps", true);
    }
}

pub fn config(base_url: &str) -> AzureConfig {
    serde_json::from_value(json!({
        "base_url": base_url, "organization": ORG, "project": PROJECT,
        "auth": {"type": "personal_token", "token": "${AZURE_DEVOPS_PAT}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config")
}

pub fn settings(base_url: &str) -> HttpSettings {
    loopback_settings("Azure DevOps", base_url, Duration::from_secs(5)).expect("settings")
}

pub fn tracker_with(config: &AzureConfig, token: &str) -> AzureTracker {
    let base = config.base_url.clone();
    AzureTracker::new("Boards", config, &Secret::new(token), Some(settings(&base)))
        .expect("tracker")
}

pub fn tracker_for(base_url: &str, token: &str) -> AzureTracker {
    tracker_with(&config(base_url), token)
}

/// A validating server in front of `responder`: JSON Patch bodies checked
/// against RFC 6902 too, violations refused with 400.
pub async fn server(responder: impl Responder) -> MockServer {
    let spec =
        sr_apimock::spec::azure_devops().expect("Azure DevOps description in shared/api-specs");
    let server = MockServer::start(spec, responder).await.expect("server");
    server.rule("Work Items_Create", json_patch_rule);
    server.rule("Work Items_Update", json_patch_rule);
    server.refuse_invalid(true);
    server
}

pub async fn fixture_with(boards: AzureBoards) -> Fixture {
    let server = server(boards.clone()).await;
    let tracker = tracker_for(server.base_url(), TOKEN);
    Fixture {
        server,
        boards,
        tracker,
    }
}

pub async fn fixture() -> Fixture {
    fixture_with(AzureBoards::new(ORG, PROJECT).with_authorization(BASIC)).await
}
