//! A channel's noise-policy state (migration 0013) on both engines: it is
//! replaced only on the version read, in the same transaction as the
//! grouping step, so of two processes letting a message through past a
//! limit one wins and the other writes nothing (no state, no message, no
//! feed entry); and a message whose id names its intent (a report's slot)
//! is committed once however often it is enqueued.

use sr_store::{ChannelStateWrite, FeedOutcome, NewNotification};

use crate::notifications::{on_both, step};

#[tokio::test]
async fn the_channel_state_is_replaced_only_on_the_version_read_with_its_step() {
    on_both(|store| async move {
        assert_eq!(store.notification_channel("slack").await.unwrap(), None);
        // Two processes each decide on "no channel state" for two
        // different alerts: both group rows are new, so only the channel
        // state can tell them apart.
        let mut a = step("slack", None, "{}", Some(("m-a", "trigger")));
        a.policy = Some(ChannelStateWrite {
            expected_version: None,
            state: "{\"sent\":1,\"by\":\"a\"}".into(),
        });
        let mut b = step("slack", None, "{}", Some(("m-b", "trigger")));
        b.fingerprint = "fp2".into();
        b.policy = Some(ChannelStateWrite {
            expected_version: None,
            state: "{\"sent\":1,\"by\":\"b\"}".into(),
        });
        let (ra, rb) = tokio::join!(
            store.apply_notification_step(&a),
            store.apply_notification_step(&b)
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(ra.is_some() != rb.is_some(), "one wins: {ra:?} {rb:?}");
        let loser = if ra.is_some() { "fp2" } else { "fp1" };
        // The loser's group row was rolled back with its channel state.
        assert_eq!(
            store.notification_group("slack", loser).await.unwrap(),
            None
        );
        assert_eq!(store.notification_outbox(10).await.unwrap().len(), 1);
        assert_eq!(store.notification_feed(10).await.unwrap().len(), 1);
        let row = store.notification_channel("slack").await.unwrap().unwrap();
        assert_eq!(row.version, 1);

        // Deciding again on the current version wins and bumps it; a step
        // on the old version loses.
        let mut again = step("slack", None, "{}", None);
        again.fingerprint = loser.into();
        again.policy = Some(ChannelStateWrite {
            expected_version: Some(1),
            state: "{\"sent\":1,\"held\":1}".into(),
        });
        assert_eq!(
            store.apply_notification_step(&again).await.unwrap(),
            Some(None)
        );
        again.fingerprint = "fp3".into();
        assert_eq!(store.apply_notification_step(&again).await.unwrap(), None);
        let row = store.notification_channel("slack").await.unwrap().unwrap();
        assert_eq!(
            (row.version, row.state.as_str()),
            (2, "{\"sent\":1,\"held\":1}")
        );
        assert_eq!(store.notification_channel("pd").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn a_message_named_by_its_intent_is_committed_once() {
    on_both(|store| async move {
        let new = NewNotification {
            message_id: "report:weekly:slack:2026-12-07T08:00:00Z".into(),
            action: "report".into(),
            message: "{}".into(),
        };
        let (x, y) = tokio::join!(
            store.enqueue_notification_once("slack", "weekly-report", &new, "weekly report due"),
            store.enqueue_notification_once("slack", "weekly-report", &new, "weekly report due"),
        );
        let (x, y) = (x.unwrap(), y.unwrap());
        assert!(x.is_some() != y.is_some(), "committed once: {x:?} {y:?}");
        assert_eq!(
            store
                .enqueue_notification_once("slack", "weekly-report", &new, "again")
                .await
                .unwrap(),
            None
        );
        let outbox = store.notification_outbox(10).await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].new, new);
        let feed = store.notification_feed(10).await.unwrap();
        assert_eq!(feed.len(), 1);
        assert_eq!(feed[0].outcome, FeedOutcome::Queued);
        assert_eq!(feed[0].reason, "weekly report due");
    })
    .await;
}
