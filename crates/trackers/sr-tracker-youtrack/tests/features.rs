//! Features beyond the contract: comments written in YouTrack read back
//! across pages in order, and incremental search by `updated` that sees a
//! comment or an edit made in YouTrack and nothing older.

use sr_model::SearchQuery;
use sr_tracker::IssueTracker;

use crate::common::*;

#[tokio::test]
async fn comments_written_in_youtrack_are_read_across_pages() {
    let f = fixture().await;
    let project = f.project.clone();
    let id = project.seed("Slow orders query", &[]);
    let t = tracker_for(f.server.base_url(), TOKEN).with_page(2);
    t.add_comment(&id, "Filed by ScratchRobin")
        .await
        .expect("ours");
    for n in 0..4 {
        assert!(project.comment(1, "mia", &format!("from YouTrack {n}")));
    }
    let comments = t.comments(&id).await.expect("comments");
    let seen: Vec<(&str, &str)> = comments
        .iter()
        .map(|c| (c.author.as_str(), c.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("root", "Filed by ScratchRobin"),
            ("mia", "from YouTrack 0"),
            ("mia", "from YouTrack 1"),
            ("mia", "from YouTrack 2"),
            ("mia", "from YouTrack 3"),
        ]
    );
    // Five comments at two a page: three pages, the last one short.
    assert_eq!(f.server.count("getComments"), 3);
}

#[tokio::test]
async fn incremental_search_sees_only_what_changed_in_youtrack() {
    let f = fixture().await;
    for n in 0..5 {
        f.project.seed(&format!("seeded {n}"), &[]);
    }
    let all = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 0,
            ..SearchQuery::default()
        })
        .await
        .expect("all");
    assert_eq!(all.len(), 5);
    let cursor = all.iter().map(|i| i.reference.updated_at).max();
    // The last issue seen is at the cursor; anything at or after it is
    // read again (the cursor is inclusive), so it is filtered by id here.
    assert!(f.project.comment(2, "mia", "seen in YouTrack"));
    assert!(f.project.edit_summary(4, "edited in YouTrack"));
    let changed = f
        .tracker
        .search_issues(&SearchQuery {
            limit: 0,
            updated_since: cursor,
            ..SearchQuery::default()
        })
        .await
        .expect("changed");
    let mut ids: Vec<&str> = changed
        .iter()
        .map(|i| i.reference.key.id.as_str())
        .filter(|id| *id != "DB-5")
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["DB-2", "DB-4"]);
    let edited = changed
        .iter()
        .find(|i| i.reference.key.id == "DB-4")
        .expect("DB-4");
    assert_eq!(edited.reference.title, "edited in YouTrack");
}
