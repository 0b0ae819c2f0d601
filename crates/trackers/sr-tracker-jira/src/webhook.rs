//! Jira webhook bodies normalised to [`TrackerEvent`]s: a pure function of
//! the body (Jira names the event inside it, in `webhookEvent`; the event
//! name the listener passes is used only when the body has none). Issue
//! events carry the issue as it is after the change; events the product
//! does not follow (sprints, worklogs, projects) are `Unknown`. Signatures
//! (`X-Hub-Signature: sha256=…`) are checked before this, by the listener.

use serde::Deserialize;
use serde_json::Value;
use sr_tracker::{CommentAction, IssueAction, TrackerEvent, TrackerInfo, WebhookParseError};

use crate::config::Mapping;
use crate::wire::{WireComment, WireIssue};

/// The events a webhook registered without a list subscribes to.
pub const DEFAULT_EVENTS: [&str; 6] = [
    "jira:issue_created",
    "jira:issue_updated",
    "jira:issue_deleted",
    "comment_created",
    "comment_updated",
    "comment_deleted",
];

#[derive(Debug, Deserialize)]
struct Body {
    #[serde(default, rename = "webhookEvent")]
    webhook_event: Option<String>,
    #[serde(default)]
    issue: Option<Value>,
    #[serde(default)]
    comment: Option<Value>,
    #[serde(default)]
    changelog: Option<Changelog>,
}

#[derive(Debug, Deserialize)]
struct Changelog {
    #[serde(default)]
    items: Vec<ChangeItem>,
}

#[derive(Debug, Deserialize)]
struct ChangeItem {
    #[serde(default)]
    field: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// Normalises one delivery for the tracker `info`; `map` reads priorities
/// the way that tracker is configured.
pub fn parse(
    info: &TrackerInfo,
    map: &Mapping,
    event: &str,
    body: &[u8],
) -> Result<TrackerEvent, WebhookParseError> {
    let fail = |event: &str, reason: String| WebhookParseError {
        event: if event.is_empty() {
            "Jira".to_owned()
        } else {
            event.to_owned()
        },
        reason,
    };
    let parsed: Body = serde_json::from_slice(body).map_err(|e| fail(event, e.to_string()))?;
    let name = parsed
        .webhook_event
        .clone()
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| event.to_owned());
    let fail = |reason: String| fail(&name, reason);
    let issue_action = match name.as_str() {
        "jira:issue_created" => Some(IssueAction::Opened),
        "jira:issue_updated" => Some(IssueAction::Edited),
        "jira:issue_deleted" | "comment_created" | "comment_updated" | "comment_deleted" => None,
        _ => return Ok(TrackerEvent::Unknown { event: name }),
    };
    let raw = parsed
        .issue
        .ok_or_else(|| fail("it has no `issue`".into()))?;
    let wire: WireIssue = serde_json::from_value(raw.clone())
        .map_err(|e| fail(format!("its `issue` is not an issue: {e}")))?;
    let site = site_of(&raw).unwrap_or_else(|| format!("https://{}", info.instance));
    let host = site.split("://").nth(1).unwrap_or_default();
    if !host.eq_ignore_ascii_case(&info.instance) {
        return Err(fail(format!(
            "it is from {host}, but tracker `{}` follows {}; point that site's webhook at its own tracker's URL",
            info.name, info.instance
        )));
    }
    let key = info.key(wire.key.clone());
    if name == "jira:issue_deleted" {
        return Ok(TrackerEvent::IssueDeleted { issue: key });
    }
    if let Some(mut action) = issue_action {
        let issue = wire.to_issue(info, &site, map);
        if action == IssueAction::Edited {
            action = refine(&parsed.changelog, &issue);
        }
        return Ok(TrackerEvent::Issue {
            action,
            issue: Box::new(issue),
        });
    }
    let action = match name.as_str() {
        "comment_created" => CommentAction::Created,
        "comment_updated" => CommentAction::Edited,
        _ => CommentAction::Deleted,
    };
    let comment: WireComment = parsed
        .comment
        .ok_or_else(|| fail("it has no `comment`".into()))
        .and_then(|c| {
            serde_json::from_value(c)
                .map_err(|e| fail(format!("its `comment` is not a comment: {e}")))
        })?;
    Ok(TrackerEvent::Comment {
        action,
        issue: key,
        comment: comment.to_comment(),
    })
}

/// An update that moved the status to Done is a close; one that cleared
/// the resolution is a reopen; one that only touched the assignee is an
/// (un)assignment.
fn refine(changelog: &Option<Changelog>, issue: &sr_model::Issue) -> IssueAction {
    let items = changelog
        .as_ref()
        .map(|c| c.items.as_slice())
        .unwrap_or_default();
    let changed = |f: &str| items.iter().find(|i| i.field.eq_ignore_ascii_case(f));
    let done = issue.reference.status.state == sr_model::IssueState::Done;
    if changed("status").is_some() && done {
        return IssueAction::Closed;
    }
    if let Some(r) = changed("resolution")
        && r.from.is_some()
        && r.to.is_none()
    {
        return IssueAction::Reopened;
    }
    if items.len() == 1
        && let Some(a) = changed("assignee")
    {
        return if a.to.is_some() {
            IssueAction::Assigned
        } else {
            IssueAction::Unassigned
        };
    }
    IssueAction::Edited
}

/// `https://acme.atlassian.net` from the issue's `self` URL.
fn site_of(issue: &Value) -> Option<String> {
    let url = issue.get("self")?.as_str()?;
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
