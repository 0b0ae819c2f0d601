//! The auto-issue outbox on both engines: an occurrence and its calls are
//! committed together, a fingerprint's calls are claimed one at a time in
//! order, a done create becomes the fingerprint's issue, a dead worker's
//! claim is taken over, and the counts the hourly limit reads.

use chrono::{Duration, Utc};
use sr_store::{
    AutoIssueState, NewIntent, Occurrence, OutboxAction, OutboxStatus, Store, Takeover,
};

async fn on_both<F, Fut>(body: F)
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

fn start(fp: &str) -> Occurrence {
    let now = chrono::DateTime::from_timestamp_millis(Utc::now().timestamp_millis())
        .expect("a timestamp in range");
    Occurrence::Start {
        replaces: None,
        state: Box::new(AutoIssueState {
            fingerprint: fp.into(),
            rule: "Drift".into(),
            tracker: "Local".into(),
            event: "drift.detected".into(),
            connection: "demo".into(),
            object: Some("main.orders".into()),
            issue_key: None,
            previous_issue_key: None,
            occurrences: 1,
            first_seen: now,
            last_seen: now,
            last_data: "{}".into(),
        }),
    }
}

fn intent(fp: &str, action: OutboxAction, purpose: &str) -> NewIntent {
    NewIntent {
        rule: "Drift".into(),
        fingerprint: fp.into(),
        tracker: "Local".into(),
        action,
        purpose: purpose.into(),
        title: "t".into(),
        body: "b".into(),
        labels: vec!["drift".into(), "sr-fp-abc".into()],
        priority: Some("P1".into()),
        assignee: None,
        object: None,
        issue_key: None,
    }
}

/// Outbox claims of ten minutes, holders judged gone by `gone`.
fn work(gone: fn(&str) -> bool) -> Takeover {
    Takeover::work(std::time::Duration::from_secs(600)).judging(gone)
}

fn alive(_: &str) -> bool {
    false
}

#[tokio::test]
async fn a_fingerprints_calls_are_claimed_in_order_and_a_done_create_names_its_issue() {
    on_both(|store| async move {
        let ids = store
            .enqueue_auto_issue(
                &start("fp1"),
                &[intent("fp1", OutboxAction::Create, "create")],
            )
            .await
            .expect("enqueue")
            .expect("no conflict");
        let again = Occurrence::Again {
            fingerprint: "fp1".into(),
            at: Utc::now(),
            data: r#"{"x": 1}"#.into(),
        };
        let comment = store
            .enqueue_auto_issue(
                &again,
                &[intent("fp1", OutboxAction::Comment, "occurrence")],
            )
            .await
            .expect("enqueue")
            .expect("no conflict");
        let other = store
            .enqueue_auto_issue(
                &start("fp2"),
                &[intent("fp2", OutboxAction::Create, "create")],
            )
            .await
            .expect("enqueue")
            .expect("no conflict");
        // The comment waits behind its create; the other fingerprint does not.
        let claimed = store
            .claim_intents("w:1:1", 10, &work(alive))
            .await
            .expect("claim");
        let got: Vec<i64> = claimed.iter().map(|i| i.id).collect();
        assert_eq!(got, [ids[0], other[0]]);
        assert_eq!(claimed[0].attempts, 1);
        assert_eq!(claimed[0].intent.labels, ["drift", "sr-fp-abc"]);
        assert!(
            store
                .claim_intents("w:2:1", 10, &work(alive))
                .await
                .expect("claim")
                .is_empty()
        );
        store
            .finish_intent(ids[0], OutboxStatus::Done, None, Some("local:default:1"))
            .await
            .expect("finish");
        let state = store.auto_issue("fp1").await.expect("read").expect("a row");
        assert_eq!(state.issue_key.as_deref(), Some("local:default:1"));
        assert_eq!(state.occurrences, 2);
        assert_eq!(state.last_data, r#"{"x": 1}"#);
        let next = store
            .claim_intents("w:1:1", 10, &work(alive))
            .await
            .expect("claim");
        assert_eq!(next.iter().map(|i| i.id).collect::<Vec<_>>(), comment);
        // Released for a later try, then taken over from a dead worker.
        store
            .finish_intent(comment[0], OutboxStatus::Pending, Some("timeout"), None)
            .await
            .expect("release");
        let retaken = store
            .claim_intents("w:1:1", 10, &work(alive))
            .await
            .expect("claim");
        assert_eq!(retaken[0].attempts, 2);
        assert_eq!(retaken[0].last_error.as_deref(), Some("timeout"));
        let taken = store
            .claim_intents("w:3:1", 10, &work(|owner| owner == "w:1:1"))
            .await
            .expect("claim");
        // Everything the dead worker held: the comment and the other create.
        assert_eq!(
            taken.iter().map(|i| i.id).collect::<Vec<_>>(),
            [comment[0], other[0]]
        );
        assert_eq!(taken[0].attempts, 3);
        let found = store
            .auto_issues_for("demo", Some("main.orders"), "drift.detected")
            .await
            .expect("list");
        assert_eq!(found.len(), 2);
        assert!(
            store
                .auto_issues_for("demo", None, "drift.detected")
                .await
                .expect("list")
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn hourly_counts_and_the_pending_summary() {
    on_both(|store| async move {
        let since = Utc::now() - Duration::hours(1);
        assert_eq!(
            store
                .auto_issue_creations_since("Drift", since)
                .await
                .expect("count"),
            0
        );
        for fp in ["a", "b"] {
            store
                .enqueue_auto_issue(&start(fp), &[intent(fp, OutboxAction::Create, "create")])
                .await
                .expect("enqueue")
                .expect("no conflict");
        }
        assert_eq!(
            store
                .auto_issue_creations_since("Drift", since)
                .await
                .expect("count"),
            2
        );
        assert_eq!(
            store
                .auto_issue_creations_since("Other", since)
                .await
                .expect("count"),
            0
        );
        let last = store
            .last_auto_issue_creation("Drift", since)
            .await
            .expect("read")
            .expect("one");
        assert_eq!(last.intent.fingerprint, "b");
        let ids = store
            .enqueue_auto_issue(
                &Occurrence::None,
                &[intent("b", OutboxAction::Comment, "summary")],
            )
            .await
            .expect("enqueue")
            .expect("no conflict");
        let pending = store
            .pending_auto_issue_summary("Drift", since)
            .await
            .expect("read")
            .expect("one");
        assert_eq!(pending.id, ids[0]);
        assert!(
            store
                .rewrite_pending_intent(ids[0], "b2")
                .await
                .expect("rewrite")
        );
        assert_eq!(
            store
                .outbox_intent(ids[0])
                .await
                .expect("read")
                .expect("row")
                .intent
                .body,
            "b2"
        );
        store
            .finish_intent(ids[0], OutboxStatus::Failed, Some("x"), None)
            .await
            .expect("finish");
        assert!(
            !store
                .rewrite_pending_intent(ids[0], "b3")
                .await
                .expect("rewrite")
        );
        assert!(
            store
                .pending_auto_issue_summary("Drift", since)
                .await
                .expect("read")
                .is_none()
        );
        assert_eq!(store.outbox(10).await.expect("list").len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_start_loses_to_a_row_written_since_it_was_read() {
    on_both(|store| async move {
        let create = [intent("fp", OutboxAction::Create, "create")];
        assert!(
            store
                .enqueue_auto_issue(&start("fp"), &create)
                .await
                .expect("enqueue")
                .is_some()
        );
        // A second process read "no row" too: it loses, and writes nothing.
        assert!(
            store
                .enqueue_auto_issue(&start("fp"), &create)
                .await
                .expect("enqueue")
                .is_none()
        );
        assert_eq!(store.outbox(10).await.expect("list").len(), 1);
        assert!(store.auto_issue_create_pending("fp").await.expect("read"));
        let id = store.outbox(10).await.expect("list")[0].id;
        store
            .finish_intent(id, OutboxStatus::Done, None, Some("local:default:1"))
            .await
            .expect("finish");
        assert!(!store.auto_issue_create_pending("fp").await.expect("read"));
        // A restart must name the issue it replaces.
        let restart = |read: Option<&str>| match start("fp") {
            Occurrence::Start { state, .. } => Occurrence::Start {
                state: Box::new(AutoIssueState {
                    previous_issue_key: Some("local:default:1".into()),
                    ..*state
                }),
                replaces: Some(read.map(str::to_owned)),
            },
            other => other,
        };
        assert!(
            store
                .enqueue_auto_issue(&restart(None), &create)
                .await
                .expect("enqueue")
                .is_none()
        );
        assert!(
            store
                .enqueue_auto_issue(&restart(Some("local:default:2")), &create)
                .await
                .expect("enqueue")
                .is_none()
        );
        assert!(
            store
                .enqueue_auto_issue(&restart(Some("local:default:1")), &create)
                .await
                .expect("enqueue")
                .is_some()
        );
        let state = store.auto_issue("fp").await.expect("read").expect("row");
        assert_eq!(
            (state.issue_key, state.previous_issue_key.as_deref()),
            (None, Some("local:default:1"))
        );
    })
    .await;
}
