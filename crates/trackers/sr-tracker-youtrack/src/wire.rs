//! YouTrack's JSON as the adapter reads it, and its explicit conversion
//! to sr-model. Every entity carries a `$type`; custom field values are
//! told apart by it (`StateIssueCustomField`, `SingleEnumIssueCustomField`,
//! `SingleUserIssueCustomField`, …) and read by the attribute their value
//! type has (`name`, `login`). Times are epoch milliseconds.

use serde::Deserialize;
use serde_json::Value;
use sr_model::{Comment, Issue, IssueRef, IssueState, IssueStatus, Timestamp};
use sr_tracker::TrackerInfo;

use crate::Mapping;

/// The `fields` projection of an issue: YouTrack sends only what is asked.
pub const ISSUE_FIELDS: &str = "id,idReadable,summary,description,created,updated,resolved,\
project(shortName),tags(name),customFields(name,value(name,login,isResolved))";
/// The `fields` projection of a comment.
pub const COMMENT_FIELDS: &str = "id,text,created,updated,deleted,author(login,name)";
/// The `fields` projection of a project's custom field settings.
pub const PROJECT_FIELD_FIELDS: &str = "id,canBeEmpty,field(name,fieldType(id)),bundle(values(name,isResolved),aggregatedUsers(login))";

#[derive(Debug, Clone, Deserialize)]
pub struct WireIssue {
    #[serde(rename = "idReadable")]
    pub id_readable: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    pub created: i64,
    pub updated: i64,
    #[serde(default)]
    pub project: Option<WireProject>,
    #[serde(default)]
    pub tags: Vec<Named>,
    #[serde(default, rename = "customFields")]
    pub custom_fields: Vec<WireField>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireProject {
    #[serde(default)]
    pub id: String,
    #[serde(default, rename = "shortName")]
    pub short_name: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Named {
    #[serde(default)]
    pub name: String,
}

/// An issue's custom field: `{"$type", "name", "value"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct WireField {
    #[serde(rename = "$type", default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: Value,
}

impl WireField {
    /// The value's name as people read it: a user's `login`, an enum or
    /// state element's `name`; multi-value fields are not read.
    pub fn text(&self) -> Option<&str> {
        let key = match self.kind.as_str() {
            "SingleUserIssueCustomField" => "login",
            "StateIssueCustomField"
            | "StateMachineIssueCustomField"
            | "SingleEnumIssueCustomField"
            | "SingleOwnedIssueCustomField"
            | "SingleVersionIssueCustomField"
            | "SingleBuildIssueCustomField" => "name",
            _ => return None,
        };
        self.value.get(key).and_then(Value::as_str)
    }
}

/// A project's settings of one custom field.
#[derive(Debug, Clone, Deserialize)]
pub struct ProjectField {
    #[serde(default, rename = "canBeEmpty")]
    pub can_be_empty: bool,
    pub field: FieldInfo,
    #[serde(default)]
    pub bundle: Option<Bundle>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldInfo {
    pub name: String,
    #[serde(rename = "fieldType")]
    pub field_type: FieldType,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldType {
    /// `state[1]`, `enum[1]`, `user[1]`, `enum[*]`, …
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Bundle {
    #[serde(default)]
    pub values: Vec<BundleValue>,
    #[serde(default, rename = "aggregatedUsers")]
    pub users: Vec<Login>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BundleValue {
    pub name: String,
    #[serde(default, rename = "isResolved")]
    pub is_resolved: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Login {
    pub login: String,
}

impl ProjectField {
    /// The `$type` an issue's value of this field has, which writes must
    /// name; `None` for types the adapter does not write (multi-value).
    pub fn issue_type(&self) -> Option<&'static str> {
        Some(match self.field.field_type.id.as_str() {
            "state[1]" => "StateIssueCustomField",
            "enum[1]" => "SingleEnumIssueCustomField",
            "user[1]" => "SingleUserIssueCustomField",
            "ownedField[1]" => "SingleOwnedIssueCustomField",
            "version[1]" => "SingleVersionIssueCustomField",
            "build[1]" => "SingleBuildIssueCustomField",
            _ => return None,
        })
    }

    /// The value names with whether each is resolved.
    pub fn values(&self) -> Vec<(String, bool)> {
        self.bundle
            .as_ref()
            .map(|b| {
                b.values
                    .iter()
                    .map(|v| (v.name.clone(), v.is_resolved))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
pub struct WireComment {
    pub id: String,
    #[serde(default)]
    pub text: Option<String>,
    pub created: i64,
    #[serde(default)]
    pub updated: Option<i64>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub author: Option<Login>,
}

/// Epoch milliseconds as a time.
pub fn time(ms: i64) -> Timestamp {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl WireComment {
    pub fn to_comment(&self) -> Comment {
        Comment {
            id: self.id.clone(),
            author: self
                .author
                .as_ref()
                .map(|a| a.login.clone())
                .unwrap_or_default(),
            // Markdown is YouTrack's own format: kept as is.
            body: self.text.clone().unwrap_or_default().trim().to_owned(),
            created_at: time(self.created),
            updated_at: self.updated.filter(|u| *u != self.created).map(time),
        }
    }
}

impl WireIssue {
    fn field(&self, name: &str) -> Option<&WireField> {
        self.custom_fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// The State value and whether YouTrack counts it resolved.
    pub fn state(&self, map: &Mapping) -> (String, bool) {
        let f = self.field(&map.fields.state);
        let name = f.and_then(WireField::text).unwrap_or_default().to_owned();
        let resolved = f
            .and_then(|f| f.value.get("isResolved"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        (name, resolved)
    }

    /// The issue of the tracker `info`; `site` is the instance's web root.
    pub fn to_issue(&self, info: &TrackerInfo, site: &str, map: &Mapping) -> Issue {
        let (state_name, resolved) = self.state(map);
        let state = map.state_of(&state_name, resolved);
        let text = |name: &str| {
            self.field(name)
                .and_then(WireField::text)
                .map(str::to_owned)
        };
        let mut labels: Vec<String> = self.tags.iter().map(|t| t.name.clone()).collect();
        labels.sort_by_key(|l| l.to_lowercase());
        Issue {
            reference: IssueRef {
                key: info.key(self.id_readable.clone()),
                display_key: self.id_readable.clone(),
                url: format!("{site}/issue/{}", self.id_readable),
                title: self.summary.clone(),
                status: IssueStatus {
                    state,
                    resolution: (state == IssueState::Done).then(|| state_name.clone()),
                    name: state_name,
                },
                priority: text(&map.fields.priority).and_then(|p| map.priority_of(&p)),
                labels,
                assignee: text(&map.fields.assignee),
                created_at: time(self.created),
                updated_at: time(self.updated),
            },
            body: self
                .description
                .clone()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            issue_type: text(&map.fields.kind),
            project: self
                .project
                .as_ref()
                .map(|p| p.short_name.clone())
                .filter(|p| !p.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An issue as the Developer Portal's "Get Issues List with All
    /// Values" shows one: `$type` on every entity, values by `$type`.
    #[test]
    fn custom_fields_are_read_by_their_type() {
        let issue: WireIssue = serde_json::from_value(json!({
        "$type": "Issue", "id": "2-7", "idReadable": "SP-8", "summary": "Orders drifted",
        "description": null, "created": 1_700_000_000_000_i64, "updated": 1_700_000_100_000_i64,
        "tags": [{"$type": "IssueTag", "name": "db"}],
        "customFields": [
            {"$type": "StateIssueCustomField", "name": "State",
             "value": {"$type": "StateBundleElement", "name": "Fixed", "isResolved": true}},
            {"$type": "SingleEnumIssueCustomField", "name": "Priority",
             "value": {"$type": "EnumBundleElement", "name": "Major"}},
            {"$type": "SingleUserIssueCustomField", "name": "Assignee",
             "value": {"$type": "User", "login": "mia", "name": "Mia"}},
            {"$type": "MultiEnumIssueCustomField", "name": "Type", "value": [{"name": "Bug"}]}
        ]}))
        .expect("issue");
        let info = TrackerInfo {
            name: "YT".into(),
            provider: "youtrack".into(),
            instance: "acme.youtrack.cloud/SP".into(),
            web_url: None,
        };
        let i = issue.to_issue(&info, "https://acme.youtrack.cloud", &Mapping::default());
        assert_eq!(i.reference.status.state, IssueState::Done);
        assert_eq!(i.reference.status.name, "Fixed");
        assert_eq!(i.reference.priority, Some(sr_model::Priority::P2));
        assert_eq!(i.reference.assignee.as_deref(), Some("mia"));
        // A multi-value Type is not read as one value.
        assert_eq!(i.issue_type, None);
        assert_eq!(i.reference.url, "https://acme.youtrack.cloud/issue/SP-8");
        assert_eq!(i.reference.updated_at.timestamp_millis(), 1_700_000_100_000);
    }
}
