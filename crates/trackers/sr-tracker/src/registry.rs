//! Builds adapters from configuration entries by their `type`, and hands
//! out what else a tracker type knows: how its webhooks are signed and
//! named, how to parse them, how to sign in. The engine registers one
//! factory per adapter crate; nothing else names adapters, and nothing
//! else needs to know a provider.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use sr_secrets::Resolver;

use crate::{IssueTracker, Result, TrackerEntry, TrackerError, TrackerSet, Unusable};

/// A field of a provider's `config` object, for the settings dialog
/// (shared with the channels' forms, so it lives in sr-config).
pub use sr_config::ConfigField;

/// What the settings dialog shows for a provider type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderInfo {
    /// The `type` in trackers.json.
    pub kind: &'static str,
    pub display_name: &'static str,
    pub fields: Vec<ConfigField>,
}

/// One adapter crate's entry point. HTTP adapters implement
/// [`crate::kit::Adapter`] and register a [`crate::kit::ConfigFactory`].
pub trait TrackerFactory: Send + Sync + 'static {
    fn info(&self) -> ProviderInfo;

    /// Parses and checks the entry's `config` object strictly (unknown
    /// fields are errors). Given the object's JSON text so that serde's
    /// line and column can be placed in the file.
    fn validate(&self, config_json: &str) -> std::result::Result<(), serde_json::Error>;

    /// Builds the adapter. Secrets are resolved here, so a missing token is
    /// reported against this tracker.
    fn build(&self, entry: &TrackerEntry, secrets: &Resolver) -> Result<Arc<dyn IssueTracker>>;

    /// Normalises a webhook delivery for a tracker of this type (`info`
    /// gives the instance that issue keys carry). Pure: no I/O. Types
    /// without webhooks answer `Unknown`.
    fn parse_webhook(
        &self,
        info: &crate::TrackerInfo,
        event: &str,
        body: &[u8],
    ) -> std::result::Result<crate::TrackerEvent, crate::WebhookParseError> {
        let _ = (info, body);
        Ok(crate::TrackerEvent::Unknown {
            event: event.to_owned(),
        })
    }

    /// How the provider signs deliveries and names their events and ids;
    /// `None` for types without webhooks (the listener refuses theirs).
    fn webhook(&self) -> Option<crate::WebhookSpec> {
        None
    }

    /// The sign-in the provider offers besides a pasted token
    /// (`scratchrobin tracker login`).
    fn login(&self) -> Option<Arc<dyn crate::LoginFlow>> {
        None
    }
}

#[derive(Default, Clone)]
pub struct Registry {
    factories: BTreeMap<&'static str, Arc<dyn TrackerFactory>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.factories.keys()).finish()
    }
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    pub fn register(&mut self, factory: impl TrackerFactory) -> &mut Self {
        let info = factory.info();
        self.factories.insert(info.kind, Arc::new(factory));
        self
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.factories.keys().copied()
    }

    pub fn providers(&self) -> Vec<ProviderInfo> {
        self.factories.values().map(|f| f.info()).collect()
    }

    pub fn factory(&self, kind: &str) -> Option<&Arc<dyn TrackerFactory>> {
        self.factories.get(kind)
    }

    pub fn build(&self, entry: &TrackerEntry, secrets: &Resolver) -> Result<Arc<dyn IssueTracker>> {
        let factory = self.factory(&entry.kind).ok_or_else(|| {
            TrackerError::unusable_because(
                &entry.name,
                Unusable::UnknownType {
                    kind: entry.kind.clone(),
                    known: self.kinds().map(str::to_owned).collect(),
                },
            )
        })?;
        if !entry.enabled {
            return Err(TrackerError::unusable_because(
                &entry.name,
                Unusable::Disabled,
            ));
        }
        factory.build(entry, secrets)
    }

    /// Builds every entry: the trackers that can be used, and for the rest
    /// why not, so that a look-up of one of them names the cause. Blocking
    /// (keyring secrets may need D-Bus).
    pub fn build_all(&self, entries: &[TrackerEntry], secrets: &Resolver) -> TrackerSet {
        let mut built = Vec::new();
        let mut unusable = Vec::new();
        for entry in entries {
            match self.build(entry, secrets) {
                Ok(t) => built.push(t),
                Err(err) => {
                    if entry.enabled {
                        tracing::warn!(tracker = %entry.name, error = %err, "tracker unavailable");
                    }
                    unusable.push((entry.name.clone(), entry.kind.clone(), err));
                }
            }
        }
        TrackerSet::new(built).with_unusable(unusable)
    }
}

/// What sr-config asks while reading trackers.json: the registered types
/// and each one's strict check of its `config` object.
impl sr_config::TrackerTypes for Registry {
    fn known_types(&self) -> Vec<&'static str> {
        self.kinds().collect()
    }

    fn check_config(
        &self,
        kind: &str,
        config_json: &str,
    ) -> Option<std::result::Result<(), serde_json::Error>> {
        self.factory(kind).map(|f| f.validate(config_json))
    }

    fn secret_fields(&self, kind: &str) -> Vec<&'static str> {
        self.factory(kind)
            .map(|f| {
                f.info()
                    .fields
                    .into_iter()
                    .filter(|field| field.secret)
                    .map(|field| field.key)
                    .collect()
            })
            .unwrap_or_default()
    }
}
