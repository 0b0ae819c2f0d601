//! A stateful GitHub repository behind the mock server: issues (and pull
//! requests, which the issues list includes as GitHub's does), comments,
//! labels, assignees and webhooks, answering in GitHub's shapes with
//! `Link` pagination, ETags (a matching `If-None-Match` gets 304 and costs
//! no rate limit) and `x-ratelimit-*` headers. Tests program it through a
//! clone of the handle they passed to the server.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::server::{MockRequest, MockResponse, Responder};

mod answer;
mod json;
mod query;

#[derive(Debug, Clone)]
struct Issue {
    number: u64,
    title: String,
    body: Option<String>,
    state: &'static str,
    state_reason: Option<String>,
    labels: Vec<String>,
    assignees: Vec<String>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
    pull_request: bool,
    comments: u64,
}

#[derive(Debug, Clone)]
struct Comment {
    id: u64,
    issue: u64,
    body: String,
    created: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    issues: Vec<Issue>,
    comments: Vec<Comment>,
    labels: Vec<(u64, String, String)>,
    hooks: Vec<(u64, Value)>,
    /// Changed files per pull request: (path, status, patch).
    pull_files: Vec<(u64, String, String, Option<String>)>,
    next_id: u64,
    /// Issues deleted so far, so that numbers are never reused.
    removed: u64,
    tick: i64,
    used: u64,
}

/// One repository, `owner/repo`, shared between the test and the server.
#[derive(Debug, Clone)]
pub struct GitHubRepo {
    pub owner: String,
    pub repo: String,
    /// The token every request must carry (`Bearer TOKEN`); `None` skips
    /// the check.
    pub token: Option<String>,
    /// Sent as `X-OAuth-Scopes` (a classic token's scopes).
    pub scopes: Option<String>,
    /// A scope repository operations need (`repo`): a token whose
    /// [`scopes`](Self::scopes) lack it gets 403 with
    /// `X-Accepted-OAuth-Scopes`, as GitHub answers a classic token
    /// without the scope. `None` skips the check.
    pub required_scope: Option<String>,
    /// Logins that may be assigned.
    pub assignable: Vec<String>,
    state: Arc<Mutex<State>>,
}

const LIMIT: u64 = 5000;

impl GitHubRepo {
    pub fn new(owner: &str, repo: &str) -> Self {
        GitHubRepo {
            owner: owner.into(),
            repo: repo.into(),
            token: None,
            scopes: None,
            required_scope: None,
            assignable: vec!["octocat".into(), "hubot".into()],
            state: Arc::default(),
        }
    }

    pub fn with_token(mut self, token: &str) -> Self {
        self.token = Some(token.into());
        self
    }

    pub fn with_scopes(mut self, scopes: &str) -> Self {
        self.scopes = Some(scopes.into());
        self
    }

    /// Repository operations need `scope` (see [`Self::required_scope`]).
    pub fn requiring_scope(mut self, scope: &str) -> Self {
        self.required_scope = Some(scope.into());
        self
    }

    /// Adds an issue (or, with `pull_request`, a pull request) directly.
    pub fn seed(&self, title: &str, labels: &[&str], pull_request: bool) -> u64 {
        self.lock(|s| {
            let labels: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
            for l in &labels {
                ensure_label(s, l);
            }
            let now = now(s);
            let number = s.issues.len() as u64 + s.removed + 1;
            s.issues.push(Issue {
                number,
                title: title.into(),
                body: None,
                state: "open",
                state_reason: None,
                labels,
                assignees: Vec::new(),
                created: now,
                updated: now,
                closed: None,
                pull_request,
                comments: 0,
            });
            number
        })
        .unwrap_or_default()
    }

    /// Sets the files pull request `number` changes (path, status such as
    /// `added`, and the unified diff); false when there is no such pull
    /// request.
    pub fn set_pull_files(&self, number: u64, files: &[(&str, &str, Option<&str>)]) -> bool {
        self.lock(|s| {
            if !s
                .issues
                .iter()
                .any(|i| i.number == number && i.pull_request)
            {
                return false;
            }
            s.pull_files.retain(|f| f.0 != number);
            for (path, status, patch) in files {
                s.pull_files.push((
                    number,
                    (*path).to_owned(),
                    (*status).to_owned(),
                    patch.map(str::to_owned),
                ));
            }
            true
        })
        .unwrap_or(false)
    }

    /// Changes an issue's title as someone on GitHub would (its
    /// `updated_at` moves); false when there is no such issue.
    pub fn edit_title(&self, number: u64, title: &str) -> bool {
        self.lock(|s| {
            let now = now(s);
            s.issues
                .iter_mut()
                .find(|i| i.number == number)
                .map(|i| {
                    i.title = title.to_owned();
                    i.updated = now;
                })
                .is_some()
        })
        .unwrap_or_default()
    }

    /// Comments on an issue as someone on GitHub would (its `updated_at`
    /// moves); false when there is no such issue.
    pub fn comment(&self, number: u64, body: &str) -> bool {
        self.lock(|s| {
            let now = now(s);
            let Some(issue) = s.issues.iter_mut().find(|i| i.number == number) else {
                return false;
            };
            issue.comments += 1;
            issue.updated = now;
            s.next_id += 1;
            let id = s.next_id;
            s.comments.push(Comment {
                id,
                issue: number,
                body: body.to_owned(),
                created: now,
            });
            true
        })
        .unwrap_or_default()
    }

    /// The bodies of an issue's comments, oldest first.
    pub fn comment_bodies(&self, number: u64) -> Vec<String> {
        self.lock(|s| {
            s.comments
                .iter()
                .filter(|c| c.issue == number)
                .map(|c| c.body.clone())
                .collect()
        })
        .unwrap_or_default()
    }

    /// Deletes an issue (or transfers it away: either way it is gone
    /// here); false when there is no such issue.
    pub fn remove(&self, number: u64) -> bool {
        self.lock(|s| {
            let before = s.issues.len();
            s.issues.retain(|i| i.number != number);
            let gone = s.issues.len() < before;
            if gone {
                s.removed += 1;
            }
            gone
        })
        .unwrap_or_default()
    }

    /// How many issues and pull requests the repository holds.
    pub fn issue_count(&self) -> usize {
        self.lock(|s| s.issues.len()).unwrap_or_default()
    }

    /// The label names that exist.
    pub fn label_names(&self) -> Vec<String> {
        self.lock(|s| s.labels.iter().map(|l| l.1.clone()).collect())
            .unwrap_or_default()
    }

    /// The webhooks' configured URLs.
    pub fn hook_urls(&self) -> Vec<String> {
        self.lock(|s| {
            s.hooks
                .iter()
                .filter_map(|h| {
                    h.1.pointer("/config/url")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
    }

    fn lock<T>(&self, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        self.state.lock().ok().map(|mut s| f(&mut s))
    }

    fn api(&self, req: &MockRequest) -> String {
        format!("{}/repos/{}/{}", req.base_url, self.owner, self.repo)
    }
}

/// The repository's clock: one second further for every change, from a
/// fixed start, so that `since` and ordering are deterministic.
fn now(s: &mut State) -> DateTime<Utc> {
    s.tick += 1;
    DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default() + Duration::seconds(s.tick)
}

fn ensure_label(s: &mut State, name: &str) {
    if !s.labels.iter().any(|l| l.1.eq_ignore_ascii_case(name)) {
        s.next_id += 1;
        s.labels.push((s.next_id, name.to_owned(), "ededed".into()));
    }
}

impl Responder for GitHubRepo {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let op = req.operation_id.clone()?;
        let repo = self.clone();
        let answer = self.lock(|s| repo.answer(s, &op, req))?;
        let answer = answer?;
        let scopes = self.scopes.clone();
        self.lock(|s| {
            let counted = answer.status != 304;
            if counted {
                s.used += 1;
            }
            let mut a = answer
                .header("x-ratelimit-limit", LIMIT.to_string())
                .header(
                    "x-ratelimit-remaining",
                    LIMIT.saturating_sub(s.used).to_string(),
                )
                .header(
                    "x-ratelimit-reset",
                    (Utc::now().timestamp() + 3600).to_string(),
                )
                .header("x-ratelimit-resource", "core");
            if let Some(sc) = scopes {
                a = a.header("x-oauth-scopes", sc);
            }
            a
        })
    }
}
