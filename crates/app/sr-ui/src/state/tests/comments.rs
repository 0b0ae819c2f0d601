//! Issue comments in the linked-issues panel as data: what opening,
//! writing and outside changes send, and how the answers land.

use sr_engine::{Command, Event, IssueComments, SyncEvent};
use sr_model::{IssueKey, IssueState};
use sr_store::CachedComment;

use super::{at, issue, link, orders, ready, toasts};
use crate::state::{JobKind, Load, UiState};
use sr_engine::{IssueCommand, IssueEvent, LinkEvent};

fn key() -> IssueKey {
    issue(1, IssueState::Open).key().clone()
}

/// The comment commands queued: (issue, refresh) for loads, (issue, body)
/// as "comment" for new ones.
#[derive(Debug, PartialEq)]
enum Sent {
    Load { issue: String, refresh: bool },
    Add { issue: String, body: String },
}

fn comment_commands(state: &mut UiState) -> Vec<Sent> {
    state
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Issues(IssueCommand::LoadComments { issue, refresh }) => Some(Sent::Load {
                issue: issue.to_string(),
                refresh,
            }),
            Command::Issues(IssueCommand::AddComment { issue, body }) => Some(Sent::Add {
                issue: issue.to_string(),
                body,
            }),
            _ => None,
        })
        .collect()
}

fn load(refresh: bool) -> Sent {
    Sent::Load {
        issue: "local:default:1".into(),
        refresh,
    }
}

fn comment(id: i64, author: &str, body: &str, pending: bool) -> CachedComment {
    CachedComment {
        id,
        issue_key: "local:default:1".into(),
        remote_id: (!pending).then(|| id.to_string()),
        author: author.into(),
        body: body.into(),
        created_at: at(),
        updated_at: None,
        written_after: None,
        pending,
        rejected: false,
        attempts: 0,
        last_error: None,
    }
}

fn answer(comments: Vec<CachedComment>, problem: Option<&str>) -> Event {
    Event::Issues(IssueEvent::Comments(IssueComments {
        issue: key(),
        comments,
        problem: problem.map(str::to_owned),
    }))
}

/// A state with orders selected, LOCAL-1 linked to it and its comments
/// open and loaded with `comments`.
fn open_with(comments: Vec<CachedComment>) -> UiState {
    let mut s = ready();
    s.select(&orders());
    s.apply(Event::Links(LinkEvent::Loaded {
        object: orders(),
        links: vec![link(&orders(), &issue(1, IssueState::Open))],
    }));
    s.take_commands();
    s.toggle_comments(&key());
    assert_eq!(comment_commands(&mut s), [load(false)]);
    s.apply(answer(comments, None));
    assert!(s.jobs.is_empty());
    s
}

#[test]
fn opening_loads_the_comments_once_and_the_answer_fills_the_list() {
    let mut s = ready();
    assert_eq!(s.comments_of(&key()).count(), None);
    s.toggle_comments(&key());
    assert_eq!(s.comments_of(&key()).list, Load::Loading);
    assert!(s.comments_busy(&key()));
    assert_eq!(comment_commands(&mut s), [load(false)]);
    s.toggle_comments(&key());
    s.toggle_comments(&key());
    assert!(
        comment_commands(&mut s).is_empty(),
        "one load in flight is enough"
    );

    s.apply(answer(
        vec![comment(1, "ann", "Seen on prod", false)],
        Some("GitHub answered 502"),
    ));
    let thread = s.comments_of(&key());
    assert!(thread.open);
    assert_eq!(thread.count(), Some(1));
    assert_eq!(thread.problem.as_deref(), Some("GitHub answered 502"));
    assert!(s.jobs.is_empty(), "the load job ended");

    s.toggle_comments(&key());
    s.toggle_comments(&key());
    assert!(comment_commands(&mut s).is_empty(), "loaded already");
    s.refresh_comments(&key());
    assert_eq!(comment_commands(&mut s), [load(true)]);
    s.apply(answer(vec![comment(1, "ann", "Seen on prod", false)], None));
    assert_eq!(s.comments_of(&key()).problem, None, "the tracker answered");
}

#[test]
fn a_comment_sends_the_draft_clears_it_and_ends_after_the_send() {
    let mut s = open_with(vec![]);
    assert_eq!(s.comments_of(&key()).count(), Some(0));
    *s.comment_draft_mut(&key()) = "Index added in **v2**\n".into();
    assert!(s.can_comment(&key()));
    s.add_comment(&key());
    assert_eq!(
        comment_commands(&mut s),
        [Sent::Add {
            issue: "local:default:1".into(),
            body: "Index added in **v2**\n".into()
        }]
    );
    assert_eq!(s.comments_of(&key()).draft, "");
    assert!(!s.can_comment(&key()), "nothing to send");

    // Kept, pending: the job goes on while it is sent.
    s.apply(answer(
        vec![comment(1, "tester", "Index added in **v2**", true)],
        None,
    ));
    assert_eq!(s.comments_of(&key()).count(), Some(1));
    assert!(s.jobs.is_running(&JobKind::Comment(key())));
    // The tracker was down: still pending, with the reason.
    s.apply(answer(
        vec![comment(1, "tester", "Index added in **v2**", true)],
        Some("connection refused"),
    ));
    assert!(s.jobs.is_empty(), "the comment job ended with the send");
    let thread = s.comments_of(&key());
    assert_eq!(thread.problem.as_deref(), Some("connection refused"));
    assert_eq!(thread.draft, "", "a kept comment is not written again");
}

#[test]
fn a_blank_draft_sends_nothing() {
    let mut s = open_with(vec![]);
    for blank in ["", "   ", "\n\t \n"] {
        *s.comment_draft_mut(&key()) = blank.into();
        assert!(!s.can_comment(&key()), "{blank:?}");
        s.add_comment(&key());
        assert!(comment_commands(&mut s).is_empty(), "{blank:?}");
        assert_eq!(s.comments_of(&key()).draft, blank, "the draft stays");
    }
    assert!(s.jobs.is_empty());
}

#[test]
fn a_refused_comment_ends_its_job_and_goes_back_to_the_draft() {
    let mut s = open_with(vec![]);
    *s.comment_draft_mut(&key()) = "Needs a migration".into();
    s.add_comment(&key());
    let context = match s.take_commands().pop() {
        Some(c @ Command::Issues(IssueCommand::AddComment { .. })) => c.describe(),
        other => panic!("expected AddComment, got {other:?}"),
    };
    s.fail_job(context.clone(), "the store is read-only".into());
    assert!(s.jobs.is_empty(), "the failure ended the job");
    assert_eq!(s.comments_of(&key()).draft, "Needs a migration");
    assert!(
        toasts(&s).contains(&format!("{context}: the store is read-only")),
        "{:?}",
        toasts(&s)
    );
    assert!(s.can_comment(&key()), "it can be sent again");
}

#[test]
fn a_failed_send_after_the_comment_was_kept_leaves_the_draft_empty() {
    let mut s = open_with(vec![]);
    *s.comment_draft_mut(&key()) = "Done".into();
    s.add_comment(&key());
    s.take_commands();
    s.apply(answer(vec![comment(1, "tester", "Done", true)], None));
    s.fail_job(
        format!("Comment on {}", key()),
        "no tracker for local:default".into(),
    );
    assert!(s.jobs.is_empty());
    assert_eq!(
        s.comments_of(&key()).draft,
        "",
        "kept and pending: the next sync sends it"
    );
}

#[test]
fn a_failed_reload_keeps_the_list_and_says_why() {
    let mut s = open_with(vec![comment(1, "ann", "Hi", false)]);
    s.refresh_comments(&key());
    s.take_commands();
    s.fail_job(
        format!("Load the comments of {}", key()),
        "database is locked".into(),
    );
    let thread = s.comments_of(&key());
    assert_eq!(thread.count(), Some(1));
    assert_eq!(thread.problem.as_deref(), Some("database is locked"));
    assert!(s.jobs.is_empty());

    // A first load that fails shows the failure instead of a list.
    let mut s = ready();
    s.toggle_comments(&key());
    s.take_commands();
    s.fail_job(
        format!("Load the comments of {}", key()),
        "database is locked".into(),
    );
    assert_eq!(
        s.comments_of(&key()).list,
        Load::Failed("database is locked".into())
    );
}

fn store_change(table: &str) -> Event {
    Event::StoreChanged(sr_engine::StoreChange {
        table: table.into(),
        op: "INSERT".into(),
        object: None,
        issue: None,
        rows: None,
    })
}

#[test]
fn outside_changes_reload_open_lists() {
    let mut s = open_with(vec![comment(1, "ann", "Hi", false)]);
    s.apply(store_change("links"));
    assert!(comment_commands(&mut s).is_empty(), "not a comment change");
    for table in ["issue_comments", "*"] {
        s.apply(store_change(table));
        assert_eq!(comment_commands(&mut s), [load(false)], "{table}");
        s.apply(answer(vec![comment(1, "ann", "Hi", false)], None));
    }

    // A closed list waits until it is opened again.
    s.toggle_comments(&key());
    s.apply(store_change("issue_comments"));
    assert!(comment_commands(&mut s).is_empty());
    s.toggle_comments(&key());
    assert_eq!(comment_commands(&mut s), [load(false)]);
    s.apply(answer(vec![], None));

    // A change while a comment is in flight reloads after its answers.
    *s.comment_draft_mut(&key()) = "More".into();
    s.add_comment(&key());
    s.take_commands();
    s.apply(store_change("issue_comments"));
    assert!(comment_commands(&mut s).is_empty(), "one at a time");
    s.apply(answer(vec![comment(2, "tester", "More", true)], None));
    assert!(comment_commands(&mut s).is_empty());
    s.apply(answer(vec![comment(2, "tester", "More", false)], None));
    assert_eq!(comment_commands(&mut s), [load(false)]);
}

#[test]
fn a_finished_sync_reloads_open_lists() {
    let mut s = open_with(vec![]);
    let op = serde_json::json!({
        "id": "1", "tracker": "Local", "kind": "incremental", "origin": "scheduled",
        "requested_by": "scheduler", "include_closed": false, "status": "completed",
        "progress": {"current": 1, "total": 1, "processed": 1, "stage": "updating"},
        "results": {"created": 0, "updated": 1, "skipped": 0},
        "error": null, "started_at": null, "completed_at": null,
        "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z"
    });
    let op = serde_json::from_value(op).unwrap_or_else(|e| panic!("operation JSON: {e}"));
    s.apply(Event::Sync(SyncEvent::Finished(op)));
    assert_eq!(comment_commands(&mut s), [load(false)]);
}

#[test]
fn taking_back_a_pending_comment_puts_its_text_in_front_of_the_draft() {
    let mut s = open_with(vec![
        comment(1, "ann", "Seen on prod", false),
        comment(2, "ann", "Needs an index", true),
    ]);
    *s.comment_draft_mut(&key()) = "and a test".into();
    s.take_back_comment(&key(), 2);
    let sent: Vec<(String, i64)> = s
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Issues(IssueCommand::TakeBackComment { issue, comment }) => {
                Some((issue.to_string(), comment))
            }
            _ => None,
        })
        .collect();
    assert_eq!(sent, [("local:default:1".to_owned(), 2)]);
    assert!(s.comments_busy(&key()));
    s.take_back_comment(&key(), 2);
    assert!(s.take_commands().is_empty(), "one at a time");

    s.apply(Event::Issues(IssueEvent::CommentTakenBack {
        comments: IssueComments {
            issue: key(),
            comments: vec![comment(1, "ann", "Seen on prod", false)],
            problem: None,
        },
        body: "Needs an index".into(),
    }));
    assert!(s.jobs.is_empty(), "the job ended");
    let thread = s.comments_of(&key());
    assert_eq!(thread.count(), Some(1));
    assert_eq!(thread.draft, "Needs an index\n\nand a test");
}

#[test]
fn a_refused_take_back_keeps_the_draft_and_says_why() {
    let mut s = open_with(vec![comment(2, "ann", "Needs an index", true)]);
    s.take_back_comment(&key(), 2);
    s.take_commands();
    s.fail_job(
        "Take back a comment on local:default:1".into(),
        "the comment on local:default:1 can no longer be taken back".into(),
    );
    assert!(s.jobs.is_empty());
    let thread = s.comments_of(&key());
    assert!(thread.draft.is_empty());
    assert!(
        thread
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("can no longer be taken back")),
        "{thread:?}"
    );
}

#[test]
fn a_notice_naming_an_issue_reloads_only_that_issues_comments() {
    let mut s = open_with(vec![comment(1, "ann", "Hi", false)]);
    let notice = |issue: &str| {
        Event::StoreChanged(sr_engine::StoreChange {
            table: "issue_comments".into(),
            op: "INSERT".into(),
            object: None,
            issue: Some(issue.into()),
            rows: None,
        })
    };
    s.apply(notice("local:default:2"));
    assert!(comment_commands(&mut s).is_empty(), "another issue");
    s.apply(notice("local:default:1"));
    assert_eq!(comment_commands(&mut s), [load(false)]);
}
