//! Change notices on a PostgreSQL team store: a second process's links,
//! unlinks and issue updates reach a listener with their keys; a bulk
//! import is one notice; SQLite has no listener.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::time::Duration;

use chrono::Utc;
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
};
use sr_store::{NewLink, Store, StoreChange};

fn object(name: &str) -> ObjectRef {
    ObjectRef::new("demo", ObjectKind::Table, "demo", "main", name)
}

fn issue(id: u32) -> Issue {
    let now = Utc::now();
    Issue {
        reference: IssueRef {
            key: IssueKey::new("local", "default", id.to_string()),
            display_key: format!("LOCAL-{id}"),
            url: format!("scratchrobin://issues/local/default/{id}"),
            title: format!("issue {id}"),
            status: IssueStatus::open(),
            priority: None,
            labels: vec![],
            assignee: None,
            created_at: now,
            updated_at: now,
        },
        body: String::new(),
        issue_type: None,
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

/// The next change on `listener`, failing after 5 s (a notice takes
/// milliseconds; the bound only keeps a broken build from hanging).
async fn next(listener: &mut sr_store::ChangeListener) -> StoreChange {
    tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("a change notice within 5 s")
        .unwrap()
}

fn change(table: &str, op: &str, object: Option<&str>, issue: Option<&str>) -> StoreChange {
    StoreChange {
        table: table.into(),
        op: op.into(),
        object: object.map(Into::into),
        issue: issue.map(Into::into),
        rows: None,
    }
}

#[tokio::test]
async fn another_processs_changes_are_heard_with_their_keys() {
    let url = sr_testkit::postgres_db().await;
    let listening = Store::open(&url).await.unwrap();
    let writer = Store::open(&url).await.unwrap();
    let mut listener = listening.listen_changes().await.unwrap().unwrap();

    let (orders, one) = (object("orders"), issue(1));
    writer.link(&link(&orders, &one)).await.unwrap();
    // Linking caches the issue first, then writes the link.
    assert_eq!(
        next(&mut listener).await,
        change("issues", "INSERT", None, Some("local:default:1"))
    );
    assert_eq!(
        next(&mut listener).await,
        change(
            "links",
            "INSERT",
            Some("demo:table:main.orders"),
            Some("local:default:1")
        )
    );
    writer
        .unlink("demo:table:main.orders", &one.reference.key, "alice")
        .await
        .unwrap();
    assert_eq!(
        next(&mut listener).await,
        change(
            "links",
            "DELETE",
            Some("demo:table:main.orders"),
            Some("local:default:1")
        )
    );

    let objects: Vec<ObjectRef> = (0..200).map(|n| object(&format!("t{n}"))).collect();
    let links: Vec<NewLink<'_>> = objects.iter().map(|o| link(o, &one)).collect();
    writer.import_links(&links).await.unwrap();
    let mut bulk = Vec::new();
    while bulk
        .iter()
        .map(|c: &StoreChange| c.rows.unwrap_or(1))
        .sum::<i64>()
        < 200
    {
        let c = next(&mut listener).await;
        if c.table == "links" {
            assert!(c.object.is_none() || c.rows.is_none(), "{c:?}");
            bulk.push(c);
        }
    }
    assert!(
        bulk.len() < 200,
        "a bulk import is summarised, not one notice per link: {bulk:?}"
    );
}

/// Comment notices name their issue, for a pending comment, its sending
/// and its taking back alike.
#[tokio::test]
async fn comment_changes_are_heard_with_their_issue() {
    let url = sr_testkit::postgres_db().await;
    let listening = Store::open(&url).await.unwrap();
    let writer = Store::open(&url).await.unwrap();
    let mut listener = listening.listen_changes().await.unwrap().unwrap();
    let key = "local:default:7";
    let kept = writer.add_local_comment(key, "ann", "hello").await.unwrap();
    assert_eq!(
        next(&mut listener).await,
        change("issue_comments", "INSERT", None, Some(key))
    );
    writer
        .mark_comment_failed(kept.id, "offline")
        .await
        .unwrap();
    assert_eq!(
        next(&mut listener).await,
        change("issue_comments", "UPDATE", None, Some(key))
    );
    writer.take_back_comment(kept.id).await.unwrap();
    assert_eq!(
        next(&mut listener).await,
        change("issue_comments", "DELETE", None, Some(key))
    );
}

#[tokio::test]
async fn sqlite_has_no_listener() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("s.db")).await.unwrap();
    assert!(store.listen_changes().await.unwrap().is_none());
}
