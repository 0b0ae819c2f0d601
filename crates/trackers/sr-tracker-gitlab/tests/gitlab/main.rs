//! The GitLab adapter against a loopback GitLab that checks every request
//! against GitLab's REST documentation: the contract kit, the connection
//! diagnoses, GitLab's particulars (iid, labels, `updated_after`,
//! pagination, notes, uploads, hooks, assignees) and fault cases.

mod common;
mod faults;
mod features;
mod mock;

use crate::common::fixture;

#[tokio::test]
async fn passes_the_contract() {
    let f = fixture().await;
    sr_tracker::contract::check_tracker(&f.tracker, "999999")
        .await
        .expect("contract");
    assert!(f.server.requests().len() > 10);
}
