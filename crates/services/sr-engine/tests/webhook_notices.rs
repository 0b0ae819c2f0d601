//! A verified delivery, processed by the engine, updates the issue cache
//! and reaches the UI as an engine event; an unchanged issue does not.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::sync::Arc;

use sr_engine::IssueEvent;
use sr_engine::{Engine, EngineDeliveries, EngineOptions, Event};
use sr_secrets::{Keyring, Resolver};
use sr_store::{Delivery, DeliveryStatus};
use sr_webhook::DeliveryHandler;

#[tokio::test]
async fn a_processed_delivery_reaches_the_ui_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_github(dir.path()).await;
    let mut notices = engine.subscribe();

    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/github-webhooks/issues.json");
    let all: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures).unwrap()).unwrap();
    let delivery = delivery(1, "issues", &all[0]);
    let handler = EngineDeliveries::new(engine.clone());
    handler.process(&delivery).await.unwrap();
    match notices.try_recv() {
        Ok(Event::Issues(IssueEvent::Refreshed(issue))) => assert_eq!(
            issue.reference.title,
            all[0]["issue"]["title"].as_str().unwrap()
        ),
        other => panic!("expected the refreshed issue, got {other:?}"),
    }
    let cached = engine.store().issue(&notices_key(&engine)).await.unwrap();
    assert!(cached.is_some(), "the issue is in the cache");
    // The same content again changes nothing and tells nobody.
    handler.process(&delivery).await.unwrap();
    assert!(notices.try_recv().is_err());
}

/// An engine whose one tracker is GitHub's Codertocat/Hello-World, the
/// repository of GitHub's example payloads (never reached: port 9).
async fn engine_with_github(dir: &std::path::Path) -> Arc<Engine> {
    let paths =
        sr_config::Paths::resolve(Some(dir.join("config")), Some(dir.join("data"))).unwrap();
    std::fs::write(
        paths.trackers_file(),
        r#"{"trackers": [{"name": "GH", "type": "github",
            "config": {"owner": "Codertocat", "repo": "Hello-World", "base_url": "http://127.0.0.1:9",
                       "auth": {"type": "personal_token", "token": "${TOKEN}"}}}]}"#,
    )
    .unwrap();
    let resolver = Arc::new(Resolver::with_env(
        |n| (n == "TOKEN").then(|| "t".to_owned()),
        Keyring::in_memory(),
    ));
    Arc::new(
        Engine::open_with(EngineOptions::new(paths), resolver)
            .await
            .unwrap(),
    )
}

fn notices_key(engine: &Engine) -> sr_model::IssueKey {
    let tracker = engine.links().tracker("GH").unwrap();
    tracker.info().key("1")
}

/// A comment webhook updates the comment cache of an issue whose comments
/// were read, tells the UI, and leaves other issues to be read whole.
#[tokio::test]
async fn comment_deliveries_update_followed_issues_comments() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_github(dir.path()).await;
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/github-webhooks/issue_comment.json");
    let all: serde_json::Value = serde_json::from_slice(&std::fs::read(fixtures).unwrap()).unwrap();
    let payload = all[0].clone();
    assert_eq!(payload["action"], "created");
    let handler = EngineDeliveries::new(engine.clone());
    let key = notices_key(&engine).to_string();
    let mut notices = engine.subscribe();

    // Nobody read this issue's comments: nothing is cached piecemeal.
    handler
        .process(&delivery(1, "issue_comment", &payload))
        .await
        .unwrap();
    assert!(
        engine
            .store()
            .issue_comments(&key)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(notices.try_recv().is_err());

    engine
        .store()
        .replace_remote_comments(&key, &[], chrono::Utc::now())
        .await
        .unwrap();
    handler
        .process(&delivery(2, "issue_comment", &payload))
        .await
        .unwrap();
    let cached = engine.store().issue_comments(&key).await.unwrap();
    assert_eq!(cached.len(), 1, "{cached:?}");
    assert_eq!(cached[0].body, payload["comment"]["body"].as_str().unwrap());
    assert_eq!(
        cached[0].remote_id.as_deref(),
        Some(payload["comment"]["id"].to_string().as_str())
    );
    match notices.try_recv() {
        Ok(Event::StoreChanged(change)) => {
            assert_eq!(change.table, "issue_comments");
            assert_eq!(change.issue.as_deref(), Some(key.as_str()));
        }
        other => panic!("expected a comments change, got {other:?}"),
    }

    let mut deleted = payload.clone();
    deleted["action"] = "deleted".into();
    handler
        .process(&delivery(3, "issue_comment", &deleted))
        .await
        .unwrap();
    assert!(
        engine
            .store()
            .issue_comments(&key)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A pending delivery of `body` to the GH tracker, as the listener stores it.
fn delivery(id: i64, event: &str, body: &serde_json::Value) -> Delivery {
    Delivery {
        id,
        provider: "github".into(),
        tracker: "GH".into(),
        event: event.into(),
        delivery_id: format!("d{id}"),
        received_at: chrono::Utc::now(),
        body: serde_json::to_vec(body).unwrap(),
        size: 0,
        status: DeliveryStatus::Pending,
        attempts: 0,
        last_error: None,
        processed_at: None,
    }
}

/// A body the adapter cannot parse is unusable: failed at once, never
/// retried, with the adapter's reason.
#[tokio::test]
async fn an_unparseable_delivery_is_unusable_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine_with_github(dir.path()).await;
    let handler = EngineDeliveries::new(engine.clone());
    let broken = delivery(9, "issues", &serde_json::json!({"action": "opened"}));
    match handler.process(&broken).await {
        Err(e @ sr_webhook::WebhookError::Unusable(_)) => {
            assert!(!e.is_transient());
            assert!(e.to_string().contains("issues"), "{e}");
        }
        other => panic!("expected an unusable delivery, got {other:?}"),
    }
}
