//! Requests and answers between the GUI and the engine: each [`Command`]
//! travels as a [`Request`] with the [`RequestId`] its sender chose, and
//! every [`Event`] the engine sends while running it comes back as an
//! [`Answer`] naming that request. A failure is a [`Failure`] with a typed
//! [`FailureKind`], so the sender matches it to the job that failed by id,
//! never by comparing text, and two equal commands in flight stay apart.

use crate::{Command, EngineError, Event};

/// Names one request; chosen by the sender, unique among its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A command and the id its answers will carry.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: RequestId,
    pub command: Command,
}

/// One event from the engine: the answer, progress or failure of
/// `request`, or, without one, a notice nobody asked for (another
/// process's change, a config reload, a scheduled sync's progress).
#[derive(Debug, Clone)]
pub struct Answer {
    pub request: Option<RequestId>,
    pub event: Event,
}

impl Answer {
    /// A notice that answers no request.
    pub fn notice(event: Event) -> Answer {
        Answer {
            request: None,
            event,
        }
    }
}

/// What kind of failure ended (or, for a side step, accompanied) a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// A connection, object, issue or template that does not exist.
    NotFound,
    /// Input the engine refuses (a bad URL, an empty comment, bad settings).
    Invalid,
    /// Someone else changed it first (a name taken, a stale whiteboard).
    Conflict,
    /// A tracker refused or could not be reached.
    Tracker,
    /// A user database refused or could not be reached.
    Database,
    /// ScratchRobin's own store failed.
    Store,
    /// A configuration file is wrong.
    Config,
    /// A secret could not be read or stored.
    Secret,
    /// The engine itself (a background task, a stop).
    Internal,
}

/// A failure, typed, with the command's words and the cause and fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// Which step failed, in the user's words ("Create issue in Local").
    pub context: String,
    /// The cause and the fix.
    pub message: String,
    /// A step beside the answer failed (an attachment, filing the drift
    /// as an issue): the request itself was answered and goes on.
    pub side_step: bool,
}

impl Failure {
    pub fn new(kind: FailureKind, context: impl Into<String>, message: impl Into<String>) -> Self {
        Failure {
            kind,
            context: context.into(),
            message: message.into(),
            side_step: false,
        }
    }

    /// `error` as the failure of a step beside the request's answer.
    pub fn side_step(context: impl Into<String>, error: &EngineError) -> Self {
        Failure {
            side_step: true,
            ..Failure::of(context, error)
        }
    }

    /// `error`, classified, as the failure of `context`.
    pub fn of(context: impl Into<String>, error: &EngineError) -> Self {
        Failure::new(error.failure_kind(), context, error.to_string())
    }
}

impl EngineError {
    /// The kind of failure this error is, for [`Failure`].
    pub fn failure_kind(&self) -> FailureKind {
        use EngineError as E;
        match self {
            E::Config(_)
            | E::Rules(_)
            | E::MonitoringConfig { .. }
            | E::PullsConfig { .. }
            | E::Templates(_) => FailureKind::Config,
            E::Store(sr_store::StoreError::TokenNameTaken(_)) => FailureKind::Conflict,
            E::Store(_) | E::Notify(sr_notify::NotifyError::Store(_)) => FailureKind::Store,
            E::Notify(sr_notify::NotifyError::Config { .. }) => FailureKind::Config,
            E::Notify(sr_notify::NotifyError::Secret { .. }) => FailureKind::Secret,
            // A channel's service refused or could not be reached, as a
            // tracker can.
            E::Notify(_) => FailureKind::Tracker,
            E::Links(_) | E::Tracker(_) | E::Sync(_) | E::Auto(_) | E::Webhook(_) => {
                FailureKind::Tracker
            }
            E::Db(sr_db::DbError::NotFound { .. } | sr_db::DbError::Baseline { .. }) => {
                FailureKind::NotFound
            }
            E::Db(_) => FailureKind::Database,
            E::Secret(_) | E::ConnectionSecret { .. } => FailureKind::Secret,
            E::UnknownConnection { .. } | E::NoSuchObject { .. } | E::UnknownIssue { .. } => {
                FailureKind::NotFound
            }
            E::ConnectionExists { .. } | E::CommentNotPending { .. } | E::RulesChanged { .. } => {
                FailureKind::Conflict
            }
            E::AlertNotFiled { .. } => FailureKind::Tracker,
            E::AlertUnknown { .. } => FailureKind::Invalid,
            E::ObjectName(_)
            | E::BadConnection(_)
            | E::AmbiguousObject { .. }
            | E::EmptyComment { .. }
            | E::Settings(_)
            | E::Channels(_)
            | E::RuleEdit { .. }
            | E::BadTokenScope(_)
            | E::BadTokenExpiry(_)
            | E::BadTokenName
            | E::UnknownToken
            | E::RevokedToken { .. }
            | E::ExpiredToken { .. } => FailureKind::Invalid,
            // A path that cannot be written is the user's to change.
            E::ExportWrite { .. } => FailureKind::Invalid,
            E::ExportRender { .. } | E::Background(_) | E::Stopped => FailureKind::Internal,
        }
    }
}
