//! Pull request deliveries built from GitHub's own example pull request
//! (`components/examples/pull-request` in GitHub's REST description).

use serde_json::{Value, json};

use super::*;

fn example_pull() -> Value {
    let path = format!(
        "{}/../../../../shared/api-specs/github-rest-api.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let spec: Value = serde_json::from_str(&text).expect("GitHub's description");
    spec["components"]["examples"]["pull-request"]["value"].clone()
}

fn info() -> TrackerInfo {
    TrackerInfo {
        name: "GitHub".into(),
        provider: "github".into(),
        instance: "github.com/octocat/Hello-World".into(),
        web_url: None,
    }
}

fn map() -> LabelMap {
    crate::GitHubConfig::default_labels()
}

fn delivery(action: &str, pull: Value) -> Vec<u8> {
    json!({
        "action": action,
        "number": pull["number"],
        "pull_request": pull,
        "repository": {"full_name": "octocat/Hello-World"},
    })
    .to_string()
    .into_bytes()
}

fn parsed(event: &str, body: &[u8]) -> (String, PullRequest) {
    match parse(&info(), &map(), event, body).expect("parse") {
        TrackerEvent::PullRequest { action, pull } => (action, *pull),
        other => panic!("{other:?}"),
    }
}

#[test]
fn githubs_example_is_a_merged_pull_request() {
    let (action, p) = parsed("pull_request", &delivery("closed", example_pull()));
    assert_eq!(action, "closed");
    assert_eq!(
        (p.number, p.title.as_str(), p.branch.as_str(), p.state),
        (1347, "Amazing new feature", "new-topic", PullState::Merged)
    );
    assert_eq!(p.repo, "octocat/Hello-World");
    assert_eq!(p.url, "https://github.com/octocat/Hello-World/pull/1347");
    assert_eq!(p.body, "Please pull these awesome changes in!");
    assert_eq!(p.checks.as_deref(), Some("clean"));
    assert_eq!(
        (p.tracker.as_str(), p.provider.as_str()),
        ("GitHub", "github")
    );
    assert!(p.merged_at.is_some());
    assert_eq!(p.display_key(), "octocat/Hello-World#1347");
}

#[test]
fn open_and_closed_unmerged_requests() {
    let mut pull = example_pull();
    pull["merged_at"] = Value::Null;
    pull["merged"] = json!(false);
    pull["draft"] = json!(true);
    let (_, p) = parsed("pull_request", &delivery("opened", pull.clone()));
    assert_eq!((p.state, p.draft), (PullState::Open, true));
    pull["state"] = json!("closed");
    let (_, p) = parsed("pull_request", &delivery("closed", pull));
    assert_eq!(p.state, PullState::Closed);
}

#[test]
fn a_review_gives_the_review_state() {
    let mut body: Value =
        serde_json::from_slice(&delivery("submitted", example_pull())).expect("json");
    body["review"] = json!({"state": "APPROVED"});
    let (action, p) = parsed("pull_request_review", body.to_string().as_bytes());
    assert_eq!(
        (action.as_str(), p.review.as_deref()),
        ("review_submitted", Some("approved"))
    );
    body["review"] = json!({"state": "commented"});
    let (_, p) = parsed("pull_request_review", body.to_string().as_bytes());
    assert_eq!(p.review, None);
}

#[test]
fn another_repositorys_request_is_refused_and_issues_still_parse() {
    let mut body: Value =
        serde_json::from_slice(&delivery("opened", example_pull())).expect("json");
    body["repository"]["full_name"] = json!("someone/else");
    let err = parse(&info(), &map(), "pull_request", body.to_string().as_bytes())
        .expect_err("wrong repository");
    assert!(err.reason.contains("someone/else"), "{err}");
    assert_eq!(
        parse(&info(), &map(), "ping", b"{}").expect("ping"),
        TrackerEvent::Ping
    );
}
