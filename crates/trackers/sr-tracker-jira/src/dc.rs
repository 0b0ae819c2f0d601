//! What Jira Data Center's REST v2 does differently from Cloud's v3, for
//! trackers configured with `api_version: 2`: wiki markup bodies
//! ([`crate::wiki`]) instead of Atlassian Document Format, users named by username, `POST
//! /rest/api/2/search` paged by `startAt` and `total`, plain arrays for
//! priorities and projects, and no label list (Data Center has no REST
//! resource for one).

use serde::Deserialize;
use serde_json::{Value, json};
use sr_model::{Issue, Project, SearchQuery, User};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{Result, TrackerError};

use crate::adf::markdown_to_adf;
use crate::calls::PAGE;
use crate::wiki::markdown_to_wiki;
use crate::wire::{FIELDS, Named, WireIssue, WireProject, WireUser};
use crate::{JiraTracker, PROVIDER};

#[derive(Deserialize)]
struct OffsetSearch {
    #[serde(default)]
    issues: Vec<WireIssue>,
    #[serde(default)]
    total: Option<usize>,
}

impl JiraTracker {
    /// A description or comment body: ADF on Cloud, wiki markup on Data
    /// Center.
    pub(crate) fn body_value(&self, markdown: &str) -> Value {
        if self.v2 {
            json!(markdown_to_wiki(markdown))
        } else {
            markdown_to_adf(markdown)
        }
    }

    /// The user reference in a field: `{"accountId": …}` on Cloud,
    /// `{"name": username}` on Data Center.
    pub(crate) fn user_ref(&self, id: &str) -> Value {
        if self.v2 {
            json!({"name": id})
        } else {
            json!({"accountId": id})
        }
    }

    /// `POST /rest/api/2/search`, `startAt` pages until `total`.
    pub(crate) async fn search_v2(&self, query: &SearchQuery, limit: usize) -> Result<Vec<Issue>> {
        let jql = crate::jql::search(&self.project_key, query);
        let mut out: Vec<Issue> = Vec::new();
        loop {
            let body = json!({
                "jql": jql,
                "startAt": out.len(),
                "maxResults": PAGE.min(limit - out.len()),
                "fields": FIELDS,
            });
            let req = ApiRequest::new(Method::POST, self.api(&["search"]), "search issues")
                .what(format!("issues of project {}", self.project_key))
                // A search changes nothing.
                .idempotent(true)
                .json(body);
            let page: OffsetSearch = self.http.send(req).await?.json(PROVIDER)?;
            let n = page.issues.len();
            out.extend(
                page.issues
                    .iter()
                    .map(|w| w.to_issue(&self.info, &self.site, &self.map)),
            );
            let done = n == 0 || page.total.is_some_and(|t| out.len() >= t);
            if out.len() >= limit || done {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }

    /// `GET /rest/api/2/priority`: every priority, one array.
    pub(crate) async fn priorities_v2(&self) -> Result<Vec<String>> {
        let req =
            ApiRequest::new(Method::GET, self.api(&["priority"]), "priorities").what("priorities");
        let list: Vec<Named> = self.http.send(req).await?.json(PROVIDER)?;
        Ok(list.into_iter().map(|p| p.name).collect())
    }

    /// `GET /rest/api/2/project`: every visible project, one array.
    pub(crate) async fn projects_v2(&self) -> Result<Vec<Project>> {
        let req = ApiRequest::new(Method::GET, self.api(&["project"]), "projects").what("projects");
        let list: Vec<WireProject> = self.http.send(req).await?.json(PROVIDER)?;
        Ok(list
            .into_iter()
            .map(|p| Project {
                id: p.id,
                key: p.key,
                name: p.name,
            })
            .collect())
    }

    /// `GET /rest/api/2/user/assignable/search?username=…`.
    pub(crate) async fn users_v2(&self, project: &str, query: &str) -> Result<Vec<User>> {
        let mut url = self.api(&["user", "assignable", "search"]);
        url.query_pairs_mut()
            .append_pair("project", project)
            .append_pair("username", query)
            .append_pair("maxResults", "50");
        let req = ApiRequest::new(Method::GET, url, "search assignable users")
            .what(format!("project {project}"));
        let list: Vec<WireUser> = self.http.send(req).await?.json(PROVIDER)?;
        Ok(list.iter().map(WireUser::to_user).collect())
    }

    pub(crate) fn no_label_list(&self) -> TrackerError {
        TrackerError::Unsupported {
            provider: format!("{PROVIDER} Data Center"),
            operation:
                "listing labels (it has no REST resource for them; labels on issues still work)"
                    .into(),
        }
    }
}
