//! The workbench driven like a user would, by accessible labels, over a
//! real engine: create an issue from the explorer, comment on it, link one
//! found by search, unlink and undo, and configure a tracker in Settings.

use crate::common;

use common::trackers;
use common::{Workbench, fill};
use egui_kittest::kittest::{NodeT, Queryable};
use sr_ui::state::Dialog;

/// Right-click `row` in the explorer and choose `item` from its menu.
fn context_menu(bench: &mut Workbench, row: &str, item: &str) {
    bench.harness.get_by_label(row).click_secondary();
    bench.wait_for_label(item);
    bench.harness.get_by_label(item).click();
    bench.harness.step();
}

/// Creates an issue titled `title` for the table `table` through the
/// explorer's context menu; returns when the side panel lists it.
fn create_issue(bench: &mut Workbench, table: &str, title: &str, key: &str) {
    context_menu(bench, &format!("⊞ {table}"), "Create Issue…");
    bench.wait_for("the engine's draft in the dialog", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::CreateIssue(d))
            if d.drafting.is_none() && d.description.contains("```sql"))
    });
    fill(bench, "Title", title);
    bench.harness.get_by_label("Create").click();
    bench.wait_for_label(key);
}

#[test]
fn the_create_dialog_is_prefilled_and_assigns_a_user() {
    let mut bench = Workbench::start();
    context_menu(&mut bench, "⊞ orders", "Create Issue…");
    bench.wait_for("the engine's draft and the projects", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::CreateIssue(d))
            if d.drafting.is_none() && d.projects.ready().is_some())
    });
    let Some(Dialog::CreateIssue(d)) = &bench.state().dialog else {
        panic!("the dialog closed");
    };
    for part in ["### References", "### Referenced by", "- Rows (estimate): "] {
        assert!(
            d.description.contains(part),
            "{part:?} in {}",
            d.description
        );
    }
    fill(&mut bench, "Assignee", "test");
    bench.harness.get_by_label("Find users").click();
    bench.wait_for_label("tester");
    bench.harness.get_by_label("tester").click();
    bench.wait_for_label("assigned to tester");
    fill(&mut bench, "Title", "Orders need an archive");
    bench.snapshot("create_issue_dialog");
    // The Markdown preview draws the template's table and code.
    bench.harness.get_by_label("Preview").click();
    bench.wait_for_label("Rows (estimate): 120");
    bench.snapshot("create_issue_preview");
    bench.harness.get_by_label("Create").click();
    bench.wait_for_label("Assignee: tester");
}

#[test]
fn create_issue_from_the_explorer_shows_it_in_the_side_panel_with_a_badge() {
    let mut bench = Workbench::start();
    create_issue(&mut bench, "orders", "Slow scans on status", "LOCAL-1");
    bench.wait_for_label("1 linked issue, open");
    bench.wait_for_label("Created LOCAL-1 and linked it to orders");
    let h = &bench.harness;
    assert!(h.query_by_label("Slow scans on status").is_some());
    assert!(bench.state().dialog.is_none());
    let orders = bench.state().selection.clone().expect("orders is selected");
    assert_eq!(orders.name, "orders");
    assert_eq!(bench.state().badge(&orders).map(|b| b.total), Some(1));
    bench.snapshot("create_issue");
}

#[test]
fn comment_on_a_linked_issue_from_the_side_panel() {
    let mut bench = Workbench::start();
    create_issue(&mut bench, "orders", "Slow scans on status", "LOCAL-1");
    bench.harness.get_by_label("Comments").click();
    bench.wait_for_label("No comments yet.");
    assert!(
        bench
            .harness
            .get_by_label("Comment")
            .accesskit_node()
            .is_disabled(),
        "nothing to send yet"
    );
    fill(&mut bench, "New comment", "Seen on prod too");
    bench.harness.get_by_label("Comment").click();
    bench.wait_for_label("Comments (1)");
    bench.wait_for_label("Seen on prod too");
    // Ctrl+Enter in the box sends as well.
    fill(&mut bench, "New comment", "An index on status helps");
    bench
        .harness
        .key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    bench.wait_for_label("Comments (2)");
    bench.wait_for_label("An index on status helps");
    bench.wait_for("both comments sent", |h| {
        let s = &h.state().state;
        s.jobs.is_empty()
            && s.links_of(&s.selection.clone().expect("orders is selected"))
                .ready()
                .is_some()
    });
    let orders = bench.state().selection.clone().expect("orders is selected");
    let key = &bench.state().links_of(&orders).ready().expect("links")[0]
        .issue
        .key;
    let thread = bench.state().comments_of(key);
    let sent: Vec<(&str, bool)> = thread
        .list
        .ready()
        .map(|l| {
            l.comments
                .iter()
                .map(|c| (c.body.as_str(), c.pending))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        sent,
        [
            ("Seen on prod too", false),
            ("An index on status helps", false)
        ]
    );
    assert_eq!(thread.problem, None);
    assert_eq!(thread.draft, "");
    bench.snapshot("issue_comments");
}

#[test]
fn link_by_search_then_unlink_and_undo() {
    let mut bench = Workbench::start();
    create_issue(&mut bench, "orders", "Refunds table grows", "LOCAL-1");
    context_menu(&mut bench, "⊞ customers", "Link Existing Issue…");
    bench.wait_for_label("Keyword");
    fill(&mut bench, "Keyword", "Refunds");
    bench.harness.get_by_label("Search").click();
    let row = "LOCAL-1  Refunds table grows";
    bench.wait_for_label(row);
    bench.harness.get_by_label(row).click();
    bench.harness.step();
    bench.harness.get_by_label("Link").click();
    bench.wait_for_label("Linked LOCAL-1 to customers");
    bench.wait_for("customers' badge", |h| {
        let s = &h.state().state;
        s.selection.as_ref().is_some_and(|o| o.name == "customers")
            && h.query_all_by_label("1 linked issue, open").count() == 2
    });

    bench.harness.get_by_label("Unlink").click();
    bench.wait_for_label("Unlinked LOCAL-1 from customers");
    assert!(bench.harness.query_by_label("Unlink").is_none());
    bench.wait_for("one badge left", |h| {
        h.query_all_by_label("1 linked issue, open").count() == 1
    });
    bench.harness.get_by_label("Undo").click();
    bench.wait_for("the link back after Undo", |h| {
        h.query_by_label("Unlink").is_some()
            && h.query_all_by_label("1 linked issue, open").count() == 2
    });
    bench.snapshot("link_unlink_undo");
}

#[test]
fn settings_add_test_save_and_remove_a_tracker() {
    let mut bench = Workbench::start();
    // Every provider type of the registry can be added.
    trackers::open_form(&mut bench, "➕ Local (built-in)", "Test connection", &[]);
    fill(&mut bench, "Name", "Scratch");
    fill(&mut bench, "Instance", "a:b");
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the adapter's diagnosis", |h| {
        h.query_by_label_contains("Test failed").is_some()
    });
    let diagnosis = bench
        .harness
        .query_by_label_contains("Test failed")
        .map(|n| {
            let node = n.accesskit_node();
            format!(
                "{} {}",
                node.label().unwrap_or_default(),
                node.value().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    assert!(diagnosis.contains("instance"), "{diagnosis}");

    fill(&mut bench, "Instance", "scratch");
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("a passed test", |h| {
        h.query_by_label_contains("✔ Connected").is_some()
    });
    // The form, not the list of provider types: the picture stays the same
    // as adapters are added to the registry.
    bench.snapshot("tracker_settings");
    let text = trackers::add_and_save(&mut bench, "Scratch");
    assert!(text.contains("\"scratch\""), "{text}");

    bench.harness.get_by_label("Remove Scratch").click();
    bench.wait_for_label("Remove Scratch?");
    bench.harness.get_by_label("Remove").click();
    bench.wait_for("the row to go", |h| {
        h.query_by_label("Edit Scratch").is_none()
    });
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the engine to drop the tracker", |h| {
        h.state()
            .state
            .trackers
            .ready()
            .is_some_and(|t| t.iter().all(|t| t.name != "Scratch"))
    });
}
