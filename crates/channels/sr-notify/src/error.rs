//! The one error type of the channels: what failed, for which channel, and
//! what to do. Built by [`crate::http::classify`] for answers and by the
//! factories for configuration, so each kind is worded in one place.

use std::time::Duration;

use sr_secrets::SecretError;

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The channel's `config` cannot be used as it is.
    #[error("channel \"{channel}\": {message}")]
    Config { channel: String, message: String },
    /// A secret of the channel cannot be read.
    #[error("channel \"{channel}\": {source}")]
    Secret {
        channel: String,
        #[source]
        source: SecretError,
    },
    /// The service refused this message for good (a 4xx other than 408 and
    /// 429): sending it again would be refused again.
    #[error("channel \"{channel}\": {service} refused the message ({status}): {detail}; {fix}")]
    Refused {
        channel: String,
        service: &'static str,
        status: u16,
        detail: String,
        fix: String,
    },
    /// Too many messages: the service asked to wait.
    #[error(
        "channel \"{channel}\": {service} is rate limiting us (429){}; the message is sent again after the wait",
        match retry_after { Some(d) => format!(", asking to wait {} s", d.as_secs()), None => String::new() }
    )]
    RateLimited {
        channel: String,
        service: &'static str,
        retry_after: Option<Duration>,
    },
    /// The service failed (5xx, 408): worth trying again later.
    #[error(
        "channel \"{channel}\": {service} failed ({status}): {detail}; the message is sent again later"
    )]
    Unavailable {
        channel: String,
        service: &'static str,
        status: u16,
        detail: String,
    },
    /// The HTTP client itself could not be made.
    #[error(
        "the HTTP client for the channels could not be set up: {detail}; check the system's TLS certificates"
    )]
    Client { detail: String },
    /// The notification outbox in the store failed.
    #[error("the notification outbox: {0}")]
    Store(#[from] sr_store::StoreError),
    /// No answer: DNS, connection, TLS or a timeout.
    #[error(
        "channel \"{channel}\": {service} could not be reached: {detail}; check the network, the proxy and the company CA, the message is sent again later"
    )]
    Unreachable {
        channel: String,
        service: &'static str,
        detail: String,
    },
}

impl NotifyError {
    /// Whether the same message may succeed if sent again later.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            NotifyError::RateLimited { .. }
                | NotifyError::Unavailable { .. }
                | NotifyError::Unreachable { .. }
        )
    }

    /// How long the service asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            NotifyError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A stable word for the cause, for scripts, tests and the feed.
    pub fn code(&self) -> &'static str {
        match self {
            NotifyError::Config { .. } => "config",
            NotifyError::Client { .. } => "client",
            NotifyError::Store(_) => "store",
            NotifyError::Secret { .. } => "secret",
            NotifyError::Refused { .. } => "refused",
            NotifyError::RateLimited { .. } => "rate_limited",
            NotifyError::Unavailable { .. } => "unavailable",
            NotifyError::Unreachable { .. } => "unreachable",
        }
    }

    /// The HTTP status the service answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            NotifyError::Refused { status, .. } | NotifyError::Unavailable { status, .. } => {
                Some(*status)
            }
            NotifyError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}
