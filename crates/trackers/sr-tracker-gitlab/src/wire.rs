//! GitLab's JSON, as far as the adapter reads it, and the explicit
//! conversions to and from sr-model. Nothing here leaves the crate.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};
use sr_model::{Comment, Issue, IssueRef, Timestamp, User};
use sr_tracker::TrackerInfo;

use sr_tracker::kit::LabelMap;

/// An issue as `GET /projects/:id/issues/:iid` answers it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireIssue {
    pub iid: u64,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `opened` or `closed`.
    pub state: String,
    /// Label names (the default; `with_labels_details` is never asked).
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub assignees: Vec<WireUser>,
    #[serde(default)]
    pub web_url: Option<String>,
    #[serde(deserialize_with = "timestamp")]
    pub created_at: Timestamp,
    #[serde(deserialize_with = "timestamp")]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireUser {
    #[serde(default)]
    pub id: Option<u64>,
    pub username: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A note (comment) on an issue. System notes ("changed the label") are
/// GitLab's activity log, not comments.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireNote {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub author: Option<WireUser>,
    #[serde(deserialize_with = "timestamp")]
    pub created_at: Timestamp,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub system: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireProject {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    pub path_with_namespace: String,
    #[serde(default)]
    pub issues_enabled: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireHook {
    pub id: u64,
    #[serde(default)]
    pub url: Option<String>,
}

/// The answer of `POST /projects/:id/uploads`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireUpload {
    #[serde(default)]
    pub id: Option<u64>,
    pub url: String,
    #[serde(default)]
    pub full_path: Option<String>,
    pub markdown: String,
}

/// GitLab writes timestamps as RFC 3339 in the REST API and as
/// `2015-05-17 17:06:40 UTC` in webhook bodies.
pub(crate) fn parse_timestamp(s: &str) -> Option<Timestamp> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let s = s.trim();
    let naive = s.strip_suffix(" UTC").unwrap_or(s);
    if let Ok(t) = NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f %z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    let s = String::deserialize(d)?;
    parse_timestamp(&s)
        .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a GitLab timestamp")))
}

fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    Ok(s.as_deref().and_then(parse_timestamp))
}

/// What an issue carries, whether it came from the REST API or a webhook.
pub(crate) struct IssueParts<'a> {
    pub iid: u64,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub closed: bool,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
    pub url: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An issue as the product sees it. Labels that stand for a priority, an
/// issue type or "in progress" become those fields and leave the list.
pub(crate) fn issue_from(
    p: IssueParts<'_>,
    info: &TrackerInfo,
    map: &LabelMap,
    project: &str,
) -> Issue {
    let read = map.read(p.labels);
    Issue {
        reference: IssueRef {
            key: info.key(p.iid.to_string()),
            display_key: format!("#{}", p.iid),
            url: p.url,
            title: p.title.to_owned(),
            status: read.status(p.closed, None),
            priority: read.priority,
            labels: read.plain,
            assignee: p.assignee,
            created_at: p.created_at,
            updated_at: p.updated_at,
        },
        body: p.description.unwrap_or_default().to_owned(),
        issue_type: read.issue_type,
        project: Some(project.to_owned()),
    }
}

pub(crate) fn to_issue(w: &WireIssue, info: &TrackerInfo, map: &LabelMap, project: &str) -> Issue {
    issue_from(
        IssueParts {
            iid: w.iid,
            title: &w.title,
            description: w.description.as_deref(),
            closed: w.state == "closed",
            labels: w.labels.clone(),
            assignee: w.assignees.first().map(|a| a.username.clone()),
            url: w.web_url.clone().unwrap_or_default(),
            created_at: w.created_at,
            updated_at: w.updated_at,
        },
        info,
        map,
        project,
    )
}

/// GitLab takes labels as one comma-separated string, so a label holding a
/// comma cannot be sent.
pub(crate) fn label_list(labels: &[String]) -> Result<String, String> {
    if let Some(bad) = labels.iter().find(|l| l.contains(',')) {
        return Err(format!(
            "labels: `{bad}` holds a comma, which GitLab reads as two labels; rename it"
        ));
    }
    Ok(labels.join(","))
}

pub(crate) fn to_comment(n: &WireNote) -> Comment {
    Comment {
        id: n.id.to_string(),
        author: n
            .author
            .as_ref()
            .map(|u| u.username.clone())
            .unwrap_or_default(),
        body: n.body.clone().unwrap_or_default(),
        created_at: n.created_at,
        updated_at: n.updated_at.filter(|u| *u != n.created_at),
    }
}

pub(crate) fn to_user(u: &WireUser) -> User {
    User {
        id: u.username.clone(),
        name: u.name.clone().unwrap_or_else(|| u.username.clone()),
        email: u.email.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr_model::{IssueState, Priority};

    fn check(input: &str, expected: Option<&str>) {
        assert_eq!(
            parse_timestamp(input).map(|t| t.to_rfc3339()),
            expected.map(str::to_owned),
            "{input}"
        );
    }

    #[test]
    fn timestamps_in_both_forms() {
        check(
            "2016-01-04T15:31:51.081Z",
            Some("2016-01-04T15:31:51.081+00:00"),
        );
        check("2015-05-17 17:06:40 UTC", Some("2015-05-17T17:06:40+00:00"));
        check(
            "2015-05-17 17:06:40 +0200",
            Some("2015-05-17T15:06:40+00:00"),
        );
        check("2017-09-15 16:50:55 UTC", Some("2017-09-15T16:50:55+00:00"));
        check("yesterday", None);
        check("", None);
    }

    #[test]
    fn labels_as_a_comma_list() {
        let l = |v: &[&str]| label_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&["a", "b c"]), Ok("a,b c".into()));
        assert_eq!(l(&[]), Ok(String::new()));
        assert!(l(&["a,b"]).is_err_and(|e| e.contains("`a,b` holds a comma")));
    }

    #[test]
    fn rest_issue_converts() {
        let w: WireIssue = serde_json::from_value(serde_json::json!({
            "id": 76, "iid": 6, "project_id": 1, "title": "Orders", "description": null,
            "state": "opened", "labels": ["db", "priority::high", "workflow::in progress"],
            "assignees": [{"id": 1, "username": "root", "name": "Administrator"}],
            "web_url": "https://gitlab.example.com/g/d/-/issues/6",
            "created_at": "2016-01-04T15:31:51.081Z", "updated_at": "2016-01-04T15:31:51.081Z"
        }))
        .expect("issue");
        let info = TrackerInfo {
            name: "GitLab".into(),
            provider: "gitlab".into(),
            instance: "gitlab.example.com/g/d".into(),
            web_url: None,
        };
        let i = to_issue(&w, &info, &crate::GitLabConfig::default_labels(), "g/d");
        assert_eq!(
            i.reference.key.to_string(),
            "gitlab:gitlab.example.com/g/d:6"
        );
        assert_eq!(i.reference.display_key, "#6");
        assert_eq!(i.reference.labels, ["db"]);
        assert_eq!(i.reference.priority, Some(Priority::P1));
        assert_eq!(i.reference.status.state, IssueState::InProgress);
        assert_eq!(i.reference.assignee.as_deref(), Some("root"));
        assert_eq!(i.body, "");
    }
}
