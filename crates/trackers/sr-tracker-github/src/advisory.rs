//! Repository security advisories as issues, as the product's sync data
//! model asks: type `Bug`, priority Critical for critical advisories and
//! High for every other severity; published, draft and triage advisories
//! are open, closed and withdrawn ones done. Their ids are the GHSA ids
//! (`github:github.com/acme/db:GHSA-abcd-1234-efgh`), apart from issue
//! numbers.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sr_model::{Issue, IssueRef, IssueState, IssueStatus, Priority};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{Result, TrackerInfo};

use crate::GitHubTracker;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct WireAdvisory {
    pub ghsa_id: String,
    #[serde(default)]
    pub cve_id: Option<String>,
    pub html_url: String,
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn to_issue(a: &WireAdvisory, info: &TrackerInfo, project: &str) -> Issue {
    let priority = match a.severity.as_deref() {
        Some("critical") => Priority::P0,
        _ => Priority::P1,
    };
    let status = match a.state.as_str() {
        "closed" | "withdrawn" => IssueStatus::closed(Some(a.state.clone())),
        other => IssueStatus {
            state: IssueState::Open,
            name: format!("Advisory {other}"),
            resolution: None,
        },
    };
    let mut labels = vec!["security".to_owned()];
    if let Some(s) = &a.severity {
        labels.push(format!("severity: {s}"));
    }
    let mut body = a.description.clone().unwrap_or_default();
    if let Some(cve) = &a.cve_id {
        body = format!("{cve}\n\n{body}");
    }
    Issue {
        reference: IssueRef {
            key: info.key(a.ghsa_id.clone()),
            display_key: a.ghsa_id.clone(),
            url: a.html_url.clone(),
            title: a.summary.clone(),
            status,
            priority: Some(priority),
            labels,
            assignee: None,
            created_at: a.created_at,
            updated_at: a.updated_at,
        },
        body,
        issue_type: Some("Bug".into()),
        project: Some(project.to_owned()),
    }
}

/// Whether an issue id is an advisory's (`GHSA-xxxx-xxxx-xxxx`).
pub(crate) fn is_advisory_id(id: &str) -> bool {
    id.starts_with("GHSA-")
}

impl GitHubTracker {
    /// One advisory by its GHSA id; `None` when GitHub does not know it.
    pub async fn security_advisory(&self, ghsa_id: &str) -> Result<Option<Issue>> {
        let req = ApiRequest::new(
            Method::GET,
            self.repo_url(&["security-advisories", ghsa_id]),
            "read security advisory",
        )
        .what(format!(
            "security advisory {ghsa_id} of {}",
            self.full_name()
        ));
        match self.http.get_cached(req).await {
            Ok(resp) => {
                let a: WireAdvisory = resp.json(crate::PROVIDER)?;
                Ok(Some(to_issue(&a, &self.info, &self.full_name())))
            }
            Err(e) if e.kind() == sr_tracker::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The repository's security advisories, newest update first, as `Bug`
    /// issues. Needs a token that may read them (repository admin or
    /// security manager); others get GitHub's 403 or 404.
    pub async fn security_advisories(&self, limit: usize) -> Result<Vec<Issue>> {
        let mut url = self.repo_url(&["security-advisories"]);
        url.query_pairs_mut()
            .append_pair("sort", "updated")
            .append_pair("direction", "desc")
            .append_pair("per_page", crate::read::PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "list security advisories")
            .what(format!("security advisories of {}", self.full_name()));
        let list: Vec<WireAdvisory> = self.http.get_pages(req, limit).await?;
        let project = self.full_name();
        Ok(list
            .iter()
            .map(|a| to_issue(a, &self.info, &project))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADVISORIES: &str = include_str!("../tests/fixtures/repository-advisories.json");

    #[test]
    fn advisories_become_bug_issues() {
        let info = TrackerInfo {
            name: "GitHub".into(),
            provider: "github".into(),
            instance: "github.com/repo/a-package".into(),
            web_url: None,
        };
        let list: Vec<WireAdvisory> = serde_json::from_str(ADVISORIES).expect("fixture");
        let got: Vec<_> = list
            .iter()
            .map(|a| to_issue(a, &info, "repo/a-package"))
            .map(|i| {
                (
                    i.key().to_string(),
                    i.reference.priority,
                    i.reference.status.state,
                    i.issue_type,
                    i.reference.labels,
                )
            })
            .collect();
        let labels = |s: &str| vec!["security".to_owned(), format!("severity: {s}")];
        assert_eq!(
            got,
            vec![
                (
                    "github:github.com/repo/a-package:GHSA-abcd-1234-efgh".into(),
                    Some(Priority::P0),
                    IssueState::Open,
                    Some("Bug".into()),
                    labels("critical")
                ),
                (
                    "github:github.com/repo/a-package:GHSA-1234-5678-9012".into(),
                    Some(Priority::P1),
                    IssueState::Open,
                    Some("Bug".into()),
                    labels("low")
                ),
            ]
        );
        let mut withdrawn = list[0].clone();
        withdrawn.state = "withdrawn".into();
        let i = to_issue(&withdrawn, &info, "repo/a-package");
        assert_eq!(
            (
                i.reference.status.state,
                i.reference.status.resolution.as_deref()
            ),
            (IssueState::Done, Some("withdrawn"))
        );
    }
}
