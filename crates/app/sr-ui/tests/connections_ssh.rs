//! A PostgreSQL connection through the OpenSSH bastion `cargo xtask test`
//! starts (or sr-testkit, once per process), set up in the connection
//! manager's SSH section: the first Test is refused because the bastion's
//! host key is unknown, and says so with its fingerprint in the dialog;
//! once the key is in known_hosts, Test connects through the tunnel, and
//! the saved connection's schemas show in the explorer.

use crate::common;

use common::db::{mask_labels_containing, runtime, shop_database};
use common::{Workbench, fill, text_box};
use egui_kittest::kittest::Queryable;
use sr_ui::state::Dialog;

fn test_result(bench: &Workbench) -> Option<Result<String, String>> {
    match &bench.state().dialog {
        Some(Dialog::Connection(d)) => d.current_test().map(|t| {
            t.result
                .clone()
                .map(|found| found.server_version.unwrap_or_default())
        }),
        _ => None,
    }
}

/// Scrolls the dialog to the button `label` and clicks it.
fn press(bench: &mut Workbench, label: &str) {
    bench.harness.get_by_label(label).scroll_to_me();
    for _ in 0..3 {
        bench.harness.step();
    }
    bench.harness.get_by_label(label).click();
    bench.harness.step();
}

/// Presses Test and waits for its answer.
fn run_test(bench: &mut Workbench) -> Result<String, String> {
    press(bench, "Test");
    bench.wait_for("the test's answer", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::Connection(d)) if d.current_test().is_some())
    });
    test_result(bench).unwrap_or_else(|| Err("the dialog closed".into()))
}

#[test]
fn a_connection_through_an_ssh_bastion_is_set_up_in_the_manager() {
    let rt = runtime();
    let url = shop_database(&rt);
    let bastion = sr_testkit::ssh_bastion().unwrap_or_else(|e| panic!("no bastion: {e}"));
    let mut bench = Workbench::start();
    // Room for the whole dialog with its SSH section.
    bench.harness.set_size(egui::vec2(1280.0, 1000.0));
    let known_hosts = bench.dir.path().join("known_hosts");
    std::fs::write(&known_hosts, "").expect("an empty known_hosts");

    bench.harness.key_press_modifiers(
        egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
        egui::Key::N,
    );
    bench.wait_for_label("Paste a URL");
    fill(&mut bench, "Name", "behind");
    fill(&mut bench, "Paste a URL", &url);
    bench.harness.get_by_label("Read URL").click();
    for _ in 0..3 {
        bench.harness.step();
    }
    press(&mut bench, "Through an SSH tunnel");
    bench.wait_for_label("SSH host");
    fill(&mut bench, "SSH host", &bastion.host);
    fill(&mut bench, "SSH port", &bastion.port.to_string());
    fill(&mut bench, "SSH user", &bastion.user);
    fill(
        &mut bench,
        "Key file",
        &bastion.client_key().display().to_string(),
    );
    fill(
        &mut bench,
        "known_hosts",
        &known_hosts.display().to_string(),
    );

    // The bastion's key is not known yet: refused, with its fingerprint.
    let refused = run_test(&mut bench);
    let Err(cause) = refused else {
        panic!("an unknown host key was accepted: {refused:?}");
    };
    assert!(cause.contains("SHA256:"), "the fingerprint: {cause}");
    assert!(cause.contains("connection trust"), "the fix: {cause}");
    assert!(bench.harness.query_by_label_contains("SHA256:").is_some());

    // Confirmed out of band, the key goes into known_hosts.
    let line = bastion.known_hosts_line().expect("the bastion's host key");
    std::fs::write(&known_hosts, line).expect("known_hosts written");
    // Any edit makes the last outcome stale; Test again.
    fill(&mut bench, "Environment", "staging");
    let found = run_test(&mut bench);
    let Ok(version) = found else {
        panic!("no connection through the tunnel: {found:?}");
    };
    assert!(version.starts_with("PostgreSQL "), "{version}");

    if let Some(Dialog::Connection(d)) = &mut bench.harness.state_mut().state.dialog
        && let Some(t) = &mut d.test
        && let Ok(found) = &mut t.result
    {
        found.server_version = Some("PostgreSQL (version fixed for the picture)".into());
        found.connect_ms = 10;
        found.round_trip_ms = 0.5;
    }
    bench.harness.event(egui::Event::PointerGone);
    bench.harness.step();
    mask_labels_containing(&mut bench, &["postgres://"]);
    for label in ["Port", "Database", "SSH port", "Key file", "known_hosts"] {
        let rect = text_box(&bench.harness, label).rect();
        bench.harness.mask(rect);
    }
    bench.harness.snapshot("connection_ssh");

    press(&mut bench, "Save");
    bench.wait_for("the saved connection in the explorer", |h| {
        h.state().state.dialog.is_none() && h.query_by_label("🗄 behind").is_some()
    });
    let saved = std::fs::read_to_string(bench.dir.path().join("config/connections.json"))
        .expect("connections.json written");
    assert!(saved.contains("\"ssh\""), "{saved}");
    assert!(
        saved.contains(&format!("\"user\": \"{}\"", bastion.user)),
        "{saved}"
    );
    bench.harness.get_by_label("🗄 behind").click();
    // Schemas stream in one by one, in no fixed order.
    bench.wait_for("both schemas through the tunnel", |h| {
        h.query_by_label("🗀 sales  (1)").is_some() && h.query_by_label("🗀 inventory  (1)").is_some()
    });
}
