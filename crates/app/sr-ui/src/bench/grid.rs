//! The SQL editor's benchmark scene: a statement's answer of 100,000 rows
//! in the grid, as after Ctrl+Enter (only the rows in view are laid out,
//! so where the grid is scrolled to does not change the cost).

use std::sync::Arc;

use sr_engine::{DEMO_CONNECTION, Event, QueryAnswer, QueryOutput};

use crate::UiState;
use sr_engine::{QueryCommand, QueryEvent};

/// A workbench with a SQL editor showing `rows` rows of five columns.
pub fn grid_scene(rows: usize) -> UiState {
    let mut state = super::explorer_scene(0, 0);
    state.open_sql_editor(DEMO_CONNECTION, "SELECT * FROM big");
    let id = state.sql.editors.keys().next_back().copied().unwrap_or(1);
    state.run_sql(id, "SELECT * FROM big", false);
    let request = state
        .take_commands()
        .into_iter()
        .find_map(|c| match c {
            sr_engine::Command::Query(QueryCommand::Run { request, .. }) => Some(request),
            _ => None,
        })
        .unwrap_or_default();
    let columns = ["id", "customer", "status", "total_cents", "note"];
    let mut cells = Vec::with_capacity(rows * columns.len());
    for r in 0..rows {
        cells.push(Some(r.to_string().into()));
        cells.push(Some(format!("customer {}", r % 997).into()));
        cells.push(Some(if r % 3 == 0 { "delivered" } else { "open" }.into()));
        cells.push(Some((r * 37 % 100_000).to_string().into()));
        cells.push((r % 5 != 0).then(|| format!("note for row {r}").into()));
    }
    let out = QueryOutput {
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        cells,
        ..QueryOutput::default()
    };
    state.apply(Event::Query(QueryEvent::Finished {
        request,
        result: Ok(QueryAnswer::Rows(Arc::new(out))),
    }));
    state.jobs.clear();
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SqlAnswer;

    #[test]
    fn the_scene_holds_every_row_in_an_open_editor() {
        let state = grid_scene(1_000);
        let rows = state.sql.editors.values().find_map(|e| match &e.answer {
            Some(SqlAnswer::Rows(out)) => Some(out.row_count()),
            _ => None,
        });
        assert_eq!(rows, Some(1_000));
        assert!(matches!(
            state.active_tab.and_then(|i| state.tabs.get(i)),
            Some(crate::state::Tab::Sql(_))
        ));
    }
}
