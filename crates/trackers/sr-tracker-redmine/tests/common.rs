//! What every test starts from: the test Redmine, a fresh project in it
//! (so tests never see each other's issues), and the adapter pointed at
//! it with short retry delays, directly or through a fault proxy.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use sr_secrets::Secret;
use sr_testkit::RedmineFixture;
use sr_tracker::contract::loopback_settings;
use sr_tracker::reqwest;
use sr_tracker_redmine::{RedmineConfig, RedmineTracker};

pub const KEY_HEADER: &str = "X-Redmine-API-Key";

pub async fn redmine() -> RedmineFixture {
    tokio::task::spawn_blocking(sr_testkit::redmine)
        .await
        .expect("the start-up thread")
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A project of its own, made through the REST API as the admin.
pub async fn new_project(rm: &RedmineFixture) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let ident = format!(
        "sr{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        fastrand_suffix()
    );
    raw(rm, reqwest::Method::POST, "/projects.json")
        .json(&json!({"project": {"name": ident, "identifier": ident}}))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("POST /projects.json");
    ident
}

fn fastrand_suffix() -> u32 {
    // Distinct across test processes started in the same second.
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() % 100_000)
        .unwrap_or(0)
}

/// A request straight to Redmine as the admin, past the adapter.
pub fn raw(rm: &RedmineFixture, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", rm.url))
        .header(KEY_HEADER, &rm.api_key)
}

pub async fn raw_json(rm: &RedmineFixture, path: &str) -> Value {
    raw(rm, reqwest::Method::GET, path)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
        .json()
        .await
        .expect("JSON")
}

pub fn config(base_url: &str, project: &str, extra: Value) -> RedmineConfig {
    let mut c = json!({
        "base_url": base_url, "project": project,
        "auth": {"type": "personal_token", "token": "${REDMINE_KEY}"}
    });
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(extra.clone());
    }
    serde_json::from_value(c).expect("config")
}

pub fn tracker_with(base_url: &str, config: &RedmineConfig, key: &str) -> RedmineTracker {
    let s = loopback_settings("Redmine", base_url, Duration::from_secs(20)).expect("settings");
    RedmineTracker::new("Redmine", config, &Secret::new(key), Some(s)).expect("tracker")
}

pub fn tracker(base_url: &str, project: &str, key: &str) -> RedmineTracker {
    tracker_with(base_url, &config(base_url, project, json!({})), key)
}
