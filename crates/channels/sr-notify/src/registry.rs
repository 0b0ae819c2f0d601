//! The `Notifier` trait, channel factories and their registry. The engine
//! fills the registry (the one place naming channel crates); channels.json
//! is checked through it (sr-config's `ChannelTypes`) and each enabled
//! entry is built into a notifier by its factory.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use sr_config::{ChannelEntry, ChannelTypes, ConfigField};
use sr_secrets::{Resolver, Secret, SecretRef};

use crate::{Message, NotifyError};

/// What a channel's service answered to a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub status: u16,
    /// What the service said (PagerDuty's `dedup_key`, Slack's `ok`), for
    /// the monitoring feed.
    pub detail: String,
}

/// A channel that can send messages. One per channels.json entry.
#[async_trait::async_trait]
pub trait Notifier: Send + Sync {
    /// The channel's name in channels.json.
    fn channel(&self) -> &str;

    /// Sends one message. The same `message.id` may come twice (a retry
    /// after a lost answer); channels whose service takes an idempotency
    /// key send it, the others are sent at most once per intent by the
    /// outbox.
    async fn send(&self, message: &Message) -> Result<Delivered, NotifyError>;

    /// Whether the service drops a repeat of a message (PagerDuty by
    /// `dedup_key`, a Standard Webhooks receiver by `webhook-id`), so that
    /// sending again after an unknown outcome is safe. Slack and Teams
    /// have no such key: their messages are sent at most once per intent.
    fn deduplicates(&self) -> bool {
        false
    }
}

/// What a factory needs to build a notifier.
#[derive(Clone)]
pub struct BuildContext {
    pub resolver: Arc<Resolver>,
    pub http: reqwest::Client,
}

impl fmt::Debug for BuildContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildContext").finish_non_exhaustive()
    }
}

impl BuildContext {
    /// A context with the channels' HTTP client.
    pub fn new(resolver: Arc<Resolver>) -> Result<Self, NotifyError> {
        Ok(BuildContext {
            resolver,
            http: crate::http::client()?,
        })
    }

    /// Resolves a secret of channel `channel`. Blocking (the keyring).
    pub fn secret(&self, channel: &str, reference: &SecretRef) -> Result<Secret, NotifyError> {
        self.resolver
            .resolve(reference)
            .map_err(|source| NotifyError::Secret {
                channel: channel.to_owned(),
                source,
            })
    }

    /// Resolves the webhook URL of channel `channel`, a secret because the
    /// URL is the credential (Slack, Teams), and refuses one that is not
    /// an http(s) URL; `fix` says where the whole URL is shown.
    pub fn webhook_url(
        &self,
        channel: &str,
        reference: &SecretRef,
        fix: &str,
    ) -> Result<Secret, NotifyError> {
        let url = self.secret(channel, reference)?;
        let refused = match reqwest::Url::parse(url.expose()) {
            Err(_) => Some("not a URL"),
            Ok(u) if !matches!(u.scheme(), "https" | "http") || !u.has_host() => {
                Some("not an http(s) URL")
            }
            Ok(_) => None,
        };
        match refused {
            Some(what) => Err(NotifyError::Config {
                channel: channel.to_owned(),
                message: format!("the webhook URL is {what}; {fix}"),
            }),
            None => Ok(url),
        }
    }
}

/// What the settings dialog shows for a channel type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelInfo {
    /// `type` in channels.json.
    pub kind: &'static str,
    pub display_name: &'static str,
    /// The fields of its `config`; the secret ones are
    /// [`ChannelFactory::secret_fields`].
    pub fields: Vec<ConfigField>,
}

/// One channel type: checks its `config` and builds notifiers.
pub trait ChannelFactory: Send + Sync {
    /// `type` in channels.json.
    fn kind(&self) -> &'static str;

    /// The service's name as users know it ("Microsoft Teams").
    fn display_name(&self) -> &'static str;

    /// The fields of `config`, for the settings dialog.
    fn fields(&self) -> Vec<ConfigField>;

    /// Checks a `config` object strictly (serde's positions are placed in
    /// the file by sr-config).
    fn check_config(&self, config_json: &str) -> Result<(), serde_json::Error>;

    /// Dotted paths of the secret fields of `config`.
    fn secret_fields(&self) -> Vec<&'static str>;

    /// Builds the notifier of `entry`. Blocking: secrets may come from the
    /// keyring, so async callers run this on a blocking thread.
    fn build(
        &self,
        entry: &ChannelEntry,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError>;
}

/// A channel type whose `config` is one struct read strictly: it names its
/// type and secret fields and builds a notifier from a `config` it has
/// read; the [`ChannelFactory`] around it is the same for every such type.
pub trait ChannelType: Send + Sync {
    /// `type` in channels.json.
    const KIND: &'static str;
    /// The service's name as users know it ("Microsoft Teams").
    const DISPLAY_NAME: &'static str;
    /// Dotted paths of the secret fields of `config`.
    const SECRET_FIELDS: &'static [&'static str];
    /// The `config` object (`deny_unknown_fields`).
    type Config: DeserializeOwned;

    /// The fields of `config`, for the settings dialog.
    fn config_fields(&self) -> Vec<ConfigField>;

    /// Builds the notifier of the channel named `channel`. Blocking, as
    /// [`ChannelFactory::build`].
    fn notifier(
        &self,
        channel: &str,
        config: Self::Config,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError>;
}

impl<T: ChannelType> ChannelFactory for T {
    fn kind(&self) -> &'static str {
        T::KIND
    }

    fn display_name(&self) -> &'static str {
        T::DISPLAY_NAME
    }

    fn fields(&self) -> Vec<ConfigField> {
        self.config_fields()
    }

    fn check_config(&self, config_json: &str) -> Result<(), serde_json::Error> {
        serde_json::from_str::<T::Config>(config_json).map(drop)
    }

    fn secret_fields(&self) -> Vec<&'static str> {
        T::SECRET_FIELDS.to_vec()
    }

    fn build(
        &self,
        entry: &ChannelEntry,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        self.notifier(&entry.name, parse_config(entry)?, ctx)
    }
}

/// Reads `entry.config` as `C`, for a factory's `build`.
pub fn parse_config<C: DeserializeOwned>(entry: &ChannelEntry) -> Result<C, NotifyError> {
    serde_json::from_value(entry.config.clone()).map_err(|e| NotifyError::Config {
        channel: entry.name.clone(),
        message: format!("its \"config\" cannot be read ({e}); fix it in channels.json"),
    })
}

/// The channel types this build knows.
#[derive(Default, Clone)]
pub struct ChannelRegistry {
    factories: BTreeMap<&'static str, Arc<dyn ChannelFactory>>,
}

impl fmt::Debug for ChannelRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.factories.keys()).finish()
    }
}

impl ChannelRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a type; a second factory of one type replaces the first.
    pub fn register(&mut self, factory: impl ChannelFactory + 'static) {
        self.factories.insert(factory.kind(), Arc::new(factory));
    }

    pub fn get(&self, kind: &str) -> Option<&Arc<dyn ChannelFactory>> {
        self.factories.get(kind)
    }

    /// Every type with its fields, for the settings dialog.
    pub fn types(&self) -> Vec<ChannelInfo> {
        self.factories
            .values()
            .map(|f| ChannelInfo {
                kind: f.kind(),
                display_name: f.display_name(),
                fields: f.fields(),
            })
            .collect()
    }

    /// Builds the notifier of `entry`. Blocking (see [`ChannelFactory::build`]).
    pub fn build(
        &self,
        entry: &ChannelEntry,
        ctx: &BuildContext,
    ) -> Result<Arc<dyn Notifier>, NotifyError> {
        let factory = self.get(&entry.kind).ok_or_else(|| NotifyError::Config {
            channel: entry.name.clone(),
            message: format!(
                "type \"{}\" is not known to this build (known: {}); fix \"type\" in channels.json",
                entry.kind,
                self.known_types().join(", ")
            ),
        })?;
        factory.build(entry, ctx)
    }
}

impl ChannelTypes for ChannelRegistry {
    fn known_types(&self) -> Vec<&'static str> {
        self.factories.keys().copied().collect()
    }

    fn check_config(&self, kind: &str, config_json: &str) -> Option<Result<(), serde_json::Error>> {
        self.get(kind).map(|f| f.check_config(config_json))
    }

    fn secret_fields(&self, kind: &str) -> Vec<&'static str> {
        self.get(kind)
            .map(|f| f.secret_fields())
            .unwrap_or_default()
    }
}
