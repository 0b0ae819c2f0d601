//! Adding a YouTrack tracker in the Settings dialog: the form the
//! adapter's fields make, Test connection against a loopback YouTrack that
//! checks every request against JetBrains' REST reference (each with its
//! `fields` projection), and the saved entry (the typed permanent token in
//! the keyring, never in the file).

use crate::common;

use common::Workbench;
use common::trackers::{self, Input::Fill};

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
    trackers::open_form(
        &mut bench,
        "➕ YouTrack",
        "Instance URL *",
        &["Project *", "Issue type", "Sign-in *", "Token *"],
    );
    trackers::enter(
        &mut bench,
        &[
            Fill("Name", "YT"),
            Fill("Instance URL *", server.base_url()),
            Fill("Project *", "DB"),
            Fill("Token *", "perm:typed-token"),
        ],
    );
    trackers::test_connection(&mut bench, "project DB is visible");
    // The server's port changes from run to run.
    bench.snapshot_masked("youtrack_settings", &["Instance URL *"]);
    let file = trackers::add_and_save(&mut bench, "YT");
    assert!(
        file.contains(r#""type": "youtrack""#)
            && file.contains(r#""keyring": "tracker:YT:auth.token""#)
            && !file.contains("typed-token"),
        "{file}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
