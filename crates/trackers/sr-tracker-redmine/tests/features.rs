//! Redmine's particulars on the real server: the connection test's
//! diagnoses, text stored as Textile and read back as Markdown, journals
//! as comments both ways, transitions onto the server's statuses,
//! priorities and trackers by name, and reading by `updated_on`.

use serde_json::json;
use sr_model::{IssueDraft, IssueState, IssueUpdate, Priority, SearchQuery, StateFilter};
use sr_tracker::reqwest::Method;
use sr_tracker::{ErrorKind, IssueTracker};

use crate::common::{config, new_project, raw, raw_json, redmine, tracker, tracker_with};

#[tokio::test]
async fn the_connection_test_reads_the_server_and_tells_failures_apart() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let t = tracker(&rm.url, &project, &rm.api_key);
    let report = t.test_connection().await.expect("connection");
    let text = report.checks.join("\n");
    for want in [
        "the API key belongs to admin",
        &format!("project {project}"),
        "trackers: Bug, Feature, Support",
        "Closed (closed)",
        "labels field: Labels",
        "text formatting: Textile",
    ] {
        assert!(text.contains(want), "`{want}` not in\n{text}");
    }

    let e = tracker(&rm.url, &project, &"0".repeat(40))
        .test_connection()
        .await
        .expect_err("wrong key");
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    let e = tracker(&rm.url, "no-such-project", &rm.api_key)
        .test_connection()
        .await
        .expect_err("missing project");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("project no-such-project"), "{e}");
    let closed = format!("http://127.0.0.1:{}", sr_testkit::free_port());
    let e = tracker(&closed, &project, &rm.api_key)
        .test_connection()
        .await
        .expect_err("nothing listens");
    assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
}

#[tokio::test]
async fn markdown_is_stored_as_textile_and_journals_are_comments_both_ways() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let t = tracker(&rm.url, &project, &rm.api_key);
    let body = "## Drift\n\nThe **`orders`** table lost a column:\n\n- `total`\n- see [runbook](https://wiki.example.com/r)";
    let issue = t
        .create_issue(&IssueDraft::new("Drift on orders", body))
        .await
        .expect("create");
    assert_eq!(issue.body, body);
    let id = issue.key().id.clone();
    let stored = raw_json(&rm, &format!("/issues/{id}.json")).await;
    // Redmine keeps line breaks as the browser sends them, CRLF.
    assert_eq!(
        stored["issue"]["description"]
            .as_str()
            .map(|d| d.replace("\r\n", "\n")),
        Some("h2. Drift\n\nThe *@orders@* table lost a column:\n\n* @total@\n* see \"runbook\":https://wiki.example.com/r".to_owned())
    );

    // Ours, written as a note.
    let ours = t
        .add_comment(&id, "Seen on *staging* with `v2`.")
        .await
        .expect("comment");
    assert_eq!(ours.body, "Seen on *staging* with `v2`.");
    assert_eq!(ours.author, "Redmine Admin");
    // Theirs, written in Redmine in Textile, with a status change.
    raw(&rm, Method::PUT, &format!("/issues/{id}.json"))
        .json(&json!({"issue": {"notes": "Fixed in *r42*, see @migrations/7@.", "status_id": 2}}))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("a note from Redmine");
    let comments = t.comments(&id).await.expect("comments");
    let bodies: Vec<&str> = comments.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(
        bodies,
        [
            "Seen on *staging* with `v2`.",
            "Fixed in **r42**, see `migrations/7`."
        ]
    );
    assert_eq!(comments[0].id, ours.id);
    let now = t.get_issue(&id).await.expect("get").expect("exists");
    assert_eq!(now.reference.status.state, IssueState::InProgress);
    assert_eq!(now.reference.status.name, "In Progress");
}

#[tokio::test]
async fn transitions_priorities_and_types_use_the_servers_names() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let t = tracker(&rm.url, &project, &rm.api_key);
    let mut draft = IssueDraft::new("Slow query", "");
    draft.issue_type = Some("Feature".into());
    draft.priority = Some(Priority::P0);
    let issue = t.create_issue(&draft).await.expect("create");
    let id = issue.key().id.clone();
    assert_eq!(issue.issue_type.as_deref(), Some("Feature"));
    assert_eq!(issue.reference.priority, Some(Priority::P0));
    let stored = raw_json(&rm, &format!("/issues/{id}.json")).await;
    assert_eq!(stored["issue"]["priority"]["name"], "Immediate");
    assert_eq!(stored["issue"]["tracker"]["name"], "Feature");
    assert_eq!(stored["issue"]["status"]["name"], "New");

    let to = |state| IssueUpdate {
        state: Some(state),
        ..IssueUpdate::default()
    };
    for (state, name) in [
        (IssueState::InProgress, "In Progress"),
        (IssueState::Done, "Closed"),
        (IssueState::Open, "New"),
    ] {
        let i = t.update_issue(&id, &to(state)).await.expect("transition");
        assert_eq!(i.reference.status.state, state);
        assert_eq!(i.reference.status.name, name);
        let stored = raw_json(&rm, &format!("/issues/{id}.json")).await;
        assert_eq!(stored["issue"]["status"]["name"], name);
    }
    // Configured names: closing as Rejected, another in-progress status.
    let c = config(
        &rm.url,
        &project,
        json!({"done_status": "Rejected", "in_progress_status": "Feedback", "priorities": {"P4": "Normal"}}),
    );
    let t2 = tracker_with(&rm.url, &c, &rm.api_key);
    let i = t2
        .update_issue(&id, &to(IssueState::InProgress))
        .await
        .expect("feedback");
    assert_eq!(i.reference.status.name, "Feedback");
    let i = t2
        .update_issue(&id, &to(IssueState::Done))
        .await
        .expect("reject");
    assert_eq!(i.reference.status.name, "Rejected");
    assert_eq!(i.reference.status.state, IssueState::Done);
    let i = t2
        .update_issue(
            &id,
            &IssueUpdate {
                priority: Some(Priority::P4),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("priority");
    assert_eq!(i.reference.priority, Some(Priority::P4));
    let stored = raw_json(&rm, &format!("/issues/{id}.json")).await;
    assert_eq!(stored["issue"]["priority"]["name"], "Normal");

    let mut odd = IssueDraft::new("x", "");
    odd.issue_type = Some("Epic".into());
    let e = t.create_issue(&odd).await.expect_err("no such tracker");
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(
        e.to_string()
            .contains("no tracker `Epic` (it has Bug, Feature, Support)"),
        "{e}"
    );
    let c = config(&rm.url, &project, json!({"priorities": {"P1": "Hoch"}}));
    let mut high = IssueDraft::new("x", "");
    high.priority = Some(Priority::P1);
    let e = tracker_with(&rm.url, &c, &rm.api_key)
        .create_issue(&high)
        .await
        .expect_err("no such priority");
    assert!(e.to_string().contains("set config.priorities.P1"), "{e}");
}

#[tokio::test]
async fn reads_by_updated_on() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let t = tracker(&rm.url, &project, &rm.api_key);
    for n in 0..3 {
        t.create_issue(&IssueDraft::new(format!("old {n}"), ""))
            .await
            .expect("create");
    }
    // Redmine's clock counts whole seconds: the cut is a second later.
    let cut = t
        .search_issues(&SearchQuery::default())
        .await
        .expect("list")
        .iter()
        .map(|i| i.reference.updated_at)
        .max()
        .expect("issues")
        + chrono::Duration::seconds(1);
    while chrono::Utc::now() < cut {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let newer = t
        .create_issue(&IssueDraft::new("new one", ""))
        .await
        .expect("create");
    let since = SearchQuery {
        updated_since: Some(cut),
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let got = t.search_issues(&since).await.expect("since");
    let ids: Vec<&str> = got.iter().map(|i| i.key().id.as_str()).collect();
    assert_eq!(ids, [newer.key().id.as_str()]);
    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    assert_eq!(t.search_issues(&all).await.expect("all").len(), 4);
}

#[tokio::test]
async fn files_are_uploaded_then_attached() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let t = tracker(&rm.url, &project, &rm.api_key);
    let issue = t
        .create_issue(&IssueDraft::new("Plan regressed", ""))
        .await
        .expect("create");
    let id = issue.key().id.clone();
    let plan = b"Seq Scan on orders  (cost=0.00..431.00 rows=21000)".to_vec();
    let file = sr_model::AttachmentUpload {
        filename: "plan.txt".into(),
        content_type: "text/plain".into(),
        description: "EXPLAIN output".into(),
        bytes: plan.clone(),
    };
    let a = t.attach_file(&id, &file).await.expect("attach");
    assert_eq!(a.filename, "plan.txt");
    assert_eq!(a.size, plan.len() as u64);
    let url = a.url.expect("a download URL");
    let got = raw(&rm, Method::GET, url.trim_start_matches(&rm.url))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(got.as_ref(), plan.as_slice());
    let stored = raw_json(&rm, &format!("/issues/{id}.json?include=attachments")).await;
    assert_eq!(
        stored["issue"]["attachments"][0]["description"],
        "EXPLAIN output"
    );
    let e = t
        .attach_file("999999", &file)
        .await
        .expect_err("no such issue");
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}
