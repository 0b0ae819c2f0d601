//! The Sync window's state as data: each case applies user actions and
//! engine events to a fresh state and compares what the window and the
//! status bar would show, and the commands sent.

use sr_engine::monitoring::SyncOperation;
use sr_engine::{Event, StartedSync, SyncEvent, SyncOverview};

use super::*;
use crate::state::Persisted;

/// One thing that happens to the state.
// Test data built once per case: the events' size does not matter.
#[allow(clippy::large_enum_variant)]
enum Step {
    Open,
    Start(Option<&'static str>, bool),
    Cancel(&'static str),
    Event(SyncEvent),
}

/// An operation: `status` as serde spells it, progress `processed/total`.
fn op(id: &str, tracker: &str, status: &str, processed: u64, total: u64) -> SyncOperation {
    let json = serde_json::json!({
        "id": id, "tracker": tracker, "kind": "incremental", "origin": "manual",
        "requested_by": "ann", "include_closed": false, "status": status,
        "progress": {"current": processed, "total": total, "processed": processed,
                     "stage": if total > 0 { "updating" } else { "fetching" }},
        "results": {"created": 2, "updated": 1, "skipped": 7},
        "error": if status == "failed" { Some("GitHub answered 502") } else { None },
        "started_at": null, "completed_at": null,
        "created_at": "2026-11-22T09:00:00Z", "updated_at": "2026-11-22T09:00:00Z"
    });
    serde_json::from_value(json).unwrap_or_else(|e| panic!("operation JSON: {e}"))
}

/// What the user sees afterwards.
#[derive(Debug, PartialEq)]
struct Shown {
    running: Vec<String>,
    /// `tracker status` of the last results.
    finished: Vec<String>,
    cancelling: Vec<String>,
    /// The commands sent, in the engine's words.
    sent: Vec<String>,
    jobs: usize,
    toasts: usize,
}

fn check(steps: Vec<Step>, expected: Shown) {
    let mut s = UiState::new(Persisted::default());
    s.apply(Event::Ready);
    s.take_commands();
    s.jobs.clear();
    for step in steps {
        match step {
            Step::Open => s.open_sync_window(),
            Step::Start(t, full) => s.start_sync(t, full),
            Step::Cancel(t) => s.cancel_sync(t),
            Step::Event(e) => s.apply(Event::Sync(e)),
        }
    }
    let shown = Shown {
        running: s.running_syncs().map(progress_text).collect(),
        finished: s
            .sync
            .finished
            .values()
            .map(|o| format!("{} {:?}", o.tracker, o.status))
            .collect(),
        cancelling: s.sync.cancelling.iter().cloned().collect(),
        sent: s.take_commands().iter().map(|c| c.describe()).collect(),
        jobs: s.jobs.len(),
        toasts: s.toasts.iter().count(),
    };
    assert_eq!(shown, expected);
}

fn started(o: SyncOperation, joined: bool) -> Step {
    Step::Event(SyncEvent::Started(vec![StartedSync {
        operation: o,
        joined,
    }]))
}

fn shown(running: &[&str], finished: &[&str], sent: &[&str], jobs: usize) -> Shown {
    Shown {
        running: running.iter().map(|s| s.to_string()).collect(),
        finished: finished.iter().map(|s| s.to_string()).collect(),
        cancelling: Vec::new(),
        sent: sent.iter().map(|s| s.to_string()).collect(),
        jobs,
        toasts: 0,
    }
}

#[test]
fn opening_loads_the_status() {
    check(
        vec![Step::Open],
        shown(&[], &[], &["Load the trackers' sync status"], 1),
    );
    check(
        vec![
            Step::Open,
            Step::Event(SyncEvent::Status(SyncOverview::default())),
        ],
        shown(&[], &[], &["Load the trackers' sync status"], 0),
    );
}

#[test]
fn a_started_sync_shows_its_progress_until_it_ends() {
    check(
        vec![
            Step::Start(Some("GH"), false),
            started(op("1", "GH", "pending", 0, 0), false),
        ],
        shown(&["GH: waiting to start"], &[], &["Sync GH"], 0),
    );
    check(
        vec![
            Step::Start(None, true),
            started(op("1", "GH", "in_progress", 0, 0), true),
            Step::Event(SyncEvent::Progress(op("1", "GH", "in_progress", 40, 120))),
        ],
        shown(&["GH: updating 40 of 120"], &[], &["Sync all trackers"], 0),
    );
    check(
        vec![
            started(op("1", "GH", "in_progress", 0, 0), false),
            Step::Event(SyncEvent::Progress(op("1", "GH", "in_progress", 3, 0))),
        ],
        shown(&["GH: fetching 3 processed"], &[], &[], 0),
    );
    // Closed: the result stays, nothing is reloaded.
    check(
        vec![
            started(op("1", "GH", "in_progress", 0, 0), false),
            Step::Event(SyncEvent::Finished(op("1", "GH", "completed", 10, 10))),
        ],
        shown(&[], &["GH Completed"], &[], 0),
    );
    // Open: the status is loaded again after the end.
    check(
        vec![
            Step::Open,
            Step::Event(SyncEvent::Status(SyncOverview::default())),
            started(op("1", "GH", "in_progress", 0, 0), false),
            Step::Event(SyncEvent::Finished(op("1", "GH", "completed", 10, 10))),
        ],
        shown(
            &[],
            &["GH Completed"],
            &[
                "Load the trackers' sync status",
                "Load the trackers' sync status",
            ],
            1,
        ),
    );
}

#[test]
fn progress_of_scheduled_syncs_and_late_reports() {
    // A sync nobody asked for here (the scheduler) shows too.
    check(
        vec![Step::Event(SyncEvent::Progress(op(
            "9",
            "Jira",
            "in_progress",
            1,
            2,
        )))],
        shown(&["Jira: updating 1 of 2"], &[], &[], 0),
    );
    // A report overtaken by the end is not shown as running.
    check(
        vec![
            Step::Event(SyncEvent::Finished(op("1", "GH", "completed", 10, 10))),
            Step::Event(SyncEvent::Progress(op("1", "GH", "in_progress", 9, 10))),
        ],
        shown(&[], &["GH Completed"], &[], 0),
    );
    // The next operation of the tracker does show.
    check(
        vec![
            Step::Event(SyncEvent::Finished(op("1", "GH", "completed", 10, 10))),
            Step::Event(SyncEvent::Progress(op("2", "GH", "in_progress", 1, 10))),
        ],
        shown(&["GH: updating 1 of 10"], &["GH Completed"], &[], 0),
    );
    // Two trackers at once.
    check(
        vec![
            Step::Event(SyncEvent::Progress(op("1", "GH", "in_progress", 1, 10))),
            Step::Event(SyncEvent::Progress(op(
                "2",
                "Another",
                "in_progress",
                5,
                10,
            ))),
        ],
        shown(
            &["Another: updating 5 of 10", "GH: updating 1 of 10"],
            &[],
            &[],
            0,
        ),
    );
}

#[test]
fn cancelling_and_failures() {
    let mut expected = shown(
        &["GH: updating 1 of 10"],
        &[],
        &["Cancel the sync of GH"],
        1,
    );
    expected.cancelling = vec!["GH".into()];
    check(
        vec![
            Step::Event(SyncEvent::Progress(op("1", "GH", "in_progress", 1, 10))),
            Step::Cancel("GH"),
        ],
        expected,
    );
    check(
        vec![
            Step::Event(SyncEvent::Progress(op("1", "GH", "in_progress", 1, 10))),
            Step::Cancel("GH"),
            Step::Event(SyncEvent::CancelRequested {
                tracker: "GH".into(),
                found: true,
            }),
            Step::Event(SyncEvent::Finished(op("1", "GH", "cancelled", 1, 10))),
        ],
        shown(&[], &["GH Cancelled"], &["Cancel the sync of GH"], 0),
    );
    // It had ended already: the user is told.
    let mut expected = shown(&[], &[], &["Cancel the sync of GH"], 0);
    expected.toasts = 1;
    check(
        vec![
            Step::Cancel("GH"),
            Step::Event(SyncEvent::CancelRequested {
                tracker: "GH".into(),
                found: false,
            }),
        ],
        expected,
    );
    // A failed sync is a toast, and its result stays.
    let mut expected = shown(&[], &["GH Failed"], &[], 0);
    expected.toasts = 1;
    check(
        vec![Step::Event(SyncEvent::Finished(op(
            "1", "GH", "failed", 1, 10,
        )))],
        expected,
    );
}

#[test]
fn progress_words() {
    let cases = [
        (
            op("1", "GH", "in_progress", 0, 0),
            "GH: fetching 0 processed",
            None,
        ),
        (
            op("1", "GH", "in_progress", 5, 20),
            "GH: updating 5 of 20",
            Some(0.25),
        ),
        (op("1", "GH", "pending", 0, 0), "GH: waiting to start", None),
    ];
    for (o, text, fraction) in cases {
        assert_eq!(
            (progress_text(&o).as_str(), progress_fraction(&o)),
            (text, fraction)
        );
    }
}
