//! The store's behaviour, checked on both engines: a real SQLite file and a
//! real PostgreSQL database started by the test command.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use chrono::Utc;
use sr_model::{
    Issue, IssueKey, IssueRef, IssueState, IssueStatus, LinkType, ObjectKind, ObjectRef, Priority,
    SyncDirection, SyncState,
};
use sr_store::{
    AuditAction, LocalIssueFilter, LocalIssueRow, NewLink, Store, StoreError, UpsertOutcome,
};

/// Runs `body` once against a fresh SQLite file and once against a fresh
/// PostgreSQL database.
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
    assert_eq!(pg.backend(), sr_store::Backend::Postgres);
    body(pg.clone()).await;
    pg.close().await;
}

fn object(name: &str) -> ObjectRef {
    ObjectRef::new("demo", ObjectKind::Table, "demo", "main", name)
}

fn issue(id: u32, title: &str) -> Issue {
    let now = Utc::now();
    Issue {
        reference: IssueRef {
            key: IssueKey::new("local", "default", id.to_string()),
            display_key: format!("LOCAL-{id}"),
            url: format!("scratchrobin://issues/local/default/{id}"),
            title: title.into(),
            status: IssueStatus::open(),
            priority: Some(Priority::P2),
            labels: vec!["database".into()],
            assignee: None,
            created_at: now,
            updated_at: now,
        },
        body: "body".into(),
        issue_type: Some("Task".into()),
        project: None,
    }
}

fn link<'a>(o: &'a ObjectRef, i: &'a Issue) -> NewLink<'a> {
    NewLink {
        object: o,
        issue: i,
        link_type: LinkType::Manual,
        created_by: "alice",
        sync_direction: SyncDirection::Bidirectional,
    }
}

#[tokio::test]
async fn links_are_many_to_many_idempotent_and_audited() {
    on_both(|store| async move {
        let (orders, customers) = (object("orders"), object("customers"));
        let (i1, i2) = (issue(1, "Add index"), issue(2, "Rename column"));
        let (first, created) = store.link(&link(&orders, &i1)).await.unwrap();
        assert!(created);
        let (again, created) = store.link(&link(&orders, &i1)).await.unwrap();
        assert!(!created, "linking twice must not create a second link");
        assert_eq!(first.link_id, again.link_id);
        store.link(&link(&orders, &i2)).await.unwrap();
        store.link(&link(&customers, &i1)).await.unwrap();

        let by_object = store.links_for_object(&orders.key()).await.unwrap();
        let titles: Vec<_> = by_object.iter().map(|l| l.issue.title.as_str()).collect();
        assert_eq!(titles, ["Add index", "Rename column"]);
        assert_eq!(by_object[0].object, orders);
        assert_eq!(by_object[0].link_type, LinkType::Manual);

        let by_issue = store.links_for_issue(i1.key()).await.unwrap();
        let names: Vec<_> = by_issue.iter().map(|l| l.object.name.as_str()).collect();
        assert_eq!(names, ["orders", "customers"]);

        store.unlink(&orders.key(), i1.key(), "bob").await.unwrap();
        let err = store
            .unlink(&orders.key(), i1.key(), "bob")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotLinked { .. }), "{err}");
        assert!(err.to_string().contains("demo:table:main.orders"), "{err}");
        assert_eq!(
            store.links_for_object(&orders.key()).await.unwrap().len(),
            1
        );

        let audit = store.audit_log(100).await.unwrap();
        let actions: Vec<_> = audit
            .iter()
            .rev()
            .map(|a| (a.action, a.actor.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (AuditAction::Linked, "alice"),
                (AuditAction::Linked, "alice"),
                (AuditAction::Linked, "alice"),
                (AuditAction::Unlinked, "bob")
            ]
        );
        assert_eq!(audit[0].object.as_deref(), Some("demo:table:main.orders"));
        assert_eq!(audit[0].issue.as_deref(), Some("local:default:1"));

        let counts = store.link_counts("demo").await.unwrap();
        assert!(
            counts.contains(&("demo:table:main.orders".to_owned(), 1, 1)),
            "{counts:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    on_both(|store| async move {
        store
            .audit(
                "alice",
                AuditAction::IssueCreated,
                None,
                Some("local:default:1"),
                "x",
            )
            .await
            .unwrap();
        let url_is_pg = store.backend() == sr_store::Backend::Postgres;
        // Tamper through a second connection of the same database.
        let e = store_exec(&store, "UPDATE audit_log SET actor = 'mallory'").await;
        assert!(e.contains("append-only"), "pg={url_is_pg}: {e}");
        let e = store_exec(&store, "DELETE FROM audit_log").await;
        assert!(e.contains("append-only"), "{e}");
        assert_eq!(store.audit_log(10).await.unwrap()[0].actor, "alice");
    })
    .await;
}

async fn store_exec(store: &Store, sql: &str) -> String {
    match store.execute_raw_for_tests(sql).await {
        Ok(()) => "succeeded".into(),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn issue_cache_detects_changes_by_content_hash() {
    on_both(|store| async move {
        let mut i = issue(7, "Slow query");
        assert_eq!(
            store.upsert_issue(&i).await.unwrap(),
            UpsertOutcome::Inserted
        );
        assert_eq!(
            store.upsert_issue(&i).await.unwrap(),
            UpsertOutcome::Unchanged
        );
        i.reference.updated_at = Utc::now() + chrono::Duration::seconds(5);
        assert_eq!(
            store.upsert_issue(&i).await.unwrap(),
            UpsertOutcome::Unchanged,
            "timestamps alone are no change"
        );
        i.reference.status = IssueStatus::closed(Some("completed".into()));
        assert_eq!(
            store.upsert_issue(&i).await.unwrap(),
            UpsertOutcome::Updated
        );
        let cached = store.issue(i.key()).await.unwrap().unwrap();
        assert_eq!(cached.issue.reference.status.state, IssueState::Done);
        assert_eq!(cached.content_hash, i.content_hash());

        let status = store
            .sync_status(i.key(), chrono::Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(status.state, SyncState::Synced);
        store
            .mark_issue_sync_error(i.key(), "timeout")
            .await
            .unwrap();
        let status = store
            .sync_status(i.key(), chrono::Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(
            (status.state, status.last_error.as_deref()),
            (SyncState::Error, Some("timeout"))
        );
        let unknown = IssueKey::new("local", "default", "999");
        assert_eq!(
            store
                .sync_status(&unknown, chrono::Duration::minutes(5))
                .await
                .unwrap()
                .state,
            SyncState::NeverSynced
        );

        let found = store.search_cached_issues("slow", 10).await.unwrap();
        assert_eq!(found.len(), 1);
        assert!(
            store
                .search_cached_issues("fast", 10)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn local_issues_are_numbered_per_instance_and_searchable() {
    on_both(|store| async move {
        let now = Utc::now();
        let row = |title: &str, labels: &[&str]| LocalIssueRow {
            number: 0,
            title: title.into(),
            body: format!("about {title}"),
            state: IssueState::Open,
            status_name: "Open".into(),
            resolution: None,
            priority: None,
            labels: labels.iter().map(|s| s.to_string()).collect(),
            assignee: Some("bob".into()),
            issue_type: None,
            project: None,
            created_at: now,
            updated_at: now,
        };
        let a = store.local("default");
        let b = store.local("other");
        assert_eq!(a.create(&row("First", &["db"])).await.unwrap().number, 1);
        assert_eq!(
            a.create(&row("Second index", &["perf"]))
                .await
                .unwrap()
                .number,
            2
        );
        assert_eq!(b.create(&row("Elsewhere", &[])).await.unwrap().number, 1);

        let found = a
            .search(&LocalIssueFilter {
                words: vec!["INDEX".into()],
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(found.iter().map(|r| r.number).collect::<Vec<_>>(), [2]);
        let found = a
            .search(&LocalIssueFilter {
                labels: vec!["db".into()],
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(found.iter().map(|r| r.number).collect::<Vec<_>>(), [1]);
        let mut second = a.get(2).await.unwrap().unwrap();
        second.state = IssueState::Done;
        a.update(&second).await.unwrap();
        let open = a
            .search(&LocalIssueFilter {
                state: Some(vec![IssueState::Open]),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(open.len(), 1);

        let c = a.add_comment(1, "carol", "looks good").await.unwrap();
        assert_eq!(a.comments(1).await.unwrap(), vec![c]);
        a.attach(
            1,
            "ddl.sql",
            "text/plain",
            "DDL",
            b"CREATE TABLE t (x int);",
        )
        .await
        .unwrap();
        assert_eq!(a.attachments(1).await.unwrap()[0].1, "ddl.sql");
        assert_eq!(a.labels().await.unwrap(), ["db", "perf"]);
        assert!(a.delete(1).await.unwrap());
        assert!(!a.delete(1).await.unwrap());
        assert!(a.get(1).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn reopening_runs_no_migration_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/store.db");
    let s = Store::open_file(&path).await.unwrap();
    s.audit("a", AuditAction::IssueCreated, None, None, "")
        .await
        .unwrap();
    s.close().await;
    let s = Store::open_file(&path).await.unwrap();
    assert_eq!(s.audit_log(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn bad_store_urls_are_explained() {
    let err = Store::open("mysql://x@localhost/db")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unsupported store URL"), "{err}");
    let err = Store::open("postgres://u:hunter2@127.0.0.1:1/db")
        .await
        .unwrap_err()
        .to_string();
    assert!(!err.contains("hunter2"), "password leaked: {err}");
}

#[tokio::test]
async fn bulk_import_matches_single_links() {
    on_both(|store| async move {
        let objects: Vec<ObjectRef> = (0..30).map(|n| object(&format!("t{n}"))).collect();
        let issues: Vec<Issue> = (0..20).map(|n| issue(n, &format!("issue {n}"))).collect();
        let links: Vec<NewLink<'_>> = (0..100)
            .map(|n| link(&objects[n % 30], &issues[(n * 7) % 20]))
            .collect();
        let distinct: std::collections::HashSet<(usize, usize)> =
            (0..100).map(|n| (n % 30, (n * 7) % 20)).collect();
        // One link already exists: it is kept, not duplicated.
        store.link(&link(&objects[0], &issues[0])).await.unwrap();
        let created = store.import_links(&links).await.unwrap();
        assert_eq!(created, distinct.len() - 1);
        assert_eq!(
            store.import_links(&links).await.unwrap(),
            0,
            "importing again adds nothing"
        );
        let total: usize = {
            let mut n = 0;
            for o in &objects {
                n += store.links_for_object(&o.key()).await.unwrap().len();
            }
            n
        };
        assert_eq!(total, distinct.len());
        let audit = store.audit_log(1000).await.unwrap();
        assert_eq!(
            audit
                .iter()
                .filter(|a| a.action == AuditAction::Linked)
                .count(),
            distinct.len()
        );
        assert!(
            audit
                .iter()
                .all(|a| a.object.is_some() && a.issue.is_some())
        );
    })
    .await;
}
