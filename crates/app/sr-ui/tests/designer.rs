//! The designer driven by accessible labels over a real engine and the
//! demo database: every table shows as a box; adding a column in the table
//! editor and proposing it files a schema-change issue (local tracker)
//! linked to the table with the DDL in its body.

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use sr_ui::state::{Dialog, Load, Tab};

fn open_designer(bench: &mut Workbench) {
    bench.harness.get_by_label("View").click();
    bench.wait_for_label("Designer");
    bench.harness.get_by_label("Designer").click();
    bench.wait_for("the designer tab", |h| {
        let s = &h.state().state;
        s.active_tab.and_then(|i| s.tabs.get(i)) == Some(&Tab::Designer("demo".into()))
    });
}

fn demo_tables(bench: &Workbench) -> Vec<String> {
    let snapshot = bench
        .state()
        .connection("demo")
        .and_then(|c| c.snapshot())
        .expect("the demo schema is loaded");
    snapshot
        .schemas
        .iter()
        .flat_map(|s| s.tables.iter().map(|t| t.name.clone()))
        .collect()
}

#[test]
fn the_designer_shows_every_demo_table() {
    let mut bench = Workbench::start();
    open_designer(&mut bench);
    let tables = demo_tables(&bench);
    assert_eq!(tables.len(), 12, "{tables:?}");
    bench.wait_for_label("Table orders");
    for t in &tables {
        assert!(
            bench
                .harness
                .query_by_label(&format!("Table {t}"))
                .is_some(),
            "{t} is drawn"
        );
    }
    // The automatic layout's positions are kept for the next run.
    let saved = bench.state().persisted().designer;
    assert_eq!(saved.get("demo").map(|d| d.positions.len()), Some(12));
    // Where the menu click left the pointer depends on the View menu's
    // items; the picture is taken without it.
    bench.harness.event(egui::Event::PointerGone);
    bench.snapshot("designer");
}

#[test]
fn add_a_column_propose_it_and_file_the_schema_change() {
    let mut bench = Workbench::start();
    open_designer(&mut bench);
    bench.wait_for_label("Table orders");
    bench.harness.get_by_label("Table orders").click_secondary();
    bench.wait_for_label("Edit Table…");
    bench.harness.get_by_label("Edit Table…").click();
    bench.wait_for_label("Add Column");
    fill(&mut bench, "New column", "note");
    fill(&mut bench, "Type", "TEXT");
    bench.harness.get_by_label("Add Column").click();
    bench.wait_for("the DDL preview", |h| {
        h.query_by_label_contains("ADD COLUMN \"note\" TEXT")
            .is_some()
    });
    bench.harness.event(egui::Event::PointerGone);
    bench.snapshot("designer_table_editor");

    bench.harness.get_by_label("Propose Change…").click();
    bench.wait_for("the schema_change template's draft", |h| {
        let s = &h.state().state;
        s.last_error.is_some()
            || matches!(&s.dialog, Some(Dialog::CreateIssue(d)) if d.drafting.is_none())
    });
    assert_eq!(bench.state().last_error, None);
    let Some(Dialog::CreateIssue(d)) = &bench.state().dialog else {
        panic!("the dialog closed");
    };
    assert_eq!(d.title, "Schema change: orders");
    assert_eq!(d.object.name, "orders");
    for part in [
        "## Schema Change Request",
        "```sql\nBEGIN;\n\nALTER TABLE \"orders\" ADD COLUMN \"note\" TEXT;",
        "### Impact details",
        "- Dependent views: `main.order_totals`",
        "- Row estimate: 120",
        "- Rewrites the table: no",
    ] {
        assert!(
            d.description.contains(part),
            "{part:?} in {}",
            d.description
        );
    }
    // The dialog settles (its modal fades in) before the click.
    for _ in 0..10 {
        bench.harness.step();
    }
    // From the designer the diagram can go along, as demo-er.svg.
    bench.harness.get_by_label("Attach ER diagram").click();
    bench.harness.step();
    assert!(
        matches!(&bench.state().dialog, Some(Dialog::CreateIssue(d)) if d.attach_er == Some(true))
    );
    bench.harness.get_by_label("Create").click();
    bench.harness.step();
    let pending =
        matches!(&bench.state().dialog, Some(Dialog::CreateIssue(d)) if d.pending.is_some());
    assert!(
        pending || bench.state().dialog.is_none(),
        "Create was clicked: {:?}",
        bench
            .state()
            .dialog
            .as_ref()
            .map(|d| format!("{d:?}").chars().take(600).collect::<String>())
    );
    bench.wait_for("the issue to be created", |h| {
        let s = &h.state().state;
        s.last_error.is_some()
            || match &s.dialog {
                Some(Dialog::CreateIssue(d)) => d.error.is_some(),
                _ => true,
            }
    });
    let error = match &bench.state().dialog {
        Some(Dialog::CreateIssue(d)) => d.error.clone(),
        Some(other) => Some(format!("{other:?}")),
        None => bench.state().last_error.clone(),
    };
    assert_eq!(error, None);
    bench.wait_for_label("Created LOCAL-1 and linked it to orders");
    bench.wait_for("the link in the side panel", |h| {
        let s = &h.state().state;
        s.selection.as_ref().is_some_and(|o| {
            matches!(s.links_of(o), Load::Ready(links)
                if links.iter().any(|l| l.issue.title == "Schema change: orders"))
        })
    });
    assert!(
        bench
            .harness
            .query_by_label("Schema change: orders")
            .is_some()
    );
    bench.wait_for("every background job to finish", |h| {
        h.state().state.jobs.is_empty()
    });
    assert_eq!(bench.state().last_error, None, "the diagram was attached");
    // The designer stays in front.
    let s = bench.state();
    assert_eq!(
        s.active_tab.and_then(|i| s.tabs.get(i)),
        Some(&Tab::Designer("demo".into()))
    );
}
