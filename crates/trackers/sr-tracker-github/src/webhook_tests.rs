//! Every GitHub example delivery in `shared/fixtures/github-webhooks`
//! (GitHub's own examples, from `@octokit/webhooks-examples`).

use serde_json::Value;
use sr_model::IssueState;

use super::*;

fn fixtures(name: &str) -> Vec<Value> {
    let path = format!(
        "{}/../../../../shared/fixtures/github-webhooks/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("a JSON array of bodies")
}

fn info_for(body: &Value) -> TrackerInfo {
    let repo = body["repository"]["full_name"].as_str().unwrap_or("a/b");
    TrackerInfo {
        name: "GitHub".into(),
        provider: "github".into(),
        instance: format!("github.com/{repo}"),
        web_url: None,
    }
}

fn default_map() -> LabelMap {
    let c: crate::GitHubConfig = serde_json::from_value(
        serde_json::json!({"owner": "o", "repo": "r", "auth": {"type": "personal_token", "token": "${T}"}}),
    )
    .expect("config");
    c.label_map()
}

/// Parses every body of `event` and returns a one-line summary of each.
fn summaries(event: &str) -> Vec<String> {
    fixtures(event)
        .iter()
        .map(|body| {
            let bytes = body.to_string().into_bytes();
            match parse(&info_for(body), &default_map(), event, &bytes) {
                Ok(TrackerEvent::Issue { action, issue }) => {
                    format!(
                        "{action:?} {} {:?}",
                        issue.key(),
                        issue.reference.status.state
                    )
                }
                Ok(TrackerEvent::IssueDeleted { issue }) => format!("deleted {issue}"),
                Ok(TrackerEvent::Comment {
                    action,
                    issue,
                    comment,
                }) => format!("comment {action:?} {issue} by {}", comment.author),
                Ok(TrackerEvent::Ping) => "ping".into(),
                Ok(TrackerEvent::PullRequest { action, pull }) => {
                    format!("pull {action} {}", pull.display_key())
                }
                Ok(TrackerEvent::Unknown { event }) => format!("unknown {event}"),
                Err(e) => format!("error {e}"),
            }
        })
        .collect()
}

#[test]
fn issue_deliveries() {
    let hello = "github:github.com/Codertocat/Hello-World:1";
    let pr = "unknown issues (pull request)".to_owned();
    let open = |action: &str| format!("{action} {hello} Open");
    let expected = vec![
        open("Edited"),
        open("Assigned"),
        open("Assigned"),
        open("Assigned"),
        format!("deleted {hello}"),
        pr.clone(),
        pr.clone(),
        open("Edited"),
        open("Edited"),
        open("Labeled"),
        open("Labeled"),
        "unknown issues.locked".into(),
        "unknown issues.locked".into(),
        pr.clone(),
        pr,
        open("Opened"),
        open("Opened"),
        open("Opened"),
        open("Opened"),
        "unknown issues.pinned".into(),
        open("Reopened"),
        "Transferred github:github.com/octo-org/octo-repo:1 Open".into(),
        open("Unassigned"),
        open("Unassigned"),
        open("Unlabeled"),
        open("Unlabeled"),
        "unknown issues.unlocked".into(),
        "unknown issues.unlocked".into(),
        "unknown issues.unpinned".into(),
    ];
    assert_eq!(summaries("issues"), expected);
}

#[test]
fn comment_ping_and_other_deliveries() {
    let comments = summaries("issue_comment");
    assert_eq!(comments.len(), 9);
    assert!(
        comments
            .iter()
            .all(|s| s.starts_with("comment ")
                || s.starts_with("unknown issue_comment (pull request)")),
        "{comments:#?}"
    );
    assert!(
        comments.iter().any(|s| s.starts_with("comment Deleted ")),
        "{comments:#?}"
    );
    assert_eq!(summaries("ping"), vec!["ping"; 4]);
    assert!(summaries("label").iter().all(|s| s == "unknown label"));
    assert!(
        summaries("security_advisory")
            .iter()
            .all(|s| s == "unknown security_advisory")
    );
}

#[test]
fn a_closed_issue_and_a_stranger_repository() {
    let mut body = fixtures("issues")
        .into_iter()
        .find(|b| b["action"] == "reopened")
        .expect("reopened");
    body["action"] = "closed".into();
    body["issue"]["state"] = "closed".into();
    body["issue"]["state_reason"] = "not_planned".into();
    let info = info_for(&body);
    let bytes = body.to_string().into_bytes();
    match parse(&info, &default_map(), "issues", &bytes) {
        Ok(TrackerEvent::Issue { action, issue }) => {
            assert_eq!(action, IssueAction::Closed);
            assert_eq!(issue.reference.status.state, IssueState::Done);
            assert_eq!(
                issue.reference.status.resolution.as_deref(),
                Some("not_planned")
            );
        }
        other => panic!("{other:?}"),
    }
    let stranger = TrackerInfo {
        instance: "github.com/acme/db".into(),
        ..info
    };
    let e = parse(&stranger, &default_map(), "issues", &bytes).expect_err("other repository");
    assert!(e.to_string().contains("follows github.com/acme/db"), "{e}");
    let e = parse(&stranger, &default_map(), "issues", b"{not json").expect_err("not JSON");
    assert!(
        e.to_string()
            .starts_with("cannot read the issues webhook body"),
        "{e}"
    );
}
