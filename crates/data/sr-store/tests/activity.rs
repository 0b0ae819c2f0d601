//! The weekly report's numbers on both engines: alerts seen per
//! connection and event type within the period (not before it),
//! auto-issues filed and closed in it, and the issues open now, linked to
//! the connection's objects or filed for it.

use chrono::{Duration, Utc};
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
};
use sr_store::{AutoIssueState, NewIntent, NewLink, Occurrence, OutboxAction, OutboxStatus};

use crate::notifications::on_both;

fn seen(fp: &str, event: &str, connection: &str, ago_days: i64) -> Occurrence {
    let at = chrono::DateTime::from_timestamp_millis(
        (Utc::now() - Duration::days(ago_days)).timestamp_millis(),
    )
    .expect("a timestamp in range");
    Occurrence::Start {
        replaces: None,
        state: Box::new(AutoIssueState {
            fingerprint: fp.into(),
            rule: "Watch".into(),
            tracker: "Local".into(),
            event: event.into(),
            connection: connection.into(),
            object: None,
            issue_key: None,
            previous_issue_key: None,
            occurrences: 1,
            first_seen: at,
            last_seen: at,
            last_data: "{}".into(),
        }),
    }
}

fn call(fp: &str, action: OutboxAction) -> NewIntent {
    NewIntent {
        rule: "Watch".into(),
        fingerprint: fp.into(),
        tracker: "Local".into(),
        action,
        purpose: "create".into(),
        title: "t".into(),
        body: "b".into(),
        labels: Vec::new(),
        priority: None,
        assignee: None,
        object: None,
        issue_key: None,
    }
}

fn issue(id: u32, done: bool) -> Issue {
    let now = Utc::now();
    Issue {
        reference: IssueRef {
            key: IssueKey::new("local", "default", id.to_string()),
            display_key: format!("LOCAL-{id}"),
            url: format!("scratchrobin://issues/local/default/{id}"),
            title: format!("issue {id}"),
            status: if done {
                IssueStatus::closed(None)
            } else {
                IssueStatus::open()
            },
            priority: None,
            labels: Vec::new(),
            assignee: None,
            created_at: now,
            updated_at: now,
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}

#[tokio::test]
async fn a_periods_activity_per_connection() {
    on_both(|store| async move {
        let week_ago = Utc::now() - Duration::days(7);
        for (fp, event, connection, ago) in [
            ("d1", "drift.detected", "shop", 1),
            ("d2", "drift.detected", "shop", 2),
            ("r1", "performance.regression", "shop", 3),
            ("h1", "health.failed", "crm", 1),
            // Last seen before the period: not counted.
            ("old", "drift.detected", "crm", 9),
        ] {
            store
                .enqueue_auto_issue(&seen(fp, event, connection, ago), &[])
                .await
                .expect("recorded");
        }
        // d1 filed (issue 1) and closed; h1 filed (issue 2) and still open.
        let ids = store
            .enqueue_auto_issue(
                &Occurrence::None,
                &[
                    call("d1", OutboxAction::Create),
                    call("h1", OutboxAction::Create),
                    call("d1", OutboxAction::Close),
                    call("d2", OutboxAction::Create),
                ],
            )
            .await
            .expect("committed")
            .expect("applied");
        let keys = ["local:default:1", "local:default:2"];
        store
            .finish_intent(ids[0], OutboxStatus::Done, None, Some(keys[0]))
            .await
            .expect("done");
        store
            .finish_intent(ids[1], OutboxStatus::Done, None, Some(keys[1]))
            .await
            .expect("done");
        store
            .finish_intent(ids[2], OutboxStatus::Done, None, None)
            .await
            .expect("done");
        // d2's create is still pending: not filed yet.
        store.upsert_issue(&issue(1, true)).await.expect("cached");
        store.upsert_issue(&issue(2, false)).await.expect("cached");
        // An open issue linked by hand to a shop table.
        let linked = issue(3, false);
        let object = ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "film");
        store
            .link(&NewLink {
                object: &object,
                issue: &linked,
                link_type: LinkType::Manual,
                created_by: "alice",
                sync_direction: SyncDirection::Bidirectional,
            })
            .await
            .expect("linked");

        let activity = store
            .activity(week_ago, Utc::now() + Duration::seconds(1))
            .await
            .expect("the activity");
        let summary: Vec<_> = activity
            .iter()
            .map(|a| {
                (
                    a.connection.as_str(),
                    a.alerts
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(","),
                    a.issues_filed,
                    a.issues_closed,
                    a.open_issues,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("crm", "health.failed=1".to_owned(), 1, 0, 1),
                (
                    "shop",
                    "drift.detected=2,performance.regression=1".to_owned(),
                    1,
                    1,
                    1
                ),
            ]
        );
        // A period that ended before anything happened is empty but for
        // the issues open now.
        let before = store
            .activity(week_ago - Duration::days(30), week_ago - Duration::days(20))
            .await
            .expect("the activity");
        let open: Vec<_> = before
            .iter()
            .map(|a| {
                (
                    a.connection.as_str(),
                    a.alerts.len(),
                    a.issues_filed,
                    a.open_issues,
                )
            })
            .collect();
        assert_eq!(open, [("crm", 0, 0, 1), ("shop", 0, 0, 1)]);
    })
    .await;
}
