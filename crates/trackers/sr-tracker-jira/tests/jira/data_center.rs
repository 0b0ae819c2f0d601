//! Jira Data Center: a personal access token sent as Bearer, and with
//! `api_version: 2` the REST v2 paths, against a loopback site that
//! checks every request against the v2 operations as Atlassian's Data
//! Center reference describes them (`sr_apimock::spec::jira_data_center`).

use serde_json::json;
use sr_apimock::{JiraSite, MockServer};
use sr_model::{AttachmentUpload, IssueDraft, SearchQuery, StateFilter};
use sr_secrets::Secret;
use sr_tracker::{ErrorKind, IssueTracker};
use sr_tracker_jira::{JiraConfig, JiraTracker};

use crate::common::{create_issue_rule, settings};

const PAT: &str = "NjM2MjY3NTQ5ODQ1OsAmple+PAT";

struct Dc {
    server: MockServer,
    site: JiraSite,
    tracker: JiraTracker,
}

impl Drop for Dc {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_eq!(
                self.server.failures(),
                Vec::<String>::new(),
                "requests Jira Data Center would reject"
            );
            assert_eq!(
                self.server.answer_failures(),
                Vec::<String>::new(),
                "answers unlike Jira's"
            );
        }
    }
}

async fn dc() -> Dc {
    let site = JiraSite::data_center("DB").with_authorization(&format!("Bearer {PAT}"));
    let spec = sr_apimock::spec::jira_data_center().expect("Data Center description");
    let server = MockServer::start(spec, site.clone()).await.expect("server");
    server.rule("createIssue", create_issue_rule);
    let config: JiraConfig = serde_json::from_value(json!({
        "base_url": server.base_url(), "project_key": "DB", "api_version": 2,
        "auth": {"type": "bearer", "token": "${JIRA_PAT}"}
    }))
    .expect("config");
    let tracker = JiraTracker::new(
        "Jira DC",
        &config,
        &Secret::new(PAT),
        Some(settings(server.base_url())),
    )
    .expect("tracker");
    Dc {
        server,
        site,
        tracker,
    }
}

fn ops(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter_map(|r| r.operation_id)
        .collect()
}

#[tokio::test]
async fn passes_the_contract_over_rest_v2() {
    let f = dc().await;
    let report = f.tracker.test_connection().await.expect("test connection");
    assert_eq!(report.user.as_deref(), Some("Mia Krystof"));
    sr_tracker::contract::check_tracker(&f.tracker, "DB-999")
        .await
        .expect("contract");
    let ops = ops(&f.server);
    for op in [
        "searchUsingSearchRequest",
        "getPriorities",
        "createIssue",
        "editIssue",
        "doTransition",
        "addComment",
    ] {
        assert!(ops.iter().any(|o| o == op), "{op} not used: {ops:?}");
    }
    let paths: Vec<String> = f.server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.iter().all(|p| p.starts_with("/rest/api/2/")),
        "{paths:?}"
    );
}

#[tokio::test]
async fn bodies_are_text_and_users_are_usernames() {
    let f = dc().await;
    let users = f.tracker.users(None, "mi").await.expect("users");
    let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["mia"]);
    let mut draft = IssueDraft::new(
        "Orders drifted",
        "The *orders* table drifted.\n\n- a column",
    );
    draft.assignees = vec!["mia".into()];
    let issue = f.tracker.create_issue(&draft).await.expect("create");
    assert_eq!(issue.body, "The *orders* table drifted.\n\n- a column");
    // Data Center keeps wiki markup.
    assert_eq!(
        f.site.description(&issue.key().id),
        Some(json!("The _orders_ table drifted.\n\n* a column"))
    );
    assert_eq!(issue.reference.assignee.as_deref(), Some("mia"));
    let id = issue.key().id.clone();
    let c = f
        .tracker
        .add_comment(&id, "Fixed by `V12`.")
        .await
        .expect("comment");
    assert_eq!(c.body, "Fixed by `V12`.");
    assert_eq!(
        f.tracker.comments(&id).await.expect("comments")[0].body,
        "Fixed by `V12`."
    );
    let projects = f.tracker.projects().await.expect("projects");
    assert_eq!(projects.len(), 1);
    assert_eq!(
        f.tracker.labels(None).await.map_err(|e| e.kind()).err(),
        Some(ErrorKind::Unsupported)
    );
    assert_eq!(f.site.issue_count(), 1);
}

#[tokio::test]
async fn searches_page_by_start_at() {
    let f = dc().await;
    for n in 0..250 {
        f.site.seed(&format!("seeded {n}"), &["bulk"]);
    }
    let all = SearchQuery {
        state: StateFilter::All,
        limit: 0,
        ..SearchQuery::default()
    };
    let found = f.tracker.search_issues(&all).await.expect("search");
    assert_eq!(found.len(), 250);
    // Each page starts where the last ended: every issue once.
    let mut keys: Vec<String> = found.iter().map(|i| i.key().id.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 250);
    let pages = ops(&f.server)
        .iter()
        .filter(|o| *o == "searchUsingSearchRequest")
        .count();
    assert_eq!(pages, 3, "250 issues at 100 a page");
    let few = SearchQuery {
        limit: 5,
        ..all.clone()
    };
    assert_eq!(
        f.tracker.search_issues(&few).await.expect("search").len(),
        5
    );
}

/// The v2 description is not vacuous: Cloud's ADF description, an
/// `accountId` assignee and Cloud's search body fail it.
/// Data Center takes files at the v2 path, as multipart/form-data with
/// the XSRF header, like Cloud; a missing issue is not found.
#[tokio::test]
async fn attachments_go_to_the_v2_path() {
    let f = dc().await;
    let key = f.site.seed("Orders drifted", &[]);
    let plan = AttachmentUpload {
        filename: "plan.txt".into(),
        content_type: "text/plain".into(),
        description: String::new(),
        bytes: b"Seq Scan on orders".to_vec(),
    };
    let a = f.tracker.attach_file(&key, &plan).await.expect("attach");
    assert!(!a.id.is_empty());
    let uploads = f.site.uploads();
    assert_eq!(uploads.len(), 1);
    assert!(
        uploads[0].0.starts_with("multipart/form-data; boundary="),
        "{uploads:?}"
    );
    assert_eq!(uploads[0].1.as_deref(), Some("no-check"));
    let upload = f
        .server
        .requests()
        .into_iter()
        .find(|r| r.operation_id.as_deref() == Some("addAttachment"))
        .expect("an upload");
    assert_eq!(upload.path, format!("/rest/api/2/issue/{key}/attachments"));
    let e = f
        .tracker
        .attach_file("DB-404", &plan)
        .await
        .expect_err("missing issue");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}

#[tokio::test]
async fn the_v2_description_rejects_cloud_shapes() {
    let spec = sr_apimock::spec::jira_data_center().expect("Data Center description");
    let server = MockServer::start(spec, JiraSite::data_center("DB"))
        .await
        .expect("server");
    let client = sr_tracker::reqwest::Client::new();
    let adf = json!({"type": "doc", "version": 1, "content": []});
    let sends = [
        (
            "/rest/api/2/issue",
            json!({"fields": {"project": {"key": "DB"}, "issuetype": {"name": "Task"}, "summary": "s", "description": adf}}),
        ),
        (
            "/rest/api/2/issue",
            json!({"fields": {"project": {"key": "DB"}, "issuetype": {"name": "Task"}, "summary": "s", "assignee": {"accountId": "5b10a2844c20165700ede21g"}}}),
        ),
        (
            "/rest/api/2/search",
            json!({"jql": "project = DB", "nextPageToken": "x"}),
        ),
        ("/rest/api/3/search/jql", json!({"jql": "project = DB"})),
    ];
    for (path, body) in &sends {
        client
            .post(format!("{}{path}", server.base_url()))
            .header("authorization", format!("Bearer {PAT}"))
            .json(body)
            .send()
            .await
            .expect("send");
    }
    let failures = server.failures();
    let expect = [
        "POST /rest/api/2/issue: body.fields.description",
        "POST /rest/api/2/issue: body.fields.assignee",
        "POST /rest/api/2/search: body",
        "POST /rest/api/3/search/jql: no operation",
    ];
    for e in expect {
        assert!(
            failures.iter().any(|f| f.starts_with(e)),
            "no failure starting `{e}` in {failures:#?}"
        );
    }
}

/// Data Center without personal access tokens: a username and password
/// sent as Basic; a wrong password is diagnosed as such.
#[tokio::test]
async fn basic_auth_signs_in_with_username_and_password() {
    // base64("ada:s3cret")
    let site = JiraSite::data_center("DB").with_authorization("Basic YWRhOnMzY3JldA==");
    let spec = sr_apimock::spec::jira_data_center().expect("Data Center description");
    let server = MockServer::start(spec, site).await.expect("server");
    let config: JiraConfig = serde_json::from_value(json!({
        "base_url": server.base_url(), "project_key": "DB", "api_version": 2,
        "auth": {"type": "basic", "username": "ada", "password": "${JIRA_PASSWORD}"}
    }))
    .expect("config");
    let build = |password: &str| {
        JiraTracker::new(
            "Jira DC",
            &config,
            &Secret::new(password),
            Some(settings(server.base_url())),
        )
        .expect("tracker")
    };
    let report = build("s3cret").test_connection().await.expect("signed in");
    assert_eq!(report.user.as_deref(), Some("Mia Krystof"));
    let e = build("not-her-password")
        .test_connection()
        .await
        .expect_err("wrong password");
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    assert!(e.to_string().contains("401"), "{e}");
    assert!(
        !e.to_string().contains("not-her-password"),
        "no secret in {e}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}

/// Admin webhooks on Data Center: registered through the webhooks REST
/// resource with the secret Jira signs deliveries with, and removed.
#[tokio::test]
async fn admin_webhooks_are_registered_and_removed() {
    let f = dc().await;
    let reg = f
        .tracker
        .register_webhook(&sr_tracker::WebhookConfig {
            url: "https://hooks.example.com/webhook/jira".into(),
            secret: "dc-s3cret".into(),
            events: Vec::new(),
        })
        .await
        .expect("register");
    assert_eq!(reg.id, "1");
    let hooks = f.site.webhooks();
    assert_eq!(hooks.len(), 1);
    let body = &hooks[0].1;
    assert_eq!(body["secret"], "dc-s3cret");
    assert_eq!(
        body["filters"]["issue-related-events-section"],
        "project = \"DB\""
    );
    f.tracker
        .unregister_webhook(&reg.id)
        .await
        .expect("removed");
    assert!(f.site.webhooks().is_empty());
    let e = f
        .tracker
        .unregister_webhook(&reg.id)
        .await
        .expect_err("gone");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}

/// A delivery as Data Center sends it when the webhook has a secret:
/// `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`, the issue in
/// REST v2's shape with its description in wiki markup.
#[test]
fn data_center_deliveries_are_verified_and_read_from_wiki_markup() {
    use sr_tracker::{Rejection, TrackerEvent, TrackerFactory};
    let body = br#"{"timestamp":1735689600000,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic","user":{"name":"mia","displayName":"Mia Krystof"},"issue":{"id":"10001","key":"DB-7","self":"https://jira.example.com/rest/api/2/issue/10001","fields":{"summary":"Orders drifted","description":"The _orders_ table drifted.\n\n* a column","status":{"name":"In Progress","statusCategory":{"key":"indeterminate"}},"priority":{"name":"High"},"labels":["db"],"assignee":{"name":"mia","displayName":"Mia Krystof"},"created":"2025-01-01T00:00:01.000+0000","updated":"2025-01-01T00:00:02.000+0000","issuetype":{"name":"Bug"},"project":{"key":"DB","name":"Database"}}}}"#;
    // Python's hmac.new(b"dc-s3cret", body, sha256).hexdigest().
    let headers: &[(&str, &str)] = &[
        (
            "X-Hub-Signature",
            "sha256=3c46d9dd8f9ae9fef119c31fc84e24dfbfcb54fac984cf113e18e9e58fa5f4e4",
        ),
        ("X-Atlassian-Webhook-Identifier", "7-1735689600000"),
    ];
    let factory = sr_tracker_jira::JiraFactory::default();
    let spec = factory.webhook().expect("Jira has webhooks");
    assert_eq!(spec.verify(headers, b"dc-s3cret", body, 0, None), Ok(()));
    assert_eq!(
        spec.verify(headers, b"other", body, 0, None),
        Err(Rejection::Mismatch)
    );
    let info = sr_tracker::TrackerInfo {
        name: "Jira DC".into(),
        provider: "jira".into(),
        instance: "jira.example.com".into(),
        web_url: None,
    };
    match factory.parse_webhook(&info, "", body).expect("parsed") {
        TrackerEvent::Issue { issue, .. } => {
            assert_eq!(issue.reference.display_key, "DB-7");
            assert_eq!(issue.body, "The *orders* table drifted.\n\n- a column");
            assert_eq!(issue.reference.assignee.as_deref(), Some("mia"));
            assert_eq!(
                issue.reference.status.state,
                sr_model::IssueState::InProgress
            );
        }
        other => panic!("{other:?}"),
    }
}
