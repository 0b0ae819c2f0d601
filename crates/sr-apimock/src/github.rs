//! A stateful GitHub repository behind the mock server: issues (and pull
//! requests, which the issues list includes as GitHub's does), comments,
//! labels, assignees and webhooks, answering in GitHub's shapes with
//! `Link` pagination, ETags (a matching `If-None-Match` gets 304 and costs
//! no rate limit) and `x-ratelimit-*` headers. Tests program it through a
//! clone of the handle they passed to the server.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::server::{MockRequest, MockResponse, Responder};

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
    next_id: u64,
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

    /// Adds an issue (or, with `pull_request`, a pull request) directly.
    pub fn seed(&self, title: &str, labels: &[&str], pull_request: bool) -> u64 {
        self.lock(|s| {
            let labels: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
            for l in &labels {
                ensure_label(s, l);
            }
            let now = now(s);
            let number = s.issues.len() as u64 + 1;
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

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn user(base: &str, login: &str) -> Value {
    let url = format!("{base}/users/{login}");
    json!({
        "login": login, "id": login.len(), "node_id": "MDQ6VXNlcjE=", "avatar_url": "https://github.com/images/error/octocat_happy.gif",
        "gravatar_id": "", "url": url, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{url}/followers"), "following_url": format!("{url}/following{{/other_user}}"),
        "gists_url": format!("{url}/gists{{/gist_id}}"), "starred_url": format!("{url}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{url}/subscriptions"), "organizations_url": format!("{url}/orgs"),
        "repos_url": format!("{url}/repos"), "events_url": format!("{url}/events{{/privacy}}"),
        "received_events_url": format!("{url}/received_events"), "type": "User", "site_admin": false
    })
}

fn label_json(api: &str, l: &(u64, String, String)) -> Value {
    json!({"id": l.0, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=", "url": format!("{api}/labels/{}", l.1), "name": l.1,
           "description": null, "color": l.2, "default": false})
}

impl GitHubRepo {
    fn issue_json(&self, req: &MockRequest, s: &State, i: &Issue) -> Value {
        let api = self.api(req);
        let url = format!("{api}/issues/{}", i.number);
        let labels: Vec<Value> = i
            .labels
            .iter()
            .filter_map(|n| s.labels.iter().find(|l| &l.1 == n))
            .map(|l| label_json(&api, l))
            .collect();
        let assignees: Vec<Value> = i.assignees.iter().map(|a| user(&req.base_url, a)).collect();
        let mut v = json!({
            "id": 1000 + i.number, "node_id": "MDU6SXNzdWUx", "url": url, "repository_url": api,
            "labels_url": format!("{url}/labels{{/name}}"), "comments_url": format!("{url}/comments"),
            "events_url": format!("{url}/events"),
            "html_url": format!("https://github.com/{}/{}/issues/{}", self.owner, self.repo, i.number),
            "number": i.number, "state": i.state, "state_reason": i.state_reason, "title": i.title, "body": i.body,
            "user": user(&req.base_url, "octocat"), "labels": labels,
            "assignee": assignees.first().cloned().unwrap_or(Value::Null), "assignees": assignees,
            "milestone": null, "locked": false, "comments": i.comments,
            "closed_at": i.closed.map(ts), "created_at": ts(i.created), "updated_at": ts(i.updated),
            "author_association": "OWNER"
        });
        if i.pull_request {
            v["pull_request"] = json!({"url": format!("{api}/pulls/{}", i.number), "html_url": null, "diff_url": null, "patch_url": null});
        }
        v
    }

    fn comment_json(&self, req: &MockRequest, c: &Comment) -> Value {
        let api = self.api(req);
        json!({"id": c.id, "node_id": "MDEyOklzc3VlQ29tbWVudDE=", "url": format!("{api}/issues/comments/{}", c.id),
               "html_url": format!("https://github.com/{}/{}/issues/{}#issuecomment-{}", self.owner, self.repo, c.issue, c.id),
               "body": c.body, "user": user(&req.base_url, "octocat"), "created_at": ts(c.created), "updated_at": ts(c.created),
               "issue_url": format!("{api}/issues/{}", c.issue), "author_association": "OWNER"})
    }
}

fn message(status: u16, text: &str) -> MockResponse {
    MockResponse::json(
        status,
        &json!({"message": text, "documentation_url": "https://docs.github.com/rest", "status": status.to_string()}),
    )
}

fn invalid(resource: &str, field: &str, code: &str) -> MockResponse {
    MockResponse::json(
        422,
        &json!({"message": "Validation Failed", "errors": [{"resource": resource, "field": field, "code": code}],
                                    "documentation_url": "https://docs.github.com/rest"}),
    )
}

/// One page of `items` by the request's `page` and `per_page`, with the
/// `Link` header GitHub sends.
fn page(
    req: &MockRequest,
    items: Vec<Value>,
    wrap: impl Fn(Vec<Value>, usize) -> Value,
) -> MockResponse {
    let per_page: usize = req
        .query("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page: usize = req
        .query("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let chunk: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let mut resp = MockResponse::json(200, &wrap(chunk, total));
    let link = |p: usize, rel: &str| {
        let mut q: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        q.push(format!("page={p}"));
        format!(
            "<{}{}?{}>; rel=\"{rel}\"",
            req.base_url,
            req.path,
            q.join("&")
        )
    };
    let mut links = Vec::new();
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    if !links.is_empty() {
        resp = resp.header("link", links.join(", "));
    }
    resp
}

fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b':' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

impl GitHubRepo {
    fn answer(&self, s: &mut State, op: &str, req: &MockRequest) -> Option<MockResponse> {
        if let Some(token) = &self.token {
            let auth = req.header("authorization").unwrap_or_default();
            if auth != format!("Bearer {token}") && auth != format!("token {token}") {
                return Some(message(401, "Bad credentials"));
            }
        }
        if req.path_params.contains_key("owner")
            && (req.param("owner") != self.owner || req.param("repo") != self.repo)
        {
            return Some(message(404, "Not Found"));
        }
        let body = req.body.clone().unwrap_or(Value::Null);
        let number: u64 = req.param("issue_number").parse().unwrap_or(0);
        let found = s.issues.iter().position(|i| i.number == number);
        Some(match op {
            "users/get-authenticated" => {
                let mut me = req
                    .example
                    .clone()
                    .unwrap_or_else(|| user(&req.base_url, "octocat"));
                me["login"] = json!("octocat");
                MockResponse::json(200, &me)
            }
            "repos/get" => {
                let mut r = req.example.clone().unwrap_or_else(|| json!({}));
                r["name"] = json!(self.repo);
                r["full_name"] = json!(format!("{}/{}", self.owner, self.repo));
                r["owner"] = user(&req.base_url, &self.owner);
                r["has_issues"] = json!(true);
                // GitHub's own example lacks `language`, which its schema
                // requires; `source` and `parent` (forks only) have the same gap.
                r["language"] = json!("SQL");
                if let Some(o) = r.as_object_mut() {
                    o.remove("source");
                    o.remove("parent");
                }
                r["html_url"] = json!(format!("https://github.com/{}/{}", self.owner, self.repo));
                r["permissions"] = json!({"admin": true, "maintain": true, "push": true, "triage": true, "pull": true});
                MockResponse::json(200, &r)
            }
            "issues/list-for-repo" => {
                let state = req.query("state").unwrap_or("open");
                let wanted: Vec<&str> = req
                    .query("labels")
                    .map(|l| l.split(',').collect())
                    .unwrap_or_default();
                let since = req
                    .query("since")
                    .and_then(|v| DateTime::parse_from_rfc3339(v).ok());
                let mut list: Vec<&Issue> = s
                    .issues
                    .iter()
                    .filter(|i| state == "all" || i.state == state)
                    .filter(|i| {
                        wanted
                            .iter()
                            .all(|w| i.labels.iter().any(|l| l.eq_ignore_ascii_case(w)))
                    })
                    .filter(|i| since.is_none_or(|t| i.updated >= t))
                    .collect();
                if req.query("sort") == Some("updated") {
                    list.sort_by_key(|i| i.updated);
                } else {
                    list.sort_by_key(|i| i.created);
                }
                if req.query("direction") != Some("asc") {
                    list.reverse();
                }
                let items = list
                    .into_iter()
                    .map(|i| self.issue_json(req, s, i))
                    .collect();
                page(req, items, |v, _| Value::Array(v))
            }
            "search/issues-and-pull-requests" => {
                let q = req.query("q").unwrap_or_default().to_owned();
                let (filters, words) = parse_q(&q);
                let mut list: Vec<&Issue> = s
                    .issues
                    .iter()
                    .filter(|i| {
                        filters.iter().all(|(k, v)| match k.as_str() {
                            "repo" => *v == format!("{}/{}", self.owner, self.repo),
                            "is" if v == "issue" => !i.pull_request,
                            "is" if v == "pr" => i.pull_request,
                            "is" | "state" => i.state == v,
                            "label" => i.labels.iter().any(|l| l.eq_ignore_ascii_case(v)),
                            "updated" => v
                                .strip_prefix(">=")
                                .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
                                .is_none_or(|t| i.updated >= t),
                            _ => true,
                        })
                    })
                    .filter(|i| {
                        let text = format!("{} {}", i.title, i.body.clone().unwrap_or_default())
                            .to_lowercase();
                        words.iter().all(|w| text.contains(&w.to_lowercase()))
                    })
                    .collect();
                list.sort_by_key(|i| std::cmp::Reverse(i.updated));
                let items = list
                    .into_iter()
                    .map(|i| {
                        let mut v = self.issue_json(req, s, i);
                        v["score"] = json!(1.0);
                        v
                    })
                    .collect();
                page(
                    req,
                    items,
                    |v, total| json!({"total_count": total, "incomplete_results": false, "items": v, "search_type": "lexical"}),
                )
            }
            "issues/create" => {
                let title = match body.get("title") {
                    Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => return Some(invalid("Issue", "title", "missing_field")),
                };
                let labels: Vec<String> = body
                    .get("labels")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|l| {
                                l.as_str()
                                    .or_else(|| l.get("name").and_then(Value::as_str))
                                    .map(str::to_owned)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let assignees: Vec<String> = body
                    .get("assignees")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                if assignees.iter().any(|a| !self.assignable.contains(a)) {
                    return Some(invalid("Issue", "assignees", "invalid"));
                }
                for l in &labels {
                    ensure_label(s, l);
                }
                let now = now(s);
                let issue = Issue {
                    number: s.issues.len() as u64 + 1,
                    title,
                    body: body.get("body").and_then(Value::as_str).map(str::to_owned),
                    state: "open",
                    state_reason: None,
                    labels,
                    assignees,
                    created: now,
                    updated: now,
                    closed: None,
                    pull_request: false,
                    comments: 0,
                };
                let v = self.issue_json(req, s, &issue);
                s.issues.push(issue);
                MockResponse::json(201, &v)
                    .header("location", v["url"].as_str().unwrap_or_default())
            }
            "issues/get" => match found {
                None => message(404, "Not Found"),
                Some(ix) => {
                    let v = self.issue_json(req, s, &s.issues[ix]);
                    let etag = format!("\"{:016x}\"", fnv(&v.to_string()));
                    if req.header("if-none-match") == Some(etag.as_str()) {
                        MockResponse::empty(304).header("etag", etag)
                    } else {
                        MockResponse::json(200, &v).header("etag", etag)
                    }
                }
            },
            "issues/update" => match found {
                None => message(404, "Not Found"),
                Some(ix) => {
                    let now = now(s);
                    if let Some(names) = body.get("labels").and_then(Value::as_array) {
                        let names: Vec<String> = names
                            .iter()
                            .filter_map(|l| {
                                l.as_str()
                                    .or_else(|| l.get("name").and_then(Value::as_str))
                                    .map(str::to_owned)
                            })
                            .collect();
                        for n in &names {
                            ensure_label(s, n);
                        }
                        s.issues[ix].labels = names;
                    }
                    let i = &mut s.issues[ix];
                    if let Some(t) = body.get("title").and_then(Value::as_str) {
                        i.title = t.to_owned();
                    }
                    if let Some(b) = body.get("body") {
                        i.body = b.as_str().map(str::to_owned);
                    }
                    if let Some(a) = body.get("assignees").and_then(Value::as_array) {
                        i.assignees = a
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect();
                    }
                    match body.get("state").and_then(Value::as_str) {
                        Some("closed") if i.state != "closed" => {
                            i.state = "closed";
                            i.closed = Some(now);
                            i.state_reason = Some(
                                body.get("state_reason")
                                    .and_then(Value::as_str)
                                    .unwrap_or("completed")
                                    .to_owned(),
                            );
                        }
                        Some("open") if i.state != "open" => {
                            i.state = "open";
                            i.closed = None;
                            i.state_reason = Some("reopened".into());
                        }
                        _ => {}
                    }
                    i.updated = now;
                    let v = self.issue_json(req, s, &s.issues[ix]);
                    MockResponse::json(200, &v)
                }
            },
            "issues/create-comment" => match found {
                None => message(404, "Not Found"),
                Some(ix) => {
                    let now = now(s);
                    s.next_id += 1;
                    let c = Comment {
                        id: s.next_id,
                        issue: number,
                        body: body
                            .get("body")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        created: now,
                    };
                    s.issues[ix].comments += 1;
                    s.issues[ix].updated = now;
                    let v = self.comment_json(req, &c);
                    s.comments.push(c);
                    MockResponse::json(201, &v)
                }
            },
            "issues/list-comments" => match found {
                None => message(404, "Not Found"),
                Some(_) => {
                    let items = s
                        .comments
                        .iter()
                        .filter(|c| c.issue == number)
                        .map(|c| self.comment_json(req, c))
                        .collect();
                    page(req, items, |v, _| Value::Array(v))
                }
            },
            "issues/list-labels-for-repo" => {
                let api = self.api(req);
                let items = s.labels.iter().map(|l| label_json(&api, l)).collect();
                page(req, items, |v, _| Value::Array(v))
            }
            "issues/get-label" => {
                let api = self.api(req);
                match s
                    .labels
                    .iter()
                    .find(|l| l.1.eq_ignore_ascii_case(req.param("name")))
                {
                    Some(l) => MockResponse::json(200, &label_json(&api, l)),
                    None => message(404, "Not Found"),
                }
            }
            "issues/create-label" => {
                let name = body
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if s.labels.iter().any(|l| l.1.eq_ignore_ascii_case(&name)) {
                    return Some(invalid("Label", "name", "already_exists"));
                }
                s.next_id += 1;
                let l = (
                    s.next_id,
                    name,
                    body.get("color")
                        .and_then(Value::as_str)
                        .unwrap_or("ededed")
                        .to_owned(),
                );
                let v = label_json(&self.api(req), &l);
                s.labels.push(l);
                MockResponse::json(201, &v)
            }
            "issues/list-assignees" => {
                let items = self
                    .assignable
                    .iter()
                    .map(|a| user(&req.base_url, a))
                    .collect();
                page(req, items, |v, _| Value::Array(v))
            }
            "repos/create-webhook" => {
                s.next_id += 1;
                let id = s.next_id;
                let api = self.api(req);
                let mut config = body.get("config").cloned().unwrap_or(json!({}));
                if config.get("secret").is_some() {
                    config["secret"] = json!("********");
                }
                let now = ts(now(s));
                let v = json!({"type": "Repository", "id": id, "name": "web", "active": body.get("active").cloned().unwrap_or(json!(true)),
                               "events": body.get("events").cloned().unwrap_or(json!(["push"])), "config": config,
                               "updated_at": now, "created_at": now, "url": format!("{api}/hooks/{id}"),
                               "test_url": format!("{api}/hooks/{id}/test"), "ping_url": format!("{api}/hooks/{id}/pings"),
                               "deliveries_url": format!("{api}/hooks/{id}/deliveries"),
                               "last_response": {"code": null, "status": "unused", "message": null}});
                s.hooks.push((id, v.clone()));
                MockResponse::json(201, &v)
            }
            "repos/delete-webhook" => {
                let id: u64 = req.param("hook_id").parse().unwrap_or(0);
                match s.hooks.iter().position(|h| h.0 == id) {
                    Some(ix) => {
                        s.hooks.remove(ix);
                        MockResponse::empty(204)
                    }
                    None => message(404, "Not Found"),
                }
            }
            _ => return None,
        })
    }
}

/// Splits a search `q` into `key:value` qualifiers and plain words;
/// quotes group (`label:"needs review"`).
fn parse_q(q: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    tokens.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    let mut filters = Vec::new();
    let mut words = Vec::new();
    for t in tokens {
        match t.split_once(':') {
            Some((k, v))
                if ["repo", "is", "state", "label", "updated", "in", "type"].contains(&k) =>
            {
                filters.push((k.to_owned(), v.to_owned()))
            }
            _ => words.push(t),
        }
    }
    (filters, words)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}
