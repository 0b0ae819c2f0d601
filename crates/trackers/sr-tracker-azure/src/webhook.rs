//! Azure DevOps service hook deliveries (the Web Hooks consumer) normalised
//! to [`TrackerEvent`]s: a pure function of the body, which names its event
//! in `eventType`. Work item events carry the work item in `resource`:
//! whole for `workitem.created` and `workitem.commented`, as
//! `resource.revision` (beside the changed fields) for `workitem.updated`.
//! A comment event names its comment in `resource.commentVersionRef` where
//! the service sends one; without it the event is the work item's edit (a
//! sync reads the comments). Other events are `Unknown`.
//!
//! Deliveries are verified before this, by the listener, with the
//! tracker's webhook secret: as the password of HTTP basic authentication
//! (the subscription's user name and password), or in the header
//! [`SECRET_HEADER`] (added to the subscription's HTTP headers).

use serde_json::Value;
use sr_model::Comment;
use sr_tracker::webhook::{Signature, WebhookSpec};
use sr_tracker::{CommentAction, IssueAction, TrackerEvent, TrackerInfo, WebhookParseError};

use crate::Mapping;
use crate::wire::{WireItem, identity};

/// The header a subscription may carry the shared secret in
/// (`X-ScratchRobin-Secret: <secret>` in its HTTP headers).
pub const SECRET_HEADER: &str = "X-ScratchRobin-Secret";

/// How deliveries are verified and named: basic authentication or the
/// secret header, whichever the delivery carries; the event in the body's
/// `eventType`. Azure sends no delivery id header, so a redelivery is
/// known by its body (the same notification, the same bytes).
pub const WEBHOOK: WebhookSpec = WebhookSpec {
    signatures: &[
        Signature::Token {
            header: SECRET_HEADER,
        },
        Signature::BasicPassword,
    ],
    event_header: None,
    event_field: Some("eventType"),
    delivery_id_headers: &[],
    form_field: None,
};

/// Normalises one delivery for the tracker `info`; `map` reads priorities
/// and states the way that tracker is configured.
pub fn parse(
    info: &TrackerInfo,
    map: &Mapping,
    event: &str,
    body: &[u8],
) -> Result<TrackerEvent, WebhookParseError> {
    let fail = |name: &str, reason: String| WebhookParseError {
        event: name.to_owned(),
        reason,
    };
    let json: Value = serde_json::from_slice(body).map_err(|e| fail(event, e.to_string()))?;
    let name = json
        .get("eventType")
        .and_then(Value::as_str)
        .unwrap_or(event)
        .to_owned();
    let resource = json.get("resource").cloned().unwrap_or(Value::Null);
    let item_value = match name.as_str() {
        "workitem.created" | "workitem.commented" | "workitem.restored" => resource.clone(),
        "workitem.updated" => {
            let mut revision = resource
                .get("revision")
                .cloned()
                .ok_or_else(|| fail(&name, "resource.revision is missing".into()))?;
            if revision.get("id").is_none()
                && let Some(id) = resource.get("workItemId")
            {
                revision["id"] = id.clone();
            }
            revision
        }
        "workitem.deleted" => {
            let id = resource
                .get("id")
                .and_then(Value::as_u64)
                .ok_or_else(|| fail(&name, "resource.id is missing".into()))?;
            return Ok(TrackerEvent::IssueDeleted {
                issue: info.key(id.to_string()),
            });
        }
        _ => return Ok(TrackerEvent::Unknown { event: name }),
    };
    let item: WireItem =
        serde_json::from_value(item_value).map_err(|e| fail(&name, e.to_string()))?;
    let issue = item.to_issue(info, &crate::wire::site_of(info), map);
    if name == "workitem.commented"
        && let Some(id) = resource
            .pointer("/commentVersionRef/commentId")
            .and_then(Value::as_u64)
    {
        let history = item
            .fields
            .get("System.History")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Ok(TrackerEvent::Comment {
            action: CommentAction::Created,
            issue: issue.reference.key.clone(),
            comment: Comment {
                id: id.to_string(),
                author: item
                    .fields
                    .get("System.ChangedBy")
                    .map(identity)
                    .unwrap_or_default(),
                body: crate::html::to_markdown(history),
                created_at: issue.reference.updated_at,
                updated_at: None,
            },
        });
    }
    let action = match name.as_str() {
        "workitem.created" => IssueAction::Opened,
        "workitem.updated" => {
            let changed_state = resource.pointer("/fields/System.State");
            let new = changed_state
                .and_then(|c| c.get("newValue"))
                .and_then(Value::as_str);
            let old = changed_state
                .and_then(|c| c.get("oldValue"))
                .and_then(Value::as_str);
            let kind = item.kind();
            match (old, new) {
                (Some(o), Some(n)) => {
                    let (o, n) = (map.state_of(kind, o), map.state_of(kind, n));
                    use sr_model::IssueState::Done;
                    match (o == Done, n == Done) {
                        (false, true) => IssueAction::Closed,
                        (true, false) => IssueAction::Reopened,
                        _ => IssueAction::Edited,
                    }
                }
                _ => IssueAction::Edited,
            }
        }
        _ => IssueAction::Edited,
    };
    Ok(TrackerEvent::Issue {
        action,
        issue: Box::new(issue),
    })
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
