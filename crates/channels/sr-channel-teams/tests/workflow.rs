//! Teams messages over a real loopback socket to a receiver that checks
//! each body as the workflow trigger and Teams' Adaptive Card renderer do
//! (sr-apimock's hand-written description, SOURCES.md) and answers as the
//! workflow does, refusals included.

use std::sync::Arc;

use serde_json::{Value, json};
use sr_apimock::channels::{TeamsWorkflow, teams_spec};
use sr_apimock::{MockResponse, MockServer};
use sr_channel_teams::TeamsFactory;
use sr_config::{ChannelEntry, Grouping};
use sr_notify::{
    Action, BuildContext, ChannelFactory, Link, Message, Notification, Notifier, NotifyError,
    Severity,
};
use sr_secrets::{Keyring, Resolver};

const SIG: &str = "Zs3cretSignatureValue0123456789";

async fn teams() -> (MockServer, TeamsWorkflow) {
    let teams = TeamsWorkflow::new();
    let spec = teams_spec().expect("the Teams description");
    let server = MockServer::start(spec, teams.clone())
        .await
        .expect("the receiver starts");
    (server, teams)
}

fn hook_url(server: &MockServer) -> String {
    format!(
        "{}/workflows/4f1c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={SIG}",
        server.base_url()
    )
}

fn channel(url: String) -> Result<Arc<dyn Notifier>, NotifyError> {
    let resolver = Resolver::with_env(
        move |name| (name == "TEAMS_WEBHOOK_URL").then(|| url.clone()),
        Keyring::in_memory(),
    );
    let ctx = BuildContext::new(Arc::new(resolver)).expect("the HTTP client");
    let entry = ChannelEntry {
        name: "ops-teams".into(),
        kind: "teams".into(),
        enabled: true,
        config: json!({"webhook_url": "${TEAMS_WEBHOOK_URL}"}),
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    TeamsFactory.build(&entry, &ctx)
}

fn message(action: Action, body: &str, links: usize) -> Message {
    Message {
        id: format!("msg-{}", action.as_str()),
        action,
        notification: Notification {
            fingerprint: "drift:shop:public.film".into(),
            severity: Severity::Critical,
            title: "Schema drift on shop: public.film".into(),
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

fn card(m: &Value) -> &Value {
    &m["attachments"][0]["content"]
}

#[tokio::test]
async fn every_kind_of_message_is_a_card_teams_accepts() {
    let (server, teams) = teams().await;
    let hook = channel(hook_url(&server)).expect("built");
    let body = "Column **rating** changed type.\n\n```sql\nALTER TABLE film ALTER COLUMN rating TYPE text;\n```\n\n## Rollback\n- revert it";
    for (action, links) in [
        (Action::Trigger, 2),
        (Action::Acknowledge, 0),
        (Action::Resolve, 1),
        (Action::Test, 0),
    ] {
        let sent = hook
            .send(&message(action, body, links))
            .await
            .unwrap_or_else(|e| panic!("{action:?}: {e}; refused: {:?}", teams.refusals()));
        assert_eq!(sent.status, 202);
    }
    assert!(teams.refusals().is_empty(), "{:?}", teams.refusals());
    let got = teams.messages();
    assert_eq!(got.len(), 4);
    let trigger = card(&got[0]);
    assert_eq!(trigger["version"], "1.4");
    assert_eq!(
        trigger["body"][0]["text"],
        "CRITICAL: Schema drift on shop: public.film"
    );
    assert_eq!(trigger["body"][0]["color"], "Attention");
    assert_eq!(trigger["body"][2]["fontType"], "Monospace");
    assert_eq!(trigger["actions"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        trigger["actions"][1]["url"],
        "https://tracker.example/issues/1"
    );
    assert_eq!(card(&got[1]).get("actions"), None);
    assert_eq!(
        card(&got[2])["body"][0]["text"],
        "Resolved: Schema drift on shop: public.film"
    );
    assert_eq!(card(&got[2])["body"][0]["color"], "Good");
    assert!(
        card(&got[3])["body"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("A test message")),
        "{}",
        got[3]
    );
}

#[tokio::test]
async fn refusals_name_the_fix_and_never_the_signed_url() {
    let (server, _teams) = teams().await;
    let hook = channel(hook_url(&server)).expect("built");
    let m = message(Action::Trigger, "body", 0);
    for status in [401, 404, 400] {
        server.push_fault(
            "workflow/invoke",
            MockResponse::json(status, &json!({"error": {"code": "X", "message": "no"}})),
        );
        let e = hook.send(&m).await.expect_err("refused");
        let said = e.to_string();
        assert!(!e.retryable(), "{said}");
        assert_eq!(e.status(), Some(status), "{said}");
        assert!(said.contains("Microsoft Teams"), "{said}");
        assert!(!said.contains(SIG), "the URL is a secret: {said}");
    }
    server.push_fault(
        "workflow/invoke",
        MockResponse::empty(429).header("retry-after", "7"),
    );
    let e = hook.send(&m).await.expect_err("429");
    assert!(e.retryable(), "{e}");
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(7)));
}

#[tokio::test]
async fn the_receiver_refuses_what_teams_refuses() {
    // The receiver judges the other tests: an element Teams does not know
    // or a card without a body must be refused.
    let (server, teams) = teams().await;
    let client = reqwest::Client::new();
    for bad in [
        json!({"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
            "content": {"type": "AdaptiveCard", "version": "1.4", "body": [{"type": "Marquee", "text": "x"}]}}]}),
        json!({"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
            "content": {"type": "AdaptiveCard", "version": "1.4", "body": []}}]}),
        json!({"text": "a connector-style message"}),
    ] {
        let r = client
            .post(hook_url(&server))
            .json(&bad)
            .send()
            .await
            .expect("an answer");
        assert_eq!(r.status().as_u16(), 400, "{bad}");
    }
    assert!(teams.messages().is_empty());
    assert!(teams.refusals().len() >= 3, "{:?}", teams.refusals());
}

#[test]
fn a_url_that_is_not_the_workflow_url_is_refused_with_the_fix() {
    for (url, says) in [
        ("not a url", "not a URL"),
        ("ftp://example.com/x?sig=1", "http(s)"),
        (
            "https://example.com/workflows/1/triggers/manual/paths/invoke",
            "sig=",
        ),
    ] {
        let e = channel(url.into())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains(says), "{url}: {e}");
    }
}
