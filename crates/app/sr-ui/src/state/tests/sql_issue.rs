//! The SQL editor's "Track performance" and "Create issue from result" as
//! data: what is sent, what the dialog holds, what the issue links.

use std::sync::Arc;
use std::time::Duration;

use sr_engine::{Command, Event, MonitoringCommand, MonitoringEvent, QueryAnswer, QueryOutput};

use super::{ready, toasts};
use crate::state::{Dialog, UiState};
use sr_engine::{IssueCommand, QueryCommand, QueryEvent};

/// The TrackQuery commands queued: (connection, sql).
fn tracked(state: &mut UiState) -> Vec<(String, String)> {
    state
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Monitoring(MonitoringCommand::TrackQuery { connection, sql }) => {
                Some((connection, sql))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn track_performance_sends_the_statement_and_confirms() {
    let check = |sql: &str, expected: Option<&str>| {
        let mut s = ready();
        s.open_sql_editor("demo", "");
        s.take_commands();
        s.track_sql(1, sql);
        let sent = tracked(&mut s);
        match expected {
            Some(sql) => assert_eq!(sent, [("demo".to_owned(), sql.to_owned())], "{sql:?}"),
            None => {
                assert!(sent.is_empty(), "{sql:?}: {sent:?}");
                assert_eq!(toasts(&s), ["Nothing to track: run a statement first."]);
            }
        }
    };
    check("SELECT 1", Some("SELECT 1"));
    check("  select * from orders\n ", Some("select * from orders"));
    check("   ", None);
    check("", None);

    let mut s = ready();
    s.open_sql_editor("demo", "");
    s.track_sql(1, "SELECT 1");
    s.take_commands();
    assert!(!s.jobs.is_empty(), "the save is a job");
    s.apply(Event::Monitoring(MonitoringEvent::QueryTracked {
        connection: "demo".into(),
        sql: "SELECT 1\nFROM t".into(),
    }));
    assert!(s.jobs.is_empty(), "{:?}", s.jobs);
    assert_eq!(toasts(&s), ["Tracking performance on demo: SELECT 1"]);
}

/// What the answer of the editor's last statement was.
enum Last {
    Nothing,
    Rows(usize),
    Plan(&'static str),
}

/// The dialog after "Create issue from result" on `sql`: (title, the
/// linked object's name if linked, standalone, body).
fn file(sql: &str, last: Last) -> Option<(String, Option<String>, bool, String)> {
    let mut s = ready();
    s.open_sql_editor("demo", sql);
    s.take_commands();
    let answer = match last {
        Last::Nothing => None,
        Last::Rows(n) => Some(QueryAnswer::Rows(Arc::new(QueryOutput {
            columns: vec!["x".into()],
            cells: vec![Some("1".into()); n],
            elapsed: Duration::from_millis(4),
            ..QueryOutput::default()
        }))),
        Last::Plan(p) => Some(QueryAnswer::Plan(p.into())),
    };
    if let Some(answer) = answer {
        s.run_sql(1, sql, false);
        let request = s.take_commands().iter().find_map(|c| match c {
            Command::Query(QueryCommand::Run { request, .. }) => Some(*request),
            _ => None,
        })?;
        s.apply(Event::Query(QueryEvent::Finished {
            request,
            result: Ok(answer),
        }));
    }
    s.create_issue_from_sql(1);
    let Some(Dialog::CreateIssue(d)) = &s.dialog else {
        return None;
    };
    let linked = d.link.then(|| d.object.name.clone());
    Some((d.title.clone(), linked, d.standalone, d.description.clone()))
}

#[test]
fn create_issue_from_result_prefills_and_links_one_table() {
    let check = |sql: &str, last: Last, title: &str, linked: Option<&str>, body: &[&str]| {
        let got = file(sql, last);
        let Some((t, l, standalone, b)) = got else {
            panic!("{sql}: no dialog");
        };
        assert_eq!(
            (t.as_str(), l.as_deref(), standalone),
            (title, linked, linked.is_none()),
            "{sql}"
        );
        for part in body {
            assert!(b.contains(part), "{sql}: {part:?} not in\n{b}");
        }
    };
    check(
        "SELECT * FROM orders",
        Last::Rows(3),
        "Query on demo: SELECT * FROM orders",
        Some("orders"),
        &[
            "```sql\nSELECT * FROM orders\n```",
            "not captured",
            "- Rows: 3",
            "- Time: 4.0 ms",
        ],
    );
    check(
        "SELECT *\nFROM orders o JOIN customers c ON c.id = o.id",
        Last::Rows(0),
        "Query on demo: SELECT *",
        None,
        &["- Rows: 0"],
    );
    check(
        "SELECT 1",
        Last::Nothing,
        "Query on demo: SELECT 1",
        None,
        &["- Rows: not captured"],
    );
    check(
        "select count(*) from ORDERS",
        Last::Plan("SCAN orders"),
        "Query on demo: select count(*) from ORDERS",
        Some("orders"),
        &["```\nSCAN orders\n```", "Rows: not run"],
    );
    // A view is not a table: nothing to link.
    check(
        "SELECT * FROM open_orders",
        Last::Nothing,
        "Query on demo: SELECT * FROM open_orders",
        None,
        &[],
    );
}

#[test]
fn the_issue_links_only_when_one_table_is_named() {
    let create = |sql: &str| {
        let mut s = ready();
        s.open_sql_editor("demo", sql);
        s.create_issue_from_sql(1);
        s.take_commands();
        s.submit_create();
        s.take_commands().into_iter().find_map(|c| match c {
            Command::Issues(IssueCommand::Create {
                object, attach_ddl, ..
            }) => Some((object.map(|o| o.name), attach_ddl.is_some())),
            _ => None,
        })
    };
    assert_eq!(
        create("SELECT * FROM orders"),
        Some((Some("orders".to_owned()), false))
    );
    assert_eq!(create("SELECT 1"), Some((None, false)));

    let mut s = ready();
    s.open_sql_editor("demo", "  ");
    s.create_issue_from_sql(1);
    assert!(s.dialog.is_none());
    assert_eq!(
        toasts(&s),
        ["Nothing to file: write or run a statement first."]
    );
}
