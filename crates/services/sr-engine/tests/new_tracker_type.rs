//! A tracker type this build does not ship, added with one registry line,
//! is used by everything that uses trackers, through the engine services
//! the CLI calls: `tracker list` (`tracker_statuses`), `tracker test`
//! (`test_configured_tracker`), `issue create` (`create_issue`), `serve`'s
//! webhook listener (`start_listener`: the type's spec and parser, through
//! the registry) and `sync run` (`sync_manager`). The type is `sr-tracker-fake`, built on the adapter kit; no
//! crate but this test names it. The store is a real PostgreSQL database.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::net::SocketAddr;
use std::sync::Arc;

use sr_engine::{Engine, EngineOptions};
use sr_model::{IssueDraft, IssueState, Priority};
use sr_secrets::{Keyring, Resolver};
use sr_store::{DeliveryStatus, Store};
use sr_sync::{SyncRequest, SyncStatus};
use sr_testkit::openssl_hmac_sha256_hex;
use sr_tracker_fake::{FakeAdapter, FakeFactory, FakeService};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "fake-token";
const HOOK_SECRET: &str = "fake-hook-secret";

#[tokio::test]
async fn a_new_tracker_type_needs_one_registry_line() {
    let dir = tempfile::tempdir().unwrap();
    let paths = sr_config::Paths::resolve(
        Some(dir.path().join("config")),
        Some(dir.path().join("data")),
    )
    .unwrap();
    std::fs::write(
        paths.trackers_file(),
        r#"{"trackers": [{"name": "Fake", "type": "fake",
            "config": {"project": "demo", "labels": ["db"], "priority_labels": {"P1": "urgent"},
                       "auth": {"type": "personal_token", "token": "${FAKE_TOKEN}"}},
            "sync": {"webhook_secret": "${FAKE_HOOK}"}}]}"#,
    )
    .unwrap();
    let resolver = Arc::new(Resolver::with_env(
        |n| match n {
            "FAKE_TOKEN" => Some(TOKEN.to_owned()),
            "FAKE_HOOK" => Some(HOOK_SECRET.to_owned()),
            _ => None,
        },
        Keyring::in_memory(),
    ));
    let mut options = EngineOptions::new(paths);
    options.actor = "tester".into();
    let store = Store::open(&sr_testkit::postgres_db().await).await.unwrap();
    let service = FakeService::new(TOKEN);
    let mut registry = sr_engine::registry(&store, &options.actor);
    // The one line a new tracker type needs.
    registry.register(FakeFactory::new(FakeAdapter::new(service.clone())));
    let engine = Arc::new(
        Engine::with_registry(options, store, resolver, registry)
            .await
            .unwrap(),
    );

    // `tracker list`
    let statuses = engine.tracker_statuses().await;
    let fake = statuses.iter().find(|s| s.name == "Fake").unwrap();
    assert_eq!(
        (
            fake.kind.as_str(),
            fake.instance.as_deref(),
            fake.problem.as_deref()
        ),
        ("fake", Some("fake:demo"), None),
        "{fake:?}"
    );

    // `tracker test`
    let report = engine.test_configured_tracker("Fake").await.unwrap();
    assert_eq!(report.user.as_deref(), Some("fake-user"));

    // `issue create`: the configured label stands for the priority.
    let draft = IssueDraft {
        priority: Some(Priority::P1),
        ..IssueDraft::new("Orders lost an index", "found by drift")
    };
    let (created, _) = engine.create_issue(None, &draft, "Fake").await.unwrap();
    assert_eq!(created.key().to_string(), "fake:demo:1");
    assert_eq!(created.reference.priority, Some(Priority::P1));
    assert_eq!(service.issue(1).unwrap().labels, ["db", "urgent"]);

    // Webhooks: the listener verifies with the type's spec and the engine
    // parses with the type's parser, both found through the registry.
    let listener = engine
        .start_listener(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let mut finished = listener.subscribe();
    let body = serde_json::json!({"issue": {"number": 1, "title": "Orders lost two indexes",
        "labels": ["db", "urgent", "doing"], "updated_at": chrono::Utc::now()}})
    .to_string();
    let forged = post(
        listener.local_addr,
        "d-0",
        &openssl_hmac_sha256_hex("not-the-secret", body.as_bytes()).unwrap(),
        &body,
    )
    .await;
    assert_eq!(forged, 401);
    let status = post(
        listener.local_addr,
        "d-1",
        &openssl_hmac_sha256_hex(HOOK_SECRET, body.as_bytes()).unwrap(),
        &body,
    )
    .await;
    assert_eq!(status, 202);
    let done = finished.recv().await.unwrap();
    assert_eq!(
        (done.delivery_id.as_str(), done.status),
        ("d-1", DeliveryStatus::Processed)
    );
    let cached = engine.store().issue(created.key()).await.unwrap().unwrap();
    assert_eq!(cached.issue.reference.title, "Orders lost two indexes");
    assert_eq!(cached.issue.reference.status.state, IssueState::InProgress);
    listener.shutdown().await;

    // Sync: a change made on the service comes in with a manual run.
    service.edit(1, |i| {
        i.title = "Orders index restored".into();
        i.closed = true;
    });
    let op = engine
        .sync_manager()
        .start(SyncRequest::manual("Fake", "tester").full())
        .unwrap()
        .finished()
        .await;
    assert_eq!(op.status, SyncStatus::Completed, "{op:?}");
    let cached = engine.store().issue(created.key()).await.unwrap().unwrap();
    assert_eq!(
        (
            cached.issue.reference.title.as_str(),
            cached.issue.reference.status.state
        ),
        ("Orders index restored", IssueState::Done)
    );
}

/// Posts a delivery signed with `signature`; returns the status code.
async fn post(addr: SocketAddr, id: &str, signature: &str, body: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /webhook/fake HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         X-Fake-Event: issue\r\nX-Fake-Delivery: {id}\r\nX-Fake-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
