//! The engine's error: what failed, in words a user can act on.

use sr_model::{ObjectName, ObjectNameError};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Config(#[from] sr_config::ConfigError),
    #[error(transparent)]
    Store(#[from] sr_store::StoreError),
    #[error(transparent)]
    Links(#[from] sr_links::LinkError),
    #[error(transparent)]
    Templates(#[from] sr_templates::TemplateError),
    #[error(transparent)]
    Tracker(#[from] sr_tracker::TrackerError),
    #[error(transparent)]
    Db(#[from] sr_db::DbError),
    #[error(transparent)]
    ObjectName(#[from] ObjectNameError),
    #[error(transparent)]
    Secret(#[from] sr_secrets::SecretError),
    #[error(transparent)]
    Webhook(#[from] sr_webhook::WebhookError),
    #[error(transparent)]
    Notify(#[from] sr_notify::NotifyError),
    #[error("the tracker settings were not saved: {0}")]
    Settings(String),
    #[error("the channels were not saved: {0}")]
    Channels(String),
    #[error(
        "no connection named `{name}`; {suggestion}known connections: {known}; add one with `scratchrobin connection add NAME URL` or File → New Connection…"
    )]
    UnknownConnection {
        name: String,
        known: String,
        /// "did you mean `shop`? " or empty.
        suggestion: String,
    },
    #[error("a connection named `{name}` exists already; choose another name, or edit that one")]
    ConnectionExists { name: String },
    #[error("{0}")]
    BadConnection(String),
    #[error("the password of connection `{name}` cannot be read: {}; {}", crate::connections::password_problem(name, source).0, crate::connections::password_problem(name, source).1)]
    ConnectionSecret {
        name: String,
        source: sr_secrets::SecretError,
    },
    #[error("{name} does not exist in connection `{}`; check the spelling and write it as CONNECTION:schema.name (the workbench's explorer lists every object)", .name.connection)]
    NoSuchObject { name: ObjectName },
    #[error("{name} is ambiguous: {candidates}; name the schema (CONNECTION:schema.name)")]
    AmbiguousObject {
        name: ObjectName,
        candidates: String,
    },
    #[error(transparent)]
    Auto(#[from] sr_auto::AutoError),
    #[error(transparent)]
    Rules(#[from] sr_auto::RuleErrors),
    #[error("{file}: {message}")]
    RuleEdit { file: String, message: String },
    #[error(
        "the issue for {alert} was not filed: {reason}; the call is kept in the outbox (Monitoring → Outbox); fix the tracker, then press File issue… again"
    )]
    AlertNotFiled { alert: String, reason: String },
    #[error("{alert} cannot be filed: {reason}")]
    AlertUnknown { alert: String, reason: String },
    #[error(
        "{file} changed on disk since the rules window read it (another window, process or `scratchrobin rules` edited it); press Reload to see those rules, then make your change again"
    )]
    RulesChanged { file: String },
    #[error(
        "{path} is not valid monitoring settings: {reason}; the file is {{\"connections\": {{\"demo\": {{\"drift_minutes\": 15, \"health_minutes\": 5, \"perf_minutes\": 60}}}}}}"
    )]
    MonitoringConfig { path: String, reason: String },
    #[error(
        "{path} is not valid pull request settings: {reason}; the file is {{\"migration_globs\": [\"migrations/**/*.sql\"], \"connections\": {{\"GitHub\": [\"shop\"]}}, \"comment_on_merge\": false}} (see config/README.md)"
    )]
    PullsConfig { path: String, reason: String },
    #[error(transparent)]
    Sync(#[from] sr_sync::SyncError),
    #[error("the comment on {issue} is empty; write some text, then send it")]
    EmptyComment { issue: String },
    #[error(
        "issue {issue} is not in the cache, so it cannot be commented on; check the key, or sync its tracker first (`scratchrobin sync run TRACKER`)"
    )]
    UnknownIssue { issue: String },
    #[error(
        "the comment on {issue} can no longer be taken back: it is being sent or was sent; reload the comments to see it"
    )]
    CommentNotPending { issue: String },
    #[error("the {format} export could not be made: {reason}")]
    ExportRender {
        format: &'static str,
        reason: String,
    },
    #[error(
        "the export cannot be written to {path}: {source}; choose a path in a directory you can write to"
    )]
    ExportWrite {
        path: String,
        source: std::io::Error,
    },
    #[error("`{0}` is not a token scope; use --scope read or --scope write")]
    BadTokenScope(String),
    #[error(
        "`{0}` is not a token lifetime; write a whole number of days, hours or minutes: 90d, 12h, 30m"
    )]
    BadTokenExpiry(String),
    #[error(
        "a token needs a name; name it after its holder: `scratchrobin api token create ci-bot --scope read`"
    )]
    BadTokenName,
    #[error(
        "the API token is not known here; check it was copied whole, or create one with `scratchrobin api token create NAME --scope read`"
    )]
    UnknownToken,
    #[error(
        "the API token `{name}` was revoked; create a new one with `scratchrobin api token create NAME`"
    )]
    RevokedToken { name: String },
    #[error(
        "the API token `{name}` has expired; create a new one with `scratchrobin api token create NAME --expires 90d`"
    )]
    ExpiredToken { name: String },
    #[error("a background task failed: {0}")]
    Background(String),
    #[error("the engine has stopped")]
    Stopped,
}

impl EngineError {
    /// The tracker's own error when a tracker call failed, directly or
    /// through the link manager: its kind and cause for JSON answers.
    pub fn tracker_error(&self) -> Option<&sr_tracker::TrackerError> {
        match self {
            EngineError::Tracker(e) | EngineError::Links(sr_links::LinkError::Tracker(e)) => {
                Some(e)
            }
            _ => None,
        }
    }
}
