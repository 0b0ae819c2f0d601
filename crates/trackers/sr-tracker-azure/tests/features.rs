//! Azure DevOps's particulars: reads windowed past the WIQL cap and
//! batched by 200, incremental reads by `System.ChangedDate`, HTML
//! descriptions, state changes by the type's categories and configured
//! names, area and iteration paths, paged comments, tags, Entra tokens.

use serde_json::json;
use sr_apimock::AzureBoards;
use sr_model::{IssueDraft, IssueState, IssueUpdate, SearchQuery, StateFilter};
use sr_tracker::IssueTracker;

use crate::common::*;

fn all() -> SearchQuery {
    SearchQuery {
        limit: 0,
        ..SearchQuery::default()
    }
}

/// With a cap of 7 ids a query, 23 work items come in 4 windows, newest
/// first, each exactly once; a limit stops early.
#[tokio::test]
async fn long_reads_go_in_windows_past_the_wiql_cap() {
    let boards = AzureBoards::new(ORG, PROJECT)
        .with_authorization(BASIC)
        .with_wiql_cap(7);
    for n in 0..23 {
        boards.seed(&format!("item {n}"), &[]);
    }
    let mut f = fixture_with(boards).await;
    f.tracker = tracker_for(f.server.base_url(), TOKEN).with_wiql_cap(7);
    let got = f.tracker.search_issues(&all()).await.expect("all");
    let ids: Vec<String> = got.iter().map(|i| i.reference.key.id.clone()).collect();
    let want: Vec<String> = (1..=23).rev().map(|n: u64| n.to_string()).collect();
    assert_eq!(ids, want);
    assert_eq!(f.server.count("Wiql_Query By Wiql"), 4);
    let limited = SearchQuery {
        limit: 10,
        ..SearchQuery::default()
    };
    let got = f.tracker.search_issues(&limited).await.expect("ten");
    assert_eq!(got.len(), 10);
    assert_eq!(got[0].reference.key.id, "23");
    // The mock's own cap is real: without $top, more than 7 is an error.
    let resp = sr_tracker::reqwest::Client::new()
        .post(format!(
            "{}/{ORG}/{PROJECT}/{PROJECT}%20Team/_apis/wit/wiql?api-version=7.1",
            f.server.base_url()
        ))
        .header("authorization", BASIC)
        .json(&json!({"query": "SELECT [System.Id] FROM WorkItems"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 400);
    assert!(resp.text().await.unwrap_or_default().contains("VS402337"));
}

/// 450 work items are read in batches of at most 200 ids.
#[tokio::test]
async fn work_items_come_in_batches_of_200() {
    let f = fixture().await;
    for n in 0..450 {
        f.boards.seed(&format!("item {n}"), &["bulk"]);
    }
    // The default limit of 50 in one batch, then everything in three.
    let first = f.tracker.issues_by_label("bulk").await.expect("50");
    assert_eq!(first.len(), 50);
    let every = f
        .tracker
        .search_issues(&SearchQuery {
            labels: vec!["bulk".into()],
            limit: 0,
            ..SearchQuery::default()
        })
        .await
        .expect("all");
    assert_eq!(every.len(), 450);
    assert_eq!(f.server.count("Work Items_Get Work Items Batch"), 1 + 3);
}

/// An incremental read asks for what changed since the cursor, with time
/// precision, and finds only that.
#[tokio::test]
async fn incremental_reads_follow_changed_date() {
    let f = fixture().await;
    let a = f.boards.seed("first", &[]);
    f.boards.seed("second", &[]);
    let before = f.tracker.search_issues(&all()).await.expect("all");
    let cursor = before
        .iter()
        .map(|i| i.reference.updated_at)
        .max()
        .expect("some");
    f.boards.edit(a, "System.Title", json!("first, edited"));
    let since = SearchQuery {
        updated_since: Some(cursor + chrono::Duration::milliseconds(1)),
        limit: 0,
        ..SearchQuery::default()
    };
    let changed = f.tracker.search_issues(&since).await.expect("changed");
    let ids: Vec<&str> = changed
        .iter()
        .map(|i| i.reference.key.id.as_str())
        .collect();
    assert_eq!(ids, [a.to_string()]);
    assert_eq!(changed[0].reference.title, "first, edited");
    assert!(f.server.requests().iter().any(|r| {
        r.operation_id.as_deref() == Some("Wiql_Query By Wiql")
            && r.query
                .iter()
                .any(|(k, v)| k == "timePrecision" && v == "true")
    }));
}

#[tokio::test]
async fn markdown_is_stored_as_html_and_read_back() {
    let f = fixture().await;
    let body = "## Drift\n\n- column `total` changed\n- index dropped";
    let mut draft = IssueDraft::new("Orders drifted", body);
    draft.labels = vec!["db".into()];
    let created = f.tracker.create_issue(&draft).await.expect("created");
    let id: u64 = created.reference.key.id.parse().expect("id");
    let fields = f.boards.fields(id).expect("stored");
    assert_eq!(
        fields["System.Description"],
        "<h2>Drift</h2>\n<ul>\n<li>column <code>total</code> changed</li>\n<li>index dropped</li>\n</ul>"
    );
    assert_eq!(fields["System.Tags"], "scratchrobin; db");
    assert_eq!(fields["System.WorkItemType"], "Task");
    assert_eq!(created.body, body);
    assert_eq!(created.reference.labels, ["db", "scratchrobin"]);
    assert_eq!(created.reference.display_key, format!("#{id}"));
    assert_eq!(
        created.reference.url,
        format!(
            "{}/{ORG}/{PROJECT}/_workitems/edit/{id}",
            f.server.base_url()
        )
    );
    let tags: Vec<String> = f
        .tracker
        .labels(None)
        .await
        .expect("tags")
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(tags, ["db", "scratchrobin"]);
}

/// Open, in progress and done move a Task through New, Active and Closed
/// (its states by category); a configured state wins for its type.
#[tokio::test]
async fn states_follow_categories_and_configuration() {
    let f = fixture().await;
    let id = f.boards.seed("Orders drifted", &[]);
    let to = |state| IssueUpdate {
        state: Some(state),
        ..IssueUpdate::default()
    };
    for (state, name) in [
        (IssueState::InProgress, "Active"),
        (IssueState::Done, "Closed"),
        (IssueState::Open, "New"),
    ] {
        let got = f
            .tracker
            .update_issue(&id.to_string(), &to(state))
            .await
            .expect("moved");
        assert_eq!(
            (
                got.reference.status.state,
                got.reference.status.name.as_str()
            ),
            (state, name)
        );
    }
    let mut config = config(f.server.base_url());
    config.work_item_type = "Bug".into();
    config.states.insert(
        "Bug".into(),
        serde_json::from_value(json!({"done": "Resolved"})).expect("names"),
    );
    let t = tracker_with(&config, TOKEN);
    let bug = t
        .create_issue(&IssueDraft::new("A bug", ""))
        .await
        .expect("bug");
    assert_eq!(bug.issue_type.as_deref(), Some("Bug"));
    let done = t
        .update_issue(&bug.reference.key.id, &to(IssueState::Done))
        .await
        .expect("done");
    assert_eq!(done.reference.status.name, "Resolved");
    assert_eq!(done.reference.status.state, IssueState::Done);
    // Open and closed searches agree with the states.
    let closed = t
        .search_issues(&SearchQuery {
            state: StateFilter::Closed,
            ..SearchQuery::default()
        })
        .await
        .expect("closed");
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].reference.key.id, bug.reference.key.id);
}

#[tokio::test]
async fn area_and_iteration_paths_are_checked_and_set() {
    let f = fixture().await;
    let mut config = config(f.server.base_url());
    config.area_path = Some("DB\\Backend".into());
    config.iteration_path = Some("DB\\Sprint 1".into());
    let t = tracker_with(&config, TOKEN);
    let report = t.test_connection().await.expect("connects");
    assert_eq!(
        report.checks,
        [
            "project DB of organization acme is visible",
            "work item type Task can be created",
            "Task has states for open, in progress and done",
            "area_path DB\\Backend exists",
            "iteration_path DB\\Sprint 1 exists",
        ]
    );
    let created = t
        .create_issue(&IssueDraft::new("In the backend", ""))
        .await
        .expect("created");
    let id: u64 = created.reference.key.id.parse().expect("id");
    let fields = f.boards.fields(id).expect("stored");
    assert_eq!(fields["System.AreaPath"], "DB\\Backend");
    assert_eq!(fields["System.IterationPath"], "DB\\Sprint 1");
    // Searches stay under the area.
    f.boards.seed("at the root", &[]);
    let found = t
        .search_issues(&SearchQuery::default())
        .await
        .expect("search");
    assert_eq!(found.len(), 1);

    config.area_path = Some("DB\\Frontend".into());
    let e = tracker_with(&config, TOKEN)
        .test_connection()
        .await
        .expect_err("no such area");
    assert_eq!(e.kind(), sr_tracker::ErrorKind::Config);
    assert!(e.to_string().contains("config.area_path `DB\\Frontend` does not exist in project DB; use one of: DB, DB\\Backend, DB\\Sprint 1"), "{e}");
    config.area_path = None;
    config.work_item_type = "Incident".into();
    let e = tracker_with(&config, TOKEN)
        .test_connection()
        .await
        .expect_err("no such type");
    assert!(e.to_string().contains("no work item type `Incident`; set config.work_item_type to one of: Bug, Task, User Story"), "{e}");
}

/// Comments come 200 a page; the continuation token fetches the rest.
#[tokio::test]
async fn comments_are_paged() {
    let f = fixture().await;
    let id = f.boards.seed("Talkative", &[]).to_string();
    for n in 0..205 {
        f.tracker
            .add_comment(&id, &format!("note **{n}**"))
            .await
            .expect("comment");
    }
    let list = f.tracker.comments(&id).await.expect("comments");
    assert_eq!(list.len(), 205);
    assert_eq!(list[204].body, "note **204**");
    assert_eq!(list[0].author, "mia@acme.com");
    assert_eq!(f.server.count("Comments_Get Comments"), 2);
}

#[tokio::test]
async fn entra_tokens_are_sent_as_bearer() {
    let boards = AzureBoards::new(ORG, PROJECT).with_authorization("Bearer eyJ0.entra");
    let f = fixture_with(boards).await;
    let mut config = config(f.server.base_url());
    config.auth =
        serde_json::from_value(json!({"type": "bearer", "token": "${ENTRA}"})).expect("auth");
    let t = tracker_with(&config, "eyJ0.entra");
    t.test_connection().await.expect("connects");
    let e = f
        .tracker
        .test_connection()
        .await
        .expect_err("a PAT is not accepted here");
    assert_eq!(e.kind(), sr_tracker::ErrorKind::Unauthorized);
}

/// A file is uploaded as octet-stream bytes, then linked to the work item
/// as an `AttachedFile` relation.
#[tokio::test]
async fn files_are_uploaded_and_linked() {
    let f = fixture().await;
    let id = f.boards.seed("With a plan", &[]);
    let upload = sr_model::AttachmentUpload {
        filename: "plan.txt".into(),
        content_type: "text/plain".into(),
        description: "EXPLAIN output".into(),
        bytes: b"Seq Scan on orders".to_vec(),
    };
    let a = f
        .tracker
        .attach_file(&id.to_string(), &upload)
        .await
        .expect("attached");
    assert_eq!((a.filename.as_str(), a.size), ("plan.txt", 18));
    assert_eq!(f.boards.attachments(), [b"Seq Scan on orders".to_vec()]);
    let relations = f.boards.relations(id);
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0]["rel"], "AttachedFile");
    assert_eq!(relations[0]["url"].as_str(), a.url.as_deref());
    assert_eq!(relations[0]["attributes"]["comment"], "EXPLAIN output");
    let upload_req = f
        .server
        .requests()
        .into_iter()
        .find(|r| r.operation_id.as_deref() == Some("Attachments_Create"))
        .expect("an upload");
    assert!(
        upload_req
            .query
            .contains(&("fileName".into(), "plan.txt".into()))
    );
}
