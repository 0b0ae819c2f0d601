//! The same validator on Atlassian's Jira Cloud description: schemas, the
//! create-issue rule the schema cannot express, and example answers given
//! as JSON text.

use serde_json::{Value, json};
use sr_apimock::{ExamplesOnly, MockServer};

/// What Jira requires of a create-issue body beyond its schema (`fields`
/// is an open map there): a project, an issue type and a summary.
fn create_issue_rule(body: &Value) -> Vec<String> {
    let fields = body.get("fields");
    let mut errors = Vec::new();
    for (name, keys) in [
        ("project", &["id", "key"][..]),
        ("issuetype", &["id", "name"][..]),
    ] {
        let given = fields.and_then(|f| f.get(name));
        if !given.is_some_and(|g| keys.iter().any(|k| g.get(*k).is_some_and(Value::is_string))) {
            errors.push(format!(
                "fields.{name} must be given by {}",
                keys.join(" or ")
            ));
        }
    }
    if fields
        .and_then(|f| f.get("summary"))
        .is_none_or(|s| s.as_str().is_none_or(|s| s.trim().is_empty()))
    {
        errors.push("fields.summary must be a non-empty string".into());
    }
    errors
}

async fn post(server: &MockServer, path: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url()))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn create_issue_without_a_project_is_rejected() {
    let spec = sr_apimock::spec::jira().expect("Jira description in shared/api-specs");
    let server = MockServer::start(spec, ExamplesOnly).await.expect("server");
    server.rule("createIssue", create_issue_rule);

    let good = json!({"fields": {"project": {"key": "DB"}, "issuetype": {"name": "Task"}, "summary": "Orders drifted"}});
    let (status, answer) = post(&server, "/rest/api/3/issue", good).await;
    assert_eq!(server.failures(), Vec::<String>::new());
    // The description's example, written as JSON text, answered as JSON.
    assert_eq!(status, 201);
    assert!(answer.get("key").is_some_and(Value::is_string), "{answer}");

    let no_project =
        json!({"fields": {"issuetype": {"name": "Task"}, "summary": "Orders drifted"}});
    post(&server, "/rest/api/3/issue", no_project).await;
    assert_eq!(
        server.failures(),
        ["POST /rest/api/3/issue: fields.project must be given by id or key"]
    );
}

#[tokio::test]
async fn jql_search_parameters_are_checked() {
    let spec = sr_apimock::spec::jira().expect("Jira description");
    let server = MockServer::start(spec, ExamplesOnly).await.expect("server");
    let (status, _) = post(
        &server,
        "/rest/api/3/search/jql",
        json!({"jql": "project = DB", "maxResults": 100, "nextPageToken": "abc"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(server.failures(), Vec::<String>::new());
    post(
        &server,
        "/rest/api/3/search/jql",
        json!({"jql": "project = DB", "maxResults": "many"}),
    )
    .await;
    let failures = server.failures();
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(
        failures[0].contains("body.maxResults: expected integer"),
        "{failures:#?}"
    );
}
