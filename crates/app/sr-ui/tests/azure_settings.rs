//! Adding an Azure DevOps Boards tracker in the Settings dialog: the form
//! the adapter's fields make, Test connection against a loopback Azure
//! Boards that checks every request against Microsoft's description, and
//! the saved entry (the typed PAT in the keyring, never in the file).

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;

#[test]
fn an_azure_devops_tracker_is_added_from_its_form() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // `Basic base64(":typed-pat")`: a PAT with an empty user name.
    let boards =
        sr_apimock::AzureBoards::new("acme", "DB").with_authorization("Basic OnR5cGVkLXBhdA==");
    let spec = sr_apimock::spec::azure_devops().expect("Azure DevOps description");
    let server = runtime
        .block_on(sr_apimock::MockServer::start(spec, boards))
        .expect("server");
    let mut bench = Workbench::start();
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Tracker Settings…");
    bench
        .harness
        .get_by_label("Issue Tracker Settings…")
        .click();
    bench.wait_for_label("➕ Azure DevOps Boards");
    bench.harness.get_by_label("➕ Azure DevOps Boards").click();
    bench.wait_for_label("Organization *");
    for label in [
        "Project *",
        "Work item type",
        "Area path",
        "Iteration path",
        "Sign-in *",
        "Token *",
    ] {
        assert!(bench.harness.query_by_label(label).is_some(), "{label}");
    }
    fill(&mut bench, "Name", "Boards");
    fill(&mut bench, "Service URL", server.base_url());
    fill(&mut bench, "Organization *", "acme");
    fill(&mut bench, "Project *", "DB");
    fill(&mut bench, "Area path", "DB\\Backend");
    fill(&mut bench, "Token *", "typed-pat");
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the test to pass", |h| {
        h.query_by_label_contains("Connected").is_some()
    });
    assert!(
        bench
            .harness
            .query_by_label_contains("area_path DB\\Backend exists")
            .is_some()
    );
    // The server's port changes from run to run.
    bench.snapshot_masked("azure_settings", &["Service URL"]);
    bench.harness.get_by_label("Add").click();
    bench.wait_for_label("Edit Boards");
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the engine to use the saved file", |h| {
        h.state()
            .state
            .trackers
            .ready()
            .is_some_and(|t| t.iter().any(|t| t.name == "Boards"))
    });
    let file = std::fs::read_to_string(bench.dir.path().join("config/trackers.json"))
        .expect("trackers.json");
    assert!(
        file.contains(r#""type": "azure_devops""#)
            && file.contains(r#""keyring": "tracker:Boards:auth.token""#)
            && !file.contains("typed-pat"),
        "{file}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
