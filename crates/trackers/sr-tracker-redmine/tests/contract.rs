//! The contract every adapter passes, on a real Redmine.

use sr_tracker::ErrorKind;
use sr_tracker::contract::factory;

use crate::common::{new_project, redmine, tracker};

#[tokio::test]
async fn passes_the_contract() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let t = tracker(&rm.url, &project, &rm.api_key);
    sr_tracker::contract::check_tracker(&t, "999999")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn builds_from_a_trackers_json_entry() {
    let rm = redmine().await;
    let project = new_project(&rm).await;
    let f = sr_tracker_redmine::RedmineFactory::default();
    let config = serde_json::json!({
        "base_url": rm.url, "project": project,
        "auth": {"type": "personal_token", "token": "${REDMINE_KEY}"}
    });
    let t = factory::build(&f, config, "REDMINE_KEY", Some(&rm.api_key)).expect("build");
    let report = t.test_connection().await.expect("connection");
    assert_eq!(report.user.as_deref(), Some("admin"));
    let wrong = factory::build(
        &f,
        serde_json::json!({
            "base_url": rm.url, "project": project,
            "auth": {"type": "personal_token", "token": "${REDMINE_KEY}"}
        }),
        "REDMINE_KEY",
        Some(&"0".repeat(40)),
    )
    .expect("build");
    let e = wrong.test_connection().await.expect_err("a wrong key");
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
}
