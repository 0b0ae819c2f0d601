//! GitHub's particulars: keys, labels, pull requests in the list, `since`,
//! ETags, webhooks, and the lists behind the settings dialog.

use sr_model::{IssueDraft, IssueState, IssueUpdate, Priority, SearchQuery, StateFilter};
use sr_tracker::{ErrorKind, IssueTracker, WebhookConfig};

use crate::common::*;

#[tokio::test]
async fn keys_and_instance() {
    let f = fixture().await;
    let port = f.server.addr().port();
    assert_eq!(
        f.tracker.info().instance,
        format!("127.0.0.1:{port}/acme/db")
    );
    let public = tracker_for("https://api.github.com", TOKEN);
    assert_eq!(public.info().instance, "github.com/acme/db");
    assert_eq!(
        public.info().web_url.as_deref(),
        Some("https://github.com/acme/db")
    );
    let issue = f
        .tracker
        .create_issue(&IssueDraft::new("Drift", ""))
        .await
        .expect("create");
    assert_eq!(
        issue.key().to_string(),
        format!("github:127.0.0.1:{port}/acme/db:1")
    );
    assert_eq!(issue.reference.display_key, "#1");
}

#[tokio::test]
async fn labels_are_created_when_missing_and_mapped_fields_become_labels() {
    let f = fixture().await;
    let mut draft = IssueDraft::new("Drift", "body");
    draft.labels = vec!["db".into()];
    draft.priority = Some(Priority::P1);
    draft.assignees = vec!["hubot".into()];
    let issue = f.tracker.create_issue(&draft).await.expect("create");
    let mut names = f.repo.label_names();
    names.sort();
    assert_eq!(names, ["db", "priority: high", "scratchrobin"]);
    assert_eq!(issue.reference.labels, ["db", "scratchrobin"]);
    assert_eq!(issue.reference.priority, Some(Priority::P1));
    assert_eq!(issue.reference.assignee.as_deref(), Some("hubot"));
    // Creating a second issue with the same labels lists them once and creates none.
    let before = f.server.requests().len();
    f.tracker.create_issue(&draft).await.expect("create");
    let ops: Vec<_> = f.server.requests()[before..]
        .iter()
        .filter_map(|r| r.operation_id.clone())
        .collect();
    assert_eq!(ops, ["issues/create"]);
    // In progress is a label; closing with a reason sends state_reason.
    let id = issue.key().id.clone();
    let moved = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                state: Some(IssueState::InProgress),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(moved.reference.status.state, IssueState::InProgress);
    let closed = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                state: Some(IssueState::Done),
                resolution: Some("won't do".into()),
                ..Default::default()
            },
        )
        .await
        .expect("close");
    assert_eq!(
        closed.reference.status.resolution.as_deref(),
        Some("not_planned")
    );
    let unassigned = f
        .tracker
        .update_issue(
            &id,
            &IssueUpdate {
                assignee: Some(None),
                ..Default::default()
            },
        )
        .await
        .expect("unassign");
    assert_eq!(unassigned.reference.assignee, None);
}

#[tokio::test]
async fn lists_leave_out_pull_requests_and_follow_pages() {
    let f = fixture().await;
    for n in 0..250 {
        f.repo.seed(&format!("seeded {n}"), &["bulk"], n % 5 == 0);
    }
    let all = SearchQuery {
        state: StateFilter::All,
        limit: 10_000,
        ..SearchQuery::default()
    };
    let issues = f.tracker.search_issues(&all).await.expect("list");
    assert_eq!(issues.len(), 200);
    let pages: Vec<_> = f
        .server
        .requests()
        .into_iter()
        .filter(|r| r.operation_id.as_deref() == Some("issues/list-for-repo"))
        .collect();
    assert_eq!(pages.len(), 3, "250 issues at 100 per page");
    assert!(
        pages
            .iter()
            .all(|p| p.query.contains(&("per_page".into(), "100".into())))
    );
    // The limit stops paging early.
    let few = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 5,
            ..all.clone()
        })
        .await
        .expect("list");
    assert_eq!(few.len(), 5);
    // A pull request is not an issue.
    assert_eq!(f.tracker.get_issue("1").await.expect("get"), None);
    assert!(f.tracker.get_issue("2").await.expect("get").is_some());
}

#[tokio::test]
async fn since_reads_only_what_changed() {
    let f = fixture().await;
    let first = f
        .tracker
        .create_issue(&IssueDraft::new("old", ""))
        .await
        .expect("create");
    let second = f
        .tracker
        .create_issue(&IssueDraft::new("new", ""))
        .await
        .expect("create");
    let since = SearchQuery {
        updated_since: Some(second.reference.updated_at),
        ..SearchQuery::default()
    };
    let changed = f.tracker.search_issues(&since).await.expect("list");
    let ids: Vec<_> = changed.iter().map(|i| i.key().id.clone()).collect();
    assert_eq!(ids, [second.key().id.clone()]);
    assert_ne!(first.key(), second.key());
    let last = f.server.requests().pop().expect("request");
    assert!(last.query.iter().any(|(k, _)| k == "since"), "{last:?}");
}

#[tokio::test]
async fn unchanged_issue_is_read_with_an_etag() {
    let f = fixture().await;
    let created = f
        .tracker
        .create_issue(&IssueDraft::new("Drift", ""))
        .await
        .expect("create");
    let id = created.key().id.clone();
    let a = f.tracker.get_issue(&id).await.expect("get").expect("issue");
    let remaining = f
        .tracker
        .rate_budget()
        .and_then(|b| b.remaining)
        .expect("budget");
    let b = f.tracker.get_issue(&id).await.expect("get").expect("issue");
    assert_eq!(a, b);
    let last = f.server.requests().pop().expect("request");
    assert_eq!(last.status, 304);
    assert!(last.if_none_match.is_some());
    assert_eq!(
        f.tracker.rate_budget().and_then(|b| b.remaining),
        Some(remaining),
        "a 304 costs nothing"
    );
    // After an update the cached copy is not used.
    f.tracker
        .update_issue(
            &id,
            &IssueUpdate {
                title: Some("Drift 2".into()),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    let c = f.tracker.get_issue(&id).await.expect("get").expect("issue");
    assert_eq!(c.reference.title, "Drift 2");
}

#[tokio::test]
async fn webhooks_register_and_unregister() {
    let f = fixture().await;
    let config = WebhookConfig {
        url: "https://hooks.example.com/github".into(),
        secret: "s3cret".into(),
        events: vec![],
    };
    let reg = f.tracker.register_webhook(&config).await.expect("register");
    assert_eq!(reg.url, config.url);
    assert_eq!(f.repo.hook_urls(), vec![config.url.clone()]);
    f.tracker
        .unregister_webhook(&reg.id)
        .await
        .expect("unregister");
    assert!(f.repo.hook_urls().is_empty());
    let again = f
        .tracker
        .unregister_webhook(&reg.id)
        .await
        .expect_err("gone");
    assert_eq!(again.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn lists_projects_labels_and_users() {
    let f = fixture().await;
    f.tracker
        .create_issue(&IssueDraft {
            labels: vec!["db".into()],
            ..IssueDraft::new("x", "")
        })
        .await
        .expect("create");
    let projects = f.tracker.projects().await.expect("projects");
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].id, "acme/db");
    let labels: Vec<_> = f
        .tracker
        .labels(None)
        .await
        .expect("labels")
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert!(labels.contains(&"db".to_owned()), "{labels:?}");
    let users: Vec<_> = f
        .tracker
        .users(None, "HUB")
        .await
        .expect("users")
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(users, ["hubot"]);
    let unsupported = f.tracker.delete_issue("1").await.expect_err("no delete");
    assert_eq!(unsupported.kind(), ErrorKind::Unsupported);
}

#[tokio::test]
async fn a_full_read_of_ten_thousand_issues_takes_one_hundred_pages() {
    let f = fixture().await;
    for n in 0..10_000 {
        f.repo.seed(&format!("issue {n}"), &[], false);
    }
    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let issues = f.tracker.search_issues(&all).await.expect("full read");
    assert_eq!(issues.len(), 10_000);
    let pages = f.server.count("issues/list-for-repo");
    assert_eq!(pages, 100);
}

#[tokio::test]
async fn an_unchanged_poll_is_answered_304() {
    let f = fixture().await;
    let created = f
        .tracker
        .create_issue(&IssueDraft::new("Drift", ""))
        .await
        .expect("create");
    let poll = SearchQuery {
        updated_since: Some(created.reference.updated_at),
        ..SearchQuery::default()
    };
    let first = f.tracker.search_issues(&poll).await.expect("poll");
    let second = f.tracker.search_issues(&poll).await.expect("poll");
    assert_eq!(first, second);
    assert_eq!(f.server.requests().pop().map(|r| r.status), Some(304));
    // A change shows up on the next poll.
    f.tracker
        .add_comment(&created.key().id, "seen")
        .await
        .expect("comment");
    let third = f.tracker.search_issues(&poll).await.expect("poll");
    assert_eq!(f.server.requests().pop().map(|r| r.status), Some(200));
    assert_ne!(third[0].reference.updated_at, first[0].reference.updated_at);
}

#[tokio::test]
async fn security_advisories_are_read_as_bugs() {
    let f = fixture().await;
    // The repository fake does not model advisories: the description's own example answers.
    let list = f
        .tracker
        .security_advisories(100)
        .await
        .expect("advisories");
    let keys: Vec<_> = list
        .iter()
        .map(|i| (i.reference.display_key.clone(), i.reference.priority))
        .collect();
    assert_eq!(
        keys,
        [
            ("GHSA-abcd-1234-efgh".to_owned(), Some(Priority::P0)),
            ("GHSA-1234-5678-9012".to_owned(), Some(Priority::P1))
        ]
    ); // One advisory by its key (the example answers again).
    let one = f
        .tracker
        .get_issue("GHSA-abcd-1234-efgh")
        .await
        .expect("advisory")
        .expect("found");
    assert_eq!(one.issue_type.as_deref(), Some("Bug"));
}
