//! Jira Data Center under faults: a sync of a project through REST v2
//! while a share of the answers are Data Center's rate-limit answer (429
//! with `Retry-After` and its token-bucket headers), 5xx, resets and
//! bodies cut short. The copy ends exact and nothing is filed twice.

use serde_json::json;
use sr_apimock::{Chaos, ChaosKnobs, JiraSite, MockResponse, MockServer};
use sr_secrets::Secret;
use sr_tracker::contract::faults::{CursorMirror, FaultPlan, fault_run};
use sr_tracker_jira::{JiraConfig, JiraTracker};

use crate::common::{create_issue_rule, settings};

/// Data Center's rate limiting (8.6 and later) answers 429 with
/// `Retry-After` and the token bucket in `X-RateLimit-Limit`,
/// `-Remaining`, `-Interval-Seconds` and `-FillRate`.
fn rate_limited(retry_after: u32) -> MockResponse {
    MockResponse::json(
        429,
        &json!({"errorMessages": ["Rate limit exceeded."], "errors": {}}),
    )
    .header("retry-after", retry_after.to_string())
    .header("x-ratelimit-limit", "100")
    .header("x-ratelimit-remaining", "0")
    .header("x-ratelimit-interval-seconds", "1")
    .header("x-ratelimit-fillrate", "10")
}

#[tokio::test]
async fn under_random_faults_the_copy_is_exact_and_nothing_is_duplicated() {
    let site = JiraSite::data_center("DB").with_authorization("Bearer pat");
    for n in 0..150 {
        site.seed(&format!("seeded {n}"), &["db"]);
    }
    let knobs = ChaosKnobs::new(0, 7);
    knobs.set_retry_after(0);
    knobs.set_rate_limit(rate_limited);
    let spec = sr_apimock::spec::jira_data_center().expect("Data Center description");
    let server = MockServer::start(spec, Chaos::new(site.clone(), knobs.clone()))
        .await
        .expect("server");
    server.rule("createIssue", create_issue_rule);
    let config: JiraConfig = serde_json::from_value(json!({
        "base_url": server.base_url(), "project_key": "DB", "api_version": 2,
        "auth": {"type": "bearer", "token": "${JIRA_PAT}"}
    }))
    .expect("config");
    let t = JiraTracker::new(
        "Jira DC",
        &config,
        &Secret::new("pat"),
        Some(settings(server.base_url())),
    )
    .expect("tracker");
    let plan = FaultPlan {
        seeded: 150,
        filed: 15,
        switch: &|on| knobs.set_percent(if on { 25 } else { 0 }),
        counts: &|| knobs.counts().to_vec(),
        edit: &|| {
            for n in [3, 77, 140] {
                site.retitle(&format!("DB-{n}"), &format!("edited {n}"));
            }
        },
    };
    let run = fault_run(&t, &mut CursorMirror::default(), plan)
        .await
        .expect("fault run");
    assert_eq!(site.issue_count(), 165);
    assert!(
        run.issues.iter().any(|i| i.reference.title == "edited 77"),
        "the edit on the site was read"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}
