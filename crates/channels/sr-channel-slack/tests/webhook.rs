//! Slack messages over a real loopback socket to a receiver that checks
//! them as Slack does (Block Kit's blocks and limits) and answers as Slack
//! does, refusals included.

use std::sync::Arc;

use serde_json::json;
use sr_apimock::channels::{SlackWebhook, slack_spec};
use sr_apimock::{MockResponse, MockServer};
use sr_channel_slack::SlackFactory;
use sr_config::{ChannelEntry, Grouping};
use sr_notify::{
    Action, BuildContext, ChannelFactory, Link, Message, Notification, Notifier, Severity,
};
use sr_secrets::{Keyring, Resolver};

const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";

async fn slack() -> (MockServer, SlackWebhook) {
    let slack = SlackWebhook::new();
    let spec = slack_spec().expect("the Slack description");
    let server = MockServer::start(spec, slack.clone())
        .await
        .expect("the receiver starts");
    (server, slack)
}

fn channel(url: String) -> Arc<dyn Notifier> {
    let resolver = Resolver::with_env(
        move |name| (name == "SLACK_WEBHOOK_URL").then(|| url.clone()),
        Keyring::in_memory(),
    );
    let ctx = BuildContext::new(Arc::new(resolver)).expect("the HTTP client");
    let entry = ChannelEntry {
        name: "ops-slack".into(),
        kind: "slack".into(),
        enabled: true,
        config: json!({"webhook_url": "${SLACK_WEBHOOK_URL}"}),
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    SlackFactory.build(&entry, &ctx).expect("built")
}

fn message(action: Action, title: &str, body: &str, links: usize) -> Message {
    Message {
        id: format!("msg-{}", action.as_str()),
        action,
        notification: Notification {
            fingerprint: "drift:shop:public.film".into(),
            severity: Severity::Critical,
            title: title.into(),
            body: body.into(),
            source: "shop:table:public.film".into(),
            links: (0..links)
                .map(|i| Link {
                    text: format!("LOCAL-{i}"),
                    url: format!("https://tracker.example/issues/{i}"),
                })
                .collect(),
            occurred_at: chrono::Utc::now(),
        },
    }
}

#[tokio::test]
async fn every_kind_of_message_is_block_kit_slack_accepts() {
    let (server, slack) = slack().await;
    let hook = channel(format!("{}{HOOK_PATH}", server.base_url()));
    let long_title = "A drift with a very long title ".repeat(20);
    let long_body =
        "Column `rating` was dropped. **Bold** [doc](https://d.example)\n\n- a\n- b\n".repeat(100);
    let sent = [
        message(
            Action::Trigger,
            "Schema drift on shop",
            "Column `rating` was dropped.",
            1,
        ),
        message(Action::Resolve, "Schema drift on shop", "", 0),
        message(Action::Test, "Test from ScratchRobin", "It works.", 0),
        message(Action::Trigger, &long_title, &long_body, 12),
    ];
    for m in &sent {
        let delivered = hook.send(m).await.expect("Slack takes it");
        assert_eq!((delivered.status, delivered.detail.as_str()), (200, "ok"));
    }
    assert!(slack.refusals().is_empty(), "{:?}", slack.refusals());
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    let got = slack.messages();
    assert_eq!(got.len(), 4);
    assert_eq!(got[0]["text"], "Critical: Schema drift on shop");
    assert_eq!(
        got[0]["blocks"][1]["text"]["text"],
        "Column `rating` was dropped."
    );
    assert_eq!(
        got[0]["blocks"][3]["elements"][0]["url"],
        "https://tracker.example/issues/0"
    );
    assert_eq!(got[1]["text"], "Resolved: Schema drift on shop");
    // The long one was cut to Slack's limits, saying so.
    let header = got[3]["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(header.chars().count(), 150);
    assert!(header.ends_with('…'));
    assert_eq!(
        got[3]["blocks"][3]["elements"].as_array().map(Vec::len),
        Some(5)
    );
}

#[tokio::test]
async fn slacks_refusals_name_the_fix_and_never_the_url() {
    let (server, _slack) = slack().await;
    let hook = channel(format!("{}{HOOK_PATH}", server.base_url()));
    let m = message(Action::Trigger, "Drift", "body", 0);
    let text = |status: u16, word: &str| {
        let mut r = MockResponse::empty(status).header("content-type", "text/plain");
        r.body = word.as_bytes().to_vec();
        r
    };
    for (status, word, fix) in [
        (410, "channel_is_archived", "no longer exists"),
        (404, "channel_not_found", "no longer exists"),
        (403, "action_prohibited", "wrong or was revoked"),
    ] {
        server.push_fault("webhook/post", text(status, word));
        let e = hook.send(&m).await.expect_err(word);
        let said = e.to_string();
        assert!(!e.retryable(), "{said}");
        assert!(
            said.contains(&format!("Slack refused the message ({status}): {word}")),
            "{said}"
        );
        assert!(said.contains(fix), "{said}");
        assert!(!said.contains("XXXXXXXX"), "the URL is a secret: {said}");
    }
    server.push_fault("webhook/post", text(500, "rollup_error"));
    let e = hook.send(&m).await.expect_err("500");
    assert!(
        e.retryable() && e.to_string().contains("rollup_error"),
        "{e}"
    );
}

#[tokio::test]
async fn the_receiver_refuses_what_slack_refuses() {
    // The receiver is the judge of the other tests: it must refuse a
    // header over 150 characters and an unknown block, as Slack does.
    let (server, slack) = slack().await;
    let client = reqwest::Client::new();
    for body in [
        json!({"text": "t", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x".repeat(151)}}]}),
        json!({"text": "t", "blocks": [{"type": "video", "title": "t"}]}),
        json!({"blocks": []}),
    ] {
        let answer = client
            .post(format!("{}{HOOK_PATH}", server.base_url()))
            .json(&body)
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status().as_u16(), 400, "{body}");
        assert_eq!(answer.text().await.unwrap_or_default(), "invalid_blocks");
    }
    assert!(slack.refusals().len() >= 3, "{:?}", slack.refusals());
    assert!(slack.messages().is_empty());
}
