//! A stateful Jira Cloud site behind the mock server: one project's
//! issues with a three-status workflow (To Do, In Progress, Done) reached
//! through transitions, comments, labels, assignable users and
//! attachments, answering in Jira's REST v3 shapes: ADF bodies,
//! `/search/jql` pages with `nextPageToken`, `startAt` pages elsewhere,
//! and Jira's error shape `{"errorMessages": [...], "errors": {field: msg}}`.
//! Tests program it through a clone of the handle they passed to the
//! server.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::server::{MockRequest, MockResponse, Responder};

mod answer;
pub(crate) mod dc_spec;
mod jql;
mod search;
mod webhooks;

/// The workflow: name, id and status category key.
const STATUSES: [(&str, &str, &str); 3] = [
    ("To Do", "10000", "new"),
    ("In Progress", "3", "indeterminate"),
    ("Done", "10001", "done"),
];
const PRIORITIES: [&str; 5] = ["Highest", "High", "Medium", "Low", "Lowest"];
const ISSUE_TYPES: [&str; 4] = ["Task", "Bug", "Story", "Epic"];
const RESOLUTIONS: [&str; 3] = ["Done", "Won't Do", "Duplicate"];

#[derive(Debug, Clone)]
struct Issue {
    number: u64,
    summary: String,
    description: Value,
    /// Index into [`STATUSES`].
    status: usize,
    priority: String,
    labels: Vec<String>,
    assignee: Option<String>,
    issue_type: String,
    /// Set when the issue moves to Done, cleared when it leaves.
    resolution: Option<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Comment {
    id: u64,
    issue: u64,
    body: Value,
    created: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    issues: Vec<Issue>,
    deleted: Vec<u64>,
    comments: Vec<Comment>,
    next_id: u64,
    tick: i64,
    /// `(content-type, X-Atlassian-Token)` of every upload.
    uploads: Vec<(String, Option<String>)>,
    /// Registered admin webhooks: id and the body that registered it.
    webhooks: Vec<(u64, Value)>,
    next_webhook: u64,
}

/// One Jira site with one project, shared between the test and the server.
#[derive(Debug, Clone)]
pub struct JiraSite {
    pub project_key: String,
    /// The `Authorization` header every request must carry; `None` skips
    /// the check.
    pub authorization: Option<String>,
    /// `(accountId, displayName)` of the users that may be assigned
    /// (`(username, displayName)` on Data Center).
    pub assignable: Vec<(String, String)>,
    /// Answers as Jira Data Center's REST v2 does (with
    /// [`crate::spec::jira_data_center`]): plain-string descriptions and
    /// comments, users by `name`, `/search` with `startAt`.
    pub data_center: bool,
    state: Arc<Mutex<State>>,
}

impl JiraSite {
    pub fn new(project_key: &str) -> Self {
        JiraSite {
            project_key: project_key.into(),
            authorization: None,
            assignable: vec![
                ("5b10a2844c20165700ede21g".into(), "Mia Krystof".into()),
                ("5b10ac8d82e05b22cc7d4ef5".into(), "Emma Richards".into()),
            ],
            data_center: false,
            state: Arc::default(),
        }
    }

    /// A Jira Data Center site speaking REST v2, whose assignable users
    /// are `mia` and `emma`.
    pub fn data_center(project_key: &str) -> Self {
        JiraSite {
            assignable: vec![
                ("mia".into(), "Mia Krystof".into()),
                ("emma".into(), "Emma Richards".into()),
            ],
            data_center: true,
            ..JiraSite::new(project_key)
        }
    }

    /// The field that names a user in requests and answers.
    fn user_field(&self) -> &'static str {
        if self.data_center {
            "name"
        } else {
            "accountId"
        }
    }

    /// The REST root in `self` URLs.
    fn rest(&self, req: &MockRequest) -> String {
        let v = if self.data_center { 2 } else { 3 };
        format!("{}/rest/api/{v}", req.base_url)
    }

    /// Requires `Authorization: {value}` (`Basic …` or `Bearer …`).
    pub fn with_authorization(mut self, value: &str) -> Self {
        self.authorization = Some(value.into());
        self
    }

    /// Adds an issue directly; returns its key.
    pub fn seed(&self, summary: &str, labels: &[&str]) -> String {
        let n = self
            .lock(|s| {
                let now = now(s);
                let number = s.issues.len() as u64 + s.deleted.len() as u64 + 1;
                s.issues.push(Issue {
                    number,
                    summary: summary.into(),
                    description: Value::Null,
                    status: 0,
                    priority: "Medium".into(),
                    labels: labels.iter().map(|l| (*l).to_owned()).collect(),
                    assignee: None,
                    issue_type: "Task".into(),
                    resolution: None,
                    created: now,
                    updated: now,
                });
                number
            })
            .unwrap_or_default();
        format!("{}-{n}", self.project_key)
    }

    /// Changes an issue's summary the way an edit in Jira's UI would,
    /// moving its `updated` on.
    pub fn retitle(&self, key: &str, summary: &str) {
        let Some(number) = key
            .rsplit_once('-')
            .and_then(|(_, n)| n.parse::<u64>().ok())
        else {
            return;
        };
        self.lock(|s| {
            let at = now(s);
            if let Some(i) = s.issues.iter_mut().find(|i| i.number == number) {
                i.summary = summary.into();
                i.updated = at;
            }
        });
    }

    /// How many issues the project holds.
    pub fn issue_count(&self) -> usize {
        self.lock(|s| s.issues.len()).unwrap_or_default()
    }

    /// The description an issue holds as it was sent (ADF, or wiki
    /// markup on Data Center).
    pub fn description(&self, key: &str) -> Option<Value> {
        let number: u64 = key.rsplit_once('-')?.1.parse().ok()?;
        self.lock(|s| {
            s.issues
                .iter()
                .find(|i| i.number == number)
                .map(|i| i.description.clone())
        })
        .flatten()
    }

    /// The `(content-type, X-Atlassian-Token)` of every attachment upload.
    pub fn uploads(&self) -> Vec<(String, Option<String>)> {
        self.lock(|s| s.uploads.clone()).unwrap_or_default()
    }

    fn lock<T>(&self, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        self.state.lock().ok().map(|mut s| f(&mut s))
    }
}

/// The site's clock: one second further for every change, from a fixed
/// start, so that ordering is deterministic.
fn now(s: &mut State) -> DateTime<Utc> {
    s.tick += 1;
    DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default() + Duration::seconds(s.tick)
}

/// Jira's timestamp format in issue fields: `2025-01-01T00:00:01.000+0000`
/// (what Jira sends, though not RFC 3339).
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// Timestamps where the description declares `date-time` (comments,
/// attachments): RFC 3339, `2025-01-01T00:00:01.000+00:00`.
fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string()
}

/// Jira's error answer.
fn error(status: u16, messages: &[&str], fields: &[(&str, &str)]) -> MockResponse {
    let errors: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    MockResponse::json(
        status,
        &json!({"errorMessages": messages, "errors": errors}),
    )
}

impl Responder for JiraSite {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let op = req.operation_id.clone()?;
        if let Some(want) = &self.authorization
            && req.header("authorization") != Some(want.as_str())
        {
            return Some(MockResponse::json(
                401,
                &json!({"errorMessages": ["You are not authenticated. Authentication required to perform this operation."], "errors": {}}),
            ));
        }
        let site = self.clone();
        self.lock(|s| site.answer(s, &op, req)).flatten()
    }
}
