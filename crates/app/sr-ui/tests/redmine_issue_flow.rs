//! #19's Redmine acceptance flow, against the real Redmine of the test run
//! and a real PostgreSQL database: create an issue from a table's context
//! menu (on Redmine, the one usable tracker), comment from the workbench
//! and from Redmine, close it on Redmine and see the badge change after a
//! sync.

use crate::common;

use common::db::{runtime, shop_database};
use common::{Workbench, fill};
use egui_kittest::kittest::Queryable;
use serde_json::{Value, json};
use sr_secrets::Secret;
use sr_sync::SyncStatus;
use sr_ui::state::Dialog;

const KEY_HEADER: &str = "X-Redmine-API-Key";

/// A request to Redmine as the admin, as someone working in Redmine would.
fn redmine(
    rt: &tokio::runtime::Runtime,
    rm: &sr_testkit::RedmineFixture,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .request(method, format!("{}{path}", rm.url))
            .header(KEY_HEADER, &rm.api_key)
            .json(&body)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        resp.json().await.unwrap_or(Value::Null)
    })
}

/// Runs a manual sync of `Redmine` from the Sync window and waits for it
/// to complete.
fn sync_now(bench: &mut Workbench) {
    let before = bench
        .state()
        .sync
        .finished
        .get("Redmine")
        .map(|o| o.id.clone());
    if !bench.state().sync.open {
        bench.harness.key_press_modifiers(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::S,
        );
    }
    bench.wait_for_label("Sync now");
    bench.harness.get_by_label("Sync now").click();
    bench.wait_for("the manual sync to end", |h| {
        h.state()
            .state
            .sync
            .finished
            .get("Redmine")
            .is_some_and(|o| Some(&o.id) != before.as_ref() && !o.status.is_active())
    });
    let done = bench
        .state()
        .sync
        .finished
        .get("Redmine")
        .cloned()
        .expect("ended");
    assert_eq!(done.status, SyncStatus::Completed, "{done:?}");
    bench.harness.key_press(egui::Key::Escape);
    bench.wait_for("the window to close", |h| !h.state().state.sync.open);
}

#[test]
fn create_comment_both_ways_and_close_on_redmine() {
    let rt = runtime();
    let rm = sr_testkit::redmine().unwrap_or_else(|e| panic!("{e}"));
    let project = format!("flow-{}-{}", std::process::id(), fastrand_suffix());
    redmine(
        &rt,
        &rm,
        reqwest::Method::POST,
        "/projects.json",
        json!({"project": {"name": project, "identifier": project}}),
    );
    let url = shop_database(&rt);
    let (rm_url, key, ident) = (rm.url.clone(), rm.api_key.clone(), project.clone());
    let mut bench = Workbench::start_with(move |paths, keyring| {
        let trackers = json!({"trackers": [
            {"name": "Local", "type": "local", "enabled": false},
            {"name": "Redmine", "type": "redmine", "config": {
                "base_url": rm_url, "project": ident,
                "auth": {"type": "personal_token",
                         "token": {"keyring": "tracker:Redmine:auth.token"}}
            }}
        ]});
        std::fs::write(paths.trackers_file(), trackers.to_string()).expect("trackers.json");
        let connections = json!({"connections": [{"name": "shop", "url": url}]});
        std::fs::write(paths.connections_file(), connections.to_string())
            .expect("connections.json");
        keyring
            .set("tracker:Redmine:auth.token", &Secret::new(&key))
            .expect("in-memory keyring");
    });

    // Create Issue from the PostgreSQL table's context menu.
    bench.harness.get_by_label("🗄 shop").click();
    bench.wait_for_label("⊞ invoices");
    bench.harness.get_by_label("⊞ invoices").click_secondary();
    bench.wait_for_label("Create Issue…");
    bench.harness.get_by_label("Create Issue…").click();
    bench.harness.step();
    bench.wait_for("the engine's draft", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::CreateIssue(d))
            if d.drafting.is_none() && d.tracker == "Redmine")
    });
    fill(&mut bench, "Title", "Invoices need a currency");
    bench.harness.get_by_label("Create").click();
    bench.wait_for_label("1 linked issue, open");
    let invoices = bench
        .state()
        .selection
        .clone()
        .expect("invoices is selected");
    let key = bench.state().links_of(&invoices).ready().expect("links")[0]
        .issue
        .key
        .clone();
    assert_eq!(key.provider, "redmine");
    let id = key.id.clone();
    let issue = redmine(
        &rt,
        &rm,
        reqwest::Method::GET,
        &format!("/issues/{id}.json"),
        Value::Null,
    );
    assert_eq!(issue["issue"]["subject"], "Invoices need a currency");
    assert_eq!(issue["issue"]["project"]["name"], project);
    // The table's draft (Markdown) arrived as Textile.
    let description = issue["issue"]["description"].as_str().unwrap_or_default();
    assert!(
        description.contains("<pre><code class=\"sql\">"),
        "{description}"
    );

    // A comment from the workbench lands as a note on Redmine.
    bench.harness.get_by_label("Comments").click();
    bench.wait_for_label("No comments yet.");
    fill(&mut bench, "New comment", "Seen on *prod* too");
    bench.harness.get_by_label("Comment").click();
    bench.wait_for_label("Comments (1)");
    bench.wait_for("the comment sent", |h| h.state().state.jobs.is_empty());
    let issue = redmine(
        &rt,
        &rm,
        reqwest::Method::GET,
        &format!("/issues/{id}.json?include=journals"),
        Value::Null,
    );
    let notes: Vec<&str> = issue["issue"]["journals"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|j| j["notes"].as_str())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(notes, ["Seen on _prod_ too"]);

    // Redmine keeps `updated_on` in whole seconds: a note written in the
    // same second as the workbench's comment would leave the issue looking
    // unchanged to any poller. A person takes longer than a second; the
    // test waits for the clock (shared with the local Redmine) to pass it.
    let updated_on: chrono::DateTime<chrono::Utc> = issue["issue"]["updated_on"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("the issue's updated_on");
    let next_second = updated_on + chrono::Duration::seconds(1);
    while let Ok(left) = (next_second - chrono::Utc::now()).to_std() {
        std::thread::sleep(left);
    }
    // A note written on Redmine (Textile) shows in the workbench after a
    // sync, as Markdown.
    redmine(
        &rt,
        &rm,
        reqwest::Method::PUT,
        &format!("/issues/{id}.json"),
        json!({"issue": {"notes": "Fixed in *r42*"}}),
    );
    sync_now(&mut bench);
    bench.wait_for("the note from Redmine", |h| {
        h.query_by_label_contains("Fixed in").is_some()
    });
    assert!(bench.harness.query_by_label("Comments (2)").is_some());

    // Closed on Redmine: the badge says done after the next sync.
    let closed = redmine(
        &rt,
        &rm,
        reqwest::Method::GET,
        "/issue_statuses.json",
        Value::Null,
    )["issue_statuses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == "Closed")
        .and_then(|s| s["id"].as_u64())
        .expect("a Closed status");
    redmine(
        &rt,
        &rm,
        reqwest::Method::PUT,
        &format!("/issues/{id}.json"),
        json!({"issue": {"status_id": closed}}),
    );
    assert!(
        bench
            .harness
            .query_by_label("1 linked issue, open")
            .is_some()
    );
    sync_now(&mut bench);
    bench.wait_for_label("1 linked issue, done");
}

fn fastrand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() % 100_000)
        .unwrap_or(0)
}
