//! `UiState` driven by hand-built engine events, without a window.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sr_engine::{Command, ConnectionInfo, Event, TrackerStatus};
use sr_model::{
    Issue, IssueKey, IssueLink, IssueRef, IssueState, IssueStatus, LinkType, ObjectKind, ObjectRef,
    SyncDirection,
};
use sr_schema::{Column, Dialect, Schema, Snapshot, Table, View};

use super::*;
use sr_engine::{
    ConnectionEvent, IssueCommand, IssueEvent, LinkCommand, LinkEvent, SchemaEvent, TrackerEvent,
};

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
}

fn snapshot() -> Arc<Snapshot> {
    let mut s = Snapshot::new(Dialect::Sqlite, "demo");
    let mut main = Schema::new("main");
    let mut orders = Table::new("orders");
    orders.columns = vec![
        Column::new("id", "INTEGER", false),
        Column::new("status", "TEXT", false),
    ];
    main.tables = vec![Table::new("customers"), orders];
    main.views = vec![View {
        name: "open_orders".into(),
        definition: "SELECT * FROM orders".into(),
        ..View::default()
    }];
    s.schemas = vec![main];
    Arc::new(s)
}

fn orders() -> ObjectRef {
    ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders")
}

fn issue(id: u32, state: IssueState) -> Issue {
    Issue {
        reference: IssueRef {
            key: IssueKey::new("local", "default", id.to_string()),
            display_key: format!("LOCAL-{id}"),
            url: format!("scratchrobin://issue/local:default:{id}"),
            title: format!("Issue {id}"),
            status: IssueStatus {
                state,
                name: state.as_str().into(),
                resolution: None,
            },
            priority: None,
            labels: vec![],
            assignee: None,
            created_at: at(),
            updated_at: at(),
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}

fn link(object: &ObjectRef, issue: &Issue) -> IssueLink {
    IssueLink {
        link_id: format!("l{}", issue.key().id),
        object: object.clone(),
        issue: issue.reference.clone(),
        link_type: LinkType::Manual,
        created_by: "tester".into(),
        created_at: at(),
        sync_direction: SyncDirection::FromIssue,
    }
}

fn local_tracker() -> TrackerStatus {
    TrackerStatus {
        name: "Local".into(),
        kind: "local".into(),
        enabled: true,
        instance: Some("local:default".into()),
        problem: None,
        cause: None,
        secrets: vec![],
        until_reboot: vec![],
    }
}

/// The queued commands, in the engine's words.
fn sent(state: &mut UiState) -> Vec<String> {
    state
        .take_commands()
        .iter()
        .map(Command::describe)
        .collect()
}

/// A state past start-up: engine ready, demo schema and trackers loaded,
/// start-up commands taken.
fn ready() -> UiState {
    let mut s = UiState::new(Persisted::default());
    s.take_commands();
    s.apply(Event::Ready);
    s.apply(connections(&[("demo", "sqlite:///tmp/demo.db", "sqlite")]));
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "demo".into(),
        snapshot: snapshot(),
    }));
    s.apply(Event::Links(LinkEvent::Counts {
        connection: "demo".into(),
        counts: vec![],
    }));
    s.apply(Event::Trackers(TrackerEvent::Statuses(vec![
        local_tracker(),
    ])));
    assert!(s.jobs.is_empty(), "every start-up job answered");
    assert!(s.take_commands().is_empty());
    s
}

fn toasts(state: &UiState) -> Vec<String> {
    state.toasts.iter().map(|t| t.text.clone()).collect()
}

#[test]
fn start_up_asks_for_connections_demo_schema_badges_and_trackers() {
    let mut s = UiState::new(Persisted::default());
    assert_eq!(
        sent(&mut s),
        [
            "Load connections",
            "Load schema of demo",
            "Count linked issues in demo",
            "Load trackers"
        ]
    );
    assert_eq!(s.jobs.len(), 4);
    assert_eq!(s.engine, EngineStatus::Starting);
    assert!(matches!(
        s.connection("demo").map(|c| &c.schema),
        Some(Load::Loading)
    ));
}

#[test]
fn restored_selection_reloads_its_links() {
    let persisted = Persisted {
        selection: Some(orders()),
        tabs: vec![Tab::Object(orders())],
        active_tab: Some(3),
        preview_tab: None,
        filter: "ord".into(),
        sql: Default::default(),
        designer: Default::default(),
    };
    let mut s = UiState::new(persisted);
    assert_eq!(
        sent(&mut s).last().map(String::as_str),
        Some("Load issues linked to demo:main.orders")
    );
    assert_eq!(s.active_tab, None, "an index past the tabs is dropped");
    assert_eq!(s.persisted().filter, "ord");
}

#[test]
fn persisted_state_loads_with_missing_fields() {
    let p: Persisted = serde_json::from_str(r#"{"filter":"ord","unknown":1}"#).unwrap_or_default();
    assert_eq!(
        (p.filter.as_str(), p.tabs.len(), p.selection),
        ("ord", 0, None)
    );
    let back: Persisted = serde_json::to_string(&ready().persisted())
        .ok()
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_else(|| Persisted {
            filter: "broken".into(),
            ..Persisted::default()
        });
    assert_eq!(back, Persisted::default());
}

#[test]
fn schema_event_fills_the_explorer_and_the_filter_narrows_it() {
    let mut s = ready();
    let names = |s: &UiState| -> Vec<String> {
        s.connection("demo").map_or(vec![], |c| {
            c.tree[0]
                .groups
                .iter()
                .flat_map(|g| g.shown_items().map(|i| i.object.name.clone()))
                .collect()
        })
    };
    assert_eq!(names(&s), ["customers", "orders", "open_orders"]);
    assert!(!s.jobs.is_running(&JobKind::Schema("demo".into())));
    s.set_filter("ORD".into());
    assert_eq!(names(&s), ["orders", "open_orders"]);
}

#[test]
fn answers_may_overtake_the_connection_list() {
    let mut s = UiState::new(Persisted::default());
    s.take_commands();
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "other".into(),
        snapshot: snapshot(),
    }));
    s.apply(connections(&[
        ("demo", "sqlite:///tmp/demo.db", "sqlite"),
        ("other", "sqlite:///tmp/o.db", "sqlite"),
    ]));
    assert_eq!(
        sent(&mut s),
        Vec::<String>::new(),
        "both are loaded or loading already"
    );
    let urls: Vec<&str> = s.connections.iter().map(|c| c.info.url.as_str()).collect();
    assert_eq!(urls, ["sqlite:///tmp/demo.db", "sqlite:///tmp/o.db"]);
    // A new connection is listed but not opened until something needs it.
    s.apply(connections(&[
        ("demo", "sqlite:///tmp/demo.db", "sqlite"),
        ("other", "sqlite:///tmp/o.db", "sqlite"),
        ("third", "postgres://app@db/third", "postgres"),
    ]));
    assert_eq!(sent(&mut s), Vec::<String>::new());
    s.ensure_connection("third");
    assert_eq!(
        sent(&mut s),
        ["Load schema of third", "Count linked issues in third"]
    );
    s.ensure_connection("third");
    assert_eq!(sent(&mut s), Vec::<String>::new(), "loading already");
}

#[test]
fn connections_that_went_are_dropped_and_changed_ones_reloaded() {
    let mut s = ready();
    s.apply(connections(&[
        ("demo", "sqlite:///tmp/demo.db", "sqlite"),
        ("shop", "postgres://app@h1/shop", "postgres"),
    ]));
    s.ensure_connection("shop");
    s.apply(Event::Schema(SchemaEvent::Snapshot {
        connection: "shop".into(),
        snapshot: snapshot(),
    }));
    sent(&mut s);
    // The profile now points elsewhere: the loaded schema is read again.
    s.apply(connections(&[
        ("demo", "sqlite:///tmp/demo.db", "sqlite"),
        ("shop", "postgres://app@h2/shop", "postgres"),
    ]));
    assert_eq!(
        sent(&mut s),
        ["Load schema of shop", "Count linked issues in shop"]
    );
    s.apply(Event::Connection(ConnectionEvent::Listed {
        connections: vec![],
        problem: Some("connections.json:2:3: bad".into()),
    }));
    assert!(s.connections.is_empty());
    assert_eq!(
        s.connections_problem.as_deref(),
        Some("connections.json:2:3: bad")
    );
}

/// An `sr_engine::ConnectionEvent::Listed` of `(name, url, dialect)`s.
fn connections(list: &[(&str, &str, &str)]) -> Event {
    Event::Connection(ConnectionEvent::Listed {
        connections: list
            .iter()
            .map(|(name, url, dialect)| ConnectionInfo {
                url: (*url).into(),
                dialect: (*dialect).into(),
                ..ConnectionInfo::named(name)
            })
            .collect(),
        problem: None,
    })
}

#[test]
fn link_counts_become_badges() {
    let mut s = ready();
    s.apply(Event::Links(LinkEvent::Counts {
        connection: "demo".into(),
        counts: vec![
            ("demo:table:main.orders".into(), 3, 1),
            ("demo:view:main.open_orders".into(), 2, 0),
        ],
    }));
    let view = ObjectRef::new("demo", ObjectKind::View, "demo", "main", "open_orders");
    let customers = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "customers");
    assert_eq!(s.badge(&orders()), Some(Badge { total: 3, open: 1 }));
    assert_eq!(s.badge(&view), Some(Badge { total: 2, open: 0 }));
    assert_eq!(s.badge(&customers), None);
}

#[test]
fn selecting_opens_a_tab_and_loads_links() {
    let mut s = ready();
    s.select(&orders());
    assert_eq!(sent(&mut s), ["Load issues linked to demo:main.orders"]);
    assert_eq!((s.tabs.len(), s.active_tab), (1, Some(0)));
    assert_eq!(s.links_of(&orders()), &Load::Loading);
    s.select(&orders());
    assert_eq!(s.tabs.len(), 1, "the same object keeps one tab");
    assert!(sent(&mut s).is_empty(), "no second load while one runs");
    let i = issue(7, IssueState::Open);
    s.apply(Event::Links(LinkEvent::Loaded {
        object: orders(),
        links: vec![link(&orders(), &i)],
    }));
    assert!(matches!(s.links_of(&orders()), Load::Ready(l) if l.len() == 1));
    assert!(s.jobs.is_empty());
}

#[test]
fn closing_tabs_keeps_a_sensible_active_tab() {
    let check = |tabs: usize, active: Option<usize>, close: usize, expected: Option<usize>| {
        let mut s = ready();
        for n in 0..tabs {
            s.open_tab(Tab::Object(ObjectRef::new(
                "demo",
                ObjectKind::Table,
                "demo",
                "main",
                format!("t{n}"),
            )));
        }
        s.active_tab = active;
        s.close_tab(close);
        assert_eq!(
            s.active_tab, expected,
            "{tabs} tabs, active {active:?}, close {close}"
        );
    };
    check(3, Some(2), 2, Some(1));
    check(3, Some(2), 0, Some(1));
    check(3, Some(0), 2, Some(0));
    check(3, Some(1), 1, Some(1));
    check(1, Some(0), 0, None);
    check(2, Some(1), 5, Some(1));
}

#[test]
fn selections_share_one_preview_tab_until_pinned() {
    let titles = |s: &UiState| -> Vec<String> { s.tabs.iter().map(Tab::title).collect() };
    let table = |n: &str| ObjectRef::new("demo", ObjectKind::Table, "demo", "main", n);
    let mut s = ready();
    s.select(&table("a"));
    s.select(&table("b"));
    assert_eq!(titles(&s), ["b"]);
    s.pin_tab(0);
    s.select(&table("c"));
    s.select(&table("d"));
    assert_eq!(titles(&s), ["b", "d"]);
    s.select(&table("b"));
    assert_eq!(
        (titles(&s), s.active_tab),
        (vec!["b".to_owned(), "d".to_owned()], Some(0))
    );
    s.close_tab(0);
    assert_eq!(s.preview_tab, Some(0), "the preview tab moved down one");
    s.close_tab(0);
    s.select(&table("e"));
    assert_eq!((titles(&s), s.preview_tab), (vec!["e".to_owned()], Some(0)));
}

#[test]
fn unlink_offers_undo_that_links_again() {
    let mut s = ready();
    let i = issue(3, IssueState::Open);
    s.apply(Event::Links(LinkEvent::Loaded {
        object: orders(),
        links: vec![link(&orders(), &i)],
    }));
    s.unlink(&orders(), i.key());
    assert_eq!(sent(&mut s), ["Unlink local:default:3"]);
    s.apply(Event::Links(LinkEvent::Unlinked {
        object: orders(),
        issue: i.key().clone(),
    }));
    assert!(matches!(s.links_of(&orders()), Load::Ready(l) if l.is_empty()));
    assert_eq!(toasts(&s), ["Unlinked LOCAL-3 from orders"]);
    let toast = s.toasts.iter().next().map(|t| t.id).unwrap_or_default();
    s.undo(toast);
    assert_eq!(sent(&mut s), ["Link local:default:3"]);
    assert!(s.toasts.is_empty());
}

#[test]
fn link_existing_issue_flow() {
    let mut s = ready();
    s.open_link_dialog(&orders());
    assert_eq!(
        s.selection,
        Some(orders()),
        "the dialog's object is current"
    );
    s.take_commands();
    s.link_chosen();
    assert!(sent(&mut s).is_empty(), "nothing chosen yet");
    s.search(true);
    let commands = s.take_commands();
    let [
        Command::Issues(IssueCommand::Search {
            request,
            tracker,
            query,
        }),
    ] = commands.as_slice()
    else {
        panic!("expected one Search, got {commands:?}");
    };
    assert_eq!((tracker.as_str(), query.text.as_str()), ("Local", ""));
    s.apply(Event::Issues(IssueEvent::SearchResults {
        request: *request + 100,
        issues: vec![issue(1, IssueState::Open)],
    }));
    assert!(
        matches!(&s.dialog, Some(Dialog::LinkIssue(d)) if d.results.is_none()),
        "a stale answer is ignored"
    );
    let found = issue(4, IssueState::Done);
    s.apply(Event::Issues(IssueEvent::SearchResults {
        request: *request,
        issues: vec![found.clone()],
    }));
    if let Some(Dialog::LinkIssue(d)) = &mut s.dialog {
        assert_eq!(d.results.as_ref().map(Vec::len), Some(1));
        d.chosen = Some(found.key().clone());
    }
    s.link_chosen();
    assert_eq!(sent(&mut s), ["Link local:default:4"]);
    s.apply(Event::Links(LinkEvent::Linked(link(&orders(), &found))));
    assert!(s.dialog.is_none());
    assert_eq!(toasts(&s), ["Linked LOCAL-4 to orders"]);
}

#[test]
fn failures_land_where_they_belong() {
    let mut s = UiState::new(Persisted::default());
    s.take_commands();
    s.fail_job("Load schema of demo".into(), "file is locked".into());
    assert_eq!(
        s.connection("demo").map(|c| c.schema.clone()),
        Some(Load::Failed("file is locked".into()))
    );
    assert_eq!(
        s.last_error.as_deref(),
        Some("Load schema of demo: file is locked")
    );
    s.apply(Event::Fatal("store unreadable".into()));
    assert_eq!(s.engine, EngineStatus::Fatal("store unreadable".into()));
    assert!(s.jobs.is_empty());
}

#[test]
fn a_failure_ends_the_job_of_its_own_request_among_equal_ones() {
    let mut s = ready();
    let load = || Command::Links(LinkCommand::LoadAudit { limit: 50 });
    let first = s.send(load());
    let second = s.send(load());
    assert_ne!(first, second);
    let sent = s.take_requests();
    assert_eq!(
        sent.iter().map(|r| r.id).collect::<Vec<_>>(),
        [first, second],
        "each request goes out under the id its job holds"
    );
    let failure = |side_step| {
        let mut f = sr_engine::Failure::new(
            sr_engine::FailureKind::Store,
            "Load audit log",
            "the store is closed",
        );
        f.side_step = side_step;
        Event::Failed(f)
    };
    // A side step's failure names the request but leaves its job alone.
    s.answer(sr_engine::Answer {
        request: Some(second),
        event: failure(true),
    });
    assert_eq!(
        s.jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
        [first, second]
    );
    s.answer(sr_engine::Answer {
        request: Some(second),
        event: failure(false),
    });
    assert_eq!(s.jobs.iter().map(|j| j.id).collect::<Vec<_>>(), [first]);
    assert_eq!(
        s.last_error.as_deref(),
        Some("Load audit log: the store is closed")
    );
}

#[test]
fn refreshed_issues_replace_their_copies() {
    let mut s = ready();
    let open = issue(5, IssueState::Open);
    s.apply(Event::Links(LinkEvent::Loaded {
        object: orders(),
        links: vec![link(&orders(), &open)],
    }));
    s.open_tab(Tab::Issue(open.reference.clone()));
    s.sync_issue(open.key());
    assert_eq!(sent(&mut s), ["Sync local:default:5"]);
    let done = issue(5, IssueState::Done);
    s.apply(Event::Issues(IssueEvent::Refreshed(done.clone())));
    assert!(
        matches!(s.links_of(&orders()), Load::Ready(l) if l[0].issue.status.state == IssueState::Done)
    );
    assert_eq!(s.tabs.last(), Some(&Tab::Issue(done.reference)));
    assert_eq!(toasts(&s), ["LOCAL-5 is up to date: done"]);
}

#[test]
fn arrow_keys_walk_the_visible_rows() {
    let rows: Vec<ObjectRef> = ["a", "b", "c"]
        .into_iter()
        .map(|n| ObjectRef::new("demo", ObjectKind::Table, "demo", "main", n))
        .collect();
    let check = |from: Option<usize>, delta: isize, expected: Option<&str>| {
        let mut s = ready();
        s.selection = from.map(|i| rows[i].clone());
        s.move_selection(&rows, delta);
        let got = s.selection.as_ref().map(|o| o.name.as_str());
        assert_eq!(got, expected, "from {from:?} by {delta}");
    };
    check(None, 1, Some("a"));
    check(None, -1, Some("c"));
    check(Some(0), 1, Some("b"));
    check(Some(2), 1, Some("c"));
    check(Some(0), -1, Some("a"));
    check(Some(2), -1, Some("b"));
    let mut s = ready();
    s.move_selection(&rows, 1);
    assert!(s.scroll_to_selection);
    assert_eq!(sent(&mut s), ["Load issues linked to demo:main.a"]);
    s.move_selection(&[], 1);
    assert_eq!(s.selection.map(|o| o.name), Some("a".to_owned()));
}

#[test]
fn view_opens_web_issues_in_the_browser_and_local_ones_in_a_tab() {
    let mut s = ready();
    let local = issue(1, IssueState::Open);
    assert_eq!(s.view_issue(&local.reference), ViewTarget::Tab);
    assert_eq!(s.tabs, [Tab::Issue(local.reference.clone())]);
    let mut web = issue(2, IssueState::Open).reference;
    web.url = "https://github.com/acme/db/issues/2".into();
    assert_eq!(s.view_issue(&web), ViewTarget::Browser(web.url.clone()));
    assert_eq!(s.tabs.len(), 1);
}

#[test]
fn dialogs_prefer_the_local_tracker_and_skip_broken_ones() {
    let mut s = ready();
    let broken = TrackerStatus {
        name: "Jira".into(),
        problem: Some("token missing".into()),
        ..local_tracker()
    };
    let github = TrackerStatus {
        name: "GitHub".into(),
        ..local_tracker()
    };
    s.apply(Event::Trackers(TrackerEvent::Statuses(vec![
        broken.clone(),
        github.clone(),
    ])));
    assert_eq!(s.default_tracker(), "GitHub");
    s.apply(Event::Trackers(TrackerEvent::Statuses(vec![
        broken,
        github,
        local_tracker(),
    ])));
    assert_eq!(s.default_tracker(), "Local");
    let mut fresh = UiState::new(Persisted::default());
    fresh.open_link_dialog(&orders());
    fresh.apply(Event::Trackers(TrackerEvent::Statuses(vec![
        local_tracker(),
    ])));
    assert!(
        matches!(&fresh.dialog, Some(Dialog::LinkIssue(d)) if d.tracker == "Local"),
        "filled in when trackers arrive"
    );
}

#[test]
fn the_listener_state_follows_the_engine() {
    let mut s = UiState::new(Default::default());
    assert_eq!(s.listener, None, "no listener unless asked for");
    s.apply(Event::Listener {
        address: Some("127.0.0.1:8080".into()),
        problem: None,
    });
    assert_eq!(s.listener, Some(Ok("127.0.0.1:8080".into())));
    s.apply(Event::Listener {
        address: None,
        problem: Some("port in use".into()),
    });
    assert_eq!(s.listener, Some(Err("port in use".into())));
}

mod comments;
mod connections;
mod create;
mod schema_stream;
mod sql;
mod sql_issue;
