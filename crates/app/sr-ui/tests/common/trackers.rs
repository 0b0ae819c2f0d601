//! The "add a tracker in Settings" flow every provider's form goes
//! through, with the provider's own fields as data: open the form, check
//! its fields, fill it, test the connection, add and save the entry, and
//! read back the trackers.json the engine then uses.

use egui_kittest::kittest::Queryable;

use super::{Workbench, fill};

/// One thing done to the form, in order.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// Types the text into the text box with that label.
    Fill(&'a str, &'a str),
    /// Picks the choice in the drop-down with that label.
    Choose(&'a str, &'a str),
}

/// Opens Tools → Issue Tracker Settings… and the form behind the
/// `add` button ("➕ Jira"), waits for its field `first`, and checks
/// that the fields `shown` are there.
pub fn open_form(bench: &mut Workbench, add: &str, first: &str, shown: &[&str]) {
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Tracker Settings…");
    bench
        .harness
        .get_by_label("Issue Tracker Settings…")
        .click();
    bench.wait_for_label(add);
    bench.harness.get_by_label(add).click();
    bench.wait_for_label(first);
    for label in shown {
        assert!(bench.harness.query_by_label(label).is_some(), "{label}");
    }
}

/// Does each input in turn.
pub fn enter(bench: &mut Workbench, inputs: &[Input<'_>]) {
    for input in inputs {
        match *input {
            Input::Fill(label, text) => fill(bench, label, text),
            Input::Choose(combo, choice) => choose(bench, combo, choice),
        }
    }
}

/// Opens the drop-down labelled `combo` and picks `choice` in it.
pub fn choose(bench: &mut Workbench, combo: &str, choice: &str) {
    let before = bench.harness.query_all_by_label(choice).count();
    bench.harness.get_by_label(combo).click();
    bench.wait_for(&format!("{combo}'s list to open"), |h| {
        h.query_all_by_label(choice).count() > before
    });
    // The open list's item is the last node with that label.
    let item = bench
        .harness
        .query_all_by_label(choice)
        .last()
        .unwrap_or_else(|| panic!("no `{choice}` in {combo}"));
    item.click();
    bench.harness.step();
    bench.harness.step();
}

/// Clicks Test connection, waits for the answer, and checks that the
/// adapter's check `shown` is listed.
pub fn test_connection(bench: &mut Workbench, shown: &str) {
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the test's answer", |h| {
        h.query_by_label_contains("Connected").is_some()
            || h.query_by_label_contains("Test failed").is_some()
    });
    assert!(
        bench.harness.query_by_label_contains(shown).is_some(),
        "the adapter's check `{shown}` is not shown"
    );
}

/// Adds the entry named `name` and saves the file; once the engine has
/// built a tracker from it, the saved trackers.json.
pub fn add_and_save(bench: &mut Workbench, name: &str) -> String {
    bench.harness.get_by_label("Add").click();
    bench.wait_for_label(&format!("Edit {name}"));
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the engine to use the saved file", |h| {
        h.state()
            .state
            .trackers
            .ready()
            .is_some_and(|t| t.iter().any(|t| t.name == name && t.problem.is_none()))
    });
    std::fs::read_to_string(bench.dir.path().join("config/trackers.json")).expect("trackers.json")
}
