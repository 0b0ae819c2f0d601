//! Pull requests kept for the linked issues they name: a delivery whose
//! title names `LOCAL-1` (linked to a table) is kept and linked to that
//! issue, one naming nothing linked is not kept; a merge queues one
//! comment on the open issue however often it is delivered, with the
//! switch on. The engine keeps its store on a real PostgreSQL server.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use sr_engine::{Engine, EngineDeliveries, EngineOptions};
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
};
use sr_secrets::{Keyring, Resolver};
use sr_store::{Delivery, DeliveryStatus, NewLink};
use sr_webhook::DeliveryHandler;

async fn engine(dir: &std::path::Path) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    std::fs::write(
        paths.trackers_file(),
        r#"{"trackers": [{"name": "GH", "type": "github",
            "config": {"owner": "acme", "repo": "db", "base_url": "http://127.0.0.1:9",
                       "auth": {"type": "personal_token", "token": "${TOKEN}"}}}]}"#,
    )
    .unwrap();
    std::fs::write(
        paths.config_dir.join("pulls.json"),
        r#"{"comment_on_merge": true}"#,
    )
    .unwrap();
    let mut options = EngineOptions::new(paths);
    options.store_url = Some(sr_testkit::postgres_db().await);
    let resolver = Arc::new(Resolver::with_env(
        |n| (n == "TOKEN").then(|| "t".to_owned()),
        Keyring::in_memory(),
    ));
    Arc::new(Engine::open_with(options, resolver).await.unwrap())
}

fn delivery(id: i64, title: &str, merged: bool) -> Delivery {
    let body = json!({
        "action": if merged { "closed" } else { "opened" },
        "number": 7,
        "pull_request": {
            "number": 7, "title": title, "body": null,
            "state": if merged { "closed" } else { "open" },
            "merged": merged,
            "merged_at": if merged { json!("2026-01-02T00:00:00Z") } else { json!(null) },
            "html_url": "https://github.com/acme/db/pull/7",
            "updated_at": if merged { "2026-01-02T00:00:00Z" } else { "2026-01-01T00:00:00Z" },
            "head": {"ref": "orders-note"}
        },
        "repository": {"full_name": "acme/db"}
    });
    Delivery {
        id,
        provider: "github".into(),
        tracker: "GH".into(),
        event: "pull_request".into(),
        delivery_id: format!("d{id}"),
        received_at: Utc::now(),
        body: serde_json::to_vec(&body).unwrap(),
        size: 0,
        status: DeliveryStatus::Pending,
        attempts: 0,
        last_error: None,
        processed_at: None,
    }
}

#[tokio::test]
async fn a_request_naming_a_linked_issue_is_kept_and_its_merge_comments_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let key = IssueKey::new("local", "default", "1");
    let issue = Issue {
        reference: IssueRef {
            key: key.clone(),
            display_key: "LOCAL-1".into(),
            url: String::new(),
            title: "Orders need a note".into(),
            status: IssueStatus::open(),
            priority: None,
            labels: vec![],
            assignee: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        },
        body: String::new(),
        issue_type: None,
        project: None,
    };
    let object = ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "orders");
    engine
        .store()
        .link(&NewLink {
            object: &object,
            issue: &issue,
            link_type: LinkType::Manual,
            created_by: "ann",
            sync_direction: SyncDirection::FromIssue,
        })
        .await
        .unwrap();
    let handler = EngineDeliveries::new(engine.clone());

    // Naming nothing linked: not kept.
    handler
        .process(&delivery(1, "Tidy up (#99)", false))
        .await
        .unwrap();
    assert!(
        engine
            .store()
            .pull("GH", "acme/db", 7)
            .await
            .unwrap()
            .is_none()
    );

    handler
        .process(&delivery(2, "Orders: a note (local-1)", false))
        .await
        .unwrap();
    let kept = engine
        .store()
        .pull("GH", "acme/db", 7)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.issues, vec![key.to_string()]);
    assert!(
        engine
            .store()
            .pending_comments("local:")
            .await
            .unwrap()
            .is_empty()
    );

    // The merge, delivered twice at once and once more later.
    let (d3, d4) = (
        delivery(3, "Orders: a note (local-1)", true),
        delivery(4, "Orders: a note (local-1)", true),
    );
    let (a, b) = tokio::join!(handler.process(&d3), handler.process(&d4));
    a.unwrap();
    b.unwrap();
    handler
        .process(&delivery(5, "Orders: a note (local-1)", true))
        .await
        .unwrap();
    let comments = engine.store().pending_comments("local:").await.unwrap();
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert!(
        comments[0].body.contains("acme/db#7"),
        "{}",
        comments[0].body
    );
    let merged = engine.store().merged_migration_pulls().await.unwrap();
    assert!(
        merged.is_empty(),
        "no migration files were read: {merged:?}"
    );
}

/// The traceability report's merged migration requests come from the
/// pull-request store: a merged request that changed migration files is
/// listed for the connection whose objects it changes (only those), with
/// the cached issues it names and their creation times; an open one and
/// one without migration files are not.
#[tokio::test]
async fn merged_migration_requests_reach_the_traceability_report_per_connection() {
    use sr_model::{PullRequest, PullState};
    use sr_store::{PullObject, PullRecord};

    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path()).await;
    let key = IssueKey::new("local", "default", "1");
    let created = Utc::now() - chrono::Duration::days(3);
    let issue = Issue {
        reference: IssueRef {
            key: key.clone(),
            display_key: "LOCAL-1".into(),
            url: String::new(),
            title: "Orders need a note".into(),
            status: IssueStatus::open(),
            priority: None,
            labels: vec![],
            assignee: None,
            created_at: created,
            updated_at: created,
        },
        body: String::new(),
        issue_type: None,
        project: None,
    };
    let orders = ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "orders");
    let audit = ObjectRef::new("books", ObjectKind::Table, "books", "public", "audit");
    engine
        .store()
        .link(&NewLink {
            object: &orders,
            issue: &issue,
            link_type: LinkType::Manual,
            created_by: "ann",
            sync_direction: SyncDirection::FromIssue,
        })
        .await
        .unwrap();
    let merged_at = Utc::now() - chrono::Duration::days(1);
    let pull = |number: u64, state: PullState| PullRequest {
        tracker: "GH".into(),
        provider: "github".into(),
        repo: "acme/db".into(),
        number,
        title: format!("Migration {number} (LOCAL-1)"),
        body: String::new(),
        branch: format!("m{number}"),
        state,
        draft: false,
        merged_at: (state == PullState::Merged).then_some(merged_at),
        checks: None,
        review: None,
        url: format!("https://github.com/acme/db/pull/{number}"),
        updated_at: merged_at,
    };
    let objects = [
        PullObject {
            object: orders.clone(),
            action: "alter".into(),
            file: "migrations/0042.sql".into(),
        },
        PullObject {
            object: audit.clone(),
            action: "create".into(),
            file: "migrations/0042.sql".into(),
        },
    ];
    let issues = [key.to_string(), "local:default:404".to_owned()];
    for (number, state, migrations) in [
        (42, PullState::Merged, true),
        (43, PullState::Open, true),
        (44, PullState::Merged, false),
    ] {
        let p = pull(number, state);
        engine
            .store()
            .record_pull(&PullRecord {
                pull: &p,
                migrations,
                issues: &issues,
                objects: &objects,
            })
            .await
            .unwrap();
    }

    let shop = engine.merged_migration_prs("shop").await.unwrap();
    assert_eq!(shop.len(), 1, "{shop:?}");
    assert_eq!(shop[0].connection, "shop");
    assert_eq!(shop[0].objects, vec!["public.orders".to_owned()]);
    assert_eq!(
        shop[0].merged_at.timestamp_millis(),
        merged_at.timestamp_millis()
    );
    // LOCAL-404 was never cached: no creation time to measure from.
    assert_eq!(shop[0].issues.len(), 1, "{:?}", shop[0].issues);
    assert_eq!(shop[0].issues[0].0, key.to_string());
    assert_eq!(
        shop[0].issues[0].1.timestamp_millis(),
        created.timestamp_millis()
    );
    let books = engine.merged_migration_prs("books").await.unwrap();
    assert_eq!(books.len(), 1);
    assert_eq!(books[0].objects, vec!["public.audit".to_owned()]);
    assert!(
        engine
            .merged_migration_prs("nowhere")
            .await
            .unwrap()
            .is_empty()
    );
}
