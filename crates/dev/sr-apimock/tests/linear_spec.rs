//! The Linear mock over Linear's published schema: apollo-compiler loads
//! the SDL, valid queries and mutations are answered from the workspace,
//! and what Linear would refuse — an unknown field, a wrongly typed or
//! missing variable, a bad token — is refused with Linear's GraphQL error
//! and recorded.

use serde_json::{Value, json};
use sr_apimock::linear::GraphqlSchema;
use sr_apimock::{LinearServer, LinearWorkspace};

const KEY: &str = "lin_api_test";

async fn start() -> (LinearServer, LinearWorkspace) {
    let schema = GraphqlSchema::linear().expect("Linear schema in shared/api-specs");
    let ws = LinearWorkspace::new(schema.clone(), "DB").with_authorization(&[KEY]);
    let server = LinearServer::start(schema, ws.authorization.clone(), ws.clone())
        .await
        .expect("server");
    (server, ws)
}

async fn post(server: &LinearServer, auth: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url()))
        .header("authorization", auth)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

#[tokio::test]
async fn valid_operations_are_answered_from_the_workspace() {
    let (server, ws) = start().await;
    let team = ws.team_id();
    let (status, created) = post(
        &server,
        KEY,
        json!({"query": "mutation Create($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier title priority state { name type } } } }",
               "variables": {"input": {"teamId": team, "title": "Orders drifted", "priority": 2}}}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let issue = &created["data"]["issueCreate"]["issue"];
    assert_eq!(issue["identifier"], "DB-1");
    assert_eq!(issue["priority"], 2.0);
    assert_eq!(issue["state"], json!({"name": "Todo", "type": "unstarted"}));
    assert_eq!(
        issue.as_object().map(|o| o.len()),
        Some(5),
        "only what was asked: {issue}"
    );
    let (_, read) = post(
        &server,
        KEY,
        json!({"query": "query($f: IssueFilter, $n: Int) { issues(filter: $f, first: $n, orderBy: updatedAt) { nodes { identifier } pageInfo { hasNextPage endCursor } } }",
               "variables": {"f": {"team": {"key": {"eq": "DB"}}, "title": {"containsIgnoreCase": "orders"}}, "n": 10}}),
    )
    .await;
    assert_eq!(
        read["data"]["issues"]["nodes"],
        json!([{"identifier": "DB-1"}])
    );
    assert_eq!(read["data"]["issues"]["pageInfo"]["hasNextPage"], false);
    let (_, missing) = post(
        &server,
        KEY,
        json!({"query": "{ issue(id: \"DB-99\") { id } }"}),
    )
    .await;
    assert_eq!(missing["data"], Value::Null);
    assert_eq!(missing["errors"][0]["message"], "Entity not found: Issue");
    assert_eq!(server.failures(), Vec::<String>::new());
}

#[tokio::test]
async fn invalid_documents_and_variables_are_refused() {
    let (server, ws) = start().await;
    ws.seed("Orders drifted", &[]);
    // A field Issue does not have.
    let (status, body) = post(
        &server,
        KEY,
        json!({"query": "query { issue(id: \"DB-1\") { id titel } }"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("titel")),
        "{body}"
    );
    // `priority` is an Int; a string is refused when variables are coerced.
    let (status, body) = post(
        &server,
        KEY,
        json!({"query": "mutation($input: IssueUpdateInput!) { issueUpdate(id: \"DB-1\", input: $input) { success } }",
               "variables": {"input": {"priority": "high"}}}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // A required variable left out.
    let (status, _) = post(
        &server,
        KEY,
        json!({"query": "query($id: String!) { issue(id: $id) { id } }"}),
    )
    .await;
    assert_eq!(status, 400);
    let failures = server.failures();
    assert_eq!(failures.len(), 3, "{failures:#?}");
    assert!(failures[0].contains("titel"), "{failures:#?}");
    assert!(
        failures[1].starts_with("invalid GraphQL request: variables:"),
        "{failures:#?}"
    );
    // Nothing invalid reached the workspace.
    assert_eq!(
        ws.titles(),
        [("DB-1".to_owned(), "Orders drifted".to_owned())]
    );
    // A wrong key: Linear's authentication error, not a validation failure.
    let (status, body) = post(
        &server,
        "lin_api_wrong",
        json!({"query": "{ viewer { id } }"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "AUTHENTICATION_ERROR"
    );
    assert_eq!(server.failures().len(), 3);
}
