//! Reading through GitLab: one issue, the issue list (`state`, `labels`,
//! `search`, `updated_after`), and offset pagination that follows the
//! `x-next-page` header (empty on the last page).

use serde::de::DeserializeOwned;
use sr_model::{Issue, SearchQuery, StateFilter};
use sr_tracker::reqwest::Method;
use sr_tracker::{ApiRequest, ErrorKind, Result, TrackerError};

use crate::wire::{self, WireIssue};
use crate::{GitLabTracker, PROVIDER, explain};

/// GitLab's largest page.
pub(crate) const PER_PAGE: &str = "100";

impl GitLabTracker {
    /// Sends one request, with GitLab's error shapes explained.
    pub(crate) async fn send(&self, req: ApiRequest) -> Result<sr_tracker::ApiResponse> {
        self.http.send(req).await.map_err(explain)
    }

    /// Reads pages from `first` (which carries `per_page`) while GitLab
    /// names a next page, until `limit` items are in.
    pub(crate) async fn pages<T: DeserializeOwned>(
        &self,
        first: ApiRequest,
        limit: usize,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut req = first;
        loop {
            let resp = self.send(req.clone()).await?;
            let page: Vec<T> = resp.json(PROVIDER).map_err(|_| TrackerError::Provider {
                provider: PROVIDER.into(),
                status: resp.status.as_u16(),
                message: format!(
                    "a page of {} is not the list expected; is the base URL a GitLab instance?",
                    req.what
                ),
            })?;
            out.extend(page);
            if out.len() >= limit {
                out.truncate(limit);
                return Ok(out);
            }
            let Some(next) = sr_tracker::paginate::next_page_number(&resp.headers) else {
                return Ok(out);
            };
            let pairs: Vec<(String, String)> = req
                .url
                .query_pairs()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            req.url
                .query_pairs_mut()
                .clear()
                .extend_pairs(pairs)
                .append_pair("page", &next.to_string());
        }
    }

    pub(crate) async fn wire_issue(&self, iid: u64) -> Result<Option<WireIssue>> {
        let req = ApiRequest::new(
            Method::GET,
            self.project_url(&["issues", &iid.to_string()]),
            "read issue",
        )
        .what(self.issue_what(iid));
        match self.send(req).await {
            Ok(resp) => Ok(Some(resp.json(PROVIDER)?)),
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Gone) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn convert(&self, w: &WireIssue) -> Issue {
        wire::to_issue(w, &self.info, &self.map, &self.project)
    }

    /// The project's issues, newest change first.
    pub(crate) async fn list(&self, query: &SearchQuery, limit: usize) -> Result<Vec<Issue>> {
        let mut url = self.project_url(&["issues"]);
        {
            let mut q = url.query_pairs_mut();
            match query.state {
                StateFilter::Open => {
                    q.append_pair("state", "opened");
                }
                StateFilter::Closed => {
                    q.append_pair("state", "closed");
                }
                StateFilter::All => {}
            }
            if !query.labels.is_empty() {
                let labels =
                    wire::label_list(&query.labels).map_err(|m| TrackerError::Validation {
                        provider: PROVIDER.into(),
                        errors: vec![m],
                    })?;
                q.append_pair("labels", &labels);
            }
            let text = query.text.trim();
            if !text.is_empty() {
                q.append_pair("search", text);
            }
            if let Some(since) = query.updated_since {
                q.append_pair(
                    "updated_after",
                    &since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                );
            }
            q.append_pair("order_by", "updated_at");
            q.append_pair("sort", "desc");
            q.append_pair("per_page", PER_PAGE);
        }
        let req = ApiRequest::new(Method::GET, url, "list issues")
            .what(format!("issues of {}", self.project_what()));
        let items: Vec<WireIssue> = self.pages(req, limit).await?;
        Ok(items.iter().map(|w| self.convert(w)).collect())
    }

    /// The numeric id of the user named `username`, through the users API.
    pub(crate) async fn user_id(&self, username: &str) -> Result<u64> {
        let name = username.trim().trim_start_matches('@');
        let mut url = self.http.endpoint(&["users"]);
        url.query_pairs_mut().append_pair("username", name);
        let req = ApiRequest::new(Method::GET, url, "find user").what(format!("user {name}"));
        let users: Vec<wire::WireUser> = self.send(req).await?.json(PROVIDER)?;
        users
            .iter()
            .find(|u| u.username.eq_ignore_ascii_case(name))
            .and_then(|u| u.id)
            .ok_or_else(|| TrackerError::Validation {
                provider: PROVIDER.into(),
                errors: vec![format!("assignee: no GitLab user is named `{name}`")],
            })
    }
}
