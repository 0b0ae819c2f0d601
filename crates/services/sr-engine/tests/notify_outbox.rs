//! Alerts to Slack and PagerDuty through the notification outbox on a real
//! PostgreSQL store, against loopback receivers that check what the
//! services check: one message per episode however often the alert is
//! seen, a resolve when it clears, one decision when two observe at once,
//! and after an attempt whose outcome is unknown, a resend only to the
//! channel that drops repeats (PagerDuty by dedup_key), never to Slack.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;

use serde_json::json;
use sr_apimock::MockServer;
use sr_apimock::channels::{AlertStatus, PagerDuty, SlackWebhook, pagerduty_spec, slack_spec};
use sr_config::{ChannelEntry, Grouping};
use sr_notify::group::{Decision, HoldReason, Observation};
use sr_notify::outbox::{NotifyWorker, observe};
use sr_notify::{Action, BuildContext, Notification, Notifier, Severity};
use sr_secrets::{Keyring, Resolver};
use sr_store::{FeedOutcome, NotificationStatus, Store, Takeover};

pub(crate) const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";
const ROUTING_KEY: &str = "R0123456789abcdef0123456789ABCDE";

pub(crate) struct Env {
    pub(crate) store: Store,
    pub(crate) slack: SlackWebhook,
    pub(crate) pd: PagerDuty,
    pub(crate) notifiers: Vec<Arc<dyn Notifier>>,
    _servers: (MockServer, MockServer),
}

pub(crate) fn grouping() -> Grouping {
    Grouping {
        group_wait_seconds: 0,
        repeat_interval_minutes: 240,
        send_resolved: true,
    }
}

pub(crate) async fn env() -> Env {
    let slack = SlackWebhook::new();
    let slack_server = MockServer::start(slack_spec().unwrap(), slack.clone())
        .await
        .unwrap();
    let pd = PagerDuty::new();
    let pd_server = MockServer::start(pagerduty_spec().unwrap(), pd.clone())
        .await
        .unwrap();
    let slack_url = format!("{}{HOOK_PATH}", slack_server.base_url());
    let resolver = Resolver::with_env(
        move |name| match name {
            "SLACK_WEBHOOK_URL" => Some(slack_url.clone()),
            "PD_ROUTING_KEY" => Some(ROUTING_KEY.to_owned()),
            _ => None,
        },
        Keyring::in_memory(),
    );
    let ctx = BuildContext::new(Arc::new(resolver)).unwrap();
    let registry = sr_engine::channels();
    let entries = [
        ChannelEntry {
            name: "ops-slack".into(),
            kind: "slack".into(),
            enabled: true,
            config: json!({"webhook_url": "${SLACK_WEBHOOK_URL}"}),
            grouping: grouping(),
            policy: Default::default(),
            weekly_report: None,
        },
        ChannelEntry {
            name: "oncall".into(),
            kind: "pagerduty".into(),
            enabled: true,
            config: json!({"routing_key": "${PD_ROUTING_KEY}",
                           "url": format!("{}/v2/enqueue", pd_server.base_url())}),
            grouping: grouping(),
            policy: Default::default(),
            weekly_report: None,
        },
    ];
    let notifiers = entries
        .iter()
        .map(|e| registry.build(e, &ctx).unwrap())
        .collect();
    let store = Store::open(&sr_testkit::postgres_db().await).await.unwrap();
    Env {
        store,
        slack,
        pd,
        notifiers,
        _servers: (slack_server, pd_server),
    }
}

pub(crate) fn drift() -> Notification {
    Notification {
        fingerprint: "3f2a9c0d41b7e655".into(),
        severity: Severity::Error,
        title: "Schema drift on shop: public.film changed".into(),
        body: "Column `rating` was dropped.".into(),
        source: "shop:table:public.film".into(),
        links: Vec::new(),
        occurred_at: chrono::Utc::now(),
    }
}

async fn observe_all(env: &Env, observation: Observation) -> Vec<Decision> {
    let mut out = Vec::new();
    for channel in ["ops-slack", "oncall"] {
        let d = observe(
            &env.store,
            channel,
            &grouping(),
            &Default::default(),
            &drift(),
            observation,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        out.push(d);
    }
    out
}

pub(crate) fn worker(env: &Env, claimant: &str) -> NotifyWorker {
    NotifyWorker::new(env.store.clone(), env.notifiers.clone(), claimant.into())
}

#[tokio::test]
async fn one_alert_one_message_per_channel_then_one_resolve() {
    let env = env().await;
    // Two processes see the drift at once: one decision per channel.
    let (a, b) = tokio::join!(
        observe_all(&env, Observation::Firing),
        observe_all(&env, Observation::Firing)
    );
    let sends = a
        .iter()
        .chain(&b)
        .filter(|d| **d == Decision::Send(Action::Trigger))
        .count();
    assert_eq!(sends, 2, "one trigger per channel: {a:?} {b:?}");
    // Fifty more sightings within the repeat interval send nothing.
    for _ in 0..50 {
        for d in observe_all(&env, Observation::Firing).await {
            assert!(
                matches!(
                    d,
                    Decision::Wait {
                        reason: HoldReason::RepeatInterval,
                        ..
                    }
                ),
                "{d:?}"
            );
        }
    }
    let report = worker(&env, "w:1:1").run_until_idle().await.unwrap();
    assert_eq!(
        (report.sent.len(), report.failed.len()),
        (2, 0),
        "{report:?}"
    );
    assert_eq!(env.slack.messages().len(), 1, "{:?}", env.slack.refusals());
    assert_eq!(env.pd.count("trigger"), 1);
    let alerts = env.pd.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].dedup_key, drift().fingerprint);
    // A second run finds nothing to send.
    let again = worker(&env, "w:2:1").run_until_idle().await.unwrap();
    assert!(again.sent.is_empty() && again.retry.is_empty());

    // Healing: the resolve goes to both; the incident is resolved.
    for d in observe_all(&env, Observation::Cleared).await {
        assert_eq!(d, Decision::Send(Action::Resolve));
    }
    for d in observe_all(&env, Observation::Cleared).await {
        assert_eq!(d, Decision::Hold(HoldReason::AlreadyClear));
    }
    let report = worker(&env, "w:1:1").run_until_idle().await.unwrap();
    assert_eq!(report.sent.len(), 2, "{report:?}");
    assert_eq!(env.slack.messages().len(), 2);
    assert_eq!(env.pd.count("resolve"), 1);
    assert_eq!(env.pd.alerts()[0].status, AlertStatus::Resolved);

    // The feed: every decision with its reason.
    let feed = env.store.notification_feed(1000).await.unwrap();
    let count = |outcome: FeedOutcome| feed.iter().filter(|f| f.outcome == outcome).count();
    assert_eq!(count(FeedOutcome::Sent), 4);
    assert_eq!(count(FeedOutcome::Queued), 4);
    assert_eq!(count(FeedOutcome::Failed), 0);
    assert_eq!(
        count(FeedOutcome::Held),
        2 * 50 + 2 + 2,
        "the losers of the race re-read and held"
    );
    assert!(
        feed.iter().any(|f| f
            .reason
            .starts_with("already sent within the repeat interval")),
        "{feed:?}"
    );
    assert!(
        feed.iter().all(|f| !f.reason.contains(HOOK_PATH)),
        "no webhook URL in the feed"
    );
}

#[tokio::test]
async fn after_an_unknown_outcome_only_the_deduplicating_channel_is_sent_again() {
    let env = env().await;
    observe_all(&env, Observation::Firing).await;
    // A process claims both messages and sends them, then dies before it
    // records the outcome (its claim stays, its answer is lost).
    let dead = "dead-host:1:1";
    let claimed = env
        .store
        .claim_notifications(
            dead,
            10,
            &Takeover::work(std::time::Duration::from_secs(600)),
        )
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    for n in &claimed {
        let message: sr_notify::Message = serde_json::from_str(&n.new.message).unwrap();
        let notifier = env
            .notifiers
            .iter()
            .find(|x| x.channel() == n.channel)
            .unwrap();
        notifier.send(&message).await.unwrap();
    }
    // Another process takes the claims over from the dead one.
    let takeover =
        Takeover::work(std::time::Duration::from_secs(600)).judging(|h| h == "dead-host:1:1");
    let report = worker(&env, "w:2:1")
        .with_takeover(takeover)
        .run_until_idle()
        .await
        .unwrap();
    assert_eq!(
        (report.sent.len(), report.failed.len()),
        (1, 1),
        "{report:?}"
    );
    // Slack: still one message. PagerDuty: the repeat was sent with the
    // same dedup_key and folded into the one alert.
    assert_eq!(env.slack.messages().len(), 1);
    assert_eq!(env.pd.count("trigger"), 2);
    let alerts = env.pd.alerts();
    assert_eq!((alerts.len(), alerts[0].triggers), (1, 2), "{alerts:?}");
    let outbox = env.store.notification_outbox(10).await.unwrap();
    let slack = outbox.iter().find(|n| n.channel == "ops-slack").unwrap();
    assert_eq!(slack.status, NotificationStatus::Failed);
    assert!(
        slack
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("not sent again (at most once)"),
        "{slack:?}"
    );
    let pd = outbox.iter().find(|n| n.channel == "oncall").unwrap();
    assert_eq!(pd.status, NotificationStatus::Sent);
}
