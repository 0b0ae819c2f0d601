//! GitHub webhook bodies normalised to [`TrackerEvent`]s: a pure function
//! of the event name (`X-GitHub-Event`) and the body. Issue events carry
//! the issue as it is after the change; pull requests, which GitHub also
//! reports as issues, and events the product does not follow are
//! `Unknown`. Signatures are checked before this, by the listener.

use serde::Deserialize;
use sr_tracker::{CommentAction, IssueAction, TrackerEvent, TrackerInfo, WebhookParseError};

use crate::wire::{self, WireComment, WireIssue};
use sr_tracker::kit::LabelMap;

#[derive(Debug, Deserialize)]
struct Body {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    issue: Option<serde_json::Value>,
    #[serde(default)]
    comment: Option<WireComment>,
    #[serde(default)]
    repository: Option<Repository>,
}

#[derive(Debug, Deserialize)]
struct Repository {
    full_name: String,
}

/// Normalises one delivery for the tracker `info` (its instance ends in
/// `owner/repo`); `map` turns priority and type labels into fields.
pub fn parse(
    info: &TrackerInfo,
    map: &LabelMap,
    event: &str,
    body: &[u8],
) -> Result<TrackerEvent, WebhookParseError> {
    let fail = |reason: String| WebhookParseError {
        event: event.to_owned(),
        reason,
    };
    if !matches!(event, "issues" | "issue_comment" | "ping") {
        return Ok(TrackerEvent::Unknown {
            event: event.to_owned(),
        });
    }
    let body: Body = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    if event == "ping" {
        return Ok(TrackerEvent::Ping);
    }
    let repo = body
        .repository
        .map(|r| r.full_name)
        .ok_or_else(|| fail("it names no repository".into()))?;
    let suffix = format!("/{}", repo.to_lowercase());
    if !info.instance.to_lowercase().ends_with(&suffix) {
        return Err(fail(format!(
            "it is for repository {repo}, but tracker `{}` follows {}; point this repository's webhook at that tracker's URL",
            info.name, info.instance
        )));
    }
    let action = body.action.unwrap_or_default();
    // Pinning and locking change nothing the product keeps (and GitHub's
    // examples of them leave out the issue's state).
    if event == "issues"
        && matches!(
            action.as_str(),
            "pinned" | "unpinned" | "locked" | "unlocked"
        )
    {
        return Ok(TrackerEvent::Unknown {
            event: format!("issues.{action}"),
        });
    }
    let issue = body.issue.ok_or_else(|| fail("it has no `issue`".into()))?;
    let issue: WireIssue = serde_json::from_value(issue)
        .map_err(|e| fail(format!("its `issue` is not an issue: {e}")))?;
    if issue.is_pull_request() {
        return Ok(TrackerEvent::Unknown {
            event: format!("{event} (pull request)"),
        });
    }
    let project = repo;
    if event == "issue_comment" {
        let comment = body
            .comment
            .ok_or_else(|| fail("it has no `comment`".into()))?;
        let action = match action.as_str() {
            "created" => CommentAction::Created,
            "edited" => CommentAction::Edited,
            "deleted" => CommentAction::Deleted,
            other => {
                return Ok(TrackerEvent::Unknown {
                    event: format!("issue_comment.{other}"),
                });
            }
        };
        return Ok(TrackerEvent::Comment {
            action,
            issue: info.key(issue.number.to_string()),
            comment: wire::to_comment(&comment),
        });
    }
    let action = match action.as_str() {
        "deleted" => {
            return Ok(TrackerEvent::IssueDeleted {
                issue: info.key(issue.number.to_string()),
            });
        }
        "opened" => IssueAction::Opened,
        "closed" => IssueAction::Closed,
        "reopened" => IssueAction::Reopened,
        "labeled" => IssueAction::Labeled,
        "unlabeled" => IssueAction::Unlabeled,
        "assigned" => IssueAction::Assigned,
        "unassigned" => IssueAction::Unassigned,
        "transferred" => IssueAction::Transferred,
        // Edited, (de)milestoned, (un)locked, (un)pinned, typed…: the issue
        // changed, and the body says how it is now.
        _ => IssueAction::Edited,
    };
    Ok(TrackerEvent::Issue {
        action,
        issue: Box::new(wire::to_issue(&issue, info, map, &project)),
    })
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
