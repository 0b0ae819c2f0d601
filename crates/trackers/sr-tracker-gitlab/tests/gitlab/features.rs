//! GitLab's particulars, each against the validating mock.

use serde_json::json;
use sr_model::{AttachmentUpload, IssueDraft, IssueUpdate, SearchQuery};
use sr_tracker::{ErrorKind, IssueTracker, WebhookConfig};

use crate::common::{PROJECT, TOKEN, fixture, tracker_for};
use crate::mock::MockGitlab;

#[tokio::test]
async fn keys_and_numeric_project_ids() {
    let f = fixture().await;
    let by_id = tracker_for(&f.server.base_url, "42", TOKEN);
    let created = by_id
        .create_issue(&IssueDraft::new("By id", "b"))
        .await
        .expect("create");
    let host = f.server.base_url.trim_start_matches("http://");
    assert_eq!(
        created.reference.key.to_string(),
        format!("gitlab:{host}/42:1")
    );
    assert_eq!(created.reference.display_key, "#1");
    assert_eq!(created.reference.labels, ["scratchrobin"]);
    let got = f
        .tracker
        .get_issue("#1")
        .await
        .expect("get")
        .expect("found");
    assert_eq!(
        got.reference.key.to_string(),
        format!("gitlab:{host}/{PROJECT}:1")
    );
    let reqs = f.server.requests();
    assert!(
        reqs.iter()
            .any(|r| r.starts_with("POST /api/v4/projects/42/issues")),
        "{reqs:?}"
    );
    assert!(
        reqs.iter()
            .any(|r| r == "GET /api/v4/projects/acme%2Fdb/issues/1"),
        "{reqs:?}"
    );
    let bad = f.tracker.get_issue("DB-1").await.expect_err("not an iid");
    assert_eq!(bad.kind(), ErrorKind::Validation);
}

#[tokio::test]
async fn lists_follow_x_next_page_and_updated_after() {
    let f = fixture().await;
    for n in 0..120 {
        f.tracker
            .create_issue(&IssueDraft::new(format!("Issue {n}"), ""))
            .await
            .expect("create");
    }
    let all = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 1000,
            ..SearchQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(all.len(), 120);
    let pages: Vec<String> = f
        .server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("GET /api/v4/projects/acme%2Fdb/issues?"))
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(
        pages[1].contains("page=2") && pages[1].contains("per_page=100"),
        "{pages:?}"
    );
    let since = all[9].reference.updated_at;
    let recent = f
        .tracker
        .search_issues(&SearchQuery {
            updated_since: Some(since),
            ..SearchQuery::default()
        })
        .await
        .expect("since");
    assert_eq!(recent.len(), 10);
    assert!(
        f.server
            .requests()
            .iter()
            .any(|r| r.contains("updated_after="))
    );
}

#[tokio::test]
async fn comments_leave_out_system_notes_and_files_are_linked() {
    let f = fixture().await;
    let i = f
        .tracker
        .create_issue(&IssueDraft::new("Notes", ""))
        .await
        .expect("create");
    let id = i.reference.key.id.clone();
    f.tracker.add_comment(&id, "first").await.expect("comment");
    let update = IssueUpdate {
        labels: Some(vec!["db".into()]),
        ..IssueUpdate::default()
    };
    f.tracker.update_issue(&id, &update).await.expect("label");
    let file = AttachmentUpload {
        filename: "plan.sql".into(),
        content_type: "application/sql".into(),
        description: "The migration plan".into(),
        bytes: b"alter table orders add column note text;".to_vec(),
    };
    let a = f.tracker.attach_file(&id, &file).await.expect("attach");
    assert_eq!((a.filename.as_str(), a.size), ("plan.sql", 40));
    let url = a.url.expect("url");
    assert!(
        url.contains("/-/project/42/uploads/") && url.ends_with("/plan.sql"),
        "{url}"
    );
    let bodies: Vec<String> = f
        .tracker
        .comments(&id)
        .await
        .expect("comments")
        .into_iter()
        .map(|c| c.body)
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(bodies[0], "first");
    assert!(
        bodies[1].starts_with("The migration plan\n\n[plan.sql](/uploads/"),
        "{bodies:?}"
    );
    let missing = f
        .tracker
        .attach_file("77", &file)
        .await
        .expect_err("missing issue");
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    assert_eq!(
        f.server.lock().uploads,
        1,
        "nothing uploaded for a missing issue"
    );
}

#[tokio::test]
async fn assignees_by_user_search_labels_and_delete() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Assigned", "");
    draft.assignees = vec!["alice".into()];
    let i = f.tracker.create_issue(&draft).await.expect("create");
    assert_eq!(i.reference.assignee.as_deref(), Some("alice"));
    let id = i.reference.key.id.clone();
    let cleared = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                assignee: Some(None),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("unassign");
    assert_eq!(cleared.reference.assignee, None);
    let nobody = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                assignee: Some(Some("nobody".into())),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect_err("no such user");
    assert!(
        nobody
            .to_string()
            .contains("no GitLab user is named `nobody`"),
        "{nobody}"
    );
    let users: Vec<String> = f
        .tracker
        .users(None, "ali")
        .await
        .expect("users")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(users, ["alice", "alicia"]);
    let comma = f
        .tracker
        .create_issue(&IssueDraft {
            labels: vec!["a,b".into()],
            ..IssueDraft::new("t", "")
        })
        .await
        .expect_err("comma");
    assert_eq!(comma.kind(), ErrorKind::Validation);
    let labels: Vec<String> = f
        .tracker
        .labels(None)
        .await
        .expect("labels")
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(labels, ["scratchrobin"]);
    // Nothing to change sends nothing (GitLab refuses an empty edit).
    let same = f
        .tracker
        .update_issue(&id, &IssueUpdate::default())
        .await
        .expect("no-op");
    assert_eq!(same.reference.title, "Assigned");
    f.tracker.delete_issue(&id).await.expect("delete");
    assert_eq!(f.tracker.get_issue(&id).await.expect("get"), None);
    assert_eq!(
        f.tracker.delete_issue(&id).await.expect_err("gone").kind(),
        ErrorKind::NotFound
    );
    let projects = f.tracker.projects().await.expect("projects");
    assert_eq!(
        (projects[0].id.as_str(), projects[0].key.as_str()),
        ("42", PROJECT)
    );
}

#[tokio::test]
async fn project_hooks_are_added_and_deleted() {
    let f = fixture().await;
    let config = WebhookConfig {
        url: "https://example.com/webhook/gitlab".into(),
        secret: "s3cret".into(),
        events: vec![],
    };
    let reg = f.tracker.register_webhook(&config).await.expect("register");
    assert_eq!(reg.url, config.url);
    let hook = f.server.lock().hooks[0].clone();
    assert_eq!(
        (
            &hook["issues_events"],
            &hook["note_events"],
            &hook["push_events"]
        ),
        (&json!(true), &json!(true), &json!(false))
    );
    f.tracker
        .unregister_webhook(&reg.id)
        .await
        .expect("unregister");
    let again = f
        .tracker
        .unregister_webhook(&reg.id)
        .await
        .expect_err("gone");
    assert_eq!(again.kind(), ErrorKind::NotFound);
}

/// `test_connection` gives a different diagnosis for each failure.
#[tokio::test]
async fn connection_diagnoses() {
    let f = fixture().await;
    let report = f.tracker.test_connection().await.expect("ok");
    assert_eq!(report.user.as_deref(), Some("root"));
    assert!(
        report
            .checks
            .iter()
            .any(|c| c == "project acme/db (id 42) is visible"),
        "{report:?}"
    );
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.starts_with("rate limit: 1999 of 2000")),
        "{report:?}"
    );

    let diagnose = |t: sr_tracker_gitlab::GitLabTracker| async move {
        let e = t.test_connection().await.expect_err("fails");
        (e.kind(), e.to_string())
    };
    let base = f.server.base_url.clone();
    let (k, m) = diagnose(tracker_for(&base, PROJECT, "wrong")).await;
    assert_eq!(k, ErrorKind::Unauthorized, "{m}");
    let (k, m) = diagnose(tracker_for(&base, "acme/other", TOKEN)).await;
    assert_eq!(k, ErrorKind::NotFound, "{m}");
    assert!(m.contains("project acme/other"), "{m}");
    f.server.lock().lacks_api_scope = true;
    let (k, m) = diagnose(tracker_for(&base, PROJECT, TOKEN)).await;
    assert_eq!(k, ErrorKind::Forbidden, "{m}");
    assert!(m.contains("lacks the `api` scope"), "{m}");
    f.server.lock().lacks_api_scope = false;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (k, m) = diagnose(tracker_for(
        &format!("http://127.0.0.1:{closed}"),
        PROJECT,
        TOKEN,
    ))
    .await;
    assert_eq!(k, ErrorKind::Refused, "{m}");
}

/// The mock itself refuses what GitLab refuses; otherwise passing tests
/// would prove nothing.
#[tokio::test]
async fn the_mock_rejects_what_gitlab_rejects() {
    let server = MockGitlab::start(PROJECT, 42, TOKEN).await;
    let client = sr_tracker::reqwest::Client::builder()
        .user_agent("ScratchRobin/test")
        .build()
        .expect("client");
    let api = format!("{}/api/v4/projects/acme%2Fdb", server.base_url);
    let send = |method: &str, path: &str, body: Option<serde_json::Value>| {
        let mut r = client
            .request(method.parse().expect("method"), format!("{api}{path}"))
            .header("PRIVATE-TOKEN", TOKEN);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    let check = |server: &MockGitlab, want: &str| {
        let failures = std::mem::take(&mut server.lock().failures);
        assert!(
            failures.iter().any(|f| f.contains(want)),
            "want `{want}` in {failures:?}"
        );
    };
    let cases: Vec<(&str, &str, Option<serde_json::Value>, &str)> = vec![
        (
            "POST",
            "/issues",
            Some(json!({"description": "x"})),
            "title is missing",
        ),
        (
            "POST",
            "/issues",
            Some(json!({"title": "t", "labels": ["a", "b"]})),
            "`labels` is invalid",
        ),
        (
            "POST",
            "/issues",
            Some(json!({"title": "t", "assignee_ids": ["alice"]})),
            "`assignee_ids` is invalid",
        ),
        (
            "POST",
            "/issues",
            Some(json!({"title": "t", "body": "GitHub's name"})),
            "unknown field `body`",
        ),
        (
            "PUT",
            "/issues/1",
            Some(json!({"state_event": "closed"})),
            "`state_event` is invalid",
        ),
        (
            "PUT",
            "/issues/1",
            Some(json!({})),
            "at least one parameter",
        ),
        (
            "GET",
            "/issues?per_page=500",
            None,
            "`per_page` does not accept `500`",
        ),
        (
            "GET",
            "/issues?state=open",
            None,
            "`state` does not accept `open`",
        ),
        (
            "GET",
            "/issues?since=2024-01-01T00:00:00Z",
            None,
            "unknown query parameter `since`",
        ),
        (
            "POST",
            "/issues/1/notes",
            Some(json!({"text": "hi"})),
            "unknown field `text`",
        ),
        (
            "POST",
            "/hooks",
            Some(json!({"url": "https://h", "issues_events": "yes"})),
            "`issues_events` is invalid",
        ),
        (
            "POST",
            "/uploads",
            Some(json!({"file": "x"})),
            "not multipart/form-data",
        ),
        ("GET", "/milestones", None, "no such endpoint"),
    ];
    send("POST", "/issues", Some(json!({"title": "exists"})))
        .await
        .expect("create");
    for (method, path, body, want) in cases {
        send(method, path, body).await.expect("sent");
        check(&server, want);
    }
    let raw = client
        .get(format!(
            "{}/api/v4/projects/acme/db/issues",
            server.base_url
        ))
        .header("PRIVATE-TOKEN", TOKEN)
        .send()
        .await
        .expect("sent");
    assert_eq!(raw.status().as_u16(), 404);
    check(&server, "not URL-encoded");
    let anonymous = client
        .get(format!("{api}/issues"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status().as_u16(), 401);
}
