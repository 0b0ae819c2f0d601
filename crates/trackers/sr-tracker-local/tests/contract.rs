//! The local tracker passes the same contract as every remote adapter,
//! over a real SQLite store in a temporary directory.

use sr_store::Store;
use sr_tracker_local::LocalTracker;

#[tokio::test]
async fn passes_the_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .expect("store");
    let tracker = LocalTracker::new("Local", "default", &store, "tester");
    sr_tracker::contract::check_tracker(tracker.as_ref(), "999999")
        .await
        .expect("contract");
}
