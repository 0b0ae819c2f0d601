//! Adding a YouTrack tracker in the Settings dialog: the form the
//! adapter's fields make, Test connection against a loopback YouTrack that
//! checks every request against JetBrains' REST reference (each with its
//! `fields` projection), and the saved entry (the typed permanent token in
//! the keyring, never in the file).

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;

#[test]
fn a_youtrack_tracker_is_added_from_its_form() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let project =
        sr_apimock::YouTrackProject::new("DB").with_authorization("Bearer perm:typed-token");
    let spec = sr_apimock::spec::youtrack().expect("YouTrack description");
    let server = runtime
        .block_on(sr_apimock::MockServer::start(spec, project))
        .expect("server");
    let mut bench = Workbench::start();
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Tracker Settings…");
    bench
        .harness
        .get_by_label("Issue Tracker Settings…")
        .click();
    bench.wait_for_label("➕ YouTrack");
    bench.harness.get_by_label("➕ YouTrack").click();
    bench.wait_for_label("Instance URL *");
    for label in ["Project *", "Issue type", "Sign-in *", "Token *"] {
        assert!(bench.harness.query_by_label(label).is_some(), "{label}");
    }
    fill(&mut bench, "Name", "YT");
    fill(&mut bench, "Instance URL *", server.base_url());
    fill(&mut bench, "Project *", "DB");
    fill(&mut bench, "Token *", "perm:typed-token");
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the test to pass", |h| {
        h.query_by_label_contains("Connected").is_some()
    });
    assert!(
        bench
            .harness
            .query_by_label_contains("project DB is visible")
            .is_some()
    );
    // The server's port changes from run to run.
    bench.snapshot_masked("youtrack_settings", &["Instance URL *"]);
    bench.harness.get_by_label("Add").click();
    bench.wait_for_label("Edit YT");
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the engine to use the saved file", |h| {
        h.state()
            .state
            .trackers
            .ready()
            .is_some_and(|t| t.iter().any(|t| t.name == "YT"))
    });
    let file = std::fs::read_to_string(bench.dir.path().join("config/trackers.json"))
        .expect("trackers.json");
    assert!(
        file.contains(r#""type": "youtrack""#)
            && file.contains(r#""keyring": "tracker:YT:auth.token""#)
            && !file.contains("typed-token"),
        "{file}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
