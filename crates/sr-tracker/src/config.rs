//! One entry of `trackers.json`, in the product spec's format. The
//! provider-specific `config` object stays raw here; each adapter parses and
//! validates its own.

use serde::{Deserialize, Serialize};
use sr_secrets::SecretRef;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "empty_object")]
    pub config: serde_json::Value,
    #[serde(default)]
    pub sync: SyncSettings,
}

fn yes() -> bool {
    true
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// How issues flow between ScratchRobin and the tracker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Pull remote changes and push local edits.
    #[default]
    Bidirectional,
    /// Only pull.
    Pull,
    /// Only push.
    Push,
    /// No background sync; manual only.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    #[serde(default)]
    pub mode: SyncMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<SecretRef>,
    /// Accept webhooks without a signature. Off unless set; the listener
    /// warns at start when it is on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub accept_unsigned_webhooks: bool,
    /// The tracker's id for the webhook `scratchrobin webhook register`
    /// created, so that `unregister` can remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    #[serde(default = "default_poll")]
    pub poll_interval_minutes: u32,
}

fn default_poll() -> u32 {
    5
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            mode: SyncMode::default(),
            webhook_secret: None,
            accept_unsigned_webhooks: false,
            webhook_id: None,
            poll_interval_minutes: default_poll(),
        }
    }
}
