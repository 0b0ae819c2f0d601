//! Channel alerts from the running engine, through the entry points the
//! scheduler, the workbench and the CLI use (the drift job's
//! `check_once`, the outbox loop's `notify_due` and `send_notifications`),
//! on a real PostgreSQL store and a real PostgreSQL database, against
//! loopback Slack and PagerDuty receivers that validate every payload:
//!
//! - one drift with a rule that files an issue and notifies both: one
//!   issue, one Slack message, one PagerDuty trigger whose `dedup_key` is
//!   the issue's fingerprint; fifty sightings within the repeat interval
//!   send nothing more; healing the drift resolves the incident and posts
//!   the resolve message;
//! - with a group wait, nothing goes out until a scan at or after its due
//!   time decides again, and two processes scanning at once send once;
//! - a tracked query's regression triggers once and resolves when a later
//!   measurement is back to its speed; a failing health check likewise
//!   when it passes again;
//! - what was only committed is sent by the background outbox loop of
//!   `serve` and the workbench.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::sync::Arc;

use serde_json::json;
use sr_apimock::MockServer;
use sr_apimock::channels::{AlertStatus, PagerDuty, SlackWebhook, pagerduty_spec, slack_spec};
use sr_engine::{ConnectionMonitoring, DatabaseJob, DbCheck, Engine, EngineOptions, EventReport};
use sr_secrets::{Keyring, Resolver};
use sr_store::{FeedOutcome, OutboxAction};

const HOOK_PATH: &str = "/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX";
const ROUTING_KEY: &str = "R0123456789abcdef0123456789ABCDE";

struct Env {
    engine: Arc<Engine>,
    slack: SlackWebhook,
    pd: PagerDuty,
    _servers: (MockServer, MockServer),
    _dir: tempfile::TempDir,
}

/// An engine on a PostgreSQL store with the rule "Drift" (files an issue
/// in Local, notifies `ops-slack` and `oncall`) and those two channels
/// grouped with `group_wait_seconds`; connection `shop` is a fresh
/// PostgreSQL database with a table `orders`.
async fn env(group_wait_seconds: u32) -> Env {
    let slack = SlackWebhook::new();
    let slack_server = MockServer::start(slack_spec().unwrap(), slack.clone())
        .await
        .unwrap();
    let pd = PagerDuty::new();
    let pd_server = MockServer::start(pagerduty_spec().unwrap(), pd.clone())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .unwrap();
    let grouping = json!({
        "group_wait_seconds": group_wait_seconds,
        "repeat_interval_minutes": 240,
        "send_resolved": true,
    });
    let channels = json!({"channels": [
        {"name": "ops-slack", "type": "slack",
         "config": {"webhook_url": "${SLACK_WEBHOOK_URL}"}, "grouping": grouping},
        {"name": "oncall", "type": "pagerduty",
         "config": {"routing_key": "${PD_ROUTING_KEY}",
                    "url": format!("{}/v2/enqueue", pd_server.base_url())},
         "grouping": grouping},
    ]});
    std::fs::write(paths.channels_file(), channels.to_string()).unwrap();
    let rules = json!({"auto_issue_rules": [
        {"name": "Drift", "event": "drift.detected", "tracker": "Local",
         "template": "drift_detection", "notify": ["ops-slack", "oncall"]},
        {"name": "Regression", "event": "performance.regression", "tracker": "Local",
         "template": "performance_regression", "notify": ["ops-slack", "oncall"]},
        {"name": "Health", "event": "health.failed", "tracker": "Local",
         "template": "health_check", "notify": ["ops-slack", "oncall"]},
    ]});
    std::fs::write(paths.rules_file(), rules.to_string()).unwrap();
    let slack_url = format!("{}{HOOK_PATH}", slack_server.base_url());
    let resolver = Resolver::with_env(
        move |name| match name {
            "SLACK_WEBHOOK_URL" => Some(slack_url.clone()),
            "PD_ROUTING_KEY" => Some(ROUTING_KEY.to_owned()),
            _ => None,
        },
        Keyring::in_memory(),
    );
    let mut options = EngineOptions::new(paths);
    options.store_url = Some(sr_testkit::postgres_db().await);
    let engine = Arc::new(
        Engine::open_with(options, Arc::new(resolver))
            .await
            .unwrap(),
    );
    let shop = sr_testkit::postgres_db().await;
    std::fs::write(
        engine.paths().connections_file(),
        json!({"connections": [{"name": "shop", "url": shop}]}).to_string(),
    )
    .unwrap();
    engine.reload_connections().await;
    sql(
        &engine,
        "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2))",
    )
    .await;
    engine.save_baseline("shop").await.unwrap();
    Env {
        engine,
        slack,
        pd,
        _servers: (slack_server, pd_server),
        _dir: dir,
    }
}

async fn sql(engine: &Engine, text: &str) {
    engine.run_query(1, "shop", text, false).await.unwrap();
}

fn drift_job(engine: &Arc<Engine>) -> DatabaseJob {
    DatabaseJob::new(
        engine.clone(),
        "shop",
        DbCheck::Drift,
        ConnectionMonitoring::default(),
    )
}

fn issues_created(reports: &[EventReport]) -> Vec<String> {
    reports
        .iter()
        .flat_map(|r| &r.outcomes)
        .filter(|o| o.action == "create")
        .filter_map(|o| o.fingerprint.clone())
        .collect()
}

#[tokio::test]
async fn one_drift_one_issue_one_slack_message_one_incident_then_resolved() {
    let env = env(0).await;
    let job = drift_job(&env.engine);
    sql(&env.engine, "ALTER TABLE orders ADD COLUMN note text").await;

    let first = job.check_once().await.unwrap();
    let created = issues_created(&first);
    assert_eq!(created.len(), 1, "{first:?}");
    let fingerprint = created[0].clone();
    assert_eq!(env.slack.messages().len(), 1, "{:?}", env.slack.refusals());
    assert_eq!(env.pd.count("trigger"), 1);
    let alerts = env.pd.alerts();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alerts[0].dedup_key, fingerprint,
        "the incident is the issue's alert"
    );
    assert_eq!(alerts[0].status, AlertStatus::Triggered);
    let report = &first[0];
    assert_eq!(report.notify.sent.len(), 2, "{report:?}");

    // Fifty more sightings within the repeat interval: comments on the
    // issue, nothing more on either channel.
    for _ in 0..50 {
        let again = job.check_once().await.unwrap();
        assert!(issues_created(&again).is_empty(), "{again:?}");
        for n in again.iter().flat_map(|r| &r.notifications) {
            assert!(
                n.decision
                    .starts_with("held: already sent within the repeat interval"),
                "{n:?}"
            );
        }
    }
    assert_eq!(env.slack.messages().len(), 1);
    assert_eq!(env.pd.count("trigger"), 1);
    let creates = env
        .engine
        .store()
        .outbox(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.intent.action == OutboxAction::Create)
        .count();
    assert_eq!(creates, 1, "still one issue");
    // The background loop's round finds nothing due and nothing to send.
    assert!(
        env.engine
            .notify_due(chrono::Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    let idle = env.engine.send_notifications().await.unwrap();
    assert!(idle.sent.is_empty() && idle.failed.is_empty(), "{idle:?}");

    // Healed: the incident resolves and Slack gets the resolve message.
    sql(&env.engine, "ALTER TABLE orders DROP COLUMN note").await;
    let healed = job.check_once().await.unwrap();
    let resolves: Vec<_> = healed.iter().flat_map(|r| &r.notifications).collect();
    assert_eq!(resolves.len(), 2, "{healed:?}");
    assert!(resolves.iter().all(|n| n.decision == "resolve queued"));
    assert_eq!(env.pd.count("resolve"), 1);
    assert_eq!(env.pd.alerts()[0].status, AlertStatus::Resolved);
    let slack = env.slack.messages();
    assert_eq!(slack.len(), 2, "{:?}", env.slack.refusals());
    assert_ne!(slack[0], slack[1], "the second is the resolve message");
    // Clean and resolved: nothing more anywhere.
    let clean = job.check_once().await.unwrap();
    assert!(
        clean.iter().all(|r| r.notifications.is_empty()),
        "{clean:?}"
    );
    assert_eq!((env.slack.messages().len(), env.pd.events().len()), (2, 2));

    let feed = env.engine.store().notification_feed(1000).await.unwrap();
    let count = |outcome: FeedOutcome| feed.iter().filter(|f| f.outcome == outcome).count();
    assert_eq!(
        (count(FeedOutcome::Sent), count(FeedOutcome::Failed)),
        (4, 0)
    );
    assert_eq!(count(FeedOutcome::Held), 2 * 50);
    assert!(feed.iter().all(|f| !f.reason.contains(HOOK_PATH)));
}

#[tokio::test]
async fn a_group_wait_is_decided_again_by_the_scan_once() {
    let env = env(30).await;
    let job = drift_job(&env.engine);
    sql(&env.engine, "ALTER TABLE orders ADD COLUMN note text").await;
    let start = chrono::Utc::now();
    let first = job.check_once().await.unwrap();
    let held: Vec<_> = first.iter().flat_map(|r| &r.notifications).collect();
    assert_eq!(held.len(), 2, "{first:?}");
    assert!(
        held.iter().all(|n| n
            .decision
            .starts_with("held: new alert, waiting out the group wait")),
        "{held:?}"
    );
    assert!(env.slack.messages().is_empty() && env.pd.events().is_empty());
    // Before its time the scan leaves it alone.
    assert!(
        env.engine
            .notify_due(start + chrono::Duration::seconds(5))
            .await
            .unwrap()
            .is_empty()
    );
    // At its time two processes' scans run at once: one trigger each.
    let due = start + chrono::Duration::seconds(60);
    let (a, b) = tokio::join!(env.engine.notify_due(due), env.engine.notify_due(due));
    let decided: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    let queued = decided
        .iter()
        .filter(|n| n.decision == "trigger queued")
        .count();
    assert_eq!(queued, 2, "{decided:?}");
    let (x, y) = tokio::join!(
        env.engine.send_notifications(),
        env.engine.send_notifications()
    );
    assert_eq!(x.unwrap().sent.len() + y.unwrap().sent.len(), 2);
    assert_eq!(env.slack.messages().len(), 1, "{:?}", env.slack.refusals());
    assert_eq!(env.pd.count("trigger"), 1);
    // Nothing is due any more.
    assert!(env.engine.notify_due(due).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_regression_gone_resolves_its_incident() {
    let env = env(0).await;
    let query = "SELECT * FROM orders WHERE id = 1";
    env.engine.track_query("shop", query).await.unwrap();
    let job = DatabaseJob::new(
        env.engine.clone(),
        "shop",
        DbCheck::Perf,
        ConnectionMonitoring::default(),
    );
    let mut minute = 0;
    let mut measure = async |median: f64| {
        minute += 1;
        env.engine
            .store()
            .save_query_baseline(&sr_store::QueryBaseline {
                connection: "shop".into(),
                fingerprint: sr_db::perf::fingerprint(query),
                sql: query.into(),
                runs: 10,
                median_ms: median,
                p95_ms: median,
                mad_ms: 0.05,
                min_ms: median,
                max_ms: median,
                plan: "{}".into(),
                recorded_at: chrono::Utc::now() + chrono::Duration::minutes(minute),
            })
            .await
            .unwrap();
    };
    measure(1.0).await;
    measure(1.05).await;
    job.check_once().await.unwrap();
    assert!(env.pd.events().is_empty());
    measure(9.0).await;
    job.check_once().await.unwrap();
    assert_eq!(env.pd.count("trigger"), 1);
    assert_eq!(env.slack.messages().len(), 1, "{:?}", env.slack.refusals());
    // Still slow: nothing resolves, nothing repeats.
    measure(9.1).await;
    job.check_once().await.unwrap();
    assert_eq!((env.pd.events().len(), env.slack.messages().len()), (1, 1));
    // Back to its speed: resolved on both, once.
    measure(1.0).await;
    job.check_once().await.unwrap();
    job.check_once().await.unwrap();
    assert_eq!(env.pd.count("resolve"), 1);
    assert_eq!(env.pd.alerts()[0].status, AlertStatus::Resolved);
    assert_eq!(env.slack.messages().len(), 2);
}

#[tokio::test]
async fn a_health_check_passing_again_resolves_its_incident() {
    let env = env(0).await;
    let marker = env._dir.path().join("backup.done");
    let settings = ConnectionMonitoring {
        backup_file: Some(marker.clone()),
        ..ConnectionMonitoring::default()
    };
    let job = DatabaseJob::new(env.engine.clone(), "shop", DbCheck::Health, settings);
    let failed = job.check_once().await.unwrap();
    assert_eq!(env.pd.count("trigger"), 1, "{failed:?}");
    assert_eq!(env.slack.messages().len(), 1, "{:?}", env.slack.refusals());
    assert!(
        env.pd.alerts()[0].summary.contains("backup"),
        "{:?}",
        env.pd.alerts()
    );
    job.check_once().await.unwrap();
    assert_eq!(env.pd.events().len(), 1, "still failing: nothing more");
    std::fs::write(&marker, "ok").unwrap();
    job.check_once().await.unwrap();
    assert_eq!(env.pd.count("resolve"), 1);
    assert_eq!(env.pd.alerts()[0].status, AlertStatus::Resolved);
    assert_eq!(env.slack.messages().len(), 2);
}

#[tokio::test]
async fn the_background_loop_sends_what_was_only_committed() {
    let env = env(0).await;
    sql(&env.engine, "ALTER TABLE orders ADD COLUMN note text").await;
    let check = env.engine.check_drift("shop", None).await.unwrap();
    let events = sr_engine::monitoring::drift_events(&check);
    assert_eq!(events.len(), 1);
    let (_, notified) = env.engine.commit_event(&events[0], None).await.unwrap();
    assert_eq!(notified.len(), 2, "{notified:?}");
    assert!(env.slack.messages().is_empty() && env.pd.events().is_empty());
    // The loop's first round runs at once; shutting down waits for it.
    let outbox = sr_engine::EngineOutbox::start(&env.engine, std::time::Duration::from_secs(3600));
    outbox.shutdown().await;
    assert_eq!(env.slack.messages().len(), 1, "{:?}", env.slack.refusals());
    assert_eq!(env.pd.count("trigger"), 1);
}
