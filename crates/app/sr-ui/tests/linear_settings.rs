//! Adding a Linear tracker in Settings: the form is built from the Linear
//! factory's fields (team, sign-in with an API key or OAuth token, token,
//! labels, API URL), Test connection runs against the Linear mock (every
//! document validated against Linear's schema), and saving keeps the key
//! in the keyring, never in trackers.json.

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use sr_apimock::linear::GraphqlSchema;
use sr_apimock::{LinearServer, LinearWorkspace};

const KEY: &str = "lin_api_settings_key";

#[test]
fn a_new_linear_tracker_is_added_tested_and_saved() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let schema = GraphqlSchema::linear().expect("Linear schema in shared/api-specs");
    let ws = LinearWorkspace::new(schema.clone(), "DB").with_authorization(&[KEY]);
    let server = runtime
        .block_on(LinearServer::start(schema, ws.authorization.clone(), ws))
        .expect("server");
    let mut bench = Workbench::start();
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Tracker Settings…");
    bench
        .harness
        .get_by_label("Issue Tracker Settings…")
        .click();
    bench.wait_for_label("➕ Linear");
    bench.harness.get_by_label("➕ Linear").click();
    bench.wait_for_label("Team *");
    assert!(
        bench.harness.query_by_label("Sign-in *").is_some(),
        "auth.type"
    );
    assert!(
        bench.harness.query_by_label("Owner *").is_none(),
        "GitHub's fields are not Linear's"
    );
    fill(&mut bench, "Name", "Linear DB");
    fill(&mut bench, "Team *", "DB");
    fill(&mut bench, "API URL", server.base_url());
    fill(&mut bench, "Token *", KEY);
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the test's answer", |h| {
        h.query_by_label_contains("Connected as Ada Lovelace")
            .is_some()
            || h.query_by_label_contains("Test failed").is_some()
    });
    assert!(
        bench
            .harness
            .query_by_label_contains("team DB (Database) is visible")
            .is_some(),
        "the adapter's checks are shown"
    );
    // The server's port changes from run to run.
    bench.snapshot_masked("linear_settings", &["API URL"]);
    bench.harness.get_by_label("Add").click();
    bench.wait_for_label("Edit Linear DB");
    bench.harness.get_by_label("Save").click();
    bench.wait_for("the engine to use the saved file", |h| {
        h.state()
            .state
            .trackers
            .ready()
            .is_some_and(|t| t.iter().any(|t| t.name == "Linear DB"))
    });
    let file = std::fs::read_to_string(bench.dir.path().join("config/trackers.json"))
        .expect("trackers.json");
    assert!(
        file.contains(r#""keyring": "tracker:Linear DB:auth.token""#)
            && file.contains(r#""type": "api_key""#)
            && file.contains(r#""team": "DB""#)
            && !file.contains(KEY),
        "{file}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
