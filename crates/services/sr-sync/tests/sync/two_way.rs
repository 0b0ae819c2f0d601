//! Two-way sync: workbench edits are pushed and not pulled back; a field
//! changed on both sides is settled by the tracker's policy and listed.

use sr_sync::{ConflictPolicy, Field, SyncRequest, SyncStatus, record_edit};

use crate::common::{Fixture, NAME, fixture};

async fn edit(f: &Fixture, number: u64, field: Field, value: &str) {
    let key = f.key(number).parse().expect("key");
    record_edit(&f.store, &key, field, value)
        .await
        .expect("edit");
}

async fn title_on_server(f: &Fixture, number: u64) -> String {
    f.tracker_issue(number).await.reference.title
}

#[tokio::test]
async fn edits_are_pushed_and_not_pulled_back() {
    let f = fixture(5).await;
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    edit(&f, 2, Field::Title, "Add an index on orders").await;
    edit(&f, 2, Field::Labels, r#"["bug","perf"]"#).await;
    edit(&f, 4, Field::State, "done").await;
    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.status, SyncStatus::Completed, "{op:?}");
    assert_eq!(op.results.pushed, 2, "{op:?}");
    assert_eq!((op.results.created, op.results.updated), (0, 0), "{op:?}");
    assert!(op.results.conflicts.is_empty(), "{op:?}");
    let two = f.tracker_issue(2).await;
    assert_eq!(two.reference.title, "Add an index on orders");
    assert_eq!(two.reference.labels, vec!["bug", "perf"]);
    assert_eq!(
        f.tracker_issue(4).await.reference.status.state,
        sr_model::IssueState::Done
    );
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(cache, server);
    // Nothing is pending: the next sync pushes nothing.
    let again = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(again.results.pushed, 0, "{again:?}");
}

/// Both sides change issue 3's title; the policy decides who wins.
async fn check(policy: ConflictPolicy, expected_title: &str, expected_winner: &str) {
    let f = fixture(4).await;
    // As trackers.json says it.
    let word = serde_json::to_value(policy).expect("policy");
    let entry: sr_tracker::TrackerEntry = serde_json::from_value(serde_json::json!({
        "name": NAME, "type": "github",
        "sync": {"conflicts": {"default": "remote_wins", "fields": {"title": word}}}
    }))
    .expect("entry");
    f.manager.configure(&[entry]);
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    f.repo.edit_title(3, "remote title");
    edit(&f, 3, Field::Title, "local title").await;
    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.status, SyncStatus::Completed, "{op:?}");
    assert_eq!(title_on_server(&f, 3).await, expected_title, "{policy:?}");
    let c = &op.results.conflicts;
    assert_eq!(c.len(), 1, "{op:?}");
    assert_eq!(
        (
            c[0].field,
            c[0].base.as_str(),
            c[0].local.as_str(),
            c[0].remote.as_str()
        ),
        (Field::Title, "issue 2", "local title", "remote title")
    );
    assert_eq!(
        (c[0].policy, c[0].winner.as_str()),
        (policy, expected_winner)
    );
    let (cache, server) = f.cache_and_server_hashes().await;
    assert_eq!(cache, server, "{policy:?}");
    // The conflict is in the sync log, for `sync status`.
    let log = f.manager.history(Some(NAME), 1).await.expect("log");
    assert_eq!(log[0].results.conflicts, op.results.conflicts);
}

#[tokio::test]
async fn conflicts_follow_the_policy_of_the_field() {
    check(ConflictPolicy::RemoteWins, "remote title", "remote").await;
    check(ConflictPolicy::LocalWins, "local title", "local").await;
    // The mock's clock is in 2025; the edit is newer.
    check(ConflictPolicy::LastWriterWins, "local title", "local").await;
}

#[tokio::test]
async fn a_pull_only_tracker_keeps_edits_pending() {
    let f = fixture(2).await;
    let entry: sr_tracker::TrackerEntry = serde_json::from_value(
        serde_json::json!({"name": NAME, "type": "github", "sync": {"mode": "pull"}}),
    )
    .expect("entry");
    f.manager.configure(&[entry]);
    f.sync(SyncRequest::manual(NAME, "ann")).await;
    edit(&f, 1, Field::Title, "local").await;
    let op = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(op.results.pushed, 0);
    assert_eq!(title_on_server(&f, 1).await, "issue 0");
    let info = sr_tracker::IssueTracker::info(f.tracker.as_ref());
    let prefix = format!("{}:{}:", info.provider, info.instance);
    assert_eq!(
        f.store
            .pending_local_edits(&prefix)
            .await
            .expect("pending")
            .len(),
        1
    );
}

#[tokio::test]
async fn editing_an_issue_that_is_not_cached_says_what_to_do() {
    let f = fixture(1).await;
    let key = f.key(1).parse().expect("key");
    let err = record_edit(&f.store, &key, Field::Title, "x")
        .await
        .expect_err("not cached");
    assert_eq!(
        err.to_string(),
        format!(
            "issue {} is not in the cache; sync its tracker first, then edit it",
            f.key(1)
        )
    );
}
