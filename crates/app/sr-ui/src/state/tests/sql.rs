//! SQL editor tabs as data: what runs, what one run at a time means, how
//! answers land, and what survives a restart.

use std::sync::Arc;

use sr_engine::{Command, Event, QueryAnswer, QueryOutput};

use super::ready;
use crate::state::{Persisted, SqlAnswer, Tab, UiState};
use sr_engine::{QueryCommand, QueryEvent};

/// The RunQuery commands queued: (request, connection, sql, explain).
fn runs(state: &mut UiState) -> Vec<(u64, String, String, bool)> {
    state
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::Query(QueryCommand::Run {
                request,
                connection,
                sql,
                explain,
            }) => Some((request, connection, sql, explain)),
            _ => None,
        })
        .collect()
}

#[test]
fn one_statement_at_a_time_and_answers_land_in_their_editor() {
    let mut s = ready();
    s.open_sql_editor("demo", "SELECT 1");
    s.open_sql_editor("demo", "SELECT 2");
    assert_eq!(s.tabs.last(), Some(&Tab::Sql(2)));
    s.take_commands();

    s.run_sql(1, "  SELECT 1 ", false);
    s.run_sql(1, "SELECT 1", false);
    s.run_sql(2, "   ", false);
    s.run_sql(2, "SELECT 2", true);
    let sent = runs(&mut s);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!((sent[0].2.as_str(), sent[0].3), ("SELECT 1", false));
    assert_eq!((sent[1].2.as_str(), sent[1].3), ("SELECT 2", true));

    let rows = QueryOutput {
        columns: vec!["x".into()],
        cells: vec![Some("1".into())],
        ..QueryOutput::default()
    };
    s.apply(Event::Query(QueryEvent::Finished {
        request: sent[1].0,
        result: Ok(QueryAnswer::Plan("SCAN t".into())),
    }));
    s.apply(Event::Query(QueryEvent::Finished {
        request: sent[0].0,
        result: Ok(QueryAnswer::Rows(Arc::new(rows))),
    }));
    let answer = |s: &UiState, id| s.sql.editors[&id].answer.clone();
    assert!(matches!(answer(&s, 1), Some(SqlAnswer::Rows(r)) if r.row_count() == 1));
    assert!(matches!(answer(&s, 2), Some(SqlAnswer::Plan(p)) if p == "SCAN t"));
    assert!(s.jobs.is_empty(), "{:?}", s.jobs);

    s.run_sql(1, "SELECT nope", false);
    let request = runs(&mut s)[0].0;
    s.apply(Event::Query(QueryEvent::Finished {
        request,
        result: Err("no such column: nope".into()),
    }));
    assert!(matches!(answer(&s, 1), Some(SqlAnswer::Failed(e)) if e.contains("nope")));
}

#[test]
fn cancel_and_closing_a_running_tab_stop_the_statement() {
    let mut s = ready();
    s.open_sql_editor("demo", "");
    s.run_sql(1, "SELECT slow()", false);
    let request = runs(&mut s)[0].0;
    s.cancel_sql(1);
    let cancels = |s: &mut UiState| {
        s.take_commands()
            .into_iter()
            .filter(|c| matches!(c, Command::Query(QueryCommand::Cancel { request: r }) if *r == request))
            .count()
    };
    assert_eq!(cancels(&mut s), 1);
    s.apply(Event::Query(QueryEvent::Finished {
        request,
        result: Err("the statement on demo was cancelled".into()),
    }));
    assert!(matches!(
        s.sql.editors[&1].answer,
        Some(SqlAnswer::Cancelled)
    ));

    s.run_sql(1, "SELECT slow()", false);
    let request = runs(&mut s)[0].0;
    let tab = s.tabs.iter().position(|t| t == &Tab::Sql(1));
    s.close_tab(tab.unwrap_or(usize::MAX));
    assert!(s.sql.editors.is_empty());
    let sent = s.take_commands();
    assert!(
        sent.iter().any(
            |c| matches!(c, Command::Query(QueryCommand::Cancel { request: r }) if *r == request)
        ),
        "{sent:?}"
    );
}

#[test]
fn editors_text_survives_a_restart_and_queries_quote_names() {
    let mut s = ready();
    s.query_object(&super::orders());
    assert_eq!(
        s.sql.editors[&1].saved.text,
        "SELECT * FROM \"main\".\"orders\" LIMIT 100;\n"
    );
    s.sql
        .editors
        .get_mut(&1)
        .expect("editor 1 is open")
        .saved
        .text
        .push_str("-- more");
    let saved = s.persisted();
    let text = serde_json::to_string(&saved).unwrap_or_default();
    let back: Persisted = serde_json::from_str(&text).unwrap_or_default();
    let restored = UiState::new(back);
    assert_eq!(restored.tabs, vec![Tab::Sql(1)]);
    assert!(restored.sql.editors[&1].saved.text.ends_with("-- more"));
    assert_eq!(restored.sql.editors[&1].saved.connection, "demo");
}
