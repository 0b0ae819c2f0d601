//! The validator against GitHub's own description: what GitHub would reject
//! is reported, what it accepts passes; and the stateful repository over a
//! real socket.

use serde_json::{Value, json};
use sr_apimock::{GitHubRepo, MockServer, Spec};

fn spec() -> std::sync::Arc<Spec> {
    sr_apimock::spec::github().expect("GitHub description in shared/api-specs")
}

/// Validates one request against the description; `expected` are
/// substrings, one per reported violation, in order.
fn check(method: &str, path: &str, query: &[(&str, &str)], body: Option<Value>, expected: &[&str]) {
    let spec = spec();
    let m = spec
        .find(method, path)
        .unwrap_or_else(|| panic!("no operation for {method} {path}"));
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let errors = spec.check_request(&m, &query, Some("application/json"), &bytes);
    assert_eq!(errors.len(), expected.len(), "{method} {path}: {errors:#?}");
    for (e, want) in errors.iter().zip(expected) {
        assert!(e.contains(want), "`{e}` does not contain `{want}`");
    }
}

#[test]
fn create_issue_bodies() {
    let path = "/repos/acme/db/issues";
    check(
        "POST",
        path,
        &[],
        Some(json!({"title": "Drift", "body": "x", "labels": ["db"], "assignees": ["octocat"]})),
        &[],
    );
    // The acceptance case: no title.
    check(
        "POST",
        path,
        &[],
        Some(json!({"body": "no title"})),
        &["required property `title` is missing"],
    );
    check("POST", path, &[], None, &["the request body is required"]);
    // milestone is oneOf(string, integer) + nullable: null and numbers pass, a boolean does not.
    check(
        "POST",
        path,
        &[],
        Some(json!({"title": "t", "milestone": null})),
        &[],
    );
    check(
        "POST",
        path,
        &[],
        Some(json!({"title": "t", "milestone": 3})),
        &[],
    );
    check(
        "POST",
        path,
        &[],
        Some(json!({"title": "t", "milestone": true})),
        &["matches 0 of the oneOf schemas"],
    );
    check(
        "POST",
        path,
        &[],
        Some(json!({"title": "t", "labels": "db"})),
        &["expected array"],
    );
    check(
        "POST",
        path,
        &[],
        Some(json!({"title": null})),
        &["matches 0 of the oneOf schemas"],
    );
}

#[test]
fn update_issue_bodies() {
    let path = "/repos/acme/db/issues/7";
    check(
        "PATCH",
        path,
        &[],
        Some(json!({"state": "closed", "state_reason": "not_planned"})),
        &[],
    );
    check(
        "PATCH",
        path,
        &[],
        Some(json!({"state": "closed", "state_reason": "wontfix"})),
        &["is not one of"],
    );
    check(
        "PATCH",
        path,
        &[],
        Some(json!({"state": "done"})),
        &["is not one of"],
    );
    check(
        "PATCH",
        "/repos/acme/db/issues/seven",
        &[],
        Some(json!({})),
        &["path parameter `issue_number`: expected integer"],
    );
}

#[test]
fn query_parameters() {
    let path = "/repos/acme/db/issues";
    check(
        "GET",
        path,
        &[
            ("state", "all"),
            ("per_page", "100"),
            ("since", "2025-01-01T00:00:00Z"),
            ("labels", "a,b"),
        ],
        None,
        &[],
    );
    check("GET", path, &[("state", "done")], None, &["is not one of"]);
    check(
        "GET",
        path,
        &[("per_page", "many")],
        None,
        &["expected integer"],
    );
    check(
        "GET",
        path,
        &[("since", "yesterday")],
        None,
        &["not an RFC 3339 date-time"],
    );
    check(
        "GET",
        path,
        &[("q", "x")],
        None,
        &["query parameter `q` is not in the description"],
    );
    check(
        "GET",
        "/search/issues",
        &[],
        None,
        &["required query parameter `q` is missing"],
    );
    check(
        "POST",
        "/repos/acme/db/hooks",
        &[],
        Some(
            json!({"name": "web", "config": {"url": "https://h/x", "content_type": "json", "insecure_ssl": "0"}, "events": ["issues"], "active": true}),
        ),
        &[],
    );
    check(
        "POST",
        "/repos/acme/db/hooks",
        &[],
        Some(json!({"name": "web", "colour": "red"})),
        &["property `colour` is not allowed"],
    );
}

#[test]
fn literal_segments_win_over_parameters() {
    let spec = spec();
    let m = spec
        .find("GET", "/repos/acme/db/issues/comments")
        .expect("operation");
    assert_eq!(m.operation.operation_id, "issues/list-comments-for-repo");
    let m = spec
        .find("GET", "/repos/acme/db/issues/12")
        .expect("operation");
    assert_eq!(m.operation.operation_id, "issues/get");
    assert_eq!(
        m.path_params.get("issue_number").map(String::as_str),
        Some("12")
    );
    assert!(spec.find("GET", "/no/such/thing").is_none());
}

#[tokio::test]
async fn server_records_violations_and_keeps_state() {
    let repo = GitHubRepo::new("acme", "db");
    let server = MockServer::start(spec(), repo.clone())
        .await
        .expect("server");
    let http = reqwest::Client::new();
    let base = server.base_url().to_owned();

    let bad = http
        .post(format!("{base}/repos/acme/db/issues"))
        .json(&json!({"body": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(bad.status().as_u16(), 422);
    assert_eq!(server.failures().len(), 1, "{:?}", server.failures());
    assert!(server.failures()[0].contains("required property `title` is missing"));

    let created: Value = http
        .post(format!("{base}/repos/acme/db/issues"))
        .json(&json!({"title": "Drift", "labels": ["db"]}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(created["number"], 1);
    let got = http
        .get(format!("{base}/repos/acme/db/issues/1"))
        .send()
        .await
        .expect("send");
    let etag = got
        .headers()
        .get("etag")
        .expect("etag")
        .to_str()
        .expect("ascii")
        .to_owned();
    let again = http
        .get(format!("{base}/repos/acme/db/issues/1"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status().as_u16(), 304);

    for n in 0..4 {
        repo.seed(&format!("seeded {n}"), &[], n % 2 == 0);
    }
    let first = http
        .get(format!("{base}/repos/acme/db/issues?per_page=2&state=all"))
        .send()
        .await
        .expect("send");
    let link = first
        .headers()
        .get("link")
        .expect("link")
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        link.contains("page=2>; rel=\"next\"") && link.contains("page=3>; rel=\"last\""),
        "{link}"
    );

    // Not in GitHub's paths at all; and an example answer for an operation the repository does not model.
    let none = http
        .get(format!("{base}/nowhere"))
        .send()
        .await
        .expect("send");
    assert_eq!(none.status().as_u16(), 404);
    let milestones = http
        .get(format!("{base}/repos/acme/db/milestones"))
        .send()
        .await
        .expect("send");
    assert_eq!(milestones.status().as_u16(), 200);
    let repo_answer = http
        .get(format!("{base}/repos/acme/db"))
        .send()
        .await
        .expect("send");
    assert_eq!(repo_answer.status().as_u16(), 200);
    assert_eq!(
        server.answer_failures(),
        Vec::<String>::new(),
        "the fake answers like GitHub"
    );
    let failures = server.failures();
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures[1].contains("GET /nowhere: no operation of the description matches"));
}

#[test]
fn answers_are_checked_against_response_schemas() {
    let spec = spec();
    let check_answer = |method: &str, path: &str, status: u16, body: Value| {
        let m = spec.find(method, path).expect("operation");
        spec.check_response(m.operation, status, body.to_string().as_bytes())
    };
    let errors = check_answer("GET", "/repos/acme/db", 200, json!({"name": "db"}));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("required property `full_name` is missing")),
        "{errors:#?}"
    );
    let errors = check_answer(
        "POST",
        "/repos/acme/db/issues",
        201,
        json!({"number": "one"}),
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("body.number: expected integer")),
        "{errors:#?}"
    );
    let example = spec
        .example_response(
            spec.find("GET", "/repos/acme/db/issues/1")
                .expect("op")
                .operation,
        )
        .expect("example");
    assert_eq!(
        check_answer("GET", "/repos/acme/db/issues/1", example.0, example.1),
        Vec::<String>::new()
    );
}
