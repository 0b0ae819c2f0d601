//! The contract kit every adapter passes, against the validating mock, and
//! the mock's own proof that it refuses what YouTrack refuses.

use serde_json::json;
use sr_model::{IssueDraft, IssueState, IssueUpdate, Priority};
use sr_tracker::IssueTracker;

use crate::common::*;

#[tokio::test]
async fn contract_kit_passes_with_no_validation_failures() {
    let f = fixture().await;
    sr_tracker::contract::check_tracker(&f.tracker, "DB-99999")
        .await
        .expect("contract");
    for op in [
        "getProjects",
        "getProjectCustomFields",
        "createIssue",
        "updateIssue",
        "getIssue",
        "getIssues",
        "createComment",
        "getComments",
    ] {
        assert!(
            f.server.count(op) > 0,
            "{op} not used: {:?}",
            f.server.requests()
        );
    }
    // Every request named its projection.
    for r in f.server.requests() {
        if r.method != "DELETE" {
            assert!(
                r.query.iter().any(|(k, v)| k == "fields" && !v.is_empty()),
                "no fields= in {r:?}"
            );
        }
    }
}

/// Type, assignee and in progress go through the custom fields the
/// project's schema declares, with their `$type`s.
#[tokio::test]
async fn custom_fields_follow_the_project_schema() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Orders drifted", "**bold** stays Markdown");
    draft.issue_type = Some("Task".into());
    draft.assignees = vec!["mia".into()];
    draft.priority = Some(Priority::P0);
    let i = f.tracker.create_issue(&draft).await.expect("create");
    assert_eq!(i.issue_type.as_deref(), Some("Task"));
    assert_eq!(i.reference.assignee.as_deref(), Some("mia"));
    assert_eq!(i.reference.priority, Some(Priority::P0));
    assert_eq!(i.body, "**bold** stays Markdown");
    assert_eq!(i.reference.labels, ["scratchrobin"]);
    let id = i.reference.key.id.clone();
    assert_eq!(id, "DB-1");
    let moved = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                state: Some(IssueState::InProgress),
                assignee: Some(None),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("in progress");
    assert_eq!(moved.reference.status.state, IssueState::InProgress);
    assert_eq!(moved.reference.status.name, "In Progress");
    assert_eq!(moved.reference.assignee, None);
    // A value the field does not have is refused before it is sent.
    let mut bad = IssueDraft::new("x", "");
    bad.issue_type = Some("Epic".into());
    let e = f.tracker.create_issue(&bad).await.expect_err("no Epic");
    assert!(e.to_string().contains("Bug, Task, Feature"), "{e}");
    // The schema was read once.
    assert_eq!(f.server.count("getProjectCustomFields"), 1);
}

/// The mock is not vacuous: a request without `fields`, and custom
/// fields with a wrong `$type` or an unknown value, are refused.
#[tokio::test]
async fn the_mock_refuses_what_youtrack_refuses() {
    let project = sr_apimock::YouTrackProject::new(PROJECT).with_authorization(BEARER);
    let server = server(project.clone()).await;
    let client = sr_tracker::reqwest::Client::new();
    let base = server.base_url().to_owned();
    let status = |r: sr_tracker::reqwest::Response| r.status().as_u16();
    let r = client
        .get(format!("{base}/api/issues/DB-1"))
        .header("authorization", BEARER)
        .send()
        .await
        .expect("send");
    assert_eq!(status(r), 400);
    assert!(
        server
            .failures()
            .iter()
            .any(|m| m.contains("required query parameter `fields`")),
        "{:?}",
        server.failures()
    );
    let post = |body: serde_json::Value| {
        client
            .post(format!("{base}/api/issues?fields=id"))
            .header("authorization", BEARER)
            .json(&body)
            .send()
    };
    let wrong_type = json!({"project": {"id": "0-7"}, "summary": "x", "customFields": [
        {"name": "Priority", "$type": "StateIssueCustomField", "value": {"name": "Major"}}]});
    let r = post(wrong_type).await.expect("send");
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Incompatible field type")
    );
    let unknown = json!({"project": {"id": "0-7"}, "summary": "x", "customFields": [
        {"name": "Priority", "$type": "SingleEnumIssueCustomField", "value": {"name": "Urgent"}}]});
    let r = post(unknown).await.expect("send");
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(project.count(), 0, "nothing was created");
    // A projection cuts the answer: `idReadable` only when asked.
    project.seed("seeded", &[]);
    let r = client
        .get(format!("{base}/api/issues/DB-1?fields=id"))
        .header("authorization", BEARER)
        .send()
        .await
        .expect("send");
    let v: serde_json::Value = r.json().await.expect("json");
    assert_eq!(v, json!({"$type": "Issue", "id": "2-1"}));
}
