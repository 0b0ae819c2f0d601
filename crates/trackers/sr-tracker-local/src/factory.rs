//! Builds local trackers from trackers.json entries.

use std::sync::Arc;

use serde::Deserialize;
use sr_secrets::Resolver;
use sr_store::Store;
use sr_tracker::{
    ConfigField, IssueTracker, ProviderInfo, Result, TrackerEntry, TrackerError, TrackerFactory,
};

use crate::{KIND, LocalTracker};

/// The local tracker's `config` object: everything is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct LocalConfig {
    /// Separates several local trackers in one store; `default` unless set.
    instance: Option<String>,
    /// Labels added to every new issue.
    labels: Vec<String>,
}

/// Registered by the engine with the store the local issues live in.
#[derive(Debug, Clone)]
pub struct LocalFactory {
    store: Store,
    actor: String,
}

impl LocalFactory {
    pub fn new(store: Store, actor: impl Into<String>) -> Self {
        LocalFactory {
            store,
            actor: actor.into(),
        }
    }
}

impl TrackerFactory for LocalFactory {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: KIND,
            display_name: "Local (built-in)",
            fields: vec![ConfigField::text(
                "instance",
                "Instance",
                false,
                false,
                "Separates several local trackers in one store; leave empty for `default`.",
            )],
        }
    }

    fn validate(&self, config_json: &str) -> std::result::Result<(), serde_json::Error> {
        serde_json::from_str::<LocalConfig>(config_json).map(|_| ())
    }

    fn build(&self, entry: &TrackerEntry, _secrets: &Resolver) -> Result<Arc<dyn IssueTracker>> {
        let config: LocalConfig = serde_json::from_value(entry.config.clone())
            .map_err(|e| TrackerError::config(&entry.name, e.to_string()))?;
        let instance = config.instance.unwrap_or_else(|| "default".into());
        if instance.is_empty() || instance.contains(':') {
            return Err(TrackerError::config(
                &entry.name,
                "config.instance must be non-empty and contain no `:`",
            ));
        }
        Ok(LocalTracker::with_labels(
            &entry.name,
            &instance,
            &self.store,
            &self.actor,
            config.labels,
        ))
    }
}
