//! The notification outbox on both engines: a grouping step commits its
//! state, message and feed entry together and only on the version it was
//! decided on (two deciders at once: one wins, the other writes nothing);
//! messages are claimed one per (channel, fingerprint) in order, a dead
//! sender's claim is taken over, and the feed records every outcome.

use sr_store::{
    FeedOutcome, NewNotification, NotificationStatus, NotificationStep, Store, Takeover,
};

pub(crate) async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("open a SQLite store");
    body(sqlite.clone()).await;
    sqlite.close().await;
    let pg = Store::open(&sr_testkit::postgres_db().await)
        .await
        .expect("open a PostgreSQL store");
    body(pg.clone()).await;
    pg.close().await;
}

fn alive(_: &str) -> bool {
    false
}

fn work(gone: fn(&str) -> bool) -> Takeover {
    Takeover::work(std::time::Duration::from_secs(600)).judging(gone)
}

pub(crate) fn step(
    channel: &str,
    expected: Option<i64>,
    state: &str,
    send: Option<(&str, &str)>,
) -> NotificationStep {
    NotificationStep {
        channel: channel.into(),
        fingerprint: "fp1".into(),
        expected_version: expected,
        state: Some(state.into()),
        send: send.map(|(id, action)| NewNotification {
            message_id: id.into(),
            action: action.into(),
            message: format!("{{\"id\": \"{id}\"}}"),
        }),
        policy: None,
        action: send.map_or("trigger", |(_, a)| a).into(),
        outcome: if send.is_some() {
            FeedOutcome::Queued
        } else {
            FeedOutcome::Held
        },
        reason: if send.is_some() {
            "sent".into()
        } else {
            "already sent within the repeat interval".into()
        },
    }
}

#[tokio::test]
async fn a_step_applies_only_on_the_version_it_was_decided_on() {
    on_both(|store| async move {
        assert_eq!(
            store.notification_group("slack", "fp1").await.unwrap(),
            None
        );
        // Two deciders saw no state; both decide to send. One commits.
        let a = step("slack", None, "{\"a\":1}", Some(("m-a", "trigger")));
        let b = step("slack", None, "{\"b\":1}", Some(("m-b", "trigger")));
        let (ra, rb) = tokio::join!(
            store.apply_notification_step(&a),
            store.apply_notification_step(&b)
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(
            ra.is_some() != rb.is_some(),
            "exactly one wins: {ra:?} {rb:?}"
        );
        let group = store
            .notification_group("slack", "fp1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(group.version, 1);
        assert_eq!(store.notification_outbox(10).await.unwrap().len(), 1);
        // A step decided on the old version (none) loses now, and so does
        // one on a wrong version; the current one wins and bumps it.
        assert_eq!(store.apply_notification_step(&a).await.unwrap(), None);
        let stale = step("slack", Some(7), "{}", None);
        assert_eq!(store.apply_notification_step(&stale).await.unwrap(), None);
        let held = step("slack", Some(1), "{\"held\":1}", None);
        assert_eq!(
            store.apply_notification_step(&held).await.unwrap(),
            Some(None)
        );
        let group = store
            .notification_group("slack", "fp1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((group.version, group.state.as_str()), (2, "{\"held\":1}"));
        // Another channel has its own state for the same fingerprint.
        let pd = step("pd", None, "{}", Some(("m-pd", "trigger")));
        assert!(matches!(
            store.apply_notification_step(&pd).await.unwrap(),
            Some(Some(_))
        ));
        // The feed: one queued per commit, one held; losers wrote nothing.
        let feed = store.notification_feed(10).await.unwrap();
        let outcomes: Vec<_> = feed
            .iter()
            .map(|f| (f.channel.as_str(), f.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("pd", FeedOutcome::Queued),
                ("slack", FeedOutcome::Held),
                ("slack", FeedOutcome::Queued)
            ]
        );
        assert_eq!(feed[1].reason, "already sent within the repeat interval");
    })
    .await;
}

#[tokio::test]
async fn messages_are_claimed_in_order_once_and_taken_over_from_the_dead() {
    on_both(|store| async move {
        let trigger = step("slack", None, "{\"n\":1}", Some(("m-1", "trigger")));
        store
            .apply_notification_step(&trigger)
            .await
            .unwrap()
            .unwrap();
        let resolve = step("slack", Some(1), "{\"n\":2}", Some(("m-2", "resolve")));
        store
            .apply_notification_step(&resolve)
            .await
            .unwrap()
            .unwrap();
        // The resolve waits for its trigger.
        let first = store
            .claim_notifications("w:1:1", 10, &work(alive))
            .await
            .unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(
            (first[0].new.message_id.as_str(), first[0].attempts),
            ("m-1", 1)
        );
        // Claimed: nobody else gets it while its holder lives.
        assert!(
            store
                .claim_notifications("w:2:1", 10, &work(alive))
                .await
                .unwrap()
                .is_empty()
        );
        // Its holder dies; another takes it over, the attempt counted (the
        // sender then knows the first attempt may have reached the service).
        let taken = store
            .claim_notifications("w:2:1", 10, &work(|h| h == "w:1:1"))
            .await
            .unwrap();
        assert_eq!(
            (taken[0].new.message_id.as_str(), taken[0].attempts),
            ("m-1", 2)
        );
        // The dead holder's late finish changes nothing.
        assert!(
            !store
                .finish_notification(taken[0].id, "w:1:1", NotificationStatus::Sent, "200")
                .await
                .unwrap()
        );
        assert!(
            store
                .finish_notification(taken[0].id, "w:2:1", NotificationStatus::Sent, "Slack: ok")
                .await
                .unwrap()
        );
        // Finished once: a second finish finds no claim.
        assert!(
            !store
                .finish_notification(taken[0].id, "w:2:1", NotificationStatus::Sent, "again")
                .await
                .unwrap()
        );
        let next = store
            .claim_notifications("w:2:1", 10, &work(alive))
            .await
            .unwrap();
        assert_eq!(next[0].new.message_id, "m-2");
        // Pending gives the claim back without a feed entry; failed ends it.
        assert!(
            store
                .finish_notification(next[0].id, "w:2:1", NotificationStatus::Pending, "429")
                .await
                .unwrap()
        );
        let again = store
            .claim_notifications("w:3:1", 10, &work(alive))
            .await
            .unwrap();
        // The attempt given back is not counted: it surely did not arrive.
        assert_eq!(
            (again[0].new.message_id.as_str(), again[0].attempts),
            ("m-2", 1)
        );
        assert!(
            store
                .finish_notification(again[0].id, "w:3:1", NotificationStatus::Failed, "refused")
                .await
                .unwrap()
        );
        assert!(
            store
                .claim_notifications("w:3:1", 10, &work(alive))
                .await
                .unwrap()
                .is_empty()
        );
        let outbox = store.notification_outbox(10).await.unwrap();
        let statuses: Vec<_> = outbox
            .iter()
            .map(|n| (n.new.message_id.as_str(), n.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("m-2", NotificationStatus::Failed),
                ("m-1", NotificationStatus::Sent)
            ]
        );
        assert_eq!(outbox[0].last_error.as_deref(), Some("refused"));
        assert!(outbox[1].done_at.is_some() && outbox[1].last_error.is_none());
        let feed: Vec<_> = store
            .notification_feed(10)
            .await
            .unwrap()
            .into_iter()
            .map(|f| (f.action, f.outcome, f.reason))
            .collect();
        assert_eq!(
            feed,
            [
                (
                    "resolve".to_owned(),
                    FeedOutcome::Failed,
                    "refused".to_owned()
                ),
                (
                    "trigger".to_owned(),
                    FeedOutcome::Sent,
                    "Slack: ok".to_owned()
                ),
                ("resolve".to_owned(), FeedOutcome::Queued, "sent".to_owned()),
                ("trigger".to_owned(), FeedOutcome::Queued, "sent".to_owned()),
            ]
        );
    })
    .await;
}
