//! `scratchrobin channel list|test` through the real binary: the channels
//! of channels.json, and a real test message through a Slack channel whose
//! webhook URL comes from an `${ENV}` reference, to a loopback receiver
//! that checks it as Slack does; then Slack's refusal, named with its fix
//! and a failing exit code.

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::process::{Command, Output};

use sr_apimock::channels::{SlackWebhook, slack_spec};
use sr_apimock::{MockResponse, MockServer};

const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";

fn cli(dir: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env("OPS_SLACK_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn channel_test_sends_a_real_message_and_names_a_refusal() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let slack = SlackWebhook::new();
    let server = runtime
        .block_on(MockServer::start(slack_spec().unwrap(), slack.clone()))
        .unwrap();
    let url = format!("{}{HOOK_PATH}", server.base_url());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/channels.json"),
        r#"{"channels": [{"name": "ops-slack", "type": "slack", "config": {"webhook_url": "${OPS_SLACK_URL}"}}]}"#,
    )
    .unwrap();

    let out = cli(dir.path(), &url, &["channel", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("ops-slack"), "{}", text(&out));

    let out = cli(
        dir.path(),
        &url,
        &["channel", "test", "ops-slack", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["status"], 200, "{answer}");
    assert_eq!(slack.messages().len(), 1, "{:?}", slack.refusals());

    let mut refusal = MockResponse::empty(404).header("content-type", "text/plain");
    refusal.body = b"no_service".to_vec();
    server.push_fault("webhook/post", refusal);
    let out = cli(dir.path(), &url, &["channel", "test", "ops-slack"]);
    assert!(!out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("Slack refused the message (404): no_service") && !said.contains(HOOK_PATH),
        "{said}"
    );

    let out = cli(dir.path(), &url, &["channel", "test", "ops-slak"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("did you mean `ops-slack`"),
        "{}",
        text(&out)
    );
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
