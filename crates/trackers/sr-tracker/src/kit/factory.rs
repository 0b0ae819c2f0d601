//! A registry entry driven by an adapter's configuration: the
//! [`ConfigFactory`] reads and checks the `config` object, resolves the
//! token, builds the tracker, and remembers what each built tracker's
//! webhook parser needs (its label tables). The adapter says only what is
//! its own ([`Adapter`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sr_secrets::{Resolver, Secret};

use super::AdapterConfig;
use crate::login::LoginFlow;
use crate::webhook::WebhookSpec;
use crate::{
    IssueTracker, ProviderInfo, Result, TrackerEntry, TrackerError, TrackerEvent, TrackerFactory,
    TrackerInfo, WebhookParseError,
};

/// What an adapter crate provides to become a tracker type.
pub trait Adapter: Send + Sync + 'static {
    /// Its `config` object, read strictly (unknown fields are errors).
    type Config: AdapterConfig;
    /// What its webhook parser needs from a built tracker's configuration
    /// (the label tables); `()` when nothing.
    type Mapping: Clone + Send + Sync + 'static;

    fn info(&self) -> ProviderInfo;

    /// Builds the tracker named `name` with the resolved token.
    fn build(
        &self,
        name: &str,
        config: &Self::Config,
        token: &Secret,
    ) -> Result<Arc<dyn IssueTracker>>;

    /// How the provider's webhook deliveries are signed, named and
    /// parsed; `None` for a type without webhooks (the listener refuses
    /// theirs).
    const WEBHOOKS: Option<Webhooks<Self::Mapping>> = None;

    /// What deliveries to a tracker built from `config` are parsed with;
    /// for a tracker this factory has not built (`None`), the provider's
    /// defaults.
    fn mapping(&self, config: Option<&Self::Config>) -> Self::Mapping;

    /// The sign-in the provider offers besides a pasted token.
    fn login(&self) -> Option<Arc<dyn LoginFlow>> {
        None
    }
}

/// Normalises one delivery for the tracker `info`, read with its
/// `mapping`; pure.
pub type WebhookParser<M> = fn(
    info: &TrackerInfo,
    mapping: &M,
    event: &str,
    body: &[u8],
) -> std::result::Result<TrackerEvent, WebhookParseError>;

/// A provider's webhooks: the listener's [`WebhookSpec`] and the parser.
pub struct Webhooks<M: 'static> {
    pub spec: WebhookSpec,
    pub parse: WebhookParser<M>,
}

/// An [`Adapter`] as a [`TrackerFactory`]. Clones share the remembered
/// mappings.
pub struct ConfigFactory<A: Adapter> {
    adapter: Arc<A>,
    /// Per built tracker (by instance), what its deliveries are parsed
    /// with: a delivery reads priorities the way its tracker is configured.
    mappings: Arc<Mutex<HashMap<String, A::Mapping>>>,
}

impl<A: Adapter> ConfigFactory<A> {
    pub fn new(adapter: A) -> Self {
        ConfigFactory {
            adapter: Arc::new(adapter),
            mappings: Arc::default(),
        }
    }

    pub fn adapter(&self) -> &A {
        &self.adapter
    }
}

impl<A: Adapter + Default> Default for ConfigFactory<A> {
    fn default() -> Self {
        ConfigFactory::new(A::default())
    }
}

impl<A: Adapter> Clone for ConfigFactory<A> {
    fn clone(&self) -> Self {
        ConfigFactory {
            adapter: self.adapter.clone(),
            mappings: self.mappings.clone(),
        }
    }
}

impl<A: Adapter> std::fmt::Debug for ConfigFactory<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFactory")
            .field("kind", &self.adapter.info().kind)
            .finish_non_exhaustive()
    }
}

impl<A: Adapter> TrackerFactory for ConfigFactory<A> {
    fn info(&self) -> ProviderInfo {
        self.adapter.info()
    }

    fn validate(&self, config_json: &str) -> std::result::Result<(), serde_json::Error> {
        let config = serde_json::from_str::<A::Config>(config_json)?;
        match config.ca_file() {
            Some(path) => crate::ca_certificates(path)
                .map(drop)
                .map_err(<serde_json::Error as serde::de::Error>::custom),
            None => Ok(()),
        }
    }

    fn build(&self, entry: &TrackerEntry, secrets: &Resolver) -> Result<Arc<dyn IssueTracker>> {
        let config: A::Config = serde_json::from_value(entry.config.clone())
            .map_err(|e| TrackerError::config(&entry.name, e.to_string()))?;
        let token = secrets
            .resolve(config.token())
            .map_err(|e| TrackerError::secret(&entry.name, "config.auth.token", e))?;
        let tracker = self.adapter.build(&entry.name, &config, &token)?;
        if let Ok(mut m) = self.mappings.lock() {
            m.insert(
                tracker.info().instance.clone(),
                self.adapter.mapping(Some(&config)),
            );
        }
        Ok(tracker)
    }

    fn webhook(&self) -> Option<WebhookSpec> {
        A::WEBHOOKS.map(|w| w.spec)
    }

    fn parse_webhook(
        &self,
        info: &TrackerInfo,
        event: &str,
        body: &[u8],
    ) -> std::result::Result<TrackerEvent, WebhookParseError> {
        let mapping = self
            .mappings
            .lock()
            .ok()
            .and_then(|m| m.get(&info.instance).cloned())
            .unwrap_or_else(|| self.adapter.mapping(None));
        match A::WEBHOOKS {
            Some(w) => (w.parse)(info, &mapping, event, body),
            None => Ok(TrackerEvent::Unknown {
                event: event.to_owned(),
            }),
        }
    }

    fn login(&self) -> Option<Arc<dyn LoginFlow>> {
        self.adapter.login()
    }
}
