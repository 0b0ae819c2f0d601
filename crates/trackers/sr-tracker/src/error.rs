//! Tracker errors, classified so that "Test connection" and every other
//! caller can tell the user what is wrong and what to do.

use sr_model::Timestamp;

/// The class of a failure; stable, for code and for `--json` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Config,
    Dns,
    Refused,
    Tls,
    Timeout,
    Unauthorized,
    Forbidden,
    NotFound,
    Gone,
    Validation,
    RateLimited,
    /// The request may or may not have taken effect (the connection broke
    /// after the body was sent). Never blindly retried for creations.
    UnknownOutcome,
    Unsupported,
    Provider,
    Storage,
    Network,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum TrackerError {
    #[error("tracker `{tracker}` is misconfigured: {message}")]
    Config { tracker: String, message: String },
    #[error(
        "cannot resolve host `{host}`: check the base URL's spelling and your DNS or proxy settings"
    )]
    Dns { host: String },
    #[error(
        "{url} refused the connection: the server is down or the port is wrong; check the base URL"
    )]
    Refused { url: String },
    #[error(
        "TLS handshake with {url} failed ({detail}): the certificate is not trusted (behind a company CA, set config.ca_file to its PEM file) or the URL uses the wrong scheme"
    )]
    Tls { url: String, detail: String },
    #[error(
        "{url} did not answer within {seconds} s: the server is slow or unreachable; try again or raise the timeout"
    )]
    Timeout { url: String, seconds: u64 },
    #[error(
        "{provider} answered 401: the token is wrong, expired or revoked; create a new one and store it again"
    )]
    Unauthorized { provider: String },
    #[error("{provider} answered 403: {detail}")]
    Forbidden { provider: String, detail: String },
    #[error(
        "{provider} answered 404 for {what}: it does not exist or this token cannot see it; check the name and the token's access"
    )]
    NotFound { provider: String, what: String },
    #[error("{provider} answered 410 for {what}: it was deleted or the feature is turned off")]
    Gone { provider: String, what: String },
    #[error("{provider} rejected the request: {}", .errors.join("; "))]
    Validation {
        provider: String,
        errors: Vec<String>,
    },
    #[error("{provider} rate limit reached{}", .reset_at.map(|t| format!("; it resets at {}", t.format("%H:%M:%S UTC"))).unwrap_or_default())]
    RateLimited {
        provider: String,
        reset_at: Option<Timestamp>,
    },
    #[error(
        "{operation} on {provider} may or may not have happened (the connection broke after the request was sent); check before trying again"
    )]
    UnknownOutcome { provider: String, operation: String },
    #[error("{provider} does not support {operation}")]
    Unsupported { provider: String, operation: String },
    #[error("{provider} answered {status}: {message}")]
    Provider {
        provider: String,
        status: u16,
        message: String,
    },
    #[error("the local store failed: {0}")]
    Storage(String),
    #[error("network error talking to {url}: {detail}")]
    Network { url: String, detail: String },
    /// A tracker a user named cannot be used; [`crate::unusable::message`]
    /// words every cause. Boxed: every `Result` of a tracker call carries
    /// this enum, and the cause is large and rare.
    #[error("{}", crate::unusable::message(.tracker, .cause))]
    Unusable {
        tracker: String,
        cause: Box<crate::Unusable>,
    },
}

impl TrackerError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            TrackerError::Config { .. } | TrackerError::Unusable { .. } => ErrorKind::Config,
            TrackerError::Dns { .. } => ErrorKind::Dns,
            TrackerError::Refused { .. } => ErrorKind::Refused,
            TrackerError::Tls { .. } => ErrorKind::Tls,
            TrackerError::Timeout { .. } => ErrorKind::Timeout,
            TrackerError::Unauthorized { .. } => ErrorKind::Unauthorized,
            TrackerError::Forbidden { .. } => ErrorKind::Forbidden,
            TrackerError::NotFound { .. } => ErrorKind::NotFound,
            TrackerError::Gone { .. } => ErrorKind::Gone,
            TrackerError::Validation { .. } => ErrorKind::Validation,
            TrackerError::RateLimited { .. } => ErrorKind::RateLimited,
            TrackerError::UnknownOutcome { .. } => ErrorKind::UnknownOutcome,
            TrackerError::Unsupported { .. } => ErrorKind::Unsupported,
            TrackerError::Provider { .. } => ErrorKind::Provider,
            TrackerError::Storage(_) => ErrorKind::Storage,
            TrackerError::Network { .. } => ErrorKind::Network,
        }
    }

    /// Whether trying the same request again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Timeout | ErrorKind::RateLimited | ErrorKind::Refused | ErrorKind::Network
        ) || matches!(self, TrackerError::Provider { status, .. } if *status >= 500)
    }

    pub fn config(tracker: impl Into<String>, message: impl Into<String>) -> Self {
        TrackerError::Config {
            tracker: tracker.into(),
            message: message.into(),
        }
    }

    /// `tracker` cannot be used, for `cause`.
    pub fn unusable_because(tracker: impl Into<String>, cause: crate::Unusable) -> Self {
        TrackerError::Unusable {
            tracker: tracker.into(),
            cause: Box::new(cause),
        }
    }

    /// `tracker` cannot read the secret its `field` references.
    pub fn secret(
        tracker: impl Into<String>,
        field: impl Into<String>,
        error: sr_secrets::SecretError,
    ) -> Self {
        TrackerError::Unusable {
            tracker: tracker.into(),
            cause: Box::new(crate::Unusable::Secret {
                field: field.into(),
                error,
            }),
        }
    }

    /// No tracker is named `name`; `configured` are the names that are.
    pub fn not_configured(name: impl Into<String>, configured: Vec<String>) -> Self {
        TrackerError::Unusable {
            tracker: name.into(),
            cause: Box::new(crate::Unusable::NotConfigured { configured }),
        }
    }

    /// Why the tracker is unusable, when that is the error.
    pub fn unusable(&self) -> Option<&crate::Unusable> {
        match self {
            TrackerError::Unusable { cause, .. } => Some(cause),
            _ => None,
        }
    }

    /// The provider would refuse the request: `message` says which field
    /// and why ("title: an issue needs a title").
    pub fn invalid(provider: impl Into<String>, message: impl Into<String>) -> Self {
        TrackerError::Validation {
            provider: provider.into(),
            errors: vec![message.into()],
        }
    }

    pub fn not_found(provider: impl Into<String>, what: impl Into<String>) -> Self {
        TrackerError::NotFound {
            provider: provider.into(),
            what: what.into(),
        }
    }
}
