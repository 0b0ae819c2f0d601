//! One entry of `trackers.json`, in the product spec's format, with its
//! sync settings. The provider-specific `config` object stays raw here;
//! each adapter parses and validates its own (through [`crate::TrackerTypes`]).
//! sr-tracker re-exports these types for the adapters.

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
    /// Who wins a field changed on both sides since the last two-way sync.
    #[serde(default, skip_serializing_if = "ConflictPolicies::is_default")]
    pub conflicts: ConflictPolicies,
}

/// A field that two-way sync keeps in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncField {
    Title,
    State,
    Labels,
    Assignee,
    Priority,
}

impl SyncField {
    pub const ALL: [SyncField; 5] = [
        SyncField::Title,
        SyncField::State,
        SyncField::Labels,
        SyncField::Assignee,
        SyncField::Priority,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SyncField::Title => "title",
            SyncField::State => "state",
            SyncField::Labels => "labels",
            SyncField::Assignee => "assignee",
            SyncField::Priority => "priority",
        }
    }

    pub fn parse(s: &str) -> Option<SyncField> {
        SyncField::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Who wins a field changed both in the workbench and in the tracker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    RemoteWins,
    LocalWins,
    /// The later change wins: the edit's time against the issue's
    /// `updated_at` on the tracker.
    #[default]
    LastWriterWins,
}

/// A tracker's conflict policy per field; fields not named use `default`.
/// In trackers.json: `"conflicts": {"default": "last_writer_wins",
/// "fields": {"title": "remote_wins"}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConflictPolicies {
    pub default: ConflictPolicy,
    pub fields: std::collections::BTreeMap<SyncField, ConflictPolicy>,
}

impl ConflictPolicies {
    pub fn for_field(&self, f: SyncField) -> ConflictPolicy {
        self.fields.get(&f).copied().unwrap_or(self.default)
    }

    pub fn is_default(&self) -> bool {
        *self == ConflictPolicies::default()
    }
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
            conflicts: ConflictPolicies::default(),
        }
    }
}
