//! Adding a Linear tracker in Settings: the form is built from the Linear
//! factory's fields (team, sign-in with an API key or OAuth token, token,
//! labels, API URL), Test connection runs against the Linear mock (every
//! document validated against Linear's schema), and saving keeps the key
//! in the keyring, never in trackers.json.

use crate::common;

use common::Workbench;
use common::trackers::{self, Input::Fill};
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
    trackers::open_form(&mut bench, "➕ Linear", "Team *", &["Sign-in *"]);
    assert!(
        bench.harness.query_by_label("Owner *").is_none(),
        "GitHub's fields are not Linear's"
    );
    trackers::enter(
        &mut bench,
        &[
            Fill("Name", "Linear DB"),
            Fill("Team *", "DB"),
            Fill("API URL", server.base_url()),
            Fill("Token *", KEY),
        ],
    );
    trackers::test_connection(&mut bench, "team DB (Database) is visible");
    assert!(
        bench
            .harness
            .query_by_label_contains("Connected as Ada Lovelace")
            .is_some()
    );
    // The server's port changes from run to run.
    bench.snapshot_masked("linear_settings", &["API URL"]);
    let file = trackers::add_and_save(&mut bench, "Linear DB");
    assert!(
        file.contains(r#""keyring": "tracker:Linear DB:auth.token""#)
            && file.contains(r#""type": "api_key""#)
            && file.contains(r#""team": "DB""#)
            && !file.contains(KEY),
        "{file}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
