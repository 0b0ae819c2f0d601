//! The parser on every GitLab webhook payload in `tests/fixtures/webhooks`
//! (GitLab's published examples), on edited cases, and under proptest with
//! arbitrary bytes and mutated real payloads: never a panic.

use super::*;
use proptest::prelude::*;
use sr_model::{IssueState, Priority};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/webhooks");

fn info(project: &str) -> TrackerInfo {
    TrackerInfo {
        name: "GitLab".into(),
        provider: "gitlab".into(),
        instance: format!("example.com/{project}"),
        web_url: None,
    }
}

fn fixture(file: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}/{file}")).expect("fixture")
}

/// The tracker a delivery belongs to: the payload's own project.
fn info_for(body: &[u8]) -> TrackerInfo {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let path = v["project"]["path_with_namespace"]
        .as_str()
        .unwrap_or("g/p");
    info(path)
}

/// A one-line summary of an event, for comparing.
fn summary(e: &TrackerEvent) -> String {
    match e {
        TrackerEvent::Issue { action, issue } => format!(
            "issue {action:?} {} {:?} labels={:?} assignee={:?}",
            issue.reference.key,
            issue.reference.status.state,
            issue.reference.labels,
            issue.reference.assignee
        ),
        TrackerEvent::IssueDeleted { issue } => format!("deleted {issue}"),
        TrackerEvent::Comment {
            action,
            issue,
            comment,
        } => format!(
            "comment {action:?} {issue} {} by {}: {}",
            comment.id, comment.author, comment.body
        ),
        TrackerEvent::Ping => "ping".into(),
        TrackerEvent::PullRequest { action, pull } => {
            format!("pull {action} {}", pull.display_key())
        }
        TrackerEvent::Unknown { event } => format!("unknown {event}"),
    }
}

fn check(event: &str, file: &str, expected: &str) {
    let body = fixture(file);
    let got = parse(
        &info_for(&body),
        &crate::GitLabConfig::default_labels(),
        event,
        &body,
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(summary(&got), expected, "{file}");
}

#[test]
fn every_fixture_normalises() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "Issue Hook",
            "issue.json",
            "issue Opened gitlab:example.com/gitlabhq/gitlab-test:23 Open labels=[\"API\"] assignee=Some(\"user1\")",
        ),
        (
            "Note Hook",
            "issue-comment.json",
            "comment Created gitlab:example.com/gitlab-org/gitlab-test:17 1241 by root: Hello world",
        ),
        (
            "Note Hook",
            "mr-comment.json",
            "unknown Note Hook (MergeRequest)",
        ),
        (
            "Note Hook",
            "commit-comment.json",
            "unknown Note Hook (Commit)",
        ),
        (
            "Note Hook",
            "snippet-comment.json",
            "unknown Note Hook (Snippet)",
        ),
        (
            "Merge Request Hook",
            "mr.json",
            "unknown Merge Request Hook",
        ),
        ("Push Hook", "push.json", "unknown Push Hook"),
        ("Tag Push Hook", "tag.json", "unknown Tag Push Hook"),
        ("Pipeline Hook", "pipeline.json", "unknown Pipeline Hook"),
        ("Job Hook", "job.json", "unknown Job Hook"),
        ("Wiki Page Hook", "wiki.json", "unknown Wiki Page Hook"),
        (
            "Deployment Hook",
            "deployment.json",
            "unknown Deployment Hook",
        ),
        (
            "Feature Flag Hook",
            "feature-flag.json",
            "unknown Feature Flag Hook",
        ),
        ("Release Hook", "release.json", "unknown Release Hook"),
        ("Emoji Hook", "emoji.json", "unknown Emoji Hook"),
        (
            "Resource Access Token Hook",
            "project-access-token.json",
            "unknown Resource Access Token Hook",
        ),
        (
            "Resource Access Token Hook",
            "group-access-token.json",
            "unknown Resource Access Token Hook",
        ),
        (
            "Member Hook",
            "group-access-request.json",
            "unknown Member Hook",
        ),
        (
            "Member Hook",
            "group-access-request-denied.json",
            "unknown Member Hook",
        ),
        (
            "Member Hook",
            "group-add-member.json",
            "unknown Member Hook",
        ),
        (
            "Member Hook",
            "group-remove-member.json",
            "unknown Member Hook",
        ),
        (
            "Member Hook",
            "group-update-member.json",
            "unknown Member Hook",
        ),
        (
            "Project Hook",
            "project-create.json",
            "unknown Project Hook",
        ),
        (
            "Project Hook",
            "project-delete.json",
            "unknown Project Hook",
        ),
        (
            "Subgroup Hook",
            "subgroup-create.json",
            "unknown Subgroup Hook",
        ),
        (
            "Subgroup Hook",
            "subgroup-remove.json",
            "unknown Subgroup Hook",
        ),
    ];
    let mut covered: Vec<&str> = cases.iter().map(|c| c.1).collect();
    covered.sort();
    let mut files: Vec<String> = std::fs::read_dir(DIR)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(covered, files, "every fixture has a case");
    for (event, file, expected) in cases {
        check(event, file, expected);
    }
    // Every fixture under the issue and note event names too: a body of
    // another kind is an error or Unknown, never a panic or a wrong event.
    for file in &files {
        let body = fixture(file);
        for event in ["Issue Hook", "Note Hook"] {
            well_formed(
                event,
                parse(
                    &info_for(&body),
                    &crate::GitLabConfig::default_labels(),
                    event,
                    &body,
                ),
            );
        }
    }
}

/// The issue fixture with `edit` applied to its JSON.
fn issue_with(edit: impl FnOnce(&mut Value)) -> Result<TrackerEvent, WebhookParseError> {
    let mut v: Value = serde_json::from_slice(&fixture("issue.json")).expect("json");
    edit(&mut v);
    let body = serde_json::to_vec(&v).expect("body");
    parse(
        &info("gitlabhq/gitlab-test"),
        &crate::GitLabConfig::default_labels(),
        "Issue Hook",
        &body,
    )
}

fn action(r: Result<TrackerEvent, WebhookParseError>) -> Result<IssueAction, String> {
    match r {
        Ok(TrackerEvent::Issue { action, .. }) => Ok(action),
        Ok(other) => Err(format!("{other:?}")),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn issue_actions() {
    let set = |a: &'static str| move |v: &mut Value| v["object_attributes"]["action"] = a.into();
    assert_eq!(action(issue_with(set("open"))), Ok(IssueAction::Opened));
    assert_eq!(action(issue_with(set("close"))), Ok(IssueAction::Closed));
    assert_eq!(action(issue_with(set("reopen"))), Ok(IssueAction::Reopened));
    // The fixture's `changes` swap API for Platform: a label was added.
    assert_eq!(action(issue_with(set("update"))), Ok(IssueAction::Labeled));
    assert_eq!(
        action(issue_with(|v| {
            v["object_attributes"]["action"] = "update".into();
            v["changes"]["labels"]["current"] = serde_json::json!([]);
        })),
        Ok(IssueAction::Unlabeled)
    );
    assert_eq!(
        action(issue_with(|v| {
            v["object_attributes"]["action"] = "update".into();
            v["changes"] = serde_json::json!({"title": {"previous": "a", "current": "b"}});
        })),
        Ok(IssueAction::Edited)
    );
    assert_eq!(
        action(issue_with(|v| {
            v["object_attributes"]["action"] = "update".into();
            v["changes"] =
                serde_json::json!({"assignees": {"previous": [], "current": [{"username": "u"}]}});
        })),
        Ok(IssueAction::Assigned)
    );
}

#[test]
fn closed_state_priority_labels_and_wrong_projects() {
    let got = issue_with(|v| {
        v["object_attributes"]["action"] = "close".into();
        v["object_attributes"]["state"] = "closed".into();
        v["labels"] = serde_json::json!([{"title": "priority::high"}, {"title": "db"}]);
    });
    match got {
        Ok(TrackerEvent::Issue { issue, .. }) => {
            assert_eq!(issue.reference.status.state, IssueState::Done);
            assert_eq!(issue.reference.priority, Some(Priority::P1));
            assert_eq!(issue.reference.labels, ["db"]);
            assert_eq!(issue.reference.url, "http://example.com/diaspora/issues/23");
        }
        other => panic!("{other:?}"),
    }
    let body = fixture("issue.json");
    let wrong = parse(
        &info("other/project"),
        &crate::GitLabConfig::default_labels(),
        "Issue Hook",
        &body,
    )
    .expect_err("another project");
    assert!(
        wrong
            .to_string()
            .contains("it is for project gitlabhq/gitlab-test"),
        "{wrong}"
    );
    // A tracker configured by numeric id matches the project's id.
    assert!(
        parse(
            &info("1"),
            &crate::GitLabConfig::default_labels(),
            "Issue Hook",
            &body
        )
        .is_ok()
    );
    assert!(
        parse(
            &info("2"),
            &crate::GitLabConfig::default_labels(),
            "Issue Hook",
            &body
        )
        .is_err()
    );
}

#[test]
fn malformed_bodies_are_errors() {
    let check_err = |event: &str, body: &str, want: &str| {
        let e = parse(
            &info("g/p"),
            &crate::GitLabConfig::default_labels(),
            event,
            body.as_bytes(),
        )
        .expect_err(body);
        assert!(e.to_string().contains(want), "{body}: `{e}` lacks `{want}`");
    };
    check_err("Issue Hook", "{", "EOF");
    check_err("Issue Hook", "[]", "not a JSON object");
    check_err("Issue Hook", "{}", "no `object_attributes`");
    check_err(
        "Note Hook",
        r#"{"object_attributes": {}}"#,
        "names no project",
    );
    check_err(
        "Issue Hook",
        r#"{"project": {"path_with_namespace": "g/p"}, "object_attributes": {"title": "t"}}"#,
        "no numeric `iid`",
    );
    check_err(
        "Note Hook",
        r#"{"project": {"path_with_namespace": "g/p"}, "object_attributes": {"noteable_type": "Issue", "id": 1}}"#,
        "without `issue`",
    );
}

/// What any outcome must look like: an error names the event and a
/// reason; an event about an issue carries this tracker's key.
fn well_formed(event: &str, r: Result<TrackerEvent, WebhookParseError>) {
    match r {
        Err(e) => assert!(e.event == event && !e.reason.is_empty(), "{e:?}"),
        Ok(TrackerEvent::Unknown { event: e }) => assert!(!e.is_empty()),
        Ok(TrackerEvent::Issue { issue, .. }) => assert_eq!(issue.reference.key.provider, "gitlab"),
        Ok(TrackerEvent::Comment { issue, .. }) => assert_eq!(issue.provider, "gitlab"),
        Ok(other) => panic!("GitLab has no such event: {other:?}"),
    }
}

fn any_event() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("Issue Hook"),
        Just("Note Hook"),
        Just("Confidential Issue Hook"),
        Just("Push Hook"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(event in any_event(), body in proptest::collection::vec(any::<u8>(), 0..512)) {
        well_formed(event, parse(&info("g/p"), &crate::GitLabConfig::default_labels(), event, &body));
    }

    #[test]
    fn mutated_payloads_never_panic(
        event in any_event(),
        file in prop_oneof![Just("issue.json"), Just("issue-comment.json"), Just("mr-comment.json")],
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut body = fixture(file);
        for (at, byte) in edits {
            let i = at % body.len();
            body[i] = byte;
        }
        body.truncate(cut % (body.len() + 1));
        well_formed(event, parse(&info_for(&body), &crate::GitLabConfig::default_labels(), event, &body));
    }

    #[test]
    fn retyped_fields_never_panic(
        key in prop_oneof![Just("iid"), Just("title"), Just("created_at"), Just("action"), Just("labels"), Just("state")],
        value in prop_oneof![
            Just(Value::Null), any::<i64>().prop_map(Value::from), any::<bool>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::from), Just(serde_json::json!([1, {"title": 2}])), Just(serde_json::json!({}))
        ],
    ) {
        well_formed("Issue Hook", issue_with(|v| {
            v["object_attributes"][key] = value.clone();
            v["labels"] = value.clone();
            v["changes"]["labels"]["current"] = value;
        }));
    }
}
