//! Service hook bodies from `tests/fixtures/webhooks`, and the listener's
//! checks (basic authentication, the secret header) on them.

use super::*;
use sr_model::{IssueState, Priority};
use sr_tracker::Rejection;

fn info() -> TrackerInfo {
    TrackerInfo {
        name: "Boards".into(),
        provider: "azure_devops".into(),
        instance: "dev.azure.com/acme/DB".into(),
        web_url: Some("https://dev.azure.com/acme/DB/_workitems".into()),
    }
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/webhooks/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parsed(name: &str) -> TrackerEvent {
    parse(&info(), &Mapping::default(), "", &fixture(name)).expect("parsed")
}

#[test]
fn created_work_items_are_opened_issues() {
    let TrackerEvent::Issue { action, issue } = parsed("workitem-created") else {
        panic!("not an issue event")
    };
    assert_eq!(action, IssueAction::Opened);
    let r = &issue.reference;
    assert_eq!(r.key.to_string(), "azure_devops:dev.azure.com/acme/DB:5");
    assert_eq!(r.url, "https://dev.azure.com/acme/DB/_workitems/edit/5");
    assert_eq!(r.title, "Orders table drifted");
    assert_eq!(r.status.state, IssueState::Open);
    assert_eq!(r.priority, Some(Priority::P2));
    assert_eq!(r.labels, ["db", "scratchrobin"]);
    assert_eq!(issue.body, "The `orders` table drifted.");
    assert_eq!(issue.issue_type.as_deref(), Some("Task"));
}

#[test]
fn updates_read_the_revision_and_tell_a_close() {
    let TrackerEvent::Issue { action, issue } = parsed("workitem-updated") else {
        panic!("not an issue event")
    };
    assert_eq!(action, IssueAction::Closed);
    assert_eq!(issue.reference.key.id, "5");
    assert_eq!(issue.reference.status.state, IssueState::Done);
    assert_eq!(
        issue.reference.status.resolution.as_deref(),
        Some("Completed")
    );
    assert_eq!(issue.reference.assignee.as_deref(), Some("mia@acme.com"));
    assert_eq!(issue.reference.priority, Some(Priority::P0));
}

#[test]
fn comments_name_their_comment() {
    let TrackerEvent::Comment {
        action,
        issue,
        comment,
    } = parsed("workitem-commented")
    else {
        panic!("not a comment event")
    };
    assert_eq!(action, CommentAction::Created);
    assert_eq!(issue.id, "5");
    assert_eq!(comment.id, "12");
    assert_eq!(comment.body, "Seen on **staging** too.");
    assert_eq!(comment.author, "mia@acme.com");
}

#[test]
fn other_events_and_broken_bodies() {
    let body = br#"{"eventType": "git.push", "resource": {}}"#;
    assert_eq!(
        parse(&info(), &Mapping::default(), "", body),
        Ok(TrackerEvent::Unknown {
            event: "git.push".into()
        })
    );
    let deleted = br#"{"eventType": "workitem.deleted", "resource": {"id": 9}}"#;
    assert!(matches!(
        parse(&info(), &Mapping::default(), "", deleted),
        Ok(TrackerEvent::IssueDeleted { issue }) if issue.id == "9"
    ));
    let e = parse(
        &info(),
        &Mapping::default(),
        "workitem.updated",
        b"{\"eventType\": \"workitem.updated\", \"resource\": {}}",
    )
    .expect_err("no revision");
    assert!(e.reason.contains("resource.revision"), "{e}");
    assert!(parse(&info(), &Mapping::default(), "x", b"{").is_err());
}

/// The listener takes the secret as the basic authentication password or
/// in the secret header; anything else is refused.
#[test]
fn deliveries_are_verified_by_basic_auth_or_the_secret_header() {
    use base64::Engine as _;
    let body = fixture("workitem-created");
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("scratchrobin:s3cret")
    );
    let ok: &[(&str, &str)] = &[("Authorization", &basic)];
    assert_eq!(WEBHOOK.verify(ok, b"s3cret", &body, 0, None), Ok(()));
    assert_eq!(
        WEBHOOK.verify(ok, b"other", &body, 0, None),
        Err(Rejection::Mismatch)
    );
    let header: &[(&str, &str)] = &[(SECRET_HEADER, "s3cret")];
    assert_eq!(WEBHOOK.verify(header, b"s3cret", &body, 0, None), Ok(()));
    assert_eq!(
        WEBHOOK.verify(header, b"other", &body, 0, None),
        Err(Rejection::Mismatch)
    );
    let none: &[(&str, &str)] = &[];
    assert_eq!(
        WEBHOOK.verify(none, b"s3cret", &body, 0, None),
        Err(Rejection::Missing("Authorization"))
    );
    let parsed_body: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        WEBHOOK.event_name(none, Some(&parsed_body)),
        "workitem.created"
    );
    // No delivery id header: the body is the id, so a redelivery matches.
    assert_eq!(
        WEBHOOK.delivery_id(none, &body),
        WEBHOOK.delivery_id(ok, &body)
    );
}
