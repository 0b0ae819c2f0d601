//! The trackers built from one configuration, found by name or by the
//! provider and instance of an issue key.

use std::sync::Arc;

use sr_model::IssueKey;

use crate::{IssueTracker, TrackerError};

#[derive(Clone, Default)]
pub struct TrackerSet {
    trackers: Vec<Arc<dyn IssueTracker>>,
}

impl std::fmt::Debug for TrackerSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.trackers.iter().map(|t| &t.info().name))
            .finish()
    }
}

impl TrackerSet {
    pub fn new(trackers: Vec<Arc<dyn IssueTracker>>) -> Self {
        TrackerSet { trackers }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn IssueTracker>> {
        self.trackers.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.trackers.is_empty()
    }

    /// The tracker with this configured name (case-insensitive).
    pub fn by_name(&self, name: &str) -> Result<&Arc<dyn IssueTracker>, TrackerError> {
        self.trackers
            .iter()
            .find(|t| t.info().name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<&str> = self
                    .trackers
                    .iter()
                    .map(|t| t.info().name.as_str())
                    .collect();
                TrackerError::config(
                    name,
                    format!(
                        "no tracker is named `{name}`; configured trackers: {}",
                        names.join(", ")
                    ),
                )
            })
    }

    /// The tracker that holds the issue with this key.
    pub fn for_key(&self, key: &IssueKey) -> Result<&Arc<dyn IssueTracker>, TrackerError> {
        self.trackers
            .iter()
            .find(|t| t.info().provider == key.provider && t.info().instance == key.instance)
            .ok_or_else(|| {
                TrackerError::config(
                    format!("{}:{}", key.provider, key.instance),
                    format!("no configured tracker holds issue {key}; add a {} tracker for {} in trackers.json", key.provider, key.instance),
                )
            })
    }
}
