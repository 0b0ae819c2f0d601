//! Pull requests of migration 12 on both engines: one row per request
//! whoever writes it and however often, the newest report wins, links only
//! grow, and the "merged" comment is queued once.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use chrono::{DateTime, Utc};
use sr_model::{ObjectKind, ObjectRef, PullRequest, PullState};
use sr_store::{PullObject, PullRecord, Store};

async fn on_both<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    body(sqlite.clone()).await;
    sqlite.close().await;
    let pg = Store::open(&sr_testkit::postgres_db().await).await.unwrap();
    body(pg.clone()).await;
    pg.close().await;
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
}

fn pull(state: PullState, updated: i64) -> PullRequest {
    PullRequest {
        tracker: "gh".into(),
        provider: "github".into(),
        repo: "acme/db".into(),
        number: 42,
        title: "Orders: add a note (DB-7)".into(),
        body: String::new(),
        branch: "db-7-note".into(),
        state,
        draft: false,
        merged_at: (state == PullState::Merged).then(|| at(updated)),
        checks: Some("clean".into()),
        review: None,
        url: "https://github.com/acme/db/pull/42".into(),
        updated_at: at(updated),
    }
}

fn orders() -> PullObject {
    PullObject {
        object: ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "orders"),
        action: "alter".into(),
        file: "migrations/0042.sql".into(),
    }
}

#[tokio::test]
async fn a_request_reported_twice_at_once_is_one_row() {
    on_both(|store| async move {
        let p = pull(PullState::Open, 10);
        let issues = vec!["jira:acme.atlassian.net:DB-7".to_owned()];
        let objects = vec![orders()];
        let rec = PullRecord {
            pull: &p,
            migrations: true,
            issues: &issues,
            objects: &objects,
        };
        let (a, b) = tokio::join!(store.record_pull(&rec), store.record_pull(&rec));
        assert_eq!(a.unwrap(), b.unwrap());
        store.record_pull(&rec).await.unwrap();
        let listed = store
            .pulls_for_object("shop:table:public.orders")
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].pull, p);
        assert_eq!(listed[0].action.as_deref(), Some("alter"));
        assert_eq!(listed[0].file.as_deref(), Some("migrations/0042.sql"));
        assert_eq!(listed[0].issues, issues);
        assert!(listed[0].migrations);
    })
    .await;
}

#[tokio::test]
async fn an_older_report_does_not_replace_a_newer_one() {
    on_both(|store| async move {
        let merged = pull(PullState::Merged, 20);
        let stale = pull(PullState::Open, 10);
        let rec = |p| PullRecord {
            pull: p,
            migrations: false,
            issues: &[],
            objects: &[],
        };
        store.record_pull(&rec(&merged)).await.unwrap();
        // A poll that read the request before it merged, answering late,
        // and that found its migration file.
        let objects = vec![orders()];
        store
            .record_pull(&PullRecord {
                pull: &stale,
                migrations: true,
                issues: &[],
                objects: &objects,
            })
            .await
            .unwrap();
        let got = store.pull("gh", "acme/db", 42).await.unwrap().unwrap();
        assert_eq!(got.pull.state, PullState::Merged);
        assert!(got.migrations, "what the late report learnt still counts");
        let merged_list = store.merged_migration_pulls().await.unwrap();
        assert_eq!(merged_list.len(), 1);
        assert_eq!(merged_list[0].pull.number, 42);
        assert!(store.pull("gh", "acme/db", 43).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn open_requests_are_not_merged_migration_requests() {
    on_both(|store| async move {
        let p = pull(PullState::Open, 10);
        store
            .record_pull(&PullRecord {
                pull: &p,
                migrations: true,
                issues: &[],
                objects: &[],
            })
            .await
            .unwrap();
        assert!(store.merged_migration_pulls().await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_merge_comment_is_queued_once() {
    on_both(|store| async move {
        let p = pull(PullState::Merged, 10);
        let key = "local:default:12".to_owned();
        let id = store
            .record_pull(&PullRecord {
                pull: &p,
                migrations: true,
                issues: std::slice::from_ref(&key),
                objects: &[],
            })
            .await
            .unwrap();
        let (a, b) = tokio::join!(
            store.queue_merge_comment(id, &key, "scratchrobin", "merged"),
            store.queue_merge_comment(id, &key, "scratchrobin", "merged"),
        );
        assert_eq!(u8::from(a.unwrap()) + u8::from(b.unwrap()), 1);
        assert!(
            !store
                .queue_merge_comment(id, &key, "scratchrobin", "merged")
                .await
                .unwrap()
        );
        let queued = store.pending_comments("local:").await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(queued[0].body, "merged");
        // An issue the request does not name gets nothing.
        assert!(
            !store
                .queue_merge_comment(id, "local:default:13", "x", "y")
                .await
                .unwrap()
        );
    })
    .await;
}
