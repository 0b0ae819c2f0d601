//! Adding an Azure DevOps Boards tracker in the Settings dialog: the form
//! the adapter's fields make, Test connection against a loopback Azure
//! Boards that checks every request against Microsoft's description, and
//! the saved entry (the typed PAT in the keyring, never in the file).

use crate::common;

use common::Workbench;
use common::trackers::{self, Input::Fill};

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
    trackers::open_form(
        &mut bench,
        "➕ Azure DevOps Boards",
        "Organization *",
        &[
            "Project *",
            "Work item type",
            "Area path",
            "Iteration path",
            "Sign-in *",
            "Token *",
        ],
    );
    trackers::enter(
        &mut bench,
        &[
            Fill("Name", "Boards"),
            Fill("Service URL", server.base_url()),
            Fill("Organization *", "acme"),
            Fill("Project *", "DB"),
            Fill("Area path", "DB\\Backend"),
            Fill("Token *", "typed-pat"),
        ],
    );
    trackers::test_connection(&mut bench, "area_path DB\\Backend exists");
    // The server's port changes from run to run.
    bench.snapshot_masked("azure_settings", &["Service URL"]);
    let file = trackers::add_and_save(&mut bench, "Boards");
    assert!(
        file.contains(r#""type": "azure_devops""#)
            && file.contains(r#""keyring": "tracker:Boards:auth.token""#)
            && !file.contains("typed-pat"),
        "{file}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
