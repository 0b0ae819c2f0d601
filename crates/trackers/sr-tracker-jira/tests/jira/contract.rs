//! The contract kit every adapter passes, and the validator's own proof
//! that it would catch a create-issue body without a project.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn contract_kit_passes_with_no_validation_failures() {
    let f = fixture().await;
    sr_tracker::contract::check_tracker(&f.tracker, "DB-999")
        .await
        .expect("contract");
    // The run used the new search endpoint and transitions, never `/search`.
    let ops: Vec<String> = f
        .server
        .requests()
        .into_iter()
        .filter_map(|r| r.operation_id)
        .collect();
    for op in [
        "searchAndReconsileIssuesUsingJqlPost",
        "getTransitions",
        "doTransition",
        "createIssue",
        "editIssue",
        "addComment",
        "getComments",
    ] {
        assert!(ops.iter().any(|o| o == op), "{op} not used: {ops:?}");
    }
    assert!(
        !ops.iter()
            .any(|o| o == "searchForIssuesUsingJqlPost" || o == "searchForIssuesUsingJql")
    );
}

/// The validator is not vacuous: a create-issue body with no project
/// fails it, though the description's schema leaves `fields` open.
#[tokio::test]
async fn validator_rejects_create_issue_without_a_project() {
    let spec = sr_apimock::spec::jira().expect("Jira description");
    let server = sr_apimock::MockServer::start(spec, sr_apimock::JiraSite::new("DB"))
        .await
        .expect("server");
    server.rule("createIssue", create_issue_rule);
    let resp = sr_tracker::reqwest::Client::new()
        .post(format!("{}/rest/api/3/issue", server.base_url()))
        .header("authorization", BASIC)
        .json(&json!({"fields": {"issuetype": {"name": "Task"}, "summary": "Orders drifted"}}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["errors"]["project"], "valid project is required");
    assert_eq!(
        server.failures(),
        ["POST /rest/api/3/issue: fields.project must be given by id or key"]
    );
}
