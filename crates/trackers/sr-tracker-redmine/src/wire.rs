//! Redmine's JSON, as far as the adapter reads it. Nothing here leaves the
//! crate; the conversion to sr-model is in `convert`.

use serde::Deserialize;
use sr_model::Timestamp;

/// `{"id": …, "name": …}`, how Redmine names a related record.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Named {
    pub id: u64,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireCustomValue {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    /// A string, or a list for multiple-value fields; `null` when unset.
    #[serde(default)]
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireJournal {
    pub id: u64,
    #[serde(default)]
    pub user: Option<Named>,
    #[serde(default)]
    pub notes: Option<String>,
    pub created_on: Timestamp,
    /// Redmine 5.1 and later.
    #[serde(default)]
    pub updated_on: Option<Timestamp>,
}

/// An issue as `GET /issues/:id.json` answers it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireIssue {
    pub id: u64,
    pub project: Named,
    pub tracker: Named,
    pub status: Named,
    pub priority: Named,
    #[serde(default)]
    pub assigned_to: Option<Named>,
    pub subject: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub custom_fields: Vec<WireCustomValue>,
    pub created_on: Timestamp,
    pub updated_on: Timestamp,
    /// Only with `include=journals`.
    #[serde(default)]
    pub journals: Vec<WireJournal>,
}

/// One of `GET /custom_fields.json` (administrators only).
#[derive(Debug, Deserialize)]
pub(crate) struct WireCustomField {
    pub id: u64,
    pub name: String,
    /// `issue`, `project`, `user`, …
    pub customized_type: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CustomFields {
    pub custom_fields: Vec<WireCustomField>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct IssueEnvelope {
    pub issue: WireIssue,
}

/// One page of `GET /issues.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct IssuePage {
    pub issues: Vec<WireIssue>,
    #[serde(default)]
    pub total_count: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireStatus {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub is_closed: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Statuses {
    pub issue_statuses: Vec<WireStatus>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireTracker {
    pub id: u64,
    pub name: String,
    #[serde(default)]
    pub default_status: Option<Named>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Trackers {
    pub trackers: Vec<WireTracker>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WirePriority {
    pub id: u64,
    pub name: String,
    /// Redmine 4.x and later; older servers list only active ones.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub(crate) struct Priorities {
    pub issue_priorities: Vec<WirePriority>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireProject {
    pub id: u64,
    pub name: String,
    pub identifier: String,
    #[serde(default)]
    pub trackers: Vec<Named>,
    #[serde(default)]
    pub issue_custom_fields: Vec<Named>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProjectEnvelope {
    pub project: WireProject,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireUser {
    pub id: u64,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
}

impl WireUser {
    pub fn display(&self) -> String {
        let name = format!(
            "{} {}",
            self.firstname.as_deref().unwrap_or_default(),
            self.lastname.as_deref().unwrap_or_default()
        );
        let name = name.trim();
        if name.is_empty() {
            self.login.clone().unwrap_or_else(|| self.id.to_string())
        } else {
            name.to_owned()
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct UserEnvelope {
    pub user: WireUser,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Users {
    pub users: Vec<WireUser>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireMembership {
    #[serde(default)]
    pub user: Option<Named>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Memberships {
    pub memberships: Vec<WireMembership>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadToken {
    pub token: String,
}

/// The answer of `POST /uploads.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct UploadEnvelope {
    pub upload: UploadToken,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireAttachment {
    pub id: u64,
    pub filename: String,
    #[serde(default)]
    pub filesize: u64,
    #[serde(default)]
    pub content_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct IssueAttachments {
    #[serde(default)]
    pub attachments: Vec<WireAttachment>,
}

/// `GET /issues/:id.json?include=attachments`, as far as attachments go.
#[derive(Debug, Deserialize)]
pub(crate) struct AttachmentsEnvelope {
    pub issue: IssueAttachments,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_as_redmine_5_writes_it() {
        let w: IssueEnvelope = serde_json::from_str(
            r#"{"issue":{"id":7,"project":{"id":1,"name":"DB"},"tracker":{"id":1,"name":"Bug"},
            "status":{"id":2,"name":"In Progress"},"priority":{"id":4,"name":"High"},
            "author":{"id":1,"name":"Redmine Admin"},"subject":"Drift","description":null,
            "start_date":"2026-12-07","due_date":null,"done_ratio":0,"is_private":false,
            "custom_fields":[{"id":1,"name":"Labels","value":"db, sr"}],
            "created_on":"2026-12-07T15:00:00Z","updated_on":"2026-12-07T15:01:02Z","closed_on":null,
            "journals":[{"id":3,"user":{"id":1,"name":"Redmine Admin"},"notes":"seen","created_on":"2026-12-07T15:01:02Z","private_notes":false,"details":[]}]}}"#,
        )
        .expect("issue");
        assert_eq!(w.issue.id, 7);
        assert_eq!(w.issue.custom_fields[0].value, "db, sr");
        assert_eq!(w.issue.journals[0].notes.as_deref(), Some("seen"));
        assert!(w.issue.assigned_to.is_none());
    }
}
