//! GitLab webhook bodies normalised to [`TrackerEvent`]s: a pure function
//! of the event name (`X-Gitlab-Event`) and the body. Issue hooks carry the
//! issue as it is after the change (`object_attributes.action` open,
//! update, close, reopen; label changes from `changes.labels`); note hooks
//! on issues are comments; everything else (merge requests, pushes,
//! pipelines, notes on commits or snippets…) is `Unknown`. Tokens and
//! signatures are checked before this, by the listener.

use serde_json::Value;
use sr_model::{Comment, Timestamp};
use sr_tracker::{CommentAction, IssueAction, TrackerEvent, TrackerInfo, WebhookParseError};

use crate::wire::{self, IssueParts};
use sr_tracker::kit::LabelMap;

/// Normalises one delivery for the tracker `info` (its instance ends in
/// the configured project, path or numeric id); `map` turns priority and
/// type labels into fields.
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
    let kind = match event.trim() {
        "Issue Hook" | "Confidential Issue Hook" => Kind::Issue,
        "Note Hook" | "Confidential Note Hook" => Kind::Note,
        _ => {
            return Ok(TrackerEvent::Unknown {
                event: event.to_owned(),
            });
        }
    };
    let body: Value = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    if !body.is_object() {
        return Err(fail("it is not a JSON object".into()));
    }
    let attrs = body
        .get("object_attributes")
        .filter(|a| a.is_object())
        .ok_or_else(|| fail("it has no `object_attributes`".into()))?;
    let project = check_project(info, &body).map_err(fail)?;
    match kind {
        Kind::Issue => issue_event(info, map, &body, attrs, &project).map_err(fail),
        Kind::Note => note_event(info, &body, attrs).map_err(fail),
    }
}

enum Kind {
    Issue,
    Note,
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The project the delivery is about, checked against the tracker's: by
/// numeric id when the tracker is configured by id, else by full path.
pub(crate) fn check_project(info: &TrackerInfo, body: &Value) -> Result<String, String> {
    let p = body
        .get("project")
        .ok_or_else(|| "it names no project".to_owned())?;
    let path = str_at(p, "path_with_namespace").unwrap_or_default();
    let id = p.get("id").and_then(Value::as_u64);
    let configured = info
        .instance
        .split_once('/')
        .map(|(_, p)| p)
        .unwrap_or_default();
    let same = match configured.parse::<u64>() {
        Ok(n) => id == Some(n),
        Err(_) => !path.is_empty() && path.eq_ignore_ascii_case(configured),
    };
    if !same {
        let named = if path.is_empty() {
            id.map(|i| format!("id {i}"))
                .unwrap_or_else(|| "no project".into())
        } else {
            path.to_owned()
        };
        return Err(format!(
            "it is for project {named}, but tracker `{}` follows {}; point that project's webhook at its own tracker's URL",
            info.name, info.instance
        ));
    }
    Ok(if path.is_empty() {
        configured.to_owned()
    } else {
        path.to_owned()
    })
}

fn iid_of(v: &Value) -> Result<u64, String> {
    v.get("iid")
        .and_then(Value::as_u64)
        .ok_or_else(|| "the issue has no numeric `iid`".to_owned())
}

pub(crate) fn time_at(v: &Value, key: &str) -> Result<Timestamp, String> {
    str_at(v, key)
        .and_then(wire::parse_timestamp)
        .ok_or_else(|| format!("`{key}` is missing or not a timestamp"))
}

/// Label titles from a list of label objects.
fn titles(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| str_at(l, "title").or_else(|| l.as_str()))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn issue_event(
    info: &TrackerInfo,
    map: &LabelMap,
    body: &Value,
    attrs: &Value,
    project: &str,
) -> Result<TrackerEvent, String> {
    let iid = iid_of(attrs)?;
    let labels = if body.get("labels").is_some_and(Value::is_array) {
        titles(body.get("labels"))
    } else {
        titles(attrs.get("labels"))
    };
    let assignee = body
        .get("assignees")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|u| str_at(u, "username"))
        .map(str::to_owned);
    let issue = wire::issue_from(
        IssueParts {
            iid,
            title: str_at(attrs, "title").ok_or("the issue has no `title`")?,
            description: str_at(attrs, "description"),
            closed: str_at(attrs, "state") == Some("closed"),
            labels,
            assignee,
            url: str_at(attrs, "url").unwrap_or_default().to_owned(),
            created_at: time_at(attrs, "created_at")?,
            updated_at: time_at(attrs, "updated_at")?,
        },
        info,
        map,
        project,
    );
    let changes = body.get("changes");
    let action = match str_at(attrs, "action") {
        Some("open") => IssueAction::Opened,
        Some("close") => IssueAction::Closed,
        Some("reopen") => IssueAction::Reopened,
        _ => changed_labels(changes)
            .or_else(|| changed_assignees(changes))
            .unwrap_or(IssueAction::Edited),
    };
    Ok(TrackerEvent::Issue {
        action,
        issue: Box::new(issue),
    })
}

/// Labeled when an update added a label, Unlabeled when it only removed.
fn changed_labels(changes: Option<&Value>) -> Option<IssueAction> {
    let c = changes?.get("labels")?;
    let before = titles(c.get("previous"));
    let after = titles(c.get("current"));
    if after.iter().any(|l| !before.contains(l)) {
        Some(IssueAction::Labeled)
    } else if before.iter().any(|l| !after.contains(l)) {
        Some(IssueAction::Unlabeled)
    } else {
        None
    }
}

fn changed_assignees(changes: Option<&Value>) -> Option<IssueAction> {
    let c = changes?.get("assignees")?;
    let now = c
        .get("current")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Some(if now > 0 {
        IssueAction::Assigned
    } else {
        IssueAction::Unassigned
    })
}

fn note_event(info: &TrackerInfo, body: &Value, attrs: &Value) -> Result<TrackerEvent, String> {
    let on = str_at(attrs, "noteable_type").unwrap_or_default();
    if on != "Issue" {
        return Ok(TrackerEvent::Unknown {
            event: format!("Note Hook ({})", if on.is_empty() { "unknown" } else { on }),
        });
    }
    let issue = body
        .get("issue")
        .ok_or_else(|| "a note on an issue without `issue`".to_owned())?;
    let iid = iid_of(issue)?;
    let id = attrs
        .get("id")
        .and_then(Value::as_u64)
        .ok_or_else(|| "the note has no numeric `id`".to_owned())?;
    let created_at = time_at(attrs, "created_at")?;
    let updated_at = str_at(attrs, "updated_at").and_then(wire::parse_timestamp);
    let action = match str_at(attrs, "action") {
        Some("update") => CommentAction::Edited,
        _ => CommentAction::Created,
    };
    Ok(TrackerEvent::Comment {
        action,
        issue: info.key(iid.to_string()),
        comment: Comment {
            id: id.to_string(),
            author: body
                .get("user")
                .and_then(|u| str_at(u, "username"))
                .unwrap_or_default()
                .to_owned(),
            body: str_at(attrs, "note").unwrap_or_default().to_owned(),
            created_at,
            updated_at: updated_at.filter(|u| *u != created_at),
        },
    })
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
