//! Issues as the product sees them, whatever tracker holds them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// The global identity of an issue: `{provider}:{instance}:{id}`, for example
/// `github:github.com/acme/db:123` or `local:default:7`.
///
/// The instance may itself contain `:` (a host with a port), so parsing takes
/// the provider up to the first `:` and the id after the last one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IssueKey {
    pub provider: String,
    pub instance: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not an issue key: {reason}; write it as provider:instance:id, for example local:default:7"
)]
pub struct IssueKeyError {
    pub input: String,
    pub reason: &'static str,
}

impl IssueKey {
    pub fn new(
        provider: impl Into<String>,
        instance: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        IssueKey {
            provider: provider.into(),
            instance: instance.into(),
            id: id.into(),
        }
    }
}

impl fmt::Display for IssueKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.provider, self.instance, self.id)
    }
}

impl FromStr for IssueKey {
    type Err = IssueKeyError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason| IssueKeyError {
            input: input.to_owned(),
            reason,
        };
        let (provider, rest) = input.split_once(':').ok_or_else(|| err("it has no `:`"))?;
        let (instance, id) = rest
            .rsplit_once(':')
            .ok_or_else(|| err("it has no instance"))?;
        if provider.is_empty() || instance.is_empty() || id.is_empty() {
            return Err(err("the provider, instance or id is empty"));
        }
        if !provider
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(err(
                "the provider may hold only letters, digits, `-` and `_`",
            ));
        }
        Ok(IssueKey::new(provider, instance, id))
    }
}

impl Serialize for IssueKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IssueKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Priority on the product's own scale; adapters map it to the provider's
/// values or labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub const ALL: [Priority; 5] = [
        Priority::P0,
        Priority::P1,
        Priority::P2,
        Priority::P3,
        Priority::P4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P0 => "P0",
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }

    /// The word most trackers use for this level.
    pub fn label(self) -> &'static str {
        match self {
            Priority::P0 => "Critical",
            Priority::P1 => "High",
            Priority::P2 => "Medium",
            Priority::P3 => "Low",
            Priority::P4 => "Lowest",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(t) || p.label().eq_ignore_ascii_case(t))
            .ok_or_else(|| format!("unknown priority `{s}`; expected P0, P1, P2, P3 or P4"))
    }
}

/// Where an issue stands, reduced to the three categories every tracker has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueState {
    Open,
    InProgress,
    Done,
}

impl IssueState {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueState::Open => "open",
            IssueState::InProgress => "in_progress",
            IssueState::Done => "done",
        }
    }

    pub fn is_open(self) -> bool {
        self != IssueState::Done
    }
}

impl FromStr for IssueState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "open" => Ok(IssueState::Open),
            "in_progress" => Ok(IssueState::InProgress),
            "done" | "closed" => Ok(IssueState::Done),
            _ => Err(format!(
                "unknown issue state `{s}`; expected open, in_progress or done"
            )),
        }
    }
}

/// An issue's status: the category plus the provider's own name for it
/// ("In Review") and, for closed issues, why ("completed", "not_planned",
/// "Won't Do").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IssueStatus {
    pub state: IssueState,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

impl IssueStatus {
    pub fn open() -> Self {
        IssueStatus {
            state: IssueState::Open,
            name: "Open".into(),
            resolution: None,
        }
    }

    pub fn closed(resolution: Option<String>) -> Self {
        IssueStatus {
            state: IssueState::Done,
            name: "Closed".into(),
            resolution,
        }
    }
}

/// The spec's IssueReference: what the product keeps about an issue to show
/// and link it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRef {
    pub key: IssueKey,
    /// What people call it: `DB-123`, `#456`, `LOCAL-7`.
    pub display_key: String,
    pub url: String,
    pub title: String,
    pub status: IssueStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl IssueRef {
    pub fn provider(&self) -> &str {
        &self.key.provider
    }

    pub fn issue_id(&self) -> &str {
        &self.key.id
    }
}

/// A whole issue: the reference plus the fields that are too large to keep
/// on every link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    #[serde(flatten)]
    pub reference: IssueRef,
    #[serde(default)]
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
}

impl Issue {
    pub fn key(&self) -> &IssueKey {
        &self.reference.key
    }

    /// The hash that decides whether a fetched issue differs from the cached
    /// one. Timestamps are left out: a provider that bumps `updated_at`
    /// without changing anything visible should not count as a change.
    pub fn content_hash(&self) -> String {
        let r = &self.reference;
        crate::content_hash(&(
            &r.key,
            &r.display_key,
            &r.url,
            &r.title,
            &r.status,
            &r.priority,
            &r.labels,
            &r.assignee,
            &self.body,
            &self.issue_type,
            &self.project,
        ))
    }
}

/// What a caller asks a tracker to create.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueDraft {
    pub title: String,
    pub body: String,
    pub project: Option<String>,
    pub issue_type: Option<String>,
    pub priority: Option<Priority>,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
}

impl IssueDraft {
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        IssueDraft {
            title: title.into(),
            body: body.into(),
            ..IssueDraft::default()
        }
    }
}

/// A change to an issue. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssueUpdate {
    pub title: Option<String>,
    pub body: Option<String>,
    /// `Done` closes (with `resolution` as the reason when given); `Open`
    /// reopens; `InProgress` moves to the tracker's in-progress state.
    pub state: Option<IssueState>,
    pub resolution: Option<String>,
    pub priority: Option<Priority>,
    /// Replaces the whole label set.
    pub labels: Option<Vec<String>>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<String>>,
}

impl IssueUpdate {
    pub fn is_empty(&self) -> bool {
        *self == IssueUpdate::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub author: String,
    pub body: String,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentUpload {
    pub filename: String,
    pub content_type: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub filename: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The provider's id for assignment (login, account id, numeric id).
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// Which issues a search returns by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    #[default]
    Open,
    Closed,
    All,
}

/// A search over one tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// Words to look for in title and body; empty means "recent issues".
    pub text: String,
    pub labels: Vec<String>,
    pub state: StateFilter,
    pub updated_since: Option<Timestamp>,
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            labels: Vec::new(),
            state: StateFilter::All,
            updated_since: None,
            limit: 50,
        }
    }
}

impl SearchQuery {
    pub fn text(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<(&str, &str, &str), &str>) {
        match (input.parse::<IssueKey>(), expected) {
            (Ok(k), Ok((p, i, id))) => {
                assert_eq!(
                    (k.provider.as_str(), k.instance.as_str(), k.id.as_str()),
                    (p, i, id)
                );
                assert_eq!(k.to_string(), input);
            }
            (Err(e), Err(reason)) => assert_eq!(e.reason, reason),
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn issue_keys() {
        check("local:default:7", Ok(("local", "default", "7")));
        check(
            "github:github.com/acme/db:123",
            Ok(("github", "github.com/acme/db", "123")),
        );
        check(
            "jira:acme.atlassian.net:DB-123",
            Ok(("jira", "acme.atlassian.net", "DB-123")),
        );
        check(
            "gitlab:127.0.0.1:8080/g/p:45",
            Ok(("gitlab", "127.0.0.1:8080/g/p", "45")),
        );
        check("LOCAL-7", Err("it has no `:`"));
        check("local:7", Err("it has no instance"));
        check("local::7", Err("the provider, instance or id is empty"));
        check(
            "lo cal:x:7",
            Err("the provider may hold only letters, digits, `-` and `_`"),
        );
    }

    #[test]
    fn priorities_parse_by_level_or_word() {
        assert_eq!("p1".parse::<Priority>(), Ok(Priority::P1));
        assert_eq!("High".parse::<Priority>(), Ok(Priority::P1));
        assert!("urgent".parse::<Priority>().is_err());
    }
}
