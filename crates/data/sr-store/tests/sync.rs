//! The sync tables of migration 5 on both engines: tracker cursors and
//! health, one active SyncOperation per tracker, the sync log and its
//! pruning, bulk hashes and upserts, removed issues and local edits.

use chrono::{DateTime, Duration, Utc};
use sr_model::{Issue, IssueKey, IssueRef, IssueStatus};
use sr_store::{Store, SyncOperationRow, TrackerSyncState, UpsertOutcome};

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

fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).expect("in range")
}

fn issue(id: u32, title: &str) -> Issue {
    let at = ms(Utc::now());
    Issue {
        reference: IssueRef {
            key: IssueKey::new("github", "github.com/acme/db", id.to_string()),
            display_key: format!("#{id}"),
            url: format!("https://github.com/acme/db/issues/{id}"),
            title: title.into(),
            status: IssueStatus::open(),
            priority: None,
            labels: vec!["bug".into()],
            assignee: None,
            created_at: at,
            updated_at: at,
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}

fn operation(id: &str, tracker: &str, status: &str, created: DateTime<Utc>) -> SyncOperationRow {
    SyncOperationRow {
        id: id.into(),
        tracker: tracker.into(),
        kind: "incremental".into(),
        origin: "manual".into(),
        requested_by: "ann".into(),
        include_closed: false,
        status: status.into(),
        progress: "{}".into(),
        results: "{}".into(),
        error: None,
        started_at: None,
        completed_at: None,
        created_at: ms(created),
        updated_at: ms(created),
    }
}

#[tokio::test]
async fn tracker_states_round_trip() {
    on_both(|store| async move {
        assert_eq!(
            store.tracker_sync_state("GH").await.expect("read"),
            TrackerSyncState::new("GH")
        );
        let state = TrackerSyncState {
            tracker: "GH".into(),
            cursor: Some(ms(Utc::now())),
            failures: 2,
            last_error: Some("GitHub answered 503".into()),
            ..TrackerSyncState::default()
        };
        store.save_tracker_sync_state(&state).await.expect("save");
        store
            .save_tracker_sync_state(&state)
            .await
            .expect("save again");
        assert_eq!(store.tracker_sync_state("GH").await.expect("read"), state);
        assert!(state.degraded());
        assert_eq!(store.tracker_sync_states().await.expect("all"), vec![state]);
    })
    .await;
}

#[tokio::test]
async fn one_active_operation_per_tracker_and_the_log_is_pruned() {
    on_both(|store| async move {
        let now = Utc::now();
        assert!(
            store
                .insert_sync_operation(&operation("a", "GH", "in_progress", now))
                .await
                .expect("a")
        );
        assert!(
            !store
                .insert_sync_operation(&operation("b", "GH", "pending", now))
                .await
                .expect("b")
        );
        assert!(
            store
                .insert_sync_operation(&operation("c", "Jira", "pending", now))
                .await
                .expect("c")
        );
        assert!(
            store
                .insert_sync_operation(&operation("d", "GH", "completed", now - Duration::days(8)))
                .await
                .expect("d")
        );
        let active = store.active_sync_operation("GH").await.expect("active");
        assert_eq!(active.map(|o| o.id), Some("a".into()));
        let mut done = operation("a", "GH", "completed", now);
        done.results = r#"{"created":3}"#.into();
        store.update_sync_operation(&done).await.expect("update");
        assert_eq!(
            store.active_sync_operation("GH").await.expect("active"),
            None
        );
        assert_eq!(store.sync_operation("a").await.expect("read"), Some(done));
        let ids = |ops: Vec<SyncOperationRow>| ops.into_iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(
            ids(store.sync_operations(Some("GH"), 10).await.expect("log")),
            vec!["a", "d"]
        );
        assert_eq!(
            ids(store.sync_operations(None, 10).await.expect("log")).len(),
            3
        );
        assert_eq!(
            store
                .prune_sync_operations(now - Duration::days(7))
                .await
                .expect("prune"),
            1
        );
        // Only silent active operations count as abandoned.
        assert_eq!(
            store
                .fail_abandoned_sync_operations(now - Duration::minutes(2), "gone")
                .await
                .expect("x"),
            0
        );
        assert_eq!(
            store
                .fail_abandoned_sync_operations(now + Duration::minutes(1), "gone")
                .await
                .expect("x"),
            1
        );
        assert_eq!(
            store.active_sync_operation("Jira").await.expect("active"),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn hashes_upserts_removals_and_edits() {
    on_both(|store| async move {
        let issues = vec![issue(1, "one"), issue(2, "two")];
        let out = store.upsert_issues(&issues).await.expect("upsert");
        assert_eq!(out, vec![UpsertOutcome::Inserted, UpsertOutcome::Inserted]);
        let out = store
            .upsert_issues(&[issue(1, "one"), issue(2, "TWO")])
            .await
            .expect("upsert");
        assert_eq!(out, vec![UpsertOutcome::Unchanged, UpsertOutcome::Updated]);
        let keys: Vec<String> = ["github:github.com/acme/db:1", "github:github.com/acme/db:9"]
            .map(String::from)
            .to_vec();
        let hashes = store.issue_hashes(&keys).await.expect("hashes");
        assert_eq!(hashes.len(), 1);
        assert_eq!(hashes.get(&keys[0]), Some(&issue(1, "one").content_hash()));

        let two = "github:github.com/acme/db:2".to_owned();
        store
            .mark_issues_removed(&[(two.clone(), None)])
            .await
            .expect("remove");
        assert_eq!(
            store.removed_issues().await.expect("removed"),
            vec![(two.clone(), None)]
        );
        let live = store
            .instance_issue_hashes("github", "github.com/acme/db")
            .await
            .expect("live");
        assert_eq!(live.keys().collect::<Vec<_>>(), vec![&keys[0]]);
        // Seen again: no longer removed.
        store
            .upsert_issues(&[issue(2, "back")])
            .await
            .expect("upsert");
        assert!(store.removed_issues().await.expect("removed").is_empty());

        let id = store
            .record_local_edit(&keys[0], "title", "uno", "one")
            .await
            .expect("edit");
        store
            .record_local_edit("jira:acme:DB-1", "title", "x", "y")
            .await
            .expect("edit");
        let pending = store
            .pending_local_edits("github:github.com/acme/db:")
            .await
            .expect("pending");
        assert_eq!(
            pending
                .iter()
                .map(|e| (e.id, e.value.as_str()))
                .collect::<Vec<_>>(),
            vec![(id, "uno")]
        );
        store.mark_local_edits_pushed(&[id]).await.expect("pushed");
        assert!(
            store
                .pending_local_edits("github:")
                .await
                .expect("pending")
                .is_empty()
        );
        assert!(
            store
                .last_deliveries()
                .await
                .expect("deliveries")
                .is_empty()
        );
    })
    .await;
}

/// Writers that read before they write (an upsert looks at the cached row
/// first) run side by side on one store: each waits for the write lock
/// instead of failing with "database is locked".
#[tokio::test]
async fn concurrent_upserts_wait_for_each_other() {
    on_both(|store| async move {
        let writers = (0..4u32).map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for round in 0..25u32 {
                    let batch: Vec<Issue> = (0..20u32)
                        .map(|i| issue(i, &format!("writer {w} round {round}")))
                        .collect();
                    store
                        .upsert_issues(&batch)
                        .await
                        .unwrap_or_else(|e| panic!("writer {w}, round {round}: {e}"));
                }
            })
        });
        for w in writers.collect::<Vec<_>>() {
            w.await.expect("a writer finished");
        }
        assert_eq!(
            store
                .instance_issue_hashes("github", "github.com/acme/db")
                .await
                .expect("hashes")
                .len(),
            20
        );
    })
    .await;
}
