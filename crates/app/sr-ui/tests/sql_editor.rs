//! The SQL editor driven by accessible labels over a real engine and the
//! demo database: query a table from the explorer, run with Ctrl+Enter,
//! explain, see errors inline, file an issue from the answer, track the
//! statement's performance, and scroll 100,000 rows.

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use sr_ui::state::{SqlAnswer, Tab};

/// The answer of the SQL editor in the active tab, once it has one.
fn wait_answer(bench: &mut Workbench, what: &str) -> SqlAnswer {
    bench.wait_for(what, |h| {
        let s = &h.state().state;
        active_editor(s).is_some_and(|e| e.running.is_none() && e.answer.is_some())
    });
    active_editor(bench.state())
        .and_then(|e| e.answer.clone())
        .unwrap_or(SqlAnswer::Cancelled)
}

fn active_editor(s: &sr_ui::state::UiState) -> Option<&sr_ui::state::SqlEditor> {
    match s.active_tab.and_then(|i| s.tabs.get(i)) {
        Some(Tab::Sql(id)) => s.sql.editors.get(id),
        _ => None,
    }
}

fn run_with_ctrl_enter(bench: &mut Workbench) {
    common::text_box(&bench.harness, "SQL").focus();
    bench.harness.step();
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    bench.harness.step();
}

#[test]
fn query_a_table_explain_and_see_errors() {
    let mut bench = Workbench::start();
    bench.harness.get_by_label("⊞ orders").click_secondary();
    bench.wait_for_label("Query Rows in SQL Editor");
    bench
        .harness
        .get_by_label("Query Rows in SQL Editor")
        .click();
    bench.wait_for_label("▶ Run");
    bench.harness.get_by_label("▶ Run").click();
    match wait_answer(&mut bench, "the orders rows") {
        SqlAnswer::Rows(out) => {
            assert_eq!(out.row_count(), 100, "LIMIT 100 of 120 orders");
            assert!(out.columns.iter().any(|c| c == "id"), "{:?}", out.columns);
        }
        other => panic!("{other:?}"),
    }
    bench.wait_for("the row count", |h| {
        h.query_by_label_contains("100 rows · ").is_some()
    });
    // The timing changes from run to run; the picture shows a fixed one.
    for editor in bench.harness.state_mut().state.sql.editors.values_mut() {
        if let Some(SqlAnswer::Rows(out)) = &mut editor.answer {
            std::sync::Arc::make_mut(out).elapsed = std::time::Duration::from_millis(3);
        }
    }
    bench.snapshot("sql_editor");

    // The answer becomes an issue: the dialog opens titled after the query,
    // for the one table it names.
    bench
        .harness
        .get_by_label("Create issue from result")
        .click();
    bench.wait_for_label("Create Issue");
    bench.harness.step();
    let title = common::text_box(&bench.harness, "Title")
        .value()
        .unwrap_or_default();
    assert_eq!(
        title,
        "Query on demo: SELECT * FROM \"main\".\"orders\" LIMIT 100"
    );
    match &bench.state().dialog {
        Some(sr_ui::state::Dialog::CreateIssue(d)) => {
            assert_eq!((d.object.name.as_str(), d.link), ("orders", true));
            assert!(d.description.contains("- Rows: 100"), "{}", d.description);
        }
        other => panic!("{other:?}"),
    }
    bench.harness.get_by_label("Cancel").click();
    bench.harness.step();
    assert!(bench.state().dialog.is_none());

    // "Track performance" saves the statement for the monitoring jobs.
    bench.harness.get_by_label("Track performance").click();
    bench.wait_for("the tracked query's toast", |h| {
        h.state().state.toasts.iter().any(|t| {
            t.text
                .starts_with("Tracking performance on demo: SELECT * FROM")
        })
    });

    // Ctrl+Enter runs the statement under the cursor: the last one here.
    fill(
        &mut bench,
        "SQL",
        "SELECT 1 AS one;\nSELECT count(*) AS n FROM orders",
    );
    run_with_ctrl_enter(&mut bench);
    match wait_answer(&mut bench, "the count") {
        SqlAnswer::Rows(out) => {
            assert_eq!(out.columns, ["n"]);
            assert_eq!(out.row(0)[0].as_deref(), Some("120"));
        }
        other => panic!("{other:?}"),
    }

    bench.harness.get_by_label("Explain").click();
    match wait_answer(&mut bench, "the plan") {
        SqlAnswer::Plan(plan) => assert!(plan.contains("orders"), "{plan}"),
        other => panic!("{other:?}"),
    }

    fill(&mut bench, "SQL", "SELECT nope FROM orders");
    run_with_ctrl_enter(&mut bench);
    match wait_answer(&mut bench, "the error") {
        SqlAnswer::Failed(e) => assert!(e.contains("nope"), "{e}"),
        other => panic!("{other:?}"),
    }
    bench.harness.step();
    assert!(
        bench
            .harness
            .query_by_label_contains("no such column")
            .is_some(),
        "the error is shown in the tab"
    );
}

#[test]
fn a_hundred_thousand_rows_scroll() {
    let mut bench = Workbench::start();
    bench.wait_for_label("⊞ orders");
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::T);
    bench.wait_for_label("▶ Run");
    fill(
        &mut bench,
        "SQL",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) \
         SELECT x, 'row ' || x AS label FROM c",
    );
    run_with_ctrl_enter(&mut bench);
    match wait_answer(&mut bench, "100,000 rows") {
        SqlAnswer::Rows(out) => {
            assert_eq!((out.row_count(), out.truncated), (100_000, false));
            assert_eq!(out.row(99_999)[1].as_deref(), Some("row 100000"));
        }
        other => panic!("{other:?}"),
    }
    bench.wait_for_label("row 1");
    // Only the rows in view are laid out.
    assert!(bench.harness.query_by_label("row 5000").is_none());
    bench.harness.get_by_label("row 1").hover();
    bench.harness.step();
    bench.harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -100_000.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    });
    let first_row = || {
        bench
            .harness
            .ctx
            .data(|d| d.get_temp::<usize>(sr_ui::ui::grid::first_row_id(1)))
    };
    assert_eq!(first_row(), Some(0));
    bench.wait_for("the grid to scroll far down", |h| {
        h.ctx
            .data(|d| d.get_temp::<usize>(sr_ui::ui::grid::first_row_id(1)))
            .is_some_and(|row| row > 1000)
    });
}
