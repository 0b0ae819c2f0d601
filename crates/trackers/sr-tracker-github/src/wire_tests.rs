//! Conversions checked on GitHub's own example payloads
//! (`tests/fixtures/`, from GitHub's OpenAPI description).

use serde_json::Value;
use sr_model::{IssueState, Priority};

use super::*;
use crate::config::GitHubConfig;

const ISSUE: &str = include_str!("../tests/fixtures/issue.json");
const COMMENT: &str = include_str!("../tests/fixtures/issue-comment.json");
const SEARCH: &str = include_str!("../tests/fixtures/search-issues.json");

fn info() -> TrackerInfo {
    TrackerInfo {
        name: "GitHub".into(),
        provider: "github".into(),
        instance: "github.com/octocat/Hello-World".into(),
        web_url: None,
    }
}

fn mapping(extra: Value) -> LabelMap {
    let mut config = serde_json::json!({"owner": "octocat", "repo": "Hello-World", "auth": {"type": "personal_token", "token": "${T}"}});
    if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    serde_json::from_value::<GitHubConfig>(config)
        .expect("config")
        .label_map()
}

/// Parses `payload` with `edit` applied and checks the converted issue's
/// (state, resolution, labels, priority, type, assignee).
#[allow(clippy::type_complexity)]
fn check(
    edit: impl FnOnce(&mut Value),
    map: &LabelMap,
    expected: (
        IssueState,
        Option<&str>,
        &[&str],
        Option<Priority>,
        Option<&str>,
        Option<&str>,
    ),
) {
    let mut v: Value = serde_json::from_str(ISSUE).expect("fixture");
    edit(&mut v);
    let w: WireIssue = serde_json::from_value(v).expect("wire issue");
    let i = to_issue(&w, &info(), map, "octocat/Hello-World");
    let r = &i.reference;
    let labels: Vec<&str> = r.labels.iter().map(String::as_str).collect();
    assert_eq!(
        (
            r.status.state,
            r.status.resolution.as_deref(),
            labels.as_slice(),
            r.priority,
            i.issue_type.as_deref(),
            r.assignee.as_deref()
        ),
        expected
    );
}

#[test]
fn real_issue_payload() {
    let v: Value = serde_json::from_str(ISSUE).expect("fixture");
    let w: WireIssue = serde_json::from_value(v).expect("wire issue");
    assert!(w.is_pull_request(), "the example is a pull request");
    let i = to_issue(&w, &info(), &mapping(Value::Null), "octocat/Hello-World");
    assert_eq!(
        i.key().to_string(),
        "github:github.com/octocat/Hello-World:1347"
    );
    assert_eq!(i.reference.display_key, "#1347");
    assert_eq!(
        i.reference.url,
        "https://github.com/octocat/Hello-World/issues/1347"
    );
    assert_eq!(i.reference.title, "Found a bug");
    assert_eq!(i.body, "I'm having a problem with this.");
    assert_eq!(i.project.as_deref(), Some("octocat/Hello-World"));
}

#[test]
fn states_labels_and_mappings() {
    let plain = mapping(Value::Null);
    let typed = mapping(
        serde_json::json!({"type_labels": {"Bug": "bug"}, "priority_labels": {"P0": "urgent"}}),
    );
    check(
        |_| {},
        &plain,
        (
            IssueState::Open,
            None,
            &["bug"],
            None,
            None,
            Some("octocat"),
        ),
    );
    check(
        |_| {},
        &typed,
        (
            IssueState::Open,
            None,
            &[],
            None,
            Some("Bug"),
            Some("octocat"),
        ),
    );
    check(
        |v| {
            v["state"] = "closed".into();
            v["state_reason"] = "not_planned".into();
            v["assignee"] = Value::Null;
        },
        &plain,
        (
            IssueState::Done,
            Some("not_planned"),
            &["bug"],
            None,
            None,
            None,
        ),
    );
    check(
        |v| {
            v["labels"] =
                serde_json::json!(["urgent", {"name": "in progress"}, {"name": "db"}, {"id": 3}])
        },
        &typed,
        (
            IssueState::InProgress,
            None,
            &["db"],
            Some(Priority::P0),
            None,
            Some("octocat"),
        ),
    );
    check(
        |v| v["labels"] = serde_json::json!([{"name": "priority: lowest"}]),
        &plain,
        (
            IssueState::Open,
            None,
            &[],
            Some(Priority::P4),
            None,
            Some("octocat"),
        ),
    );
}

#[test]
fn search_items_and_comments() {
    let v: Value = serde_json::from_str(SEARCH).expect("fixture");
    let items: Vec<WireIssue> = serde_json::from_value(v["items"].clone()).expect("items");
    assert_eq!(items.len(), 1);
    assert!(items[0].is_pull_request());
    let c: WireComment = serde_json::from_str(COMMENT).expect("fixture");
    let c = to_comment(&c);
    assert_eq!(
        (c.id.as_str(), c.author.as_str(), c.body.as_str()),
        ("1", "octocat", "Me too")
    );
}

#[test]
fn outgoing() {
    let m = mapping(serde_json::json!({"type_labels": {"Bug": "bug"}}));
    let labels = m.outgoing(
        &["db".into(), "DB".into(), " ".into()],
        Some(Priority::P2),
        Some("Bug"),
        true,
    );
    assert_eq!(labels, ["db", "priority: medium", "bug", "in progress"]);
    for (given, want) in [
        (None, "completed"),
        (Some("completed"), "completed"),
        (Some("Won't Do"), "not_planned"),
        (Some("not planned"), "not_planned"),
        (Some("duplicate"), "duplicate"),
        (Some("fixed"), "completed"),
    ] {
        assert_eq!(state_reason(given), want, "{given:?}");
    }
}
