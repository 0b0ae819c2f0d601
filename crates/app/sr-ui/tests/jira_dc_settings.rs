//! Adding a Jira Data Center tracker in the Settings dialog: the Jira
//! form with REST API 2 and a personal access token chosen from its
//! drop-downs, Test connection against a loopback Data Center that checks
//! every request against the REST v2 operations (sr-apimock's
//! `jira_data_center`), and the saved entry (the token in the keyring,
//! never in the file).

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;

/// Opens the drop-down labelled `combo` and picks `choice` in it.
fn choose(bench: &mut Workbench, combo: &str, choice: &str) {
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

#[test]
fn a_jira_data_center_tracker_is_added_from_the_jira_form() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let site = sr_apimock::JiraSite::data_center("DB").with_authorization("Bearer typed-pat");
    let spec = sr_apimock::spec::jira_data_center().expect("Data Center description");
    let server = runtime
        .block_on(sr_apimock::MockServer::start(spec, site))
        .expect("server");
    let mut bench = Workbench::start();
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Tracker Settings…");
    bench
        .harness
        .get_by_label("Issue Tracker Settings…")
        .click();
    bench.wait_for_label("➕ Jira");
    bench.harness.get_by_label("➕ Jira").click();
    bench.wait_for_label("Project key *");
    for label in ["REST API *", "Sign-in *", "Username", "Token *"] {
        assert!(bench.harness.query_by_label(label).is_some(), "{label}");
    }
    fill(&mut bench, "Name", "Jira DC");
    fill(&mut bench, "Site URL *", server.base_url());
    fill(&mut bench, "Project key *", "DB");
    choose(&mut bench, "REST API *", "2");
    choose(&mut bench, "Sign-in *", "bearer");
    fill(&mut bench, "Token *", "typed-pat");
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the test's answer", |h| {
        h.query_by_label_contains("Connected").is_some()
            || h.query_by_label_contains("Test failed").is_some()
    });
    assert!(
        bench
            .harness
            .query_by_label_contains("project DB (Project DB) is visible")
            .is_some(),
        "the adapter's checks are shown"
    );
    // The server's port changes from run to run.
    bench.snapshot_masked("jira_dc_settings", &["Site URL *"]);
    bench.harness.get_by_label("Add").click();
    bench.wait_for_label("Edit Jira DC");
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the engine to use the saved file", |h| {
        h.state()
            .state
            .trackers
            .ready()
            .is_some_and(|t| t.iter().any(|t| t.name == "Jira DC"))
    });
    let file = std::fs::read_to_string(bench.dir.path().join("config/trackers.json"))
        .expect("trackers.json");
    let saved: serde_json::Value = serde_json::from_str(&file).expect("json");
    let entry = saved["trackers"]
        .as_array()
        .and_then(|l| l.iter().find(|t| t["name"] == "Jira DC"))
        .expect("the entry");
    assert_eq!(entry["type"], "jira", "{file}");
    assert_eq!(entry["config"]["api_version"], "2", "{file}");
    assert_eq!(entry["config"]["auth"]["type"], "bearer", "{file}");
    assert_eq!(
        entry["config"]["auth"]["token"]["keyring"], "tracker:Jira DC:auth.token",
        "{file}"
    );
    assert!(!file.contains("typed-pat"), "{file}");
    assert_eq!(server.failures(), Vec::<String>::new());
}
