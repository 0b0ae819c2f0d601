//! Settings → Notification Channels: a Slack channel added from its form,
//! pointing at a loopback Slack receiver that checks every message as
//! Slack does (Block Kit); "Send test message" sends a real one and shows
//! Slack's answer, then Slack's refusal (404 no_service) with its cause and
//! fix; the saved channels.json holds a keyring reference, never the URL.

use crate::common;

use common::{Workbench, fill};
use egui_kittest::kittest::{NodeT, Queryable};
use sr_apimock::channels::{SlackWebhook, slack_spec};
use sr_apimock::{MockResponse, MockServer};
use sr_ui::state::Dialog;

const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";

/// The text of the first node whose label contains `part`.
fn text_of(bench: &Workbench, part: &str) -> String {
    bench
        .harness
        .query_by_label_contains(part)
        .map(|n| {
            let node = n.accesskit_node();
            format!(
                "{} {}",
                node.label().unwrap_or_default(),
                node.value().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

#[test]
fn a_slack_channel_is_added_tested_and_saved() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let slack = SlackWebhook::new();
    let spec = slack_spec().expect("the Slack description");
    let server = runtime
        .block_on(MockServer::start(spec, slack.clone()))
        .expect("the receiver starts");
    let url = format!("{}{HOOK_PATH}", server.base_url());

    let mut bench = Workbench::start();
    bench.harness.get_by_label("Tools").click();
    bench.wait_for_label("Notification Channels…");
    bench.harness.get_by_label("Notification Channels…").click();
    // Every channel type of the registry can be added.
    bench.wait_for_label("➕ Slack");
    for kind in [
        "➕ Microsoft Teams",
        "➕ PagerDuty",
        "➕ E-mail (SMTP)",
        "➕ Outgoing webhook",
    ] {
        assert!(bench.harness.query_by_label(kind).is_some(), "{kind}");
    }
    bench.harness.get_by_label("➕ Slack").click();
    bench.wait_for_label("Webhook URL *");
    fill(&mut bench, "Name", "ops-slack");
    fill(&mut bench, "Webhook URL *", &url);

    bench.harness.get_by_label("Send test message").click();
    bench.wait_for("Slack's answer", |h| {
        h.query_by_label_contains("✔ Sent").is_some()
            || h.query_by_label_contains("Test failed").is_some()
    });
    let answer = text_of(&bench, "✔ Sent");
    assert!(answer.contains("Slack answered 200: ok"), "{answer}");
    let got = slack.messages();
    assert_eq!(got.len(), 1, "{:?}", slack.refusals());
    assert!(
        got[0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Test message to ops-slack"),
        "{got:?}"
    );
    // The URL is masked in the form; its port changes from run to run.
    bench.snapshot_masked("channel_test_sent", &["Webhook URL *"]);

    // The app behind the webhook was removed: Slack answers 404 no_service.
    let mut refusal = MockResponse::empty(404).header("content-type", "text/plain");
    refusal.body = b"no_service".to_vec();
    server.push_fault("webhook/post", refusal);
    bench.harness.get_by_label("Send test message").click();
    bench.harness.step();
    bench.wait_for("Slack's refusal", |h| {
        h.query_by_label_contains("Test failed").is_some()
    });
    let refused = text_of(&bench, "Test failed");
    assert!(
        refused.contains("Slack refused the message (404): no_service")
            && refused.contains("no longer exists"),
        "{refused}"
    );
    assert!(
        !refused.contains("XXXXXXXX"),
        "the URL is a secret: {refused}"
    );
    bench.snapshot_masked("channel_test_refused", &["Webhook URL *"]);
    assert_eq!(slack.messages().len(), 1);

    bench.harness.get_by_label("Add").click();
    bench.wait_for_label("Edit ops-slack");
    bench.harness.get_by_label("Save").click();
    bench.wait_for("channels.json to be saved", |h| {
        matches!(&h.state().state.dialog, Some(Dialog::Channels(d)) if !d.dirty && d.saving.is_none())
    });
    let file = std::fs::read_to_string(bench.dir.path().join("config/channels.json"))
        .expect("channels.json");
    assert!(
        file.contains(r#""type": "slack""#)
            && file.contains(r#""keyring": "channel:ops-slack:webhook_url""#)
            && !file.contains(HOOK_PATH),
        "{file}"
    );
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}
