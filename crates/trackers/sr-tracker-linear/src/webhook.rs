//! Linear's webhook deliveries normalised: `Issue` and `Comment` data
//! change events (`create`, `update`, `remove`) in Linear's envelope
//! (`action`, `type`, `data`, `updatedFrom`, `webhookTimestamp`). Pure:
//! the body in, a [`TrackerEvent`] out. Other types (projects, cycles,
//! reactions) are `Unknown`.

use serde::Deserialize;
use serde_json::Value;
use sr_model::{Comment, Timestamp};
use sr_tracker::{CommentAction, IssueAction, TrackerEvent, TrackerInfo, WebhookParseError};

use crate::factory::Mapping;
use crate::wire::{self, IssueParts};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    action: String,
    #[serde(rename = "type")]
    kind: String,
    data: Value,
    #[serde(default)]
    updated_from: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookState {
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookIssue {
    identifier: String,
    title: String,
    #[serde(default)]
    description: Option<String>,
    priority: f64,
    url: String,
    state: WebhookState,
    #[serde(default)]
    labels: Vec<Named>,
    #[serde(default)]
    assignee: Option<Named>,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(default)]
    trashed: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookComment {
    id: String,
    body: String,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(default)]
    user: Option<Named>,
    issue: Option<IssueRef>,
}

#[derive(Debug, Deserialize)]
struct IssueRef {
    identifier: String,
}

/// Normalises one delivery for the tracker `info`, read with `mapping`.
pub fn parse(
    info: &TrackerInfo,
    mapping: &Mapping,
    event: &str,
    body: &[u8],
) -> Result<TrackerEvent, WebhookParseError> {
    let fail = |reason: String| WebhookParseError {
        event: event.to_owned(),
        reason,
    };
    let env: Envelope = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    match env.kind.as_str() {
        "Issue" => {
            let issue: WebhookIssue =
                serde_json::from_value(env.data).map_err(|e| fail(format!("data: {e}")))?;
            if env.action == "remove" || issue.trashed == Some(true) {
                return Ok(TrackerEvent::IssueDeleted {
                    issue: info.key(issue.identifier),
                });
            }
            let changed = |field: &str| {
                env.updated_from
                    .as_ref()
                    .is_some_and(|u| u.get(field).is_some())
            };
            let done = matches!(issue.state.kind.as_str(), "completed" | "canceled");
            let action = match env.action.as_str() {
                "create" => IssueAction::Opened,
                _ if changed("stateId") && done => IssueAction::Closed,
                _ if changed("stateId") => {
                    let from_done = env
                        .updated_from
                        .as_ref()
                        .and_then(|u| u.get("completedAt").or_else(|| u.get("canceledAt")))
                        .is_some_and(|v| !v.is_null());
                    if from_done {
                        IssueAction::Reopened
                    } else {
                        IssueAction::Edited
                    }
                }
                _ if changed("labelIds") => IssueAction::Labeled,
                _ if changed("assigneeId") && issue.assignee.is_some() => IssueAction::Assigned,
                _ if changed("assigneeId") => IssueAction::Unassigned,
                _ => IssueAction::Edited,
            };
            let issue = wire::issue_from(
                IssueParts {
                    identifier: &issue.identifier,
                    title: &issue.title,
                    description: issue.description.as_deref(),
                    priority: issue.priority,
                    url: &issue.url,
                    state_name: &issue.state.name,
                    state_kind: &issue.state.kind,
                    labels: issue.labels.into_iter().map(|l| l.name).collect(),
                    assignee: issue.assignee.map(|a| a.name),
                    created_at: issue.created_at,
                    updated_at: issue.updated_at,
                },
                info,
                &mapping.types,
                &mapping.team,
            );
            Ok(TrackerEvent::Issue {
                action,
                issue: Box::new(issue),
            })
        }
        "Comment" => {
            let c: WebhookComment =
                serde_json::from_value(env.data).map_err(|e| fail(format!("data: {e}")))?;
            let Some(issue) = c.issue else {
                // A comment on a project update or a document, not an issue.
                return Ok(TrackerEvent::Unknown {
                    event: event.to_owned(),
                });
            };
            let action = match env.action.as_str() {
                "create" => CommentAction::Created,
                "remove" => CommentAction::Deleted,
                _ => CommentAction::Edited,
            };
            Ok(TrackerEvent::Comment {
                action,
                issue: info.key(issue.identifier),
                comment: Comment {
                    id: c.id,
                    author: c.user.map(|u| u.name).unwrap_or_default(),
                    body: c.body,
                    created_at: c.created_at,
                    updated_at: (c.updated_at != c.created_at).then_some(c.updated_at),
                },
            })
        }
        _ => Ok(TrackerEvent::Unknown {
            event: event.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_model::{IssueState, Priority};
    use sr_tracker::kit::Adapter;

    fn info() -> TrackerInfo {
        TrackerInfo {
            name: "Linear".into(),
            provider: "linear".into(),
            instance: "api.linear.app/DB".into(),
            web_url: None,
        }
    }

    fn parse_body(event: &str, body: &[u8]) -> TrackerEvent {
        let mapping = crate::Linear.mapping(None);
        parse(&info(), &mapping, event, body).expect("parses")
    }

    #[test]
    fn issue_created() {
        let body = include_bytes!("../tests/fixtures/webhooks/issue-create.json");
        let TrackerEvent::Issue { action, issue } = parse_body("Issue", body) else {
            panic!("not an issue event");
        };
        assert_eq!(action, IssueAction::Opened);
        let r = &issue.reference;
        assert_eq!(r.key.to_string(), "linear:api.linear.app/DB:DB-23");
        assert_eq!(r.display_key, "DB-23");
        assert_eq!(r.title, "Orders table drifted");
        assert_eq!(r.priority, Some(Priority::P1));
        assert_eq!(r.status.state, IssueState::Open);
        assert_eq!(r.status.name, "Todo");
        assert_eq!(r.labels, ["schema-drift"]);
        assert_eq!(issue.issue_type.as_deref(), Some("Bug"));
        assert_eq!(r.assignee.as_deref(), Some("Grace Hopper"));
        assert_eq!(issue.body, "The `orders` table has a new column.");
    }

    #[test]
    fn issue_closed_and_removed() {
        let body = include_bytes!("../tests/fixtures/webhooks/issue-update-done.json");
        let TrackerEvent::Issue { action, issue } = parse_body("Issue", body) else {
            panic!("not an issue event");
        };
        assert_eq!(action, IssueAction::Closed);
        assert_eq!(issue.reference.status.state, IssueState::Done);
        assert_eq!(
            issue.reference.status.resolution.as_deref(),
            Some("completed")
        );
        let body = include_bytes!("../tests/fixtures/webhooks/issue-remove.json");
        assert_eq!(
            parse_body("Issue", body),
            TrackerEvent::IssueDeleted {
                issue: info().key("DB-23")
            }
        );
    }

    #[test]
    fn comments_and_other_types() {
        let body = include_bytes!("../tests/fixtures/webhooks/comment-create.json");
        let TrackerEvent::Comment {
            action,
            issue,
            comment,
        } = parse_body("Comment", body)
        else {
            panic!("not a comment event");
        };
        assert_eq!(action, CommentAction::Created);
        assert_eq!(issue.to_string(), "linear:api.linear.app/DB:DB-23");
        assert_eq!(comment.body, "Seen on staging too.");
        assert_eq!(comment.author, "Grace Hopper");
        assert_eq!(comment.updated_at, None);
        assert_eq!(
            parse_body("Cycle", br#"{"action":"create","type":"Cycle","data":{}}"#),
            TrackerEvent::Unknown {
                event: "Cycle".into()
            }
        );
        let e = parse(
            &info(),
            &crate::Linear.mapping(None),
            "Issue",
            b"{\"type\": 1",
        )
        .expect_err("not JSON");
        assert_eq!(e.event, "Issue");
    }
}
