//! Claims on a team store end with the session of the process that held
//! them: a claimant announced on PostgreSQL keeps its deliveries while it
//! lives (whatever the host check says) and loses them the moment its
//! session closes, with no claim timeout to wait out.
#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use sr_store::{DeliveryStatus, NewDelivery, Store, Takeover};

/// A long timeout: only the session can release a claim in this test.
const HOUR: std::time::Duration = std::time::Duration::from_secs(3600);

fn never_dead(_: &str) -> bool {
    false
}

#[tokio::test]
async fn an_announced_claimants_deliveries_are_released_when_its_session_ends() {
    let url = sr_testkit::postgres_db().await;
    let (first, second) = (
        Store::open(&url).await.unwrap(),
        Store::open(&url).await.unwrap(),
    );
    for n in 0..3 {
        first
            .record_delivery(&NewDelivery {
                provider: "github",
                tracker: "GH",
                event: "issues",
                delivery_id: &format!("d{n}"),
                body: b"{}",
                status: DeliveryStatus::Pending,
                error: None,
                claimed_by: None,
            })
            .await
            .unwrap();
    }
    let a = first.announce("host-a:10:100").await.unwrap();
    assert_eq!(a, "host-a:10:100+p");
    assert_eq!(first.announce("host-a:10:100").await.unwrap(), a, "once");
    let held = first
        .claim_deliveries(&a, 10, &Takeover::work(HOUR).judging(never_dead))
        .await
        .unwrap();
    assert_eq!(held.len(), 3);

    // Alive: another process on another host gets nothing, even though its
    // own host check could not tell (and says "dead" for anyone).
    let b = second.announce("host-b:20:200").await.unwrap();
    let none = second
        .claim_deliveries(&b, 10, &Takeover::work(HOUR).judging(|_| true))
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");

    // The first process's session ends (as when it is killed).
    first.close().await;
    let taken = second
        .claim_deliveries(&b, 10, &Takeover::work(HOUR).judging(never_dead))
        .await
        .unwrap();
    assert_eq!(taken.len(), 3, "released at session end, not after an hour");
    second.close().await;
}

#[tokio::test]
async fn sqlite_claimants_are_not_renamed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("s.db")).await.unwrap();
    assert_eq!(store.announce("h:1:2").await.unwrap(), "h:1:2");
}
