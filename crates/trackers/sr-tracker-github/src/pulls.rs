//! GitHub pull requests: `pull_request` and `pull_request_review` webhook
//! bodies normalised to [`TrackerEvent::PullRequest`], and the files a pull
//! request changes (`GET /repos/{owner}/{repo}/pulls/{n}/files`). Every
//! other event goes on to the issue parser in [`crate::webhook`].

use serde::Deserialize;
use sr_model::{PullFile, PullRequest, PullState, Timestamp};
use sr_tracker::kit::LabelMap;
use sr_tracker::reqwest::Method;
use sr_tracker::{ApiRequest, Result, TrackerEvent, TrackerInfo, WebhookParseError};

use crate::{GitHubTracker, KIND};

/// GitHub lists at most 3,000 files of a pull request.
const MAX_FILES: usize = 3_000;

#[derive(Debug, Deserialize)]
struct Body {
    #[serde(default)]
    action: Option<String>,
    pull_request: WirePull,
    #[serde(default)]
    review: Option<WireReview>,
    repository: Repository,
}

#[derive(Debug, Deserialize)]
struct Repository {
    full_name: String,
}

#[derive(Debug, Deserialize)]
struct WireReview {
    state: String,
}

#[derive(Debug, Deserialize)]
struct WirePull {
    number: u64,
    title: String,
    #[serde(default)]
    body: Option<String>,
    state: String,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default)]
    merged: Option<bool>,
    #[serde(default)]
    merged_at: Option<Timestamp>,
    /// `clean`, `unstable` (checks failing), `blocked`, `dirty`, `unknown`:
    /// the only word on checks a webhook body carries.
    #[serde(default)]
    mergeable_state: Option<String>,
    html_url: String,
    updated_at: Timestamp,
    head: WireRef,
}

#[derive(Debug, Deserialize)]
struct WireRef {
    #[serde(rename = "ref")]
    name: String,
}

#[derive(Debug, Deserialize)]
struct WireFile {
    filename: String,
    status: String,
    #[serde(default)]
    patch: Option<String>,
}

/// The webhook parser GitHub's factory registers: pull request events
/// here, everything else to [`crate::webhook::parse`].
pub fn parse(
    info: &TrackerInfo,
    map: &LabelMap,
    event: &str,
    body: &[u8],
) -> std::result::Result<TrackerEvent, WebhookParseError> {
    if !matches!(event, "pull_request" | "pull_request_review") {
        return crate::webhook::parse(info, map, event, body);
    }
    let fail = |reason: String| WebhookParseError {
        event: event.to_owned(),
        reason,
    };
    let body: Body = serde_json::from_slice(body).map_err(|e| fail(e.to_string()))?;
    let repo = body.repository.full_name;
    if !info
        .instance
        .to_lowercase()
        .ends_with(&format!("/{}", repo.to_lowercase()))
    {
        return Err(fail(format!(
            "it is for repository {repo}, but tracker `{}` follows {}; point this repository's webhook at that tracker's URL",
            info.name, info.instance
        )));
    }
    let w = body.pull_request;
    let state = if w.merged == Some(true) || w.merged_at.is_some() {
        PullState::Merged
    } else if w.state == "closed" {
        PullState::Closed
    } else {
        PullState::Open
    };
    let review = body
        .review
        .map(|r| r.state.to_lowercase())
        // A plain comment is no review verdict.
        .filter(|s| s != "commented");
    let pull = PullRequest {
        tracker: info.name.clone(),
        provider: KIND.to_owned(),
        repo,
        number: w.number,
        title: w.title,
        body: w.body.unwrap_or_default(),
        branch: w.head.name,
        state,
        draft: w.draft.unwrap_or(false),
        merged_at: w.merged_at,
        checks: w.mergeable_state.filter(|s| s != "unknown"),
        review,
        url: w.html_url,
        updated_at: w.updated_at,
    };
    let action = match (event, body.action) {
        ("pull_request_review", Some(a)) => format!("review_{a}"),
        (_, a) => a.unwrap_or_default(),
    };
    Ok(TrackerEvent::PullRequest {
        action,
        pull: Box::new(pull),
    })
}

impl GitHubTracker {
    /// Every file of pull request `n`, a page of 100 at a time.
    pub(crate) async fn files_of_pull(&self, n: u64) -> Result<Vec<PullFile>> {
        let mut url = self.repo_url(&["pulls", &n.to_string(), "files"]);
        url.query_pairs_mut()
            .append_pair("per_page", crate::read::PER_PAGE);
        let req = ApiRequest::new(Method::GET, url, "list pull request files")
            .what(format!("pull request #{n} of {}", self.full_name()));
        let files: Vec<WireFile> = self.http.get_pages(req, MAX_FILES).await?;
        Ok(files
            .into_iter()
            .map(|f| PullFile {
                path: f.filename,
                status: f.status,
                patch: f.patch,
            })
            .collect())
    }
}

#[cfg(test)]
#[path = "pulls_tests.rs"]
mod tests;
