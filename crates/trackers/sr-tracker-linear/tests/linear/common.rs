//! The fixture every test starts from: a Linear workspace behind the
//! validating GraphQL mock, and an adapter pointed at it with short retry
//! delays. Dropping it checks that Linear would have accepted every
//! request.

use std::time::Duration;

use serde_json::json;
use sr_apimock::linear::GraphqlSchema;
use sr_apimock::{Chaos, ChaosKnobs, LinearServer, LinearWorkspace};
use sr_secrets::Secret;
use sr_tracker::HttpSettings;
use sr_tracker::contract::loopback_settings;
use sr_tracker_linear::{LinearConfig, LinearTracker};

pub const KEY: &str = "lin_api_4b9cVQ2x";
pub const OAUTH: &str = "lin_oauth_7d1e";

pub struct Fixture {
    pub server: LinearServer,
    pub ws: LinearWorkspace,
    pub chaos: ChaosKnobs,
    pub tracker: LinearTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_eq!(
                self.server.failures(),
                Vec::<String>::new(),
                "requests Linear would refuse"
            );
        }
    }
}

pub fn config(base_url: &str, team: &str, auth: &str) -> LinearConfig {
    serde_json::from_value(json!({
        "base_url": base_url, "team": team,
        "auth": {"type": auth, "token": "${LINEAR_API_KEY}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config")
}

pub fn settings(base_url: &str) -> HttpSettings {
    loopback_settings("Linear", base_url, Duration::from_secs(5)).expect("settings")
}

pub fn tracker_for(base_url: &str, team: &str, auth: &str, token: &str) -> LinearTracker {
    LinearTracker::new(
        "Linear",
        &config(base_url, team, auth),
        &Secret::new(token),
        Some(settings(base_url)),
    )
    .expect("tracker")
}

pub async fn fixture() -> Fixture {
    let schema = GraphqlSchema::linear().expect("Linear schema in shared/api-specs");
    let ws = LinearWorkspace::new(schema.clone(), "DB")
        .with_authorization(&[KEY, &format!("Bearer {OAUTH}")]);
    let chaos = ChaosKnobs::new(0, 7);
    chaos.set_rate_limit(sr_apimock::linear::rate_limited);
    let server = LinearServer::start(
        schema,
        ws.authorization.clone(),
        Chaos::new(ws.clone(), chaos.clone()),
    )
    .await
    .expect("server");
    let tracker = tracker_for(server.base_url(), "DB", "api_key", KEY);
    Fixture {
        server,
        ws,
        chaos,
        tracker,
    }
}
