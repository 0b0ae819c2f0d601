//! Each feature beyond the contract: rich descriptions through ADF,
//! pagination by `nextPageToken`, transitions, users, labels, projects,
//! attachments, deletion, bearer auth and admin webhooks.

use sr_model::{AttachmentUpload, IssueDraft, IssueState, IssueUpdate, SearchQuery, StateFilter};
use sr_secrets::Secret;
use sr_tracker::{ErrorKind, IssueTracker, WebhookConfig};
use sr_tracker_jira::JiraTracker;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

#[tokio::test]
async fn rich_markdown_survives_the_round_trip_through_adf() {
    let f = fixture().await;
    let body = "## Drift\n\nThe `orders` table has **two** extra columns:\n\n| Column | Type |\n| --- | --- |\n| note | text |\n\n- [ ] migrate\n- [x] back up\n\n```sql\nALTER TABLE orders DROP COLUMN note;\n```\n\n> seen on [staging](https://staging.example.com)";
    let created = f
        .tracker
        .create_issue(&IssueDraft::new("Orders drifted", body))
        .await
        .expect("create");
    assert_eq!(created.body, body);
    assert_eq!(created.reference.display_key, "DB-1");
    assert_eq!(
        created.key().to_string(),
        format!("jira:{}:DB-1", f.tracker.info().instance)
    );
    assert_eq!(created.reference.labels, ["scratchrobin"]);
    assert_eq!(created.issue_type.as_deref(), Some("Task"));
    let c = f
        .tracker
        .add_comment("DB-1", "*Checked* with `psql`")
        .await
        .expect("comment");
    assert_eq!(c.body, "*Checked* with `psql`");
    assert_eq!(c.author, "Mia Krystof");
}

#[tokio::test]
async fn search_follows_next_page_tokens() {
    let f = fixture().await;
    for n in 0..150 {
        f.site.seed(&format!("Issue {n}"), &["bulk"]);
    }
    let all = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 0,
            labels: vec!["bulk".into()],
            ..SearchQuery::default()
        })
        .await
        .expect("search");
    assert_eq!(all.len(), 150);
    let searches = f
        .server
        .requests()
        .into_iter()
        .filter(|r| r.operation_id.as_deref() == Some("searchAndReconsileIssuesUsingJqlPost"))
        .count();
    assert_eq!(searches, 2, "100 per page");
    let few = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 7,
            ..SearchQuery::default()
        })
        .await
        .expect("search");
    assert_eq!(few.len(), 7);
    // Lucene operators in the words are escaped, not interpreted.
    let key = f.site.seed("order-items (v2) drifted", &[]);
    let hits = f
        .tracker
        .search_issues(&SearchQuery::text("order-items (v2)"))
        .await
        .expect("search");
    assert_eq!(
        hits.iter()
            .map(|i| i.reference.display_key.as_str())
            .collect::<Vec<_>>(),
        [key.as_str()]
    );
}

#[tokio::test]
async fn states_move_through_transitions() {
    let f = fixture().await;
    let key = f.site.seed("Orders drifted", &[]);
    let check = |state: IssueState, name: &'static str| {
        let t = &f.tracker;
        let key = key.clone();
        async move {
            let issue = t
                .update_issue(
                    &key,
                    &IssueUpdate {
                        state: Some(state),
                        ..IssueUpdate::default()
                    },
                )
                .await
                .expect("transition");
            assert_eq!(issue.reference.status.state, state);
            assert_eq!(issue.reference.status.name, name);
        }
    };
    check(IssueState::InProgress, "In Progress").await;
    check(IssueState::Done, "Done").await;
    let done = f
        .tracker
        .get_issue(&key)
        .await
        .expect("get")
        .expect("found");
    assert_eq!(done.reference.status.resolution.as_deref(), Some("Done"));
    check(IssueState::Open, "To Do").await;
    let open = f
        .tracker
        .search_issues(&SearchQuery {
            state: StateFilter::Open,
            ..SearchQuery::default()
        })
        .await
        .expect("search");
    assert_eq!(open.len(), 1);
    // A close with a reason sets the resolution the transition offers.
    let closed = f
        .tracker
        .update_issue(
            &key,
            &IssueUpdate {
                state: Some(IssueState::Done),
                resolution: Some("not_planned".into()),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("close as not planned");
    assert_eq!(
        closed.reference.status.resolution.as_deref(),
        Some("Won't Do")
    );
}

#[tokio::test]
async fn users_labels_projects_and_assignment() {
    let f = fixture().await;
    let users = f.tracker.users(None, "mia").await.expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].name, "Mia Krystof");
    let key = f.site.seed("Orders drifted", &["db"]);
    let assigned = f
        .tracker
        .update_issue(
            &key,
            &IssueUpdate {
                assignee: Some(Some(users[0].id.clone())),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("assign");
    assert_eq!(
        assigned.reference.assignee.as_deref(),
        Some(users[0].id.as_str())
    );
    let unassigned = f
        .tracker
        .update_issue(
            &key,
            &IssueUpdate {
                assignee: Some(None),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("unassign");
    assert_eq!(unassigned.reference.assignee, None);
    let labels = f.tracker.labels(None).await.expect("labels");
    assert_eq!(
        labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
        ["db"]
    );
    let projects = f.tracker.projects().await.expect("projects");
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].key, "DB");
    // Labels with spaces, which Jira rejects, are sent with dashes.
    let relabelled = f
        .tracker
        .update_issue(
            &key,
            &IssueUpdate {
                labels: Some(vec!["needs review".into()]),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("relabel");
    assert_eq!(relabelled.reference.labels, ["needs-review"]);
}

#[tokio::test]
async fn attachments_are_multipart_with_the_xsrf_header() {
    let f = fixture().await;
    let key = f.site.seed("Orders drifted", &[]);
    let a = f
        .tracker
        .attach_file(
            &key,
            &AttachmentUpload {
                filename: "drift.sql".into(),
                content_type: "application/sql".into(),
                description: "the diff".into(),
                bytes: b"ALTER TABLE orders DROP COLUMN note;".to_vec(),
            },
        )
        .await
        .expect("attach");
    assert!(!a.id.is_empty());
    let uploads = f.site.uploads();
    assert_eq!(uploads.len(), 1);
    assert!(
        uploads[0].0.starts_with("multipart/form-data; boundary="),
        "{uploads:?}"
    );
    assert_eq!(uploads[0].1.as_deref(), Some("no-check"));
    let e = f
        .tracker
        .attach_file(
            "DB-404",
            &AttachmentUpload {
                filename: "x".into(),
                content_type: String::new(),
                description: String::new(),
                bytes: Vec::new(),
            },
        )
        .await
        .expect_err("missing issue");
    assert_eq!(e.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn delete_and_bad_keys() {
    let f = fixture().await;
    let key = f.site.seed("Orders drifted", &[]);
    f.tracker.delete_issue(&key).await.expect("delete");
    assert_eq!(f.tracker.get_issue(&key).await.expect("get"), None);
    assert_eq!(f.site.issue_count(), 0);
    for bad in ["", "DB", "DB-", "-1", "DB-1/../x", "DB 1"] {
        let e = f.tracker.get_issue(bad).await.expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::Validation, "{bad}: {e}");
    }
}

#[tokio::test]
async fn bearer_tokens_for_data_center() {
    let site = sr_apimock::JiraSite::new("DB").with_authorization("Bearer pat-123");
    let spec = sr_apimock::spec::jira().expect("spec");
    let server = sr_apimock::MockServer::start(spec, site)
        .await
        .expect("server");
    let config: sr_tracker_jira::JiraConfig = serde_json::from_value(serde_json::json!({
        "base_url": server.base_url(), "project_key": "DB",
        "auth": {"type": "bearer", "token": "${JIRA_PAT}"}
    }))
    .expect("config");
    let t = JiraTracker::new(
        "DC",
        &config,
        &Secret::new("pat-123"),
        Some(settings(server.base_url())),
    )
    .expect("tracker");
    let report = t.test_connection().await.expect("connects");
    assert_eq!(report.user.as_deref(), Some("Mia Krystof"));
    assert_eq!(server.failures(), Vec::<String>::new());
}

/// Admin webhooks live at `/rest/webhooks/1.0/webhook`, outside the v3
/// description, so a plain loopback listener plays Jira here and keeps
/// what it was sent.
async fn one_exchange(status: &str, answer: &str) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let task = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.expect("accept");
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = sock.read(&mut buf).await.expect("read");
            seen.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&seen).to_string();
            if let Some(head_end) = text.find("\r\n\r\n") {
                let len = text[..head_end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if seen.len() >= head_end + 4 + len {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        sock.write_all(reply.as_bytes()).await.expect("write");
        String::from_utf8_lossy(&seen).to_string()
    });
    (base, task)
}

#[tokio::test]
async fn admin_webhooks_are_registered_with_the_secret_and_removed() {
    let (base, seen) = one_exchange(
        "201 Created",
        r#"{"name":"ScratchRobin: Company Jira","url":"https://hooks.example.com/webhook/jira","events":["jira:issue_created"],"self":"https://acme.atlassian.net/rest/webhooks/1.0/webhook/42","enabled":true}"#,
    )
    .await;
    let t = tracker_for(&base, "DB", TOKEN);
    let reg = t
        .register_webhook(&WebhookConfig {
            url: "https://hooks.example.com/webhook/jira".into(),
            secret: "s3cret".into(),
            events: Vec::new(),
        })
        .await
        .expect("register");
    assert_eq!(reg.id, "42");
    let request = seen.await.expect("request");
    let (head, body) = request.split_once("\r\n\r\n").expect("http");
    assert!(
        head.starts_with("POST /rest/webhooks/1.0/webhook HTTP/1.1"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("authorization: {}", BASIC.to_ascii_lowercase()))
    );
    let body: serde_json::Value = serde_json::from_str(body).expect("json body");
    assert_eq!(body["secret"], "s3cret");
    assert_eq!(body["url"], "https://hooks.example.com/webhook/jira");
    assert_eq!(
        body["filters"]["issue-related-events-section"],
        "project = \"DB\""
    );
    assert_eq!(body["events"].as_array().map(Vec::len), Some(6));

    let (base, seen) = one_exchange("204 No Content", "").await;
    tracker_for(&base, "DB", TOKEN)
        .unregister_webhook("42")
        .await
        .expect("unregister");
    let request = seen.await.expect("request");
    assert!(
        request.starts_with("DELETE /rest/webhooks/1.0/webhook/42 HTTP/1.1"),
        "{request}"
    );
    let e = t.unregister_webhook("../1").await.expect_err("not an id");
    assert_eq!(e.kind(), ErrorKind::Validation);
}
