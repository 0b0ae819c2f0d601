//! Settings against a GitHub tracker whose API (a loopback server here)
//! answers 401: Test connection shows the adapter's diagnosis, and the
//! token typed in the form is the one sent, without being saved.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc::{Receiver, channel};

use common::trackers::{self, Input::Fill};
use common::{Workbench, fill};
use egui_kittest::kittest::{NodeT, Queryable};
use sr_secrets::Secret;

/// A loopback HTTP server that answers every request with GitHub's 401 and
/// reports each request's `Authorization` header.
fn unauthorized_api() -> (String, Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut auth = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("authorization")
                {
                    auth = value.trim().to_owned();
                }
                line.clear();
            }
            tx.send(auth).ok();
            let body = r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"#;
            let response = format!(
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            (&stream).write_all(response.as_bytes()).ok();
        }
    });
    (url, rx)
}

#[test]
fn a_401_shows_the_adapters_diagnosis() {
    let (url, requests) = unauthorized_api();
    let mut bench = Workbench::start_with(|paths, keyring| {
        let file = serde_json::json!({"trackers": [
            {"name": "Local", "type": "local"},
            {"name": "Team GitHub", "type": "github", "config": {
                "owner": "acme", "repo": "db", "base_url": url,
                "auth": {"type": "personal_token",
                         "token": {"keyring": "tracker:Team GitHub:auth.token"}}
            }}
        ]});
        std::fs::write(paths.trackers_file(), file.to_string()).expect("trackers.json");
        keyring
            .set(
                "tracker:Team GitHub:auth.token",
                &Secret::new("stored-token"),
            )
            .expect("in-memory keyring");
    });
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Issue Tracker Settings…");
    bench
        .harness
        .get_by_label("Issue Tracker Settings…")
        .click();
    // Every tracker type of the registry can be added, with its fields.
    bench.wait_for_label("➕ GitHub Issues");
    assert!(
        bench
            .harness
            .query_by_label("➕ Local (built-in)")
            .is_some()
    );
    bench.harness.get_by_label("➕ GitHub Issues").click();
    bench.wait_for_label("Owner *");
    assert!(bench.harness.query_by_label("Token *").is_some());
    bench.harness.get_by_label("Cancel").click();

    bench.wait_for_label("Edit Team GitHub");
    bench.harness.get_by_label("Edit Team GitHub").click();
    bench.wait_for_label("Test connection");
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("a diagnosis", |h| {
        h.query_by_label_contains("Test failed").is_some()
    });
    let diagnosis = bench
        .harness
        .query_by_label_contains("Test failed")
        .map(|n| {
            let node = n.accesskit_node();
            format!(
                "{} {}",
                node.label().unwrap_or_default(),
                node.value().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    assert!(diagnosis.contains("401"), "{diagnosis}");
    assert!(!diagnosis.contains("stored-token"), "{diagnosis}");
    // The server's port changes from run to run.
    bench.snapshot_masked("tracker_401", &["API URL"]);
    let sent = requests.try_iter().collect::<Vec<_>>();
    assert!(
        sent.iter().any(|a| a.ends_with("stored-token")),
        "the stored token is used: {sent:?}"
    );

    // A token typed in the form is used for the test, and saved nowhere.
    fill(&mut bench, "Token *", "typed-token");
    bench.harness.get_by_label("Test connection").click();
    bench.harness.step();
    bench.wait_for("the second diagnosis", |h| {
        h.query_by_label_contains("Test failed").is_some()
    });
    let sent = requests.try_iter().collect::<Vec<_>>();
    assert!(
        sent.iter().any(|a| a.ends_with("typed-token")),
        "the typed token is used: {sent:?}"
    );
    let file = std::fs::read_to_string(bench.dir.path().join("config/trackers.json"))
        .expect("trackers.json");
    assert!(!file.contains("typed-token"), "{file}");
}

#[test]
fn a_new_github_tracker_is_added_from_the_fields_and_tested() {
    let (url, requests) = unauthorized_api();
    let mut bench = Workbench::start();
    // The way of signing in starts at the adapter's default.
    trackers::open_form(&mut bench, "➕ GitHub Issues", "Owner *", &["Sign-in *"]);
    trackers::enter(
        &mut bench,
        &[
            Fill("Name", "New Hub"),
            Fill("Owner *", "acme"),
            Fill("Repository *", "db"),
            Fill("API URL", &url),
            Fill("Token *", "typed-token"),
        ],
    );
    bench.harness.get_by_label("Test connection").click();
    bench.wait_for("a diagnosis", |h| {
        h.query_by_label_contains("GitHub answered 401").is_some()
    });
    let sent = requests.try_iter().collect::<Vec<_>>();
    assert!(
        sent.iter().any(|a| a.ends_with("typed-token")),
        "the typed token is used: {sent:?}"
    );
    let file = trackers::add_and_save(&mut bench, "New Hub");
    assert!(
        file.contains(r#""keyring": "tracker:New Hub:auth.token""#)
            && file.contains(r#""type": "personal_token""#)
            && !file.contains("typed-token"),
        "{file}"
    );
}
