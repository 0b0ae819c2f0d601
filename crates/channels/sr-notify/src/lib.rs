//! What every notification channel shares (Slack, Teams, PagerDuty,
//! e-mail, outgoing webhooks), as sr-tracker is for trackers:
//!
//! - [`Notification`]: an alert as channels see it (fingerprint, severity,
//!   title, Markdown body, links), and [`Message`], one intent to send it
//!   ([`Action`]: trigger, acknowledge, resolve or test) under an
//!   idempotency key that stays the same on every retry.
//! - [`Notifier`]: the trait a channel implements; [`ChannelFactory`]
//!   checks a channel's `config` in channels.json and builds its notifier;
//!   [`ChannelRegistry`] holds the factories (sr-engine's registry names
//!   the channel crates, nothing else does) and is sr-config's
//!   [`sr_config::ChannelTypes`].
//! - [`group`]: grouping by fingerprint as Alertmanager does (group wait,
//!   repeat interval, resolve when the condition clears), a pure
//!   decision with the reason for every message held.
//! - [`policy`]: a channel's noise policy (rate limit, quiet hours, daily
//!   cap) after grouping, and the one summary of what it held back.
//! - [`outbox`]: notifications exactly once through sr-store's outbox:
//!   [`outbox::observe`] decides and commits, [`outbox::NotifyWorker`]
//!   sends, resending after an unknown outcome only where the channel
//!   deduplicates.
//! - [`http`]: one POST and one classification of the answer (2xx, 4xx
//!   refused, 401/403/404/410 gone or forbidden, 429 with `Retry-After`,
//!   5xx, network failures) into [`NotifyError`], whose every message names
//!   the cause and the fix. No URL reaches a message: a Slack or Teams
//!   webhook URL is itself a secret.

mod error;
pub mod group;
pub mod http;
mod notification;
pub mod outbox;
pub mod policy;
mod registry;
pub mod text;

pub use error::NotifyError;
pub use notification::{Action, Link, Message, Notification, Severity};
pub use registry::{
    BuildContext, ChannelFactory, ChannelInfo, ChannelRegistry, ChannelType, Delivered, Notifier,
    parse_config,
};

pub type Result<T, E = NotifyError> = std::result::Result<T, E>;
