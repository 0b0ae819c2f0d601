//! GitHub's JSON, as far as the adapter reads it, and the explicit
//! conversions to and from sr-model. Nothing here leaves the crate.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use sr_model::{Comment, Issue, IssueDraft, IssueRef, User};
use sr_tracker::TrackerInfo;

use sr_tracker::kit::LabelMap;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireIssue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub state_reason: Option<String>,
    #[serde(default)]
    pub labels: Vec<WireLabelRef>,
    #[serde(default)]
    pub assignee: Option<WireUser>,
    pub html_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Present when the "issue" is a pull request.
    #[serde(default)]
    pub pull_request: Option<Value>,
}

impl WireIssue {
    pub fn is_pull_request(&self) -> bool {
        self.pull_request.as_ref().is_some_and(|v| !v.is_null())
    }

    pub fn label_names(&self) -> Vec<String> {
        self.labels
            .iter()
            .filter_map(|l| match l {
                WireLabelRef::Name(n) => Some(n.clone()),
                WireLabelRef::Label { name } => name.clone(),
            })
            .collect()
    }
}

/// Labels on an issue are label objects or, in some payloads, bare names.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum WireLabelRef {
    Name(String),
    Label {
        #[serde(default)]
        name: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireUser {
    pub login: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub user: Option<WireUser>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireRepo {
    pub name: String,
    pub full_name: String,
    #[serde(default)]
    pub has_issues: Option<bool>,
    #[serde(default)]
    pub permissions: Option<WirePermissions>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WirePermissions {
    #[serde(default)]
    pub push: bool,
    #[serde(default)]
    pub triage: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireHook {
    pub id: u64,
    #[serde(default)]
    pub config: Option<WireHookConfig>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireHookConfig {
    #[serde(default)]
    pub url: Option<String>,
}

/// An issue as the product sees it. Labels that stand for a priority, an
/// issue type or "in progress" become those fields and leave the label list.
pub(crate) fn to_issue(w: &WireIssue, info: &TrackerInfo, map: &LabelMap, project: &str) -> Issue {
    let read = map.read(w.label_names());
    Issue {
        reference: IssueRef {
            key: info.key(w.number.to_string()),
            display_key: format!("#{}", w.number),
            url: w.html_url.clone(),
            title: w.title.clone(),
            status: read.status(w.state == "closed", w.state_reason.clone()),
            priority: read.priority,
            labels: read.plain,
            assignee: w.assignee.as_ref().map(|a| a.login.clone()),
            created_at: w.created_at,
            updated_at: w.updated_at,
        },
        body: w.body.clone().unwrap_or_default(),
        issue_type: read.issue_type,
        project: Some(project.to_owned()),
    }
}

/// The body of `POST /repos/{owner}/{repo}/issues`.
pub(crate) fn create_body(draft: &IssueDraft, labels: &[String]) -> Value {
    let mut body = json!({"title": draft.title.trim(), "body": draft.body, "labels": labels});
    if !draft.assignees.is_empty() {
        body["assignees"] = json!(draft.assignees);
    }
    body
}

/// GitHub's `state_reason` for a resolution the user gave.
pub(crate) fn state_reason(resolution: Option<&str>) -> &'static str {
    let r = resolution
        .unwrap_or("completed")
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-', '\''], "_");
    match r.as_str() {
        "not_planned" | "won_t_do" | "wont_do" | "wontfix" | "won_t_fix" | "invalid"
        | "obsolete" => "not_planned",
        "duplicate" => "duplicate",
        _ => "completed",
    }
}

pub(crate) fn to_comment(c: &WireComment) -> Comment {
    Comment {
        id: c.id.to_string(),
        author: c.user.as_ref().map(|u| u.login.clone()).unwrap_or_default(),
        body: c.body.clone().unwrap_or_default(),
        created_at: c.created_at,
        updated_at: (c.updated_at != c.created_at).then_some(c.updated_at),
    }
}

pub(crate) fn to_user(u: &WireUser) -> User {
    User {
        id: u.login.clone(),
        name: u.name.clone().unwrap_or_else(|| u.login.clone()),
        email: u.email.clone(),
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
