//! Webhook bodies in the shape Atlassian documents, checked as data, and
//! arbitrary bytes that must never panic.

use proptest::prelude::*;
use serde_json::{Value, json};
use sr_tracker::{CommentAction, TrackerEvent, TrackerInfo};

use super::parse;
use crate::config::Mapping;

fn info() -> TrackerInfo {
    TrackerInfo {
        name: "Company Jira".into(),
        provider: "jira".into(),
        instance: "acme.atlassian.net".into(),
        web_url: None,
    }
}

fn issue(status_category: &str) -> Value {
    json!({
        "id": "10002",
        "self": "https://acme.atlassian.net/rest/api/2/issue/10002",
        "key": "DB-7",
        "fields": {
            "summary": "Orders drifted",
            "description": null,
            "status": {"name": "Done", "statusCategory": {"key": status_category}},
            "priority": {"name": "High"},
            "labels": ["db"],
            "created": "2024-01-15T10:30:00.000+0000",
            "updated": "2024-01-15T11:00:00.000+0000",
            "issuetype": {"name": "Bug"},
            "project": {"key": "DB"}
        }
    })
}

/// What a parse came to, in one short line.
fn summary(event: &TrackerEvent) -> String {
    match event {
        TrackerEvent::Issue { action, issue } => format!(
            "issue {:?} {} {:?} {:?}",
            action,
            issue.key(),
            issue.reference.status.state,
            issue.reference.priority
        ),
        TrackerEvent::IssueDeleted { issue } => format!("deleted {issue}"),
        TrackerEvent::Comment {
            action,
            issue,
            comment,
        } => {
            format!(
                "comment {action:?} {issue} {} {:?}",
                comment.id, comment.body
            )
        }
        TrackerEvent::Ping => "ping".into(),
        TrackerEvent::PullRequest { action, pull } => {
            format!("pull {action} {}", pull.display_key())
        }
        TrackerEvent::Unknown { event } => format!("unknown {event}"),
    }
}

fn check(event: &str, body: Value, expected: Result<&str, &str>) {
    let got = parse(
        &info(),
        &Mapping::default(),
        event,
        body.to_string().as_bytes(),
    );
    match (got, expected) {
        (Ok(e), Ok(want)) => assert_eq!(summary(&e), want, "{body}"),
        (Err(e), Err(want)) => assert!(e.to_string().contains(want), "`{e}` lacks `{want}`"),
        (got, want) => panic!("{body}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn issue_events() {
    check(
        "",
        json!({"timestamp": 1, "webhookEvent": "jira:issue_created", "issue_event_type_name": "issue_created", "issue": issue("new")}),
        Ok("issue Opened jira:acme.atlassian.net:DB-7 Open Some(P1)"),
    );
    check(
        "",
        json!({"webhookEvent": "jira:issue_updated", "issue": issue("indeterminate"),
               "changelog": {"id": "1", "items": [{"field": "summary", "fromString": "a", "toString": "b"}]}}),
        Ok("issue Edited jira:acme.atlassian.net:DB-7 InProgress Some(P1)"),
    );
    check(
        "",
        json!({"webhookEvent": "jira:issue_updated", "issue": issue("done"),
               "changelog": {"items": [{"field": "status", "from": "10000", "to": "10001"}, {"field": "resolution", "from": null, "to": "10000"}]}}),
        Ok("issue Closed jira:acme.atlassian.net:DB-7 Done Some(P1)"),
    );
    check(
        "",
        json!({"webhookEvent": "jira:issue_updated", "issue": issue("new"),
               "changelog": {"items": [{"field": "status", "from": "10001", "to": "10000"}, {"field": "resolution", "from": "10000", "to": null}]}}),
        Ok("issue Reopened jira:acme.atlassian.net:DB-7 Open Some(P1)"),
    );
    check(
        "",
        json!({"webhookEvent": "jira:issue_updated", "issue": issue("new"),
               "changelog": {"items": [{"field": "assignee", "from": null, "to": "5b10"}]}}),
        Ok("issue Assigned jira:acme.atlassian.net:DB-7 Open Some(P1)"),
    );
    check(
        "",
        json!({"webhookEvent": "jira:issue_deleted", "issue": issue("new")}),
        Ok("deleted jira:acme.atlassian.net:DB-7"),
    );
    // The listener's event name is used when the body names none.
    check(
        "jira:issue_created",
        json!({"issue": issue("new")}),
        Ok("issue Opened jira:acme.atlassian.net:DB-7 Open Some(P1)"),
    );
}

#[test]
fn comment_events() {
    let comment = json!({
        "id": "10010",
        "author": {"accountId": "5b10", "displayName": "Mia Krystof"},
        "body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Seen on "}, {"type": "text", "text": "staging", "marks": [{"type": "strong"}]}]}]},
        "created": "2024-01-15T11:00:00.000+0000",
        "updated": "2024-01-15T11:00:00.000+0000"
    });
    for (name, action) in [
        ("comment_created", CommentAction::Created),
        ("comment_updated", CommentAction::Edited),
        ("comment_deleted", CommentAction::Deleted),
    ] {
        check(
            "",
            json!({"webhookEvent": name, "comment": comment, "issue": issue("new")}),
            Ok(&format!(
                "comment {action:?} jira:acme.atlassian.net:DB-7 10010 \"Seen on **staging**\""
            )),
        );
    }
    check(
        "",
        json!({"webhookEvent": "comment_created", "issue": issue("new")}),
        Err("it has no `comment`"),
    );
}

#[test]
fn other_events_and_bad_bodies() {
    for name in [
        "sprint_started",
        "worklog_created",
        "project_created",
        "jira:version_released",
    ] {
        check(
            "",
            json!({"webhookEvent": name}),
            Ok(&format!("unknown {name}")),
        );
    }
    check("", json!({}), Ok("unknown "));
    check(
        "",
        json!({"webhookEvent": "jira:issue_created"}),
        Err("it has no `issue`"),
    );
    check(
        "",
        json!({"webhookEvent": "jira:issue_created", "issue": {"key": 7}}),
        Err("its `issue` is not an issue"),
    );
    let mut other_site = issue("new");
    other_site["self"] = json!("https://other.atlassian.net/rest/api/2/issue/1");
    check(
        "",
        json!({"webhookEvent": "jira:issue_created", "issue": other_site}),
        Err("it is from other.atlassian.net"),
    );
    let got = parse(&info(), &Mapping::default(), "", b"{not json");
    assert!(got.is_err());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), event in ".{0,24}") {
        parse(&info(), &Mapping::default(), &event, &body).ok();
    }

    #[test]
    fn arbitrary_json_shapes_never_panic(
        name in prop_oneof![Just("jira:issue_created"), Just("jira:issue_updated"), Just("jira:issue_deleted"), Just("comment_created"), Just("x")],
        key in ".{0,12}",
        selfurl in ".{0,40}",
        cat in ".{0,12}",
    ) {
        let body = json!({"webhookEvent": name, "issue": {"id": "1", "key": key, "self": selfurl, "fields": {"status": {"statusCategory": {"key": cat}}}}, "comment": {"id": "2", "body": cat}});
        parse(&info(), &Mapping::default(), "", body.to_string().as_bytes()).ok();
    }
}
