//! Adding a Jira Data Center tracker in the Settings dialog: the Jira
//! form with REST API 2 and a personal access token chosen from its
//! drop-downs, Test connection against a loopback Data Center that checks
//! every request against the REST v2 operations (sr-apimock's
//! `jira_data_center`), and the saved entry (the token in the keyring,
//! never in the file).

use crate::common;

use common::Workbench;
use common::trackers::{
    self,
    Input::{Choose, Fill},
};

#[test]
fn a_jira_data_center_tracker_is_added_from_the_jira_form() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let site = sr_apimock::JiraSite::data_center("DB").with_authorization("Bearer typed-pat");
    let spec = sr_apimock::spec::jira_data_center().expect("Data Center description");
    let server = runtime
        .block_on(sr_apimock::MockServer::start(spec, site))
        .expect("server");
    let mut bench = Workbench::start();
    trackers::open_form(
        &mut bench,
        "➕ Jira",
        "Project key *",
        &["REST API *", "Sign-in *", "Username", "Token *"],
    );
    trackers::enter(
        &mut bench,
        &[
            Fill("Name", "Jira DC"),
            Fill("Site URL *", server.base_url()),
            Fill("Project key *", "DB"),
            Choose("REST API *", "2"),
            Choose("Sign-in *", "bearer"),
            Fill("Token *", "typed-pat"),
        ],
    );
    trackers::test_connection(&mut bench, "project DB (Project DB) is visible");
    // The server's port changes from run to run.
    bench.snapshot_masked("jira_dc_settings", &["Site URL *"]);
    let file = trackers::add_and_save(&mut bench, "Jira DC");
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
