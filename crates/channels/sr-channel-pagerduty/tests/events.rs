//! PagerDuty events over a real loopback socket to a receiver that checks
//! each against the Events API v2 description and keeps alerts by
//! `dedup_key` as PagerDuty does.

use std::sync::Arc;

use serde_json::json;
use sr_apimock::MockResponse;
use sr_apimock::MockServer;
use sr_apimock::channels::{AlertStatus, PagerDuty, pagerduty_spec};
use sr_channel_pagerduty::{PagerDutyFactory, dedup_key};
use sr_config::{ChannelEntry, Grouping};
use sr_notify::{
    Action, BuildContext, ChannelFactory, Link, Message, Notification, Notifier, NotifyError,
    Severity,
};
use sr_secrets::{Keyring, Resolver};

const ROUTING_KEY: &str = "R0123456789abcdef0123456789ABCDE";

async fn pagerduty() -> (MockServer, PagerDuty) {
    let pd = PagerDuty::new();
    let server = MockServer::start(pagerduty_spec().expect("the description"), pd.clone())
        .await
        .expect("the receiver starts");
    (server, pd)
}

fn entry(url: &str) -> ChannelEntry {
    ChannelEntry {
        name: "oncall".into(),
        kind: "pagerduty".into(),
        enabled: true,
        config: json!({"routing_key": "${PD_ROUTING_KEY}", "url": url}),
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    }
}

fn build(entry: &ChannelEntry, key: &'static str) -> Result<Arc<dyn Notifier>, NotifyError> {
    let resolver = Resolver::with_env(
        move |name| (name == "PD_ROUTING_KEY").then(|| key.to_owned()),
        Keyring::in_memory(),
    );
    let ctx = BuildContext::new(Arc::new(resolver)).expect("the HTTP client");
    PagerDutyFactory.build(entry, &ctx)
}

async fn channel(server: &MockServer) -> Arc<dyn Notifier> {
    build(
        &entry(&format!("{}/v2/enqueue", server.base_url())),
        ROUTING_KEY,
    )
    .expect("built")
}

fn message(id: &str, action: Action, fingerprint: &str) -> Message {
    Message {
        id: id.into(),
        action,
        notification: Notification {
            fingerprint: fingerprint.into(),
            severity: Severity::Critical,
            title: "Schema drift on shop: public.film changed".into(),
            body: "Column `rating` was dropped.".into(),
            source: "shop:table:public.film".into(),
            links: vec![Link {
                text: "LOCAL-7".into(),
                url: "https://tracker.example/issues/7".into(),
            }],
            occurred_at: chrono::Utc::now(),
        },
    }
}

#[tokio::test]
async fn one_condition_is_one_alert_from_trigger_to_resolve() {
    let (server, pd) = pagerduty().await;
    let oncall = channel(&server).await;
    let fp = "drift:shop:public.film:3f9a";
    let delivered = oncall
        .send(&message("m1", Action::Trigger, fp))
        .await
        .expect("triggered");
    assert_eq!(delivered.status, 202);
    assert_eq!(delivered.detail, format!("dedup_key {fp}"));
    // The same trigger again (a retry after a lost answer) adds to the
    // open alert; it opens no second one.
    oncall
        .send(&message("m1", Action::Trigger, fp))
        .await
        .expect("again");
    oncall
        .send(&message("m2", Action::Acknowledge, fp))
        .await
        .expect("acknowledged");
    assert_eq!(pd.alerts().len(), 1);
    assert_eq!(pd.alerts()[0].status, AlertStatus::Acknowledged);
    assert_eq!(pd.alerts()[0].triggers, 2);
    oncall
        .send(&message("m3", Action::Resolve, fp))
        .await
        .expect("resolved");
    assert_eq!(pd.alerts()[0].status, AlertStatus::Resolved);
    // The condition back after healing is a new alert, as in PagerDuty.
    oncall
        .send(&message("m4", Action::Trigger, fp))
        .await
        .expect("again later");
    let alerts = pd.alerts();
    assert_eq!(alerts.len(), 2);
    assert_eq!(alerts[1].status, AlertStatus::Triggered);
    assert_eq!(
        alerts[1].summary,
        "Schema drift on shop: public.film changed"
    );
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    assert!(
        server.answer_failures().is_empty(),
        "{:?}",
        server.answer_failures()
    );
    let first = &pd.events()[0];
    assert_eq!(first["payload"]["severity"], "critical");
    assert_eq!(
        first["links"][0]["href"],
        "https://tracker.example/issues/7"
    );
    // Acknowledge and resolve carry no payload.
    assert!(pd.events()[2].get("payload").is_none());
}

#[tokio::test]
async fn a_test_leaves_no_open_alert_and_touches_no_real_one() {
    let (server, pd) = pagerduty().await;
    let oncall = channel(&server).await;
    oncall
        .send(&message("real", Action::Trigger, "fp-real"))
        .await
        .expect("a real alert");
    oncall
        .send(&message("t1", Action::Test, "fp-real"))
        .await
        .expect("test sent");
    let alerts = pd.alerts();
    assert_eq!(alerts.len(), 2);
    assert_eq!(
        alerts[0].status,
        AlertStatus::Triggered,
        "the real one stays"
    );
    assert_eq!(alerts[1].dedup_key, "scratchrobin-test-t1");
    assert_eq!(alerts[1].status, AlertStatus::Resolved);
    assert_eq!((pd.count("trigger"), pd.count("resolve")), (2, 1));
    assert_eq!(pd.events()[1]["payload"]["severity"], "info");
}

#[tokio::test]
async fn pagerdutys_answers_are_told_apart() {
    let (server, _pd) = pagerduty().await;
    let oncall = channel(&server).await;
    let m = message("m", Action::Trigger, "fp");
    server.push_fault(
        "events/enqueue",
        MockResponse::json(
            400,
            &json!({"status": "invalid event", "message": "Event object is invalid",
                    "errors": ["Length of 'routing_key' is incorrect (should be 32 characters)"]}),
        ),
    );
    let e = oncall.send(&m).await.expect_err("400");
    assert!(!e.retryable());
    assert!(
        e.to_string().contains(
            "PagerDuty refused the message (400): Length of 'routing_key' is incorrect (should be 32 characters); the routing key is wrong"
        ),
        "{e}"
    );
    server.push_fault("events/enqueue", MockResponse::empty(429));
    let e = oncall.send(&m).await.expect_err("429");
    assert_eq!((e.code(), e.retryable()), ("rate_limited", true));
    server.push_fault("events/enqueue", MockResponse::empty(502));
    let e = oncall.send(&m).await.expect_err("502");
    assert_eq!((e.code(), e.retryable()), ("unavailable", true));
    oncall.send(&m).await.expect("then taken");
}

#[tokio::test]
async fn the_receiver_refuses_what_pagerduty_refuses() {
    let (server, pd) = pagerduty().await;
    let client = reqwest::Client::new();
    let url = format!("{}/v2/enqueue", server.base_url());
    for (event, says) in [
        (
            json!({"routing_key": "short", "event_action": "trigger",
                "payload": {"summary": "s", "source": "x", "severity": "critical"}}),
            "routing_key",
        ),
        (
            json!({"routing_key": ROUTING_KEY, "event_action": "trigger"}),
            "payload",
        ),
        (
            json!({"routing_key": ROUTING_KEY, "event_action": "resolve"}),
            "dedup_key",
        ),
        (
            json!({"routing_key": ROUTING_KEY, "event_action": "trigger",
                "payload": {"summary": "s", "source": "x", "severity": "fatal"}}),
            "severity",
        ),
    ] {
        let answer = client
            .post(&url)
            .json(&event)
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status().as_u16(), 400, "{event}");
        let body = answer.text().await.unwrap_or_default();
        assert!(
            body.contains("Event object is invalid") && body.contains(says),
            "{body}"
        );
    }
    assert!(pd.events().is_empty());
}

#[test]
fn routing_keys_and_long_fingerprints() {
    let Err(e) = build(&entry("http://127.0.0.1:9/v2/enqueue"), "too-short") else {
        panic!("a short routing key is refused");
    };
    assert!(e.to_string().contains("not 32 characters long"), "{e}");
    let long = "f".repeat(300);
    let key = dedup_key(&message("m", Action::Trigger, &long));
    assert_eq!(key.len(), 64, "a SHA-256 in hex");
    assert_eq!(key, dedup_key(&message("n", Action::Trigger, &long)));
}
