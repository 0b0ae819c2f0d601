//! Jira's JSON as REST v3 answers it, and the explicit conversions to
//! sr-model. Descriptions and comment bodies are ADF, converted to
//! Markdown here.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use sr_model::{Comment, Issue, IssueRef, IssueStatus, Timestamp, User};
use sr_tracker::TrackerInfo;

use crate::adf::adf_to_markdown;
use crate::config::{Mapping, state_of_category};

/// The fields every read asks for.
pub const FIELDS: [&str; 11] = [
    "summary",
    "description",
    "status",
    "priority",
    "labels",
    "assignee",
    "created",
    "updated",
    "issuetype",
    "project",
    "resolution",
];

#[derive(Debug, Clone, Deserialize)]
pub struct WireIssue {
    pub key: String,
    #[serde(default)]
    pub fields: Fields,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Fields {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<Value>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub priority: Option<Named>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub assignee: Option<WireUser>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub issuetype: Option<Named>,
    #[serde(default)]
    pub project: Option<WireProject>,
    #[serde(default)]
    pub resolution: Option<Named>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Named {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "statusCategory")]
    pub category: Option<Category>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    #[serde(default)]
    pub key: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireUser {
    #[serde(rename = "accountId", default)]
    pub account_id: String,
    /// The username, which Data Center names users by (it has no
    /// `accountId`).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "displayName", default)]
    pub display_name: String,
    #[serde(rename = "emailAddress", default)]
    pub email: Option<String>,
}

impl WireUser {
    /// The id assignments take: the `accountId` on Cloud, the username on
    /// Data Center.
    pub fn id(&self) -> String {
        match &self.name {
            Some(n) if self.account_id.is_empty() => n.clone(),
            _ => self.account_id.clone(),
        }
    }

    pub fn to_user(&self) -> User {
        User {
            id: self.id(),
            name: self.display_name.clone(),
            email: self.email.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireProject {
    #[serde(default)]
    pub id: String,
    pub key: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireComment {
    pub id: String,
    #[serde(default)]
    pub author: Option<WireUser>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Transition {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub to: Option<Status>,
    /// The fields of the transition's screen (asked for with
    /// `expand=transitions.fields`), by key.
    #[serde(default)]
    pub fields: Option<serde_json::Map<String, Value>>,
}

/// Jira's timestamps: `2024-01-15T10:30:00.000+0000` (offset without a
/// colon), or RFC 3339.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn time_or_epoch(s: Option<&str>) -> Timestamp {
    s.and_then(parse_time).unwrap_or_default()
}

/// Markdown of an ADF field; `null` or absent is the empty string, and a
/// string (wiki markup: Data Center's v2 answers, Jira's webhooks) is
/// converted from wiki markup.
pub fn markdown_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => crate::wiki::wiki_to_markdown(s),
        Some(v) => adf_to_markdown(v),
        None => String::new(),
    }
}

/// `https://acme.atlassian.net/browse/DB-7`.
pub fn browse_url(site: &str, key: &str) -> String {
    format!("{}/browse/{key}", site.trim_end_matches('/'))
}

impl WireIssue {
    pub fn to_issue(&self, info: &TrackerInfo, site: &str, map: &Mapping) -> Issue {
        let f = &self.fields;
        let (state, name) = match &f.status {
            Some(s) => (
                state_of_category(s.category.as_ref().map(|c| c.key.as_str()).unwrap_or("")),
                s.name.clone(),
            ),
            None => (state_of_category("new"), "To Do".to_owned()),
        };
        Issue {
            reference: IssueRef {
                key: info.key(self.key.clone()),
                display_key: self.key.clone(),
                url: browse_url(site, &self.key),
                title: f.summary.clone().unwrap_or_default(),
                status: IssueStatus {
                    state,
                    name,
                    resolution: f.resolution.as_ref().map(|r| r.name.clone()),
                },
                priority: f.priority.as_ref().and_then(|p| map.priority_of(&p.name)),
                labels: f.labels.clone(),
                assignee: f.assignee.as_ref().map(WireUser::id),
                created_at: time_or_epoch(f.created.as_deref()),
                updated_at: time_or_epoch(f.updated.as_deref()),
            },
            body: markdown_of(f.description.as_ref()),
            issue_type: f.issuetype.as_ref().map(|t| t.name.clone()),
            project: f.project.as_ref().map(|p| p.key.clone()),
        }
    }
}

impl WireComment {
    pub fn to_comment(&self) -> Comment {
        Comment {
            id: self.id.clone(),
            author: self
                .author
                .as_ref()
                .map(|a| a.display_name.clone())
                .unwrap_or_default(),
            body: markdown_of(self.body.as_ref()),
            created_at: time_or_epoch(self.created.as_deref()),
            updated_at: self.updated.as_deref().and_then(parse_time),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_model::{IssueState, Priority};

    fn info() -> TrackerInfo {
        TrackerInfo {
            name: "Company Jira".into(),
            provider: "jira".into(),
            instance: "acme.atlassian.net".into(),
            web_url: Some("https://acme.atlassian.net".into()),
        }
    }

    #[test]
    fn times() {
        for (s, want) in [
            ("2024-01-15T10:30:00.000+0000", Some("2024-01-15T10:30:00Z")),
            (
                "2024-01-15T12:30:00.123+0200",
                Some("2024-01-15T10:30:00.123Z"),
            ),
            ("2024-01-15T10:30:00Z", Some("2024-01-15T10:30:00Z")),
            ("yesterday", None),
        ] {
            let got = parse_time(s).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
            assert_eq!(got.as_deref(), want, "{s}");
        }
    }

    #[test]
    fn an_issue_as_jira_answers_it() {
        let wire: WireIssue = serde_json::from_value(serde_json::json!({
            "id": "10002", "key": "DB-7", "self": "https://acme.atlassian.net/rest/api/3/issue/10002",
            "fields": {
                "summary": "Orders drifted",
                "description": {"type": "doc", "version": 1, "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "See "}, {"type": "text", "text": "orders", "marks": [{"type": "code"}]}]}
                ]},
                "status": {"name": "In Review", "statusCategory": {"id": 4, "key": "indeterminate", "name": "In Progress"}},
                "priority": {"name": "High", "id": "2"},
                "labels": ["db"],
                "assignee": {"accountId": "5b10a2844c20165700ede21g", "displayName": "Mia Krystof"},
                "created": "2024-01-15T10:30:00.000+0000",
                "updated": "2024-01-16T10:30:00.000+0000",
                "issuetype": {"name": "Bug"},
                "project": {"id": "10000", "key": "DB", "name": "Database"},
                "resolution": null
            }
        }))
        .expect("issue");
        let issue = wire.to_issue(&info(), "https://acme.atlassian.net/", &Mapping::default());
        assert_eq!(issue.key().to_string(), "jira:acme.atlassian.net:DB-7");
        assert_eq!(issue.reference.display_key, "DB-7");
        assert_eq!(
            issue.reference.url,
            "https://acme.atlassian.net/browse/DB-7"
        );
        assert_eq!(issue.reference.status.state, IssueState::InProgress);
        assert_eq!(issue.reference.status.name, "In Review");
        assert_eq!(issue.reference.priority, Some(Priority::P1));
        assert_eq!(
            issue.reference.assignee.as_deref(),
            Some("5b10a2844c20165700ede21g")
        );
        assert_eq!(issue.body, "See `orders`");
        assert_eq!(issue.issue_type.as_deref(), Some("Bug"));
        assert_eq!(issue.project.as_deref(), Some("DB"));
    }
}
