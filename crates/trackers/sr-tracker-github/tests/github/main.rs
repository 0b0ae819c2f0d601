//! The GitHub adapter against a loopback server that validates every
//! request against GitHub's OpenAPI description: the contract kit, the
//! connection diagnoses, and GitHub's particulars (pull requests in the
//! list, `since`, ETags, labels created when missing, webhooks, retries).

mod ca_file;
mod common;
mod faults;
mod features;
mod pulls;
mod sync_pages;

use crate::common::fixture;

#[tokio::test]
async fn passes_the_contract() {
    let f = fixture().await;
    sr_tracker::contract::check_tracker(&f.tracker, "999999")
        .await
        .expect("contract");
    assert!(f.server.requests().len() > 10);
}
