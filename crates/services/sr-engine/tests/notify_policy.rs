//! A channel's noise policy on a real PostgreSQL store, against the Slack
//! receiver: two processes observing two alerts at once under a rate limit
//! of one let exactly one through (the other is held, with its reason in
//! the feed); the held alert's resolve is not sent (its trigger never
//! was); and the one summary of what was held back is committed once
//! however many processes ask, then posted once.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use chrono::{Duration, Utc};
use sr_config::{NoisePolicy, RateLimit};
use sr_notify::Action;
use sr_notify::group::{Decision, HoldReason, Observation};
use sr_notify::outbox::{observe, send_due_summary};
use sr_store::FeedOutcome;

use crate::notify_outbox::{drift, env, grouping, worker};

#[tokio::test]
async fn a_rate_limit_lets_one_through_and_sums_up_the_rest_once() {
    let env = env().await;
    let policy = NoisePolicy {
        rate_limit: Some(RateLimit {
            max: 1,
            per_minutes: 60,
        }),
        ..NoisePolicy::default()
    };
    let first = drift();
    let mut second = drift();
    second.fingerprint = "9b1e77aa00c2d431".into();
    second.title = "Schema drift on shop: public.rental changed".into();
    let now = Utc::now();
    let group = grouping();
    let (a, b) = tokio::join!(
        observe(
            &env.store,
            "ops-slack",
            &group,
            &policy,
            &first,
            Observation::Firing,
            now
        ),
        observe(
            &env.store,
            "ops-slack",
            &group,
            &policy,
            &second,
            Observation::Firing,
            now
        ),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut decisions = [a, b];
    decisions.sort_by_key(|d| format!("{d:?}"));
    assert_eq!(
        decisions,
        [
            Decision::Hold(HoldReason::RateLimit),
            Decision::Send(Action::Trigger)
        ]
    );
    let (held, sent) = if a == Decision::Send(Action::Trigger) {
        (&second, &first)
    } else {
        (&first, &second)
    };
    let cleared = |n| {
        observe(
            &env.store,
            "ops-slack",
            &group,
            &policy,
            n,
            Observation::Cleared,
            now,
        )
    };
    // The held alert clears: its trigger never went out, so no resolve.
    assert_eq!(
        cleared(held).await.unwrap(),
        Decision::Hold(HoldReason::NeverSent)
    );
    // The alert that was let through clears: its resolve goes out even
    // though the rate limit is used up.
    assert_eq!(
        cleared(sent).await.unwrap(),
        Decision::Send(Action::Resolve)
    );

    // No summary before its time (the end of the UTC day).
    assert_eq!(
        send_due_summary(&env.store, "ops-slack", &policy, now)
            .await
            .unwrap(),
        None
    );
    let tomorrow = (now + Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let (x, y) = tokio::join!(
        send_due_summary(&env.store, "ops-slack", &policy, tomorrow),
        send_due_summary(&env.store, "ops-slack", &policy, tomorrow),
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert!(x.is_some() != y.is_some(), "one summary: {x:?} {y:?}");
    assert_eq!(
        send_due_summary(&env.store, "ops-slack", &policy, tomorrow)
            .await
            .unwrap(),
        None
    );

    let report = worker(&env, "w:1:1").run_until_idle().await.unwrap();
    assert_eq!(
        (report.sent.len(), report.failed.len()),
        (3, 0),
        "{report:?}"
    );
    let messages = env.slack.messages();
    assert_eq!(messages.len(), 3, "{:?}", env.slack.refusals());
    let summary = messages
        .iter()
        .map(ToString::to_string)
        .find(|m| m.contains("held back on"))
        .expect("the summary was posted");
    assert!(
        summary.contains("1 notification was held back on ops-slack"),
        "{summary}"
    );
    assert!(summary.contains(&held.title), "{summary}");
    assert!(
        summary.contains("held back by the channel's rate limit"),
        "{summary}"
    );

    let feed = env.store.notification_feed(100).await.unwrap();
    let held_entries: Vec<_> = feed
        .iter()
        .filter(|f| f.outcome == FeedOutcome::Held && f.fingerprint == held.fingerprint)
        .map(|f| f.reason.as_str())
        .collect();
    assert_eq!(held_entries.len(), 2, "{feed:?}");
    assert!(
        held_entries
            .iter()
            .any(|r| r.starts_with("held back by the channel's rate limit; in the summary")),
        "{held_entries:?}"
    );
    assert!(
        feed.iter()
            .any(|f| f.action == "report" && f.outcome == FeedOutcome::Sent),
        "{feed:?}"
    );
}
