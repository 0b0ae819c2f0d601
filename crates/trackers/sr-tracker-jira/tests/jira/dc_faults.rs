//! Jira Data Center under faults: a sync of a project through REST v2
//! while a share of the answers are Data Center's rate-limit answer (429
//! with `Retry-After` and its token-bucket headers), 5xx, resets and
//! bodies cut short. The copy ends exact and nothing is filed twice.

use std::collections::BTreeMap;

use serde_json::json;
use sr_apimock::{Chaos, ChaosKnobs, JiraSite, MockResponse, MockServer};
use sr_model::{IssueDraft, SearchQuery, Timestamp};
use sr_secrets::Secret;
use sr_tracker::IssueTracker;
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

/// What the outbox does with a create: on any failure, look for the
/// issue by its title before trying again.
async fn create_once(t: &dyn IssueTracker, title: &str) {
    for _ in 0..30 {
        match t
            .create_issue(&IssueDraft::new(title, "Filed by the *fault* run."))
            .await
        {
            Ok(_) => return,
            Err(_) => {
                let found = t
                    .search_issues(&SearchQuery::text(title))
                    .await
                    .map(|l| l.iter().any(|i| i.reference.title == title));
                if found.is_ok_and(|f| f) {
                    return;
                }
            }
        }
    }
    panic!("{title} was never created");
}

/// A copy kept as a sync keeps it: everything changed since the newest
/// change seen; a failed read is tried again from the same cursor.
async fn sync(
    t: &dyn IssueTracker,
    cache: &mut BTreeMap<String, String>,
    cursor: &mut Option<Timestamp>,
) {
    for _ in 0..60 {
        let q = SearchQuery {
            limit: 0,
            updated_since: *cursor,
            ..SearchQuery::default()
        };
        if let Ok(list) = t.search_issues(&q).await {
            for i in &list {
                cache.insert(i.reference.key.id.clone(), i.content_hash());
                *cursor = (*cursor).max(Some(i.reference.updated_at));
            }
            return;
        }
    }
    panic!("no sync got through");
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
    knobs.set_percent(25);

    let mut cache = BTreeMap::new();
    let mut cursor = None;
    sync(&t, &mut cache, &mut cursor).await;
    for n in 0..15 {
        create_once(&t, &format!("filed {n}")).await;
    }
    for n in [3, 77, 140] {
        site.retitle(&format!("DB-{n}"), &format!("edited {n}"));
    }
    sync(&t, &mut cache, &mut cursor).await;
    sync(&t, &mut cache, &mut cursor).await;
    let faults = knobs.counts();
    let requests = knobs.requests();
    knobs.set_percent(0);
    assert!(
        faults.iter().all(|n| *n > 0),
        "every fault happened: {faults:?} in {requests} requests"
    );

    let everything = t
        .search_issues(&SearchQuery {
            limit: 0,
            ..SearchQuery::default()
        })
        .await
        .expect("server");
    let on_server: BTreeMap<String, String> = everything
        .iter()
        .map(|i| (i.reference.key.id.clone(), i.content_hash()))
        .collect();
    assert_eq!(on_server.len(), 165, "150 seeded and 15 filed, each once");
    assert_eq!(site.issue_count(), 165);
    assert_eq!(cache, on_server, "faults {faults:?}");
    let mut titles: Vec<&str> = everything
        .iter()
        .map(|i| i.reference.title.as_str())
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), 165, "no duplicate titles");
    assert!(titles.contains(&"edited 77"));
    assert_eq!(server.failures(), Vec::<String>::new());
}
