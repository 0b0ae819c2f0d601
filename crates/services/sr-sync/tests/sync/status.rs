//! What `sync status` reads: a failed sync marks the tracker degraded with
//! its error until one succeeds; the webhook is inactive until a delivery
//! arrives, and the poll interval follows.

use sr_apimock::MockResponse;
use sr_store::{DeliveryStatus, NewDelivery};
use sr_sync::{SchedulerOptions, SyncRequest, SyncStatus, tracker_sync_statuses};

use crate::common::{NAME, fixture};

fn entry() -> sr_tracker::TrackerEntry {
    serde_json::from_value(serde_json::json!({
        "name": NAME, "type": "github",
        "sync": {"poll_interval_minutes": 10, "webhook_id": "77"}
    }))
    .expect("entry")
}

/// (health, last error present, webhook state, poll minutes) of the tracker.
async fn check(f: &crate::common::Fixture, expected: (&str, bool, &str, u64)) {
    let s = tracker_sync_statuses(&f.manager, &[entry()], &SchedulerOptions::default())
        .await
        .expect("status");
    let webhook = serde_json::to_value(&s[0].webhook).expect("json")["state"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default();
    let got = (
        s[0].health.as_str(),
        s[0].last_error.is_some(),
        webhook.as_str(),
        s[0].poll_every_minutes,
    );
    assert_eq!(got, expected, "{s:?}");
}

#[tokio::test]
async fn degraded_until_a_sync_succeeds_and_webhook_health() {
    let f = fixture(3).await;
    check(&f, ("never_synced", false, "inactive", 5)).await;
    // Another process's running sync shows too.
    let mut theirs =
        sr_sync::SyncOperation::new(&SyncRequest::manual(NAME, "gui"), chrono::Utc::now());
    theirs.status = SyncStatus::InProgress;
    assert!(
        f.store
            .insert_sync_operation(&theirs.to_row())
            .await
            .expect("insert")
    );
    let s = tracker_sync_statuses(&f.manager, &[entry()], &SchedulerOptions::default())
        .await
        .expect("status");
    assert_eq!(
        s[0].active.as_ref().map(|o| o.requested_by.as_str()),
        Some("gui")
    );
    theirs.status = SyncStatus::Completed;
    f.store
        .update_sync_operation(&theirs.to_row())
        .await
        .expect("update");
    f.server.push_fault(
        "*",
        MockResponse::json(401, &serde_json::json!({"message": "Bad credentials"})),
    );
    let failed = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(failed.status, SyncStatus::Failed, "{failed:?}");
    assert!(
        failed.error.as_deref().unwrap_or_default().contains("401"),
        "{failed:?}"
    );
    check(&f, ("degraded", true, "inactive", 5)).await;
    let state = f.store.tracker_sync_state(NAME).await.expect("state");
    assert_eq!(state.failures, 1);

    f.store
        .record_delivery(&NewDelivery {
            provider: "github",
            tracker: NAME,
            event: "issues",
            delivery_id: "d1",
            body: b"{}",
            status: DeliveryStatus::Pending,
            error: None,
            claimed_by: None,
        })
        .await
        .expect("delivery");
    let ok = f.sync(SyncRequest::manual(NAME, "ann")).await;
    assert_eq!(ok.status, SyncStatus::Completed, "{ok:?}");
    check(&f, ("ok", false, "active", 10)).await;
}
