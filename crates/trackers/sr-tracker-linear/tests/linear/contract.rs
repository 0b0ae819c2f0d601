//! The contract kit, signed in both ways Linear offers.

use sr_tracker::contract;

use crate::common::*;

#[tokio::test]
async fn the_contract_holds_with_an_api_key() {
    let f = fixture().await;
    contract::check_tracker(&f.tracker, "DB-999")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn the_contract_holds_with_an_oauth_token() {
    let f = fixture().await;
    let t = tracker_for(f.server.base_url(), "DB", "oauth", OAUTH);
    contract::check_tracker(&t, "DB-999")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}
