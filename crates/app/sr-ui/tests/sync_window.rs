//! The Sync window against a GitHub tracker served on loopback by the
//! validating mock: the scheduled first sync shows its result, a field
//! changed both in the workbench and on GitHub is synced from the window
//! ("Sync now"), and the result and the conflict (field, both values,
//! policy, winner) are listed.

use crate::common;

use common::Workbench;
use egui_kittest::kittest::{NodeT, Queryable};
use sr_apimock::{GitHubRepo, MockServer};
use sr_engine::monitoring::SyncStatus;
use sr_secrets::Secret;

/// The last result the window shows for GH: (operation id, status).
fn last_result(bench: &Workbench) -> Option<(String, SyncStatus)> {
    bench
        .state()
        .sync
        .finished
        .get("GH")
        .map(|o| (o.id.clone(), o.status))
}

#[test]
fn a_manual_sync_from_the_window_shows_its_result_and_the_conflict() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let repo = GitHubRepo::new("acme", "db").with_token("t");
    for title in [
        "Slow orders report",
        "Index customers.email",
        "Drop old_orders",
    ] {
        repo.seed(title, &["db"], false);
    }
    let server = rt
        .block_on(async {
            let spec = sr_apimock::spec::github().expect("spec");
            MockServer::start(spec, repo.clone()).await
        })
        .expect("server");
    let url = server.base_url().to_owned();
    let mut bench = Workbench::start_with(|paths, keyring| {
        let file = serde_json::json!({"trackers": [
            {"name": "Local", "type": "local"},
            {"name": "GH", "type": "github", "config": {
                "owner": "acme", "repo": "db", "base_url": url,
                "auth": {"type": "personal_token",
                         "token": {"keyring": "tracker:GH:auth.token"}}
            }}
        ]});
        std::fs::write(paths.trackers_file(), file.to_string()).expect("trackers.json");
        keyring
            .set("tracker:GH:auth.token", &Secret::new("t"))
            .expect("in-memory keyring");
    });
    // The scheduler's first sync fills the cache; the window is not needed
    // to see it end.
    bench.wait_for("the first sync", |h| {
        h.state()
            .state
            .sync
            .finished
            .get("GH")
            .is_some_and(|o| o.status == SyncStatus::Completed)
    });
    let (first, _) = last_result(&bench).expect("a result");

    // Tools → Sync trackers… opens the window; Esc closes it; Ctrl+Shift+S
    // opens it again.
    bench.harness.get_by_label("Tools").click();
    bench.wait_for("the Tools menu", |h| {
        h.query_by_label_contains("Sync trackers").is_some()
    });
    bench.harness.get_by_label_contains("Sync trackers").click();
    bench.wait_for_label("Sync now");
    bench.harness.key_press(egui::Key::Escape);
    bench.wait_for("the window to close", |h| !h.state().state.sync.open);
    bench.harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::S,
    );
    bench.wait_for_label("Sync now");
    assert!(bench.harness.query_by_label("idle").is_some());
    assert!(bench.harness.query_by_label("webhook inactive").is_some());
    assert!(bench.harness.query_by_label("last sync just now").is_some());

    // Issue 2's title changes on GitHub and in the workbench.
    assert!(repo.edit_title(2, "Index customers.email (remote)"));
    let key = sr_model::IssueKey::new("github", format!("{}/acme/db", server.addr()), "2");
    let store_path = bench.dir.path().join("data").join("scratchrobin.db");
    rt.block_on(async {
        let store = sr_store::Store::open_file(&store_path)
            .await
            .expect("store");
        sr_sync::record_edit(
            &store,
            &key,
            sr_sync::Field::Title,
            "Index customers.email (local)",
        )
        .await
        .expect("edit");
        store.close().await;
    });

    bench.harness.get_by_label("Sync now").click();
    bench.wait_for("the manual sync to end", |h| {
        h.state()
            .state
            .sync
            .finished
            .get("GH")
            .is_some_and(|o| o.id != first && !o.status.is_active())
    });
    let done = bench
        .state()
        .sync
        .finished
        .get("GH")
        .cloned()
        .expect("ended");
    assert_eq!(done.status, SyncStatus::Completed, "{done:?}");
    assert_eq!(done.results.conflicts.len(), 1, "{done:?}");
    // The conflict is listed once the status is loaded again.
    bench.wait_for("the conflict", |h| {
        h.query_by_label("Index customers.email (remote)").is_some()
    });
    assert!(
        bench
            .harness
            .query_by_label("Index customers.email (local)")
            .is_some()
    );
    assert!(bench.harness.query_by_label("last writer wins").is_some());
    assert!(bench.harness.query_by_label("title").is_some());
    assert!(
        bench
            .harness
            .query_by_label_contains("1 pushed, 1 conflicts")
            .is_some()
    );
    assert!(bench.harness.query_by_label("completed").is_some());
    assert!(bench.harness.query_by_label("acme/db#2").is_some());
    bench.snapshot("sync_window");
    assert_eq!(server.failures(), Vec::<String>::new());
}

/// A long sync (10,000 issues: 100 pages, 50 batches) started with Full
/// sync shows its progress in the window and the status bar, and Cancel
/// stops it: the result says cancelled and the tracker is idle again.
#[test]
fn a_long_sync_shows_progress_and_is_cancelled_from_the_window() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let repo = GitHubRepo::new("acme", "db").with_token("t");
    for n in 0..10_000 {
        repo.seed(&format!("issue {n}"), &[], false);
    }
    let server = rt
        .block_on(async {
            let spec = sr_apimock::spec::github().expect("spec");
            MockServer::start(spec, repo.clone()).await
        })
        .expect("server");
    let url = server.base_url().to_owned();
    let mut bench = Workbench::start_with(|paths, keyring| {
        // `manual`: only the window starts its syncs.
        let file = serde_json::json!({"trackers": [
            {"name": "Local", "type": "local"},
            {"name": "GH", "type": "github", "sync": {"mode": "manual"}, "config": {
                "owner": "acme", "repo": "db", "base_url": url,
                "auth": {"type": "personal_token",
                         "token": {"keyring": "tracker:GH:auth.token"}}
            }}
        ]});
        std::fs::write(paths.trackers_file(), file.to_string()).expect("trackers.json");
        keyring
            .set("tracker:GH:auth.token", &Secret::new("t"))
            .expect("in-memory keyring");
    });
    bench.harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::S,
    );
    bench.wait_for_label("Full sync");
    assert!(bench.harness.query_by_label("never synced").is_some());
    bench.harness.get_by_label("Full sync").click();
    // Progress with counts, in the window and in the status bar.
    bench.wait_for("the sync's progress", |h| {
        h.query_all_by_label_contains("GH: creating")
            .filter(|n| {
                n.accesskit_node()
                    .label()
                    .is_some_and(|l| l.contains(" of 10000"))
            })
            .count()
            >= 2
    });
    bench.harness.get_by_label("Cancel").click();
    bench.wait_for("the cancelled result", |h| {
        h.query_by_label("cancelled").is_some()
    });
    let op = bench
        .state()
        .sync
        .finished
        .get("GH")
        .cloned()
        .expect("result");
    assert!(
        op.results.created > 0 && op.results.created < 10_000,
        "{op:?}"
    );
    assert!(bench.state().sync.running.is_empty());
    bench.wait_for("the status after the end", |h| {
        h.state().state.jobs.is_empty() && h.query_by_label("Sync now").is_some()
    });
    assert_eq!(server.failures(), Vec::<String>::new());
}
