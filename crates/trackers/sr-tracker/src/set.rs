//! The trackers built from one configuration, found by name or by the
//! provider and instance of an issue key; for the configured trackers that
//! could not be built, the reason, which a look-up of one of them returns.

use std::sync::Arc;

use sr_model::IssueKey;

use crate::{IssueTracker, TrackerError};

#[derive(Clone, Default)]
pub struct TrackerSet {
    trackers: Vec<Arc<dyn IssueTracker>>,
    /// Configured trackers that cannot be used: name, type, and why.
    unusable: Vec<(String, String, TrackerError)>,
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
        TrackerSet {
            trackers,
            unusable: Vec::new(),
        }
    }

    /// Adds the configured trackers that could not be built: name, type
    /// and the error building it gave.
    pub fn with_unusable(mut self, unusable: Vec<(String, String, TrackerError)>) -> Self {
        self.unusable = unusable;
        self
    }

    /// The configured trackers that cannot be used, by name, with why.
    pub fn unusable(&self) -> impl Iterator<Item = (&str, &TrackerError)> {
        self.unusable.iter().map(|(n, _, e)| (n.as_str(), e))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn IssueTracker>> {
        self.trackers.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.trackers.is_empty()
    }

    /// The tracker with this configured name (case-insensitive); for one
    /// that is configured but unusable, why; for any other name, the
    /// configured ones with a did-you-mean.
    pub fn by_name(&self, name: &str) -> Result<&Arc<dyn IssueTracker>, TrackerError> {
        if let Some(t) = self
            .trackers
            .iter()
            .find(|t| t.info().name.eq_ignore_ascii_case(name))
        {
            return Ok(t);
        }
        if let Some((_, _, err)) = self
            .unusable
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
        {
            return Err(err.clone());
        }
        let configured = self
            .trackers
            .iter()
            .map(|t| t.info().name.clone())
            .chain(self.unusable.iter().map(|(n, _, _)| n.clone()))
            .collect();
        Err(TrackerError::not_configured(name, configured))
    }

    /// The tracker that holds the issue with this key; when none does but
    /// a configured tracker of the key's type is unusable, why that one is.
    pub fn for_key(&self, key: &IssueKey) -> Result<&Arc<dyn IssueTracker>, TrackerError> {
        if let Some(t) = self
            .trackers
            .iter()
            .find(|t| t.info().provider == key.provider && t.info().instance == key.instance)
        {
            return Ok(t);
        }
        if let Some((_, _, err)) = self.unusable.iter().find(|(_, k, _)| *k == key.provider) {
            return Err(err.clone());
        }
        Err(TrackerError::config(
            format!("{}:{}", key.provider, key.instance),
            format!(
                "no configured tracker holds issue {key}; add a {} tracker for {} in trackers.json",
                key.provider, key.instance
            ),
        ))
    }
}
