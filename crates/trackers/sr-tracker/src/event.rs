//! Tracker events as webhooks report them, normalised by each adapter's
//! pure parser: `(event name, body) -> TrackerEvent`.

use serde::Serialize;
use sr_model::{Comment, Issue, IssueKey, PullRequest};

/// What happened to an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueAction {
    Opened,
    Edited,
    Closed,
    Reopened,
    Labeled,
    Unlabeled,
    Assigned,
    Unassigned,
    Transferred,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentAction {
    Created,
    Edited,
    Deleted,
}

/// One normalised webhook event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrackerEvent {
    /// The issue as it is after the change.
    Issue {
        action: IssueAction,
        issue: Box<Issue>,
    },
    IssueDeleted {
        issue: IssueKey,
    },
    Comment {
        action: CommentAction,
        issue: IssueKey,
        comment: Comment,
    },
    /// A pull or merge request as it is after the change (opened, edited,
    /// merged, closed, new commits).
    PullRequest {
        action: String,
        pull: Box<PullRequest>,
    },
    /// The tracker checking that the hook works.
    Ping,
    /// An event kind we do not handle (a push, a pipeline, a milestone).
    Unknown {
        event: String,
    },
}

/// Why a body could not be normalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the {event} webhook body: {reason}")]
pub struct WebhookParseError {
    pub event: String,
    pub reason: String,
}
