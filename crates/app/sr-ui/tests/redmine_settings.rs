//! Settings against the real Redmine of the test run: a Redmine tracker
//! is added from its own fields (URL, project, API key, labels field,
//! text formatting), its form pictured, tested (the adapter reads the
//! server's trackers, statuses and formatting) and saved with the key in
//! the keyring, never in trackers.json.

use crate::common;

use common::Workbench;
use common::trackers::{self, Input::Fill};
use egui_kittest::kittest::Queryable;

/// The project the form names; made once per Redmine (a second run on the
/// same server finds it there).
const PROJECT: &str = "settings-form";

fn ensure_project(rm: &sr_testkit::RedmineFixture) {
    let rt = common::db::runtime();
    rt.block_on(async {
        let answer = reqwest::Client::new()
            .post(format!("{}/projects.json", rm.url))
            .header("X-Redmine-API-Key", &rm.api_key)
            .json(&serde_json::json!({"project": {"name": PROJECT, "identifier": PROJECT}}))
            .send()
            .await
            .expect("POST /projects.json");
        // 422: "Identifier has already been taken", from an earlier test.
        assert!(
            answer.status().is_success() || answer.status() == 422,
            "{}",
            answer.status()
        );
    });
}

#[test]
fn a_redmine_tracker_is_added_from_its_fields_tested_and_saved() {
    let rm = sr_testkit::redmine().unwrap_or_else(|e| panic!("{e}"));
    ensure_project(&rm);
    let mut bench = Workbench::start();
    trackers::open_form(
        &mut bench,
        "➕ Redmine",
        "Redmine URL *",
        &["Project *", "Labels field", "Text formatting", "Token *"],
    );
    trackers::enter(
        &mut bench,
        &[
            Fill("Name", "Team Redmine"),
            Fill("Redmine URL *", &rm.url),
            Fill("Project *", PROJECT),
            Fill("Token *", &rm.api_key),
        ],
    );
    bench.harness.event(egui::Event::PointerGone);
    // The server's port changes from run to run.
    bench.snapshot_masked("redmine_settings", &["Redmine URL *"]);

    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("the test's answer", |h| {
        h.query_by_label_contains("✔ Connected").is_some()
            || h.query_by_label_contains("Test failed").is_some()
    });
    assert!(
        bench
            .harness
            .query_by_label("✔ Connected as admin")
            .is_some(),
        "the test failed"
    );
    for check in [
        "• trackers: Bug, Feature, Support",
        "• labels field: Labels",
        "• text formatting: Textile",
    ] {
        assert!(
            bench.harness.query_by_label_contains(check).is_some(),
            "{check}"
        );
    }

    let file = trackers::add_and_save(&mut bench, "Team Redmine");
    assert!(
        file.contains(r#""type": "redmine""#)
            && file.contains(r#""keyring": "tracker:Team Redmine:auth.token""#)
            && file.contains(&format!(r#""project": "{PROJECT}""#))
            && !file.contains(&rm.api_key),
        "{file}"
    );
}
