//! Azure DevOps's JSON as the adapter reads it, and its explicit
//! conversion to sr-model: work items (a map of field reference names to
//! values), comments, work item types with their states, WIQL answers.

use serde::Deserialize;
use serde_json::{Map, Value};
use sr_model::{Comment, Issue, IssueRef, IssueStatus, Timestamp};
use sr_tracker::TrackerInfo;

use crate::Mapping;

/// A work item: `{"id", "rev", "fields": {"System.Title": …}, "url"}`
/// (only `id` and `fields` are read).
#[derive(Debug, Clone, Deserialize)]
pub struct WireItem {
    pub id: u64,
    #[serde(default)]
    pub fields: Map<String, Value>,
}

/// `{"count", "value": [...]}`: how Azure DevOps wraps every list.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned"))]
pub struct List<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
}

/// A WIQL answer: references only.
#[derive(Debug, Deserialize)]
pub struct WiqlResult {
    #[serde(default, rename = "workItems")]
    pub work_items: Vec<WorkItemRef>,
}

#[derive(Debug, Deserialize)]
pub struct WorkItemRef {
    pub id: u64,
}

/// A work item type and its states.
#[derive(Debug, Clone, Deserialize)]
pub struct WireType {
    pub name: String,
    #[serde(default)]
    pub states: Vec<WireState>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireState {
    pub name: String,
    #[serde(default)]
    pub category: String,
}

/// A page of comments.
#[derive(Debug, Deserialize)]
pub struct CommentPage {
    #[serde(default)]
    pub comments: Vec<WireComment>,
    #[serde(default, rename = "continuationToken")]
    pub continuation_token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireComment {
    pub id: u64,
    #[serde(default)]
    pub text: String,
    /// `markdown` or `html`; `html` when absent (older comments).
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default, rename = "createdBy")]
    pub created_by: Option<Value>,
    #[serde(rename = "createdDate")]
    pub created_date: Timestamp,
    #[serde(default, rename = "modifiedDate")]
    pub modified_date: Option<Timestamp>,
    #[serde(default, rename = "isDeleted")]
    pub is_deleted: bool,
}

impl WireComment {
    pub fn to_comment(&self) -> Comment {
        let body = if self.format.as_deref() == Some("markdown") {
            self.text.trim().to_owned()
        } else {
            crate::html::to_markdown(&self.text)
        };
        Comment {
            id: self.id.to_string(),
            author: self.created_by.as_ref().map(identity).unwrap_or_default(),
            body,
            created_at: self.created_date,
            updated_at: self.modified_date.filter(|m| *m != self.created_date),
        }
    }
}

/// An identity field (`{"displayName", "uniqueName", …}`, or the older
/// `"Name <email>"` text) as the name people know.
pub fn identity(v: &Value) -> String {
    match v {
        Value::String(s) => s.split(" <").next().unwrap_or_default().to_owned(),
        Value::Object(o) => o
            .get("uniqueName")
            .or_else(|| o.get("displayName"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

/// The project's web root of the tracker `info`
/// (`https://dev.azure.com/acme/DB`): work item URLs start with it, the
/// same from a read and from a webhook.
pub fn site_of(info: &TrackerInfo) -> String {
    info.web_url
        .as_deref()
        .map(|u| u.trim_end_matches("/_workitems").to_owned())
        .unwrap_or_default()
}

/// `System.Tags` (`"db; orders"`) as a list.
pub fn tags(field: Option<&Value>) -> Vec<String> {
    field
        .and_then(Value::as_str)
        .map(|t| {
            t.split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn text<'a>(fields: &'a Map<String, Value>, name: &str) -> &'a str {
    fields.get(name).and_then(Value::as_str).unwrap_or_default()
}

fn time(fields: &Map<String, Value>, name: &str) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(text(fields, name))
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

impl WireItem {
    pub fn kind(&self) -> &str {
        text(&self.fields, "System.WorkItemType")
    }

    pub fn state(&self) -> &str {
        text(&self.fields, "System.State")
    }

    pub fn changed(&self) -> Option<Timestamp> {
        time(&self.fields, "System.ChangedDate")
    }

    /// The work item as an issue of the tracker `info`; `site` is the
    /// project's web root (`https://dev.azure.com/acme/DB`).
    pub fn to_issue(&self, info: &TrackerInfo, site: &str, map: &Mapping) -> Issue {
        let f = &self.fields;
        let kind = self.kind();
        let state = self.state();
        let changed = self.changed().unwrap_or_default();
        let mut labels = tags(f.get("System.Tags"));
        labels.sort_by_key(|l| l.to_lowercase());
        Issue {
            reference: IssueRef {
                key: info.key(self.id.to_string()),
                display_key: format!("#{}", self.id),
                url: format!("{site}/_workitems/edit/{}", self.id),
                title: text(f, "System.Title").to_owned(),
                status: IssueStatus {
                    state: map.state_of(kind, state),
                    name: state.to_owned(),
                    resolution: f
                        .get("System.Reason")
                        .and_then(Value::as_str)
                        .filter(|_| map.state_of(kind, state) == sr_model::IssueState::Done)
                        .map(str::to_owned),
                },
                priority: f
                    .get("Microsoft.VSTS.Common.Priority")
                    .and_then(Value::as_u64)
                    .and_then(|p| map.priority_of(p)),
                labels,
                assignee: f
                    .get("System.AssignedTo")
                    .map(identity)
                    .filter(|a| !a.is_empty()),
                created_at: time(f, "System.CreatedDate").unwrap_or(changed),
                updated_at: changed,
            },
            body: crate::html::to_markdown(text(f, "System.Description")),
            issue_type: Some(kind.to_owned()).filter(|k| !k.is_empty()),
            project: Some(text(f, "System.TeamProject").to_owned()).filter(|p| !p.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The work item of Microsoft's recorded "Get work item" example.
    #[test]
    fn a_recorded_work_item_converts() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../../shared/api-specs/azure-devops-wit-7.1-examples/workItems_GET__wit_WorkItems_id.json"
        );
        let text = std::fs::read(path).expect("example");
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
        let ex: Value = serde_json::from_slice(text).expect("json");
        let item: WireItem =
            serde_json::from_value(ex["responses"]["200"]["body"].clone()).expect("item");
        let info = TrackerInfo {
            name: "Boards".into(),
            provider: "azure_devops".into(),
            instance: "dev.azure.com/fabrikam/Fabrikam-Fiber-Git".into(),
            web_url: None,
        };
        let issue = item.to_issue(
            &info,
            "https://dev.azure.com/fabrikam/Fabrikam-Fiber-Git",
            &Mapping::default(),
        );
        assert_eq!(issue.reference.key.id, item.id.to_string());
        assert!(!issue.reference.title.is_empty());
        assert_eq!(issue.reference.status.name, item.state());
        assert_eq!(issue.issue_type.as_deref(), Some(item.kind()));
    }

    #[test]
    fn identities_and_tags() {
        assert_eq!(
            identity(&json!({"displayName": "Mia", "uniqueName": "mia@acme.com"})),
            "mia@acme.com"
        );
        assert_eq!(
            identity(&json!("Mia Krystof <mia@acme.com>")),
            "Mia Krystof"
        );
        assert_eq!(tags(Some(&json!("db; orders ;"))), ["db", "orders"]);
        assert!(tags(None).is_empty());
    }
}
