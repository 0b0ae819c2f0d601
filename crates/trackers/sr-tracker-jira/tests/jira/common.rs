//! The fixture every test starts from: a validating Jira mock with the
//! create-issue rule the description's open `fields` map cannot express,
//! and an adapter pointed at it with short retry delays.

use std::time::Duration;

use serde_json::{Value, json};
use sr_apimock::{JiraSite, MockServer};
use sr_secrets::Secret;
use sr_tracker::HttpSettings;
use sr_tracker::contract::loopback_settings;
use sr_tracker_jira::{JiraConfig, JiraTracker};

pub const EMAIL: &str = "ada@acme.com";
pub const TOKEN: &str = "t0ken";
/// `Basic base64("ada@acme.com:t0ken")`.
pub const BASIC: &str = "Basic YWRhQGFjbWUuY29tOnQwa2Vu";

pub struct Fixture {
    pub server: MockServer,
    pub site: JiraSite,
    pub tracker: JiraTracker,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Every test ends by checking that Jira would have accepted every request.
        if !std::thread::panicking() {
            assert_eq!(
                self.server.failures(),
                Vec::<String>::new(),
                "requests Jira would reject"
            );
            // Atlassian's description gives some 204 answers a JSON
            // content type, but a 204 carries no body (RFC 9110 §15.3.5) and
            // Jira sends none; the checker's complaint about those is the
            // only one let through.
            let unlike: Vec<String> = self
                .server
                .answer_failures()
                .into_iter()
                .filter(|f| {
                    !(f.starts_with("answer 204 ")
                        && f.ends_with(
                            "the body is not JSON: EOF while parsing a value at line 1 column 0",
                        ))
                })
                .collect();
            assert_eq!(unlike, Vec::<String>::new(), "answers unlike Jira's");
        }
    }
}

/// What Jira requires of a create-issue body beyond its schema (`fields`
/// is an open map there): a project, an issue type and a summary.
pub fn create_issue_rule(body: &Value) -> Vec<String> {
    let fields = body.get("fields");
    let mut errors = Vec::new();
    for (name, keys) in [
        ("project", &["id", "key"][..]),
        ("issuetype", &["id", "name"][..]),
    ] {
        let given = fields.and_then(|f| f.get(name));
        if !given.is_some_and(|g| keys.iter().any(|k| g.get(*k).is_some_and(Value::is_string))) {
            errors.push(format!(
                "fields.{name} must be given by {}",
                keys.join(" or ")
            ));
        }
    }
    if fields
        .and_then(|f| f.get("summary"))
        .is_none_or(|s| s.as_str().is_none_or(|s| s.trim().is_empty()))
    {
        errors.push("fields.summary must be a non-empty string".into());
    }
    errors
}

pub fn config(base_url: &str, project: &str) -> JiraConfig {
    serde_json::from_value(json!({
        "base_url": base_url, "project_key": project,
        "auth": {"type": "api_token", "email": EMAIL, "token": "${JIRA_TOKEN}"},
        "labels": ["scratchrobin"]
    }))
    .expect("config")
}

pub fn settings(base_url: &str) -> HttpSettings {
    loopback_settings("Jira", base_url, Duration::from_secs(2)).expect("settings")
}

pub fn tracker_for(base_url: &str, project: &str, token: &str) -> JiraTracker {
    JiraTracker::new(
        "Company Jira",
        &config(base_url, project),
        &Secret::new(token),
        Some(settings(base_url)),
    )
    .expect("tracker")
}

pub async fn fixture() -> Fixture {
    let site = JiraSite::new("DB").with_authorization(BASIC);
    let spec = sr_apimock::spec::jira().expect("Jira description in shared/api-specs");
    let server = MockServer::start(spec, site.clone()).await.expect("server");
    server.rule("createIssue", create_issue_rule);
    let tracker = tracker_for(server.base_url(), "DB", TOKEN);
    Fixture {
        server,
        site,
        tracker,
    }
}
