//! Features beyond the contract: workflow states by type (in progress,
//! done, canceled, reopen), priorities, assignees, type labels, labels
//! created on demand, cursor pagination, incremental search by
//! `updatedAt`, comments written in Linear, webhooks.

use sr_model::{IssueDraft, IssueState, IssueUpdate, Priority, SearchQuery, StateFilter};
use sr_tracker::{IssueTracker, WebhookConfig};

use crate::common::*;

fn state(s: IssueState, resolution: Option<&str>) -> IssueUpdate {
    IssueUpdate {
        state: Some(s),
        resolution: resolution.map(str::to_owned),
        ..IssueUpdate::default()
    }
}

#[tokio::test]
async fn transitions_follow_the_teams_states() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Orders drifted", "The `orders` table **drifted**.");
    draft.priority = Some(Priority::P0);
    draft.issue_type = Some("Bug".into());
    draft.assignees = vec!["Grace Hopper".into()];
    let created = f.tracker.create_issue(&draft).await.expect("create");
    let r = &created.reference;
    assert_eq!(r.display_key, "DB-1");
    assert_eq!(
        (r.status.state, r.status.name.as_str()),
        (IssueState::Open, "Todo")
    );
    assert_eq!(r.priority, Some(Priority::P0));
    assert_eq!(r.assignee.as_deref(), Some("Grace Hopper"));
    assert_eq!(created.issue_type.as_deref(), Some("Bug"));
    assert_eq!(r.labels, ["scratchrobin"], "the type label is the type");
    assert_eq!(created.body, draft.body, "Markdown goes as it is");

    let tracker = &f.tracker;
    let t = |s, res: Option<&'static str>| {
        let update = state(s, res);
        async move { tracker.update_issue("DB-1", &update).await }
    };
    let started = t(IssueState::InProgress, None).await.expect("start");
    assert_eq!(started.reference.status.name, "In Progress");
    let done = t(IssueState::Done, None).await.expect("done");
    assert_eq!(
        (
            done.reference.status.name.as_str(),
            done.reference.status.resolution.as_deref()
        ),
        ("Done", Some("completed"))
    );
    let canceled = t(IssueState::Done, Some("won't do")).await.expect("cancel");
    assert_eq!(
        (
            canceled.reference.status.name.as_str(),
            canceled.reference.status.state
        ),
        ("Canceled", IssueState::Done)
    );
    let reopened = t(IssueState::Open, None).await.expect("reopen");
    assert_eq!(reopened.reference.status.name, "Todo");
    // An issue already in a started state stays in it.
    f.ws.move_to("DB-1", "In Review");
    let still = t(IssueState::InProgress, None).await.expect("in progress");
    assert_eq!(still.reference.status.name, "In Review");
    let unassigned = f
        .tracker
        .update_issue(
            "DB-1",
            &IssueUpdate {
                assignee: Some(None),
                priority: Some(Priority::P3),
                ..IssueUpdate::default()
            },
        )
        .await
        .expect("unassign");
    assert_eq!(unassigned.reference.assignee, None);
    assert_eq!(unassigned.reference.priority, Some(Priority::P3));
}

#[tokio::test]
async fn labels_are_created_once_and_searched() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Orders drifted", "");
    draft.labels = vec!["schema-drift".into()];
    f.tracker.create_issue(&draft).await.expect("create");
    f.tracker.create_issue(&draft).await.expect("create again");
    let labels = f.tracker.labels(None).await.expect("labels");
    let mut names: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["schema-drift", "scratchrobin"]);
    assert_eq!(f.server.count("issueLabelCreate"), 2);
    let found = f
        .tracker
        .issues_by_label("Schema-Drift")
        .await
        .expect("search");
    assert_eq!(found.len(), 2);
    let by_id = f
        .tracker
        .search_issues(&SearchQuery::text("DB-2"))
        .await
        .expect("by id");
    assert_eq!(by_id.len(), 1);
    assert_eq!(by_id[0].reference.display_key, "DB-2");
}

#[tokio::test]
async fn pages_follow_end_cursors_and_sync_reads_by_updated_at() {
    let f = fixture().await;
    for n in 0..230 {
        f.ws.seed(&format!("issue {n}"), &[]);
    }
    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let every = f.tracker.search_issues(&all).await.expect("all");
    assert_eq!(every.len(), 230);
    assert_eq!(f.server.count("issues"), 3, "pages of 100");
    let mut keys: Vec<&str> = every
        .iter()
        .map(|i| i.reference.display_key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 230, "no issue twice");
    let some = SearchQuery {
        limit: 120,
        ..all.clone()
    };
    assert_eq!(
        f.tracker.search_issues(&some).await.expect("some").len(),
        120
    );

    // The workspace's clock: its newest change so far, plus a moment.
    let newest = every
        .iter()
        .map(|i| i.reference.updated_at)
        .max()
        .expect("issues");
    let since = newest + chrono::Duration::milliseconds(1);
    f.ws.edit_title("DB-7", "renamed in Linear");
    f.ws.move_to("DB-9", "Done");
    let changed = SearchQuery {
        updated_since: Some(since),
        ..all.clone()
    };
    let mut got: Vec<String> = f
        .tracker
        .search_issues(&changed)
        .await
        .expect("changed")
        .into_iter()
        .map(|i| i.reference.display_key)
        .collect();
    got.sort();
    assert_eq!(got, ["DB-7", "DB-9"]);
    let closed = SearchQuery {
        state: StateFilter::Closed,
        ..all
    };
    let closed = f.tracker.search_issues(&closed).await.expect("closed");
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].reference.status.state, IssueState::Done);
}

#[tokio::test]
async fn comments_both_ways_and_trash() {
    let f = fixture().await;
    let id = f.ws.seed("Orders drifted", &[]);
    let mine = f
        .tracker
        .add_comment(&id, "Seen on **staging**.")
        .await
        .expect("comment");
    f.ws.comment(&id, "Fixed in Linear's view too.");
    let all = f.tracker.comments(&id).await.expect("comments");
    let bodies: Vec<(&str, &str)> = all
        .iter()
        .map(|c| (c.author.as_str(), c.body.as_str()))
        .collect();
    assert_eq!(
        bodies,
        [
            ("Ada Lovelace", "Seen on **staging**."),
            ("Grace Hopper", "Fixed in Linear's view too.")
        ]
    );
    assert_eq!(all[0].id, mine.id);
    f.tracker.delete_issue(&id).await.expect("delete");
    assert!(
        f.tracker.get_issue(&id).await.expect("read").is_none(),
        "in the trash is gone"
    );
    let users = f.tracker.users(None, "grace").await.expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].email.as_deref(), Some("grace@acme.com"));
}

#[tokio::test]
async fn webhooks_are_registered_for_the_team() {
    let f = fixture().await;
    let reg = f
        .tracker
        .register_webhook(&WebhookConfig {
            url: "https://hooks.example.com/linear".into(),
            secret: "s3cret".into(),
            events: Vec::new(),
        })
        .await
        .expect("register");
    assert_eq!(reg.url, "https://hooks.example.com/linear");
    assert_eq!(
        f.ws.webhooks(),
        [(
            "https://hooks.example.com/linear".to_owned(),
            vec!["Issue".to_owned(), "Comment".to_owned()],
            Some("s3cret".to_owned())
        )]
    );
    f.tracker
        .unregister_webhook(&reg.id)
        .await
        .expect("unregister");
    assert!(f.ws.webhooks().is_empty());
    let e = f
        .tracker
        .unregister_webhook(&reg.id)
        .await
        .expect_err("gone");
    assert_eq!(e.kind(), sr_tracker::ErrorKind::NotFound);
}
