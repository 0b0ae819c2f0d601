//! The whiteboard state checked as data: loading, debounced saves with the
//! version they were made from, a conflict that stops saving until a
//! reload, issues filed from a note and the board, and live statuses.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sr_engine::{Command, Event};
use sr_model::{Issue, IssueKey, IssueRef, IssueState, IssueStatus};

use super::*;
use crate::model::board::NoteColour;
use crate::state::{Dialog, Persisted};
use sr_engine::{BoardCommand, BoardEvent, IssueCommand, IssueEvent};

fn issue(id: u32, state: IssueState) -> Issue {
    let at = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    Issue {
        reference: IssueRef {
            key: IssueKey::new("local", "default", id.to_string()),
            display_key: format!("LOCAL-{id}"),
            url: String::new(),
            title: format!("Issue {id}"),
            status: IssueStatus {
                state,
                name: state.as_str().into(),
                resolution: None,
            },
            priority: None,
            labels: vec![],
            assignee: None,
            created_at: at,
            updated_at: at,
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}

/// A state with the demo board open and loaded as `json`, commands cleared.
fn loaded(json: Option<&str>, version: i64) -> UiState {
    let mut s = UiState::new(Persisted::default());
    s.open_whiteboard("demo");
    s.take_commands();
    s.apply(Event::Boards(BoardEvent::Loaded {
        connection: "demo".into(),
        board_json: json.map(str::to_owned),
        version,
    }));
    s
}

fn board(s: &mut UiState) -> &mut Whiteboard {
    s.whiteboards
        .boards
        .get_mut("demo")
        .expect("the demo board")
}

/// The saves among the queued commands: (version made from, document).
fn saves(s: &mut UiState) -> Vec<(i64, String)> {
    s.take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Boards(BoardCommand::Save {
                board_json,
                version,
                ..
            }) => Some((version, board_json)),
            _ => None,
        })
        .collect()
}

fn add_note(s: &mut UiState, text: &str) -> ItemId {
    let w = board(s);
    w.add(
        ItemKind::Note {
            text: String::new(),
            colour: NoteColour::Yellow,
            issue: None,
        },
        Vec2::new(0.0, 0.0),
    );
    if let Some((_, buffer)) = &mut w.editing {
        *buffer = text.to_owned();
    }
    w.commit_edit();
    w.selected.unwrap_or_default()
}

#[test]
fn opening_loads_once_and_an_unsaved_board_starts_empty() {
    let mut s = UiState::new(Persisted::default());
    s.open_whiteboard("demo");
    s.open_whiteboard("demo");
    let loads = s
        .take_commands()
        .into_iter()
        .filter(|c| matches!(c, Command::Boards(BoardCommand::Load { connection }) if connection == "demo"))
        .count();
    assert_eq!(loads, 1);
    assert_eq!(s.tabs.last(), Some(&Tab::Whiteboard("demo".into())));
    let mut s = loaded(None, 0);
    let w = board(&mut s);
    assert_eq!(
        (w.load.clone(), w.version, w.board.items.len()),
        (Load::Ready(()), 0, 0)
    );
}

#[test]
fn edits_are_saved_after_a_pause_from_the_version_they_were_made_on() {
    let mut s = loaded(None, 0);
    add_note(&mut s, "first");
    let now = Instant::now();
    // Too soon: nothing is sent, and the app is told when to look again.
    assert!(s.save_due_boards(now).is_some_and(|d| d <= SAVE_AFTER));
    assert_eq!(saves(&mut s), vec![]);
    let later = now + SAVE_AFTER;
    assert_eq!(s.save_due_boards(later), None);
    let sent = saves(&mut s);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, 0);
    assert!(sent[0].1.contains("first"), "{}", sent[0].1);
    // An edit while saving waits for the answer.
    add_note(&mut s, "second");
    s.save_due_boards(later + SAVE_AFTER * 2);
    assert_eq!(saves(&mut s), vec![]);
    s.apply(Event::Boards(BoardEvent::Saved {
        connection: "demo".into(),
        version: 1,
    }));
    s.save_due_boards(Instant::now() + SAVE_AFTER * 2);
    let sent = saves(&mut s);
    assert_eq!(sent.iter().map(|(v, _)| *v).collect::<Vec<_>>(), vec![1]);
    assert!(sent[0].1.contains("second"));
}

#[test]
fn a_conflict_stops_saving_until_the_board_is_reloaded() {
    let mut s = loaded(Some(r#"{"items":[]}"#), 4);
    add_note(&mut s, "mine");
    s.save_due_boards(Instant::now() + SAVE_AFTER);
    assert_eq!(saves(&mut s).len(), 1);
    let message = "the whiteboard of demo was saved elsewhere (version 5, this one was made from 4); reload it and redo the change";
    s.fail_job("Save the whiteboard of demo".into(), message.into());
    assert_eq!(board(&mut s).problem.as_deref(), Some(message));
    add_note(&mut s, "more");
    s.save_due_boards(Instant::now() + Duration::from_secs(60));
    assert_eq!(saves(&mut s), vec![], "no save over someone else's board");
    s.reload_board("demo");
    assert!(
        s.take_commands()
            .iter()
            .any(|c| matches!(c, Command::Boards(BoardCommand::Load { .. })))
    );
    s.apply(Event::Boards(BoardEvent::Loaded {
        connection: "demo".into(),
        board_json: Some(r#"{"items":[{"id":9,"bounds":{"x":0,"y":0,"w":1,"h":1},"type":"text","text":"theirs"}]}"#.into()),
        version: 5,
    }));
    let w = board(&mut s);
    assert_eq!(
        (w.version, w.problem.clone(), w.history.can_undo()),
        (5, None, false)
    );
    assert_eq!(w.board.items[0].kind.text(), "theirs");
}

#[test]
fn a_note_files_an_issue_through_the_sticky_note_template_and_keeps_its_key() {
    let mut s = loaded(None, 0);
    s.trackers = Load::Ready(vec![]);
    let id = add_note(&mut s, "Slow report\nMondays only");
    s.take_commands();
    s.create_issue_from_note("demo", id);
    let (template, event) = s
        .take_commands()
        .into_iter()
        .find_map(|c| match c {
            Command::Issues(IssueCommand::DraftFromTemplate {
                template, event, ..
            }) => Some((template, event)),
            _ => None,
        })
        .expect("a template draft is asked for");
    assert_eq!(template, "sticky_note");
    assert_eq!(event["event"], "note.promoted");
    assert_eq!(event["data"]["note"]["title"], "Slow report");
    assert_eq!(event["data"]["note"]["text"], "Slow report\nMondays only");
    let Some(Dialog::CreateIssue(d)) = &mut s.dialog else {
        panic!("no dialog");
    };
    assert_eq!(
        (d.title.as_str(), d.link, d.attach_ddl),
        ("Slow report", false, false)
    );
    d.tracker = "Local".into();
    d.drafting = None;
    s.submit_create();
    let request = s
        .take_commands()
        .into_iter()
        .find_map(|c| match c {
            Command::Issues(IssueCommand::Create {
                request, object, ..
            }) => {
                assert_eq!(object, None, "a board issue is not linked to an object");
                Some(request)
            }
            _ => None,
        })
        .expect("the issue is created");
    let created = issue(7, IssueState::Open);
    s.apply(Event::Issues(IssueEvent::Created {
        request,
        issue: created.clone(),
        link: None,
    }));
    assert!(s.dialog.is_none());
    let w = board(&mut s);
    assert_eq!(
        w.board.item(id).and_then(|i| i.kind.issue()),
        Some(created.key())
    );
    assert!(w.dirty.is_some(), "the key is saved with the board");
    assert_eq!(
        s.whiteboards.status(created.key()).map(|r| r.status.state),
        Some(IssueState::Open)
    );
}

#[test]
fn statuses_are_asked_for_on_load_and_approval_follows_the_review() {
    let note = r#"{"items":[{"id":1,"bounds":{"x":0,"y":0,"w":1,"h":1},"type":"note","text":"n","issue":"local:default:3"}],"review":"local:default:4"}"#;
    let mut s = UiState::new(Persisted::default());
    s.open_whiteboard("demo");
    s.take_commands();
    s.apply(Event::Boards(BoardEvent::Loaded {
        connection: "demo".into(),
        board_json: Some(note.into()),
        version: 2,
    }));
    let mut asked: Vec<String> = s
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Issues(IssueCommand::Refresh { issue }) => Some(issue.to_string()),
            _ => None,
        })
        .collect();
    asked.sort();
    assert_eq!(asked, ["local:default:3", "local:default:4"]);
    // Quiet: the refreshes are no jobs, so no toast reports them.
    assert!(
        !s.jobs
            .iter()
            .any(|j| matches!(j.kind, crate::state::JobKind::Refresh(_)))
    );
    let check = |s: &mut UiState, event: Issue, note_done: bool, approved: bool| {
        s.apply(Event::Issues(IssueEvent::Refreshed(event)));
        let note = IssueKey::new("local", "default", "3");
        let done = s
            .whiteboards
            .status(&note)
            .is_some_and(|r| r.status.state == IssueState::Done);
        assert_eq!(
            (done, s.whiteboards.approved("demo")),
            (note_done, approved)
        );
    };
    check(&mut s, issue(4, IssueState::InProgress), false, false);
    check(&mut s, issue(3, IssueState::Done), true, false);
    check(&mut s, issue(4, IssueState::Done), true, true);
    check(&mut s, issue(4, IssueState::Open), true, false);
    // Issues no board refers to are not kept.
    s.apply(Event::Issues(IssueEvent::Refreshed(issue(
        99,
        IssueState::Done,
    ))));
    assert!(
        s.whiteboards
            .status(&IssueKey::new("local", "default", "99"))
            .is_none()
    );
}
