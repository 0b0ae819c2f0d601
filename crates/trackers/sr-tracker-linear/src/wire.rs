//! Linear's GraphQL documents and answers, as far as the adapter reads
//! them, and the explicit conversions to sr-model. Nothing here leaves the
//! crate. Every document is validated against Linear's published schema
//! by the mock the tests run against.

use std::collections::BTreeMap;

use serde::Deserialize;
use sr_model::{
    Comment, Issue, IssueRef, IssueState, IssueStatus, Label, Priority, Timestamp, User,
};
use sr_tracker::TrackerInfo;

/// The fields of an issue every document asks for.
const ISSUE_FIELDS: &str = "fragment IssueFields on Issue { id identifier number title description priority url createdAt updatedAt archivedAt trashed state { id name type } labels(first: 250) { nodes { id name } } assignee { id name displayName email } }";

pub(crate) const VIEWER: &str = "query Viewer { viewer { id name displayName email } }";

pub(crate) const TEAM: &str = "query Team($id: String!) { team(id: $id) { id key name states(first: 100) { nodes { id name type position } } } }";

pub(crate) const LABELS: &str = "query Labels($filter: IssueLabelFilter, $after: String) { issueLabels(filter: $filter, first: 250, after: $after) { nodes { id name color description } pageInfo { hasNextPage endCursor } } }";

pub(crate) const LABEL_CREATE: &str = "mutation LabelCreate($input: IssueLabelCreateInput!) { issueLabelCreate(input: $input) { success issueLabel { id name color description } } }";

pub(crate) const USERS: &str = "query Users($filter: UserFilter, $after: String) { users(filter: $filter, first: 100, after: $after) { nodes { id name displayName email active } pageInfo { hasNextPage endCursor } } }";

pub(crate) const COMMENTS: &str = "query Comments($filter: CommentFilter, $after: String) { comments(filter: $filter, first: 100, after: $after) { nodes { id body createdAt updatedAt user { id name displayName email } } pageInfo { hasNextPage endCursor } } }";

pub(crate) const COMMENT_CREATE: &str = "mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id body createdAt updatedAt user { id name displayName email } } } }";

pub(crate) const WEBHOOK_CREATE: &str = "mutation WebhookCreate($input: WebhookCreateInput!) { webhookCreate(input: $input) { success webhook { id url } } }";

pub(crate) const WEBHOOK_DELETE: &str =
    "mutation WebhookDelete($id: String!) { webhookDelete(id: $id) { success } }";

pub(crate) const ISSUE_DELETE: &str =
    "mutation IssueDelete($id: String!) { issueDelete(id: $id) { success } }";

/// A document with the issue fragment appended.
pub(crate) fn with_issue(op: &str) -> String {
    format!("{op} {ISSUE_FIELDS}")
}

pub(crate) const ISSUE: &str = "query Issue($id: String!) { issue(id: $id) { ...IssueFields } }";

pub(crate) const ISSUES: &str = "query Issues($filter: IssueFilter, $first: Int, $after: String) { issues(filter: $filter, first: $first, after: $after, orderBy: updatedAt) { nodes { ...IssueFields } pageInfo { hasNextPage endCursor } } }";

pub(crate) const ISSUE_CREATE: &str = "mutation IssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { ...IssueFields } } }";

pub(crate) const ISSUE_UPDATE: &str = "mutation IssueUpdate($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success issue { ...IssueFields } } }";

/// A connection page: `nodes` and `pageInfo`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Page<T> {
    pub nodes: Vec<T>,
    #[serde(rename = "pageInfo")]
    pub page_info: Option<PageInfo>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireUser {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireState {
    pub id: String,
    pub name: String,
    /// `triage`, `backlog`, `unstarted`, `started`, `completed`, `canceled`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub position: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireTeam {
    pub id: String,
    pub key: String,
    pub name: String,
    pub states: Page<WireState>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireLabel {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireIssue {
    pub id: String,
    pub identifier: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// 0 no priority, 1 urgent, 2 high, 3 medium, 4 low.
    pub priority: f64,
    pub url: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub archived_at: Option<Timestamp>,
    #[serde(default)]
    pub trashed: Option<bool>,
    pub state: WireState,
    pub labels: Page<WireLabel>,
    #[serde(default)]
    pub assignee: Option<WireUser>,
}

impl WireIssue {
    /// Deleted: in the trash or archived.
    pub fn gone(&self) -> bool {
        self.trashed == Some(true) || self.archived_at.is_some()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireComment {
    pub id: String,
    pub body: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub user: Option<WireUser>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireWebhook {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
}

/// Linear's priority for a level: P0 urgent … P3 low; P4 is low too
/// (Linear has four levels besides "no priority").
pub(crate) fn priority_to_linear(p: Priority) -> i64 {
    match p {
        Priority::P0 => 1,
        Priority::P1 => 2,
        Priority::P2 => 3,
        Priority::P3 | Priority::P4 => 4,
    }
}

pub(crate) fn priority_from_linear(p: f64) -> Option<Priority> {
    // Linear sends the priority as a Float; its values are whole numbers.
    match p.round() as i64 {
        1 => Some(Priority::P0),
        2 => Some(Priority::P1),
        3 => Some(Priority::P2),
        4 => Some(Priority::P3),
        _ => None,
    }
}

/// The product's status for a workflow state, by the state's type.
pub(crate) fn status_of(state_name: &str, kind: &str) -> IssueStatus {
    let state = match kind {
        "started" => IssueState::InProgress,
        "completed" | "canceled" => IssueState::Done,
        _ => IssueState::Open,
    };
    IssueStatus {
        state,
        name: state_name.to_owned(),
        resolution: match kind {
            "completed" => Some("completed".into()),
            "canceled" => Some("canceled".into()),
            _ => None,
        },
    }
}

/// What an issue carries, from the API or from a webhook.
pub(crate) struct IssueParts<'a> {
    pub identifier: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub priority: f64,
    pub url: &'a str,
    pub state_name: &'a str,
    pub state_kind: &'a str,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An issue as the product sees it. A label that stands for an issue type
/// becomes the type and leaves the list.
pub(crate) fn issue_from(
    p: IssueParts<'_>,
    info: &TrackerInfo,
    types: &BTreeMap<String, String>,
    team: &str,
) -> Issue {
    let mut issue_type = None;
    let mut labels = Vec::new();
    for l in p.labels {
        match types
            .iter()
            .find(|(_, label)| label.eq_ignore_ascii_case(&l))
        {
            Some((t, _)) if issue_type.is_none() => issue_type = Some(t.clone()),
            _ => labels.push(l),
        }
    }
    labels.sort();
    Issue {
        reference: IssueRef {
            key: info.key(p.identifier),
            display_key: p.identifier.to_owned(),
            url: p.url.to_owned(),
            title: p.title.to_owned(),
            status: status_of(p.state_name, p.state_kind),
            priority: priority_from_linear(p.priority),
            labels,
            assignee: p.assignee,
            created_at: p.created_at,
            updated_at: p.updated_at,
        },
        body: p.description.unwrap_or_default().to_owned(),
        issue_type,
        project: Some(team.to_owned()),
    }
}

/// How a user is named to the product: the name, which webhooks carry
/// too (their user objects have no display name), so that an issue reads
/// the same from both.
pub(crate) fn user_name(u: &WireUser) -> String {
    u.name.clone()
}

pub(crate) fn to_issue(
    w: &WireIssue,
    info: &TrackerInfo,
    types: &BTreeMap<String, String>,
    team: &str,
) -> Issue {
    issue_from(
        IssueParts {
            identifier: &w.identifier,
            title: &w.title,
            description: w.description.as_deref(),
            priority: w.priority,
            url: &w.url,
            state_name: &w.state.name,
            state_kind: &w.state.kind,
            labels: w.labels.nodes.iter().map(|l| l.name.clone()).collect(),
            assignee: w.assignee.as_ref().map(user_name),
            created_at: w.created_at,
            updated_at: w.updated_at,
        },
        info,
        types,
        team,
    )
}

pub(crate) fn to_comment(c: &WireComment) -> Comment {
    Comment {
        id: c.id.clone(),
        author: c.user.as_ref().map(user_name).unwrap_or_default(),
        body: c.body.clone(),
        created_at: c.created_at,
        updated_at: (c.updated_at != c.created_at).then_some(c.updated_at),
    }
}

pub(crate) fn to_label(l: &WireLabel) -> Label {
    Label {
        name: l.name.clone(),
        color: l.color.clone(),
        description: l.description.clone(),
    }
}

pub(crate) fn to_user(u: &WireUser) -> User {
    User {
        id: u.display_name.clone().unwrap_or_else(|| user_name(u)),
        name: u.name.clone(),
        email: u.email.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_both_ways() {
        for p in [Priority::P0, Priority::P1, Priority::P2, Priority::P3] {
            assert_eq!(priority_from_linear(priority_to_linear(p) as f64), Some(p));
        }
        assert_eq!(priority_to_linear(Priority::P4), 4);
        assert_eq!(priority_from_linear(0.0), None);
    }

    #[test]
    fn states_by_type() {
        let s = |k| status_of("X", k);
        assert_eq!(s("backlog").state, IssueState::Open);
        assert_eq!(s("triage").state, IssueState::Open);
        assert_eq!(s("unstarted").state, IssueState::Open);
        assert_eq!(s("started").state, IssueState::InProgress);
        assert_eq!(s("completed").resolution.as_deref(), Some("completed"));
        assert_eq!(
            (s("canceled").state, s("canceled").resolution.as_deref()),
            (IssueState::Done, Some("canceled"))
        );
    }
}
