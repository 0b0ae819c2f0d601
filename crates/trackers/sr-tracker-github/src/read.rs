//! Reading through GitHub: one issue (with its ETag), the issue list
//! (pull requests left out, `since`), the search API, and the label set
//! that writes make sure of.

use serde_json::json;
use sr_model::{Issue, SearchQuery, StateFilter};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::{Method, Url};
use sr_tracker::{ErrorKind, Result, TrackerError};

use crate::wire::{self, WireIssue};
use crate::{GitHubTracker, PROVIDER};
use sr_tracker::kit::WireLabel;

/// GitHub's largest page.
pub(crate) const PER_PAGE: &str = "100";

impl GitHubTracker {
    pub(crate) async fn wire_issue(&self, n: u64) -> Result<Option<WireIssue>> {
        let req = ApiRequest::new(
            Method::GET,
            self.repo_url(&["issues", &n.to_string()]),
            "read issue",
        )
        .what(self.issue_what(n));
        match self.http.get_cached(req).await {
            Ok(resp) => {
                let w: WireIssue = resp.json(PROVIDER)?;
                Ok((!w.is_pull_request()).then_some(w))
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Gone) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn convert(&self, w: &WireIssue) -> Issue {
        wire::to_issue(w, &self.info, &self.map, &self.full_name())
    }

    /// Creates the labels that do not exist yet (GitHub would otherwise
    /// create them grey, or drop them for users without push access).
    pub(crate) async fn ensure_labels(&self, labels: &[String]) -> Result<()> {
        if labels.is_empty() {
            return Ok(());
        }
        let cached = self.known_labels.lock().ok().and_then(|k| k.clone());
        let mut known = match cached {
            Some(k) => k,
            None => {
                let req = ApiRequest::new(Method::GET, self.labels_url(), "list labels")
                    .what(format!("labels of {}", self.full_name()));
                let all: Vec<WireLabel> = self.http.get_pages(req, 10_000).await?;
                all.into_iter().map(|l| l.name.to_lowercase()).collect()
            }
        };
        for label in labels {
            if known.contains(&label.to_lowercase()) {
                continue;
            }
            let body =
                json!({"name": label, "color": "ededed", "description": "Added by ScratchRobin"});
            let req = ApiRequest::new(Method::POST, self.repo_url(&["labels"]), "create label")
                .json(body)
                .what(format!("label `{label}`"));
            match self.http.send(req).await {
                Ok(_) => {}
                // Someone else created it meanwhile.
                Err(TrackerError::Validation { errors, .. })
                    if errors.iter().any(|e| e.contains("already_exists")) => {}
                Err(e) => return Err(e),
            }
            known.insert(label.to_lowercase());
        }
        if let Ok(mut k) = self.known_labels.lock() {
            *k = Some(known);
        }
        Ok(())
    }

    pub(crate) fn labels_url(&self) -> Url {
        let mut url = self.repo_url(&["labels"]);
        url.query_pairs_mut().append_pair("per_page", PER_PAGE);
        url
    }

    /// The issue list, newest change first. An unchanged poll (same
    /// `updated_since`, which should be the newest `updated_at` already
    /// seen) is answered 304 for its first page.
    pub(crate) async fn list(&self, query: &SearchQuery, limit: usize) -> Result<Vec<Issue>> {
        let mut url = self.repo_url(&["issues"]);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("state", state_param(query.state));
            if !query.labels.is_empty() {
                q.append_pair("labels", &query.labels.join(","));
            }
            if let Some(since) = query.updated_since {
                q.append_pair(
                    "since",
                    &since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                );
            }
            q.append_pair("sort", "updated");
            q.append_pair("direction", "desc");
            q.append_pair("per_page", PER_PAGE);
        }
        let req = ApiRequest::new(Method::GET, url, "list issues")
            .what(format!("issues of {}", self.full_name()));
        let items: Vec<WireIssue> = self
            .http
            .get_pages_cached(req, limit, |page| {
                serde_json::from_value::<Vec<WireIssue>>(page)
                    .map(|v| v.into_iter().filter(|i| !i.is_pull_request()).collect())
            })
            .await?;
        Ok(items.iter().map(|w| self.convert(w)).collect())
    }

    pub(crate) async fn search(&self, query: &SearchQuery, limit: usize) -> Result<Vec<Issue>> {
        let mut q = format!("repo:{} is:issue", self.full_name());
        match query.state {
            StateFilter::Open => q.push_str(" state:open"),
            StateFilter::Closed => q.push_str(" state:closed"),
            StateFilter::All => {}
        }
        for l in &query.labels {
            q.push_str(&format!(" label:\"{}\"", l.replace('"', "")));
        }
        if let Some(since) = query.updated_since {
            // The search syntax's own date form (`+00:00`, as GitHub documents it).
            q.push_str(&format!(
                " updated:>={}",
                since.format("%Y-%m-%dT%H:%M:%S+00:00")
            ));
        }
        for w in query.text.split_whitespace() {
            q.push(' ');
            q.push_str(w);
        }
        let mut url = self.http.endpoint(&["search", "issues"]);
        url.query_pairs_mut()
            .append_pair("q", &q)
            .append_pair("sort", "updated")
            .append_pair("order", "desc")
            .append_pair("per_page", PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "search issues")
            .what(format!("issue search in {}", self.full_name()));
        let items: Vec<WireIssue> = self
            .http
            .get_pages_with(req, limit, |mut page| {
                serde_json::from_value::<Vec<WireIssue>>(page["items"].take())
                    .map(|v| v.into_iter().filter(|i| !i.is_pull_request()).collect())
            })
            .await?;
        Ok(items.iter().map(|w| self.convert(w)).collect())
    }
}

fn state_param(s: StateFilter) -> &'static str {
    match s {
        StateFilter::Open => "open",
        StateFilter::Closed => "closed",
        StateFilter::All => "all",
    }
}
