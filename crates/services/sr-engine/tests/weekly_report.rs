//! The weekly report on a real PostgreSQL store shared by two engines
//! (two `serve` processes), against the Slack receiver: the numbers come
//! from the store's activity, a schedule slot is committed and posted once
//! however many processes run the schedule at once, a report can be sent
//! by hand, and a slot's due time follows its cron pattern in its zone.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use sr_apimock::MockServer;
use sr_apimock::channels::{SlackWebhook, slack_spec};
use sr_config::Schedule;
use sr_engine::{Engine, EngineOptions, due_slot};
use sr_secrets::{Keyring, Resolver};
use sr_store::{AutoIssueState, FeedOutcome, Occurrence};

use crate::notify_outbox::HOOK_PATH;

async fn engine(dir: &Path, store_url: &str, slack_url: &str) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    let url = slack_url.to_owned();
    let resolver = Arc::new(Resolver::with_env(
        move |name| (name == "SLACK_WEBHOOK_URL").then(|| url.clone()),
        Keyring::in_memory(),
    ));
    let mut options = EngineOptions::new(paths);
    options.store_url = Some(store_url.to_owned());
    Arc::new(Engine::open_with(options, resolver).await.unwrap())
}

fn seen(fp: &str, event: &str, connection: &str, at: DateTime<Utc>) -> Occurrence {
    let at = DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap();
    Occurrence::Start {
        replaces: None,
        state: Box::new(AutoIssueState {
            fingerprint: fp.into(),
            rule: "Watch".into(),
            tracker: "Local".into(),
            event: event.into(),
            connection: connection.into(),
            object: None,
            issue_key: None,
            previous_issue_key: None,
            occurrences: 1,
            first_seen: at,
            last_seen: at,
            last_data: "{}".into(),
        }),
    }
}

#[tokio::test]
async fn a_schedule_slot_is_posted_once_by_two_processes() {
    let slack = SlackWebhook::new();
    let server = MockServer::start(slack_spec().unwrap(), slack.clone())
        .await
        .unwrap();
    let slack_url = format!("{}{HOOK_PATH}", server.base_url());
    let store_url = sr_testkit::postgres_db().await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // A daily slot a minute ago, so it is due now and the week before it
    // holds what is seeded below.
    let now = Utc::now();
    let slot = (now - Duration::minutes(1))
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let channels = format!(
        r#"{{"channels": [{{"name": "ops-slack", "type": "slack",
            "config": {{"webhook_url": "${{SLACK_WEBHOOK_URL}}"}},
            "weekly_report": {{"schedule": "{} {} * * *"}}}}]}}"#,
        slot.minute(),
        slot.hour()
    );
    for dir in [&dir_a, &dir_b] {
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::write(dir.path().join("config/channels.json"), &channels).unwrap();
    }
    let a = engine(dir_a.path(), &store_url, &slack_url).await;
    let b = engine(dir_b.path(), &store_url, &slack_url).await;
    for (fp, event, connection, ago) in [
        ("d1", "drift.detected", "shop", 2),
        ("r1", "performance.regression", "shop", 3),
        ("h1", "health.failed", "crm", 1),
        ("old", "drift.detected", "crm", 9),
    ] {
        a.store()
            .enqueue_auto_issue(
                &seen(fp, event, connection, slot - Duration::days(ago)),
                &[],
            )
            .await
            .unwrap();
    }

    let (pa, pb) = tokio::join!(a.run_channel_schedule(now), b.run_channel_schedule(now));
    let (pa, pb) = (pa.unwrap(), pb.unwrap());
    assert_eq!(
        pa.reports.len() + pb.reports.len(),
        1,
        "one commit per slot: {pa:?} {pb:?}"
    );
    // Later passes within the slot commit nothing more.
    let again = a
        .run_channel_schedule(now + Duration::minutes(5))
        .await
        .unwrap();
    assert!(again.reports.is_empty(), "{again:?}");
    let messages = slack.messages();
    assert_eq!(messages.len(), 1, "{:?}", slack.refusals());
    let text = messages[0].to_string();
    assert!(text.contains("Weekly report"), "{text}");
    assert!(
        text.contains("All connections: drift 1, regressions 1, health failures 1"),
        "{text}"
    );
    assert!(
        text.contains("*shop*: drift 1, regressions 1, health failures 0"),
        "{text}"
    );

    // The data behind it, as `report weekly --json` prints it.
    let report = a.weekly_report(slot).await.unwrap();
    let names: Vec<_> = report
        .connections
        .iter()
        .map(|c| c.connection.as_str())
        .collect();
    assert_eq!(names, ["crm", "shop"]);
    assert_eq!(report.connections[0].alerts.get("health.failed"), Some(&1));
    assert_eq!(report.connections[0].alerts.get("drift.detected"), None);

    // By hand: a new intent each time, sent at once.
    let sent = b.send_weekly_report("ops-slack").await.unwrap();
    assert_eq!(sent.sent.len(), 1, "{sent:?}");
    assert_eq!(slack.messages().len(), 2);
    let unknown = b.send_weekly_report("nope").await.unwrap_err().to_string();
    assert!(
        unknown
            .contains("channel \"nope\": no such channel in channels.json (channels: ops-slack)"),
        "{unknown}"
    );
    let feed = a.store().notification_feed(20).await.unwrap();
    let reports: Vec<_> = feed
        .iter()
        .filter(|f| f.action == "report")
        .map(|f| f.outcome)
        .collect();
    assert_eq!(
        reports,
        [
            FeedOutcome::Sent,
            FeedOutcome::Queued,
            FeedOutcome::Sent,
            FeedOutcome::Queued
        ]
    );
}

#[test]
fn a_slot_is_due_for_a_day_in_its_zone() {
    let weekly: Schedule = "0 8 * * MON".parse().unwrap();
    let at = |d, h, m| Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap();
    // Monday 7 December 2026.
    assert_eq!(
        due_slot(&weekly, chrono_tz::UTC, at(7, 8, 0)),
        Some(at(7, 8, 0))
    );
    assert_eq!(due_slot(&weekly, chrono_tz::UTC, at(7, 7, 59)), None);
    assert_eq!(
        due_slot(&weekly, chrono_tz::UTC, at(8, 7, 59)),
        Some(at(7, 8, 0))
    );
    // A day late is too late: it waits for next Monday.
    assert_eq!(due_slot(&weekly, chrono_tz::UTC, at(8, 8, 0)), None);
    // A clock with seconds and nanoseconds, as Utc::now() has.
    let daily: Schedule = "41 22 * * *".parse().unwrap();
    let odd = at(7, 22, 43) + Duration::nanoseconds(123_456_789) + Duration::seconds(17);
    assert_eq!(due_slot(&daily, chrono_tz::UTC, odd), Some(at(7, 22, 41)));
    // 08:00 in Berlin is 07:00 UTC in winter.
    assert_eq!(
        due_slot(&weekly, chrono_tz::Europe::Berlin, at(7, 7, 30)),
        Some(at(7, 7, 0))
    );
}
