//! The comment cache of migration 9 on both engines: which issues are
//! followed, replacing an issue's synced comments with the tracker's list,
//! and workbench comments from pending to sent.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use chrono::{DateTime, Duration, Utc};
use sr_model::{
    Comment, Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
};
use sr_store::{CommentChanges, NewLink, Store};

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

fn issue(id: u32) -> Issue {
    Issue {
        reference: IssueRef {
            key: IssueKey::new("github", "github.com/acme/db", id.to_string()),
            display_key: format!("#{id}"),
            url: format!("https://github.com/acme/db/issues/{id}"),
            title: format!("issue {id}"),
            status: IssueStatus::open(),
            priority: None,
            labels: vec![],
            assignee: None,
            created_at: at(0),
            updated_at: at(0),
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}

fn comment(id: &str, body: &str, secs: i64) -> Comment {
    Comment {
        id: id.into(),
        author: "octocat".into(),
        body: body.into(),
        created_at: at(secs),
        updated_at: None,
    }
}

fn key(id: u32) -> String {
    issue(id).key().to_string()
}

#[tokio::test]
async fn comments_are_due_for_followed_issues_that_changed_since_their_last_read() {
    on_both(|store| async move {
        let mut issues: Vec<Issue> = (1..=4).map(issue).collect();
        issues[0].reference.updated_at = at(30);
        issues[1].reference.updated_at = at(20);
        store.upsert_issues(&issues).await.unwrap();
        let object = ObjectRef::new("demo", ObjectKind::Table, "demo", "main", "orders");
        for linked in [&issues[0], &issues[2]] {
            store
                .link(&NewLink {
                    object: &object,
                    issue: linked,
                    link_type: LinkType::Manual,
                    created_by: "ann",
                    sync_direction: SyncDirection::Bidirectional,
                })
                .await
                .unwrap();
        }
        // Issue 2 is not linked but was read (at an older version);
        // issue 3 is linked and read at its current version; issue 4 is
        // neither.
        store
            .replace_remote_comments(&key(2), &[], at(7))
            .await
            .unwrap();
        store
            .replace_remote_comments(&key(3), &[], at(0))
            .await
            .unwrap();
        let due = store
            .comments_due("github", "github.com/acme/db", 10)
            .await
            .unwrap();
        assert_eq!(due, vec![(key(1), at(30)), (key(2), at(20))]);
        assert_eq!(
            store
                .comments_due("github", "github.com/acme/db", 1)
                .await
                .unwrap(),
            vec![(key(1), at(30))],
            "the newest change first, within the limit"
        );
        assert!(
            store
                .comments_due("github", "github.com/other/db", 10)
                .await
                .unwrap()
                .is_empty()
        );
        store
            .replace_remote_comments(&key(1), &[], at(30))
            .await
            .unwrap();
        store
            .replace_remote_comments(&key(2), &[], at(20))
            .await
            .unwrap();
        assert!(
            store
                .comments_due("github", "github.com/acme/db", 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(store.comments_read(&key(4)).await.unwrap().is_none());
        assert_eq!(
            store.comments_read(&key(2)).await.unwrap().unwrap().0,
            at(20)
        );
    })
    .await;
}

#[tokio::test]
async fn a_read_adds_updates_and_removes_synced_comments_and_leaves_pending_ones() {
    on_both(|store| async move {
        let k = key(5);
        let first = [comment("10", "first", 1), comment("11", "second", 2)];
        let changes = store
            .replace_remote_comments(&k, &first, at(2))
            .await
            .unwrap();
        assert_eq!(
            changes,
            CommentChanges {
                added: 2,
                updated: 0,
                removed: 0
            }
        );
        let mine = store
            .add_local_comment(&k, "ann", "from the workbench")
            .await
            .unwrap();
        assert!(mine.pending && mine.remote_id.is_none());
        // The same list again changes nothing.
        let again = store
            .replace_remote_comments(&k, &first, at(2))
            .await
            .unwrap();
        assert_eq!(again.total(), 0);
        // "11" edited, "10" deleted, "12" new; the pending one stays.
        let mut edited = comment("11", "second, edited", 2);
        edited.updated_at = Some(at(5));
        let next = [edited, comment("12", "third", 4), comment("12", "third", 4)];
        let changes = store
            .replace_remote_comments(&k, &next, at(5))
            .await
            .unwrap();
        assert_eq!(
            changes,
            CommentChanges {
                added: 1,
                updated: 1,
                removed: 1
            }
        );
        let cached = store.issue_comments(&k).await.unwrap();
        let bodies: Vec<(&str, bool)> = cached
            .iter()
            .map(|c| (c.body.as_str(), c.pending))
            .collect();
        assert_eq!(
            bodies,
            vec![
                ("second, edited", false),
                ("third", false),
                ("from the workbench", true)
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_pending_comment_is_sent_once_and_then_matched_by_its_id() {
    on_both(|store| async move {
        let k = key(6);
        let other = key(7);
        let mine = store
            .add_local_comment(&k, "ann", "please index")
            .await
            .unwrap();
        store
            .add_local_comment(&other, "ann", "elsewhere")
            .await
            .unwrap();
        let prefix = "github:github.com/acme/db:";
        assert_eq!(store.pending_comments(prefix).await.unwrap().len(), 2);
        assert!(store.pending_comments("gitlab:").await.unwrap().is_empty());

        let later = Utc::now() + Duration::minutes(5);
        assert!(store.claim_comment_send(mine.id, later).await.unwrap());
        assert!(
            !store.claim_comment_send(mine.id, later).await.unwrap(),
            "a held claim is not given twice"
        );
        store
            .mark_comment_failed(mine.id, "tracker timed out")
            .await
            .unwrap();
        let failed = store.issue_comments(&k).await.unwrap().remove(0);
        assert!(failed.pending);
        assert_eq!(failed.attempts, 1);
        assert_eq!(failed.last_error.as_deref(), Some("tracker timed out"));
        // A failure gives the claim up; an expired claim is taken over.
        let past = Utc::now() - Duration::seconds(1);
        assert!(store.claim_comment_send(mine.id, past).await.unwrap());
        assert!(store.claim_comment_send(mine.id, later).await.unwrap());
        assert_eq!(store.issue_comments(&k).await.unwrap()[0].attempts, 3);

        // The lost answer: a read cached the comment before the send was
        // marked; marking it sent keeps one row.
        let remote = comment("99", "please index", 10);
        store
            .replace_remote_comments(&k, std::slice::from_ref(&remote), at(10))
            .await
            .unwrap();
        assert_eq!(store.issue_comments(&k).await.unwrap().len(), 2);
        store.mark_comment_sent(mine.id, &remote).await.unwrap();
        let cached = store.issue_comments(&k).await.unwrap();
        assert_eq!(cached.len(), 1, "{cached:?}");
        assert_eq!(cached[0].id, mine.id);
        assert_eq!(cached[0].remote_id.as_deref(), Some("99"));
        assert!(!cached[0].pending && cached[0].last_error.is_none());
        assert_eq!(store.pending_comments(prefix).await.unwrap().len(), 1);
        assert!(
            !store.claim_comment_send(mine.id, later).await.unwrap(),
            "a sent comment cannot be claimed"
        );

        // The next read matches it by id: nothing added.
        let changes = store
            .replace_remote_comments(&k, &[remote], at(10) + Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(changes.total(), 0);
        assert_eq!(store.issue_comments(&k).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_pending_comment_can_be_taken_back_unless_it_is_being_sent_or_was_sent() {
    on_both(|store| async move {
        let k = key(8);
        let a = store
            .add_local_comment(&k, "ann", "first thought")
            .await
            .unwrap();
        let b = store
            .add_local_comment(&k, "ann", "second thought")
            .await
            .unwrap();
        assert_eq!(
            store.take_back_comment(a.id).await.unwrap().as_deref(),
            Some("first thought")
        );
        assert_eq!(
            store.take_back_comment(a.id).await.unwrap(),
            None,
            "already gone"
        );
        let later = Utc::now() + Duration::minutes(5);
        assert!(store.claim_comment_send(b.id, later).await.unwrap());
        assert_eq!(
            store.take_back_comment(b.id).await.unwrap(),
            None,
            "being sent"
        );
        store
            .mark_comment_sent(b.id, &comment("7", "second thought", 3))
            .await
            .unwrap();
        assert_eq!(store.take_back_comment(b.id).await.unwrap(), None, "sent");
        let left: Vec<String> = store
            .issue_comments(&k)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.body)
            .collect();
        assert_eq!(left, vec!["second thought"]);
    })
    .await;
}
