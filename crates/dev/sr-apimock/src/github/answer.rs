//! The answers to each operation the repository models.

use chrono::DateTime;
use serde_json::{Value, json};

use super::json::{invalid, label_json, message, ts, user};
use super::query::{fnv, page, page_of, parse_q};
use super::{Comment, GitHubRepo, Issue, State, ensure_label, now};
use crate::server::{MockRequest, MockResponse};

impl GitHubRepo {
    pub(super) fn answer(
        &self,
        s: &mut State,
        op: &str,
        req: &MockRequest,
    ) -> Option<MockResponse> {
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
        if let Some(needed) = &self.required_scope
            && req.path_params.contains_key("owner")
            && !self
                .scopes
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .any(|s| s.trim() == needed)
        {
            return Some(
                message(403, "Resource not accessible by personal access token")
                    .header("x-accepted-oauth-scopes", needed.clone()),
            );
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
                page_of(
                    req,
                    list,
                    |i| self.issue_json(req, s, i),
                    |v, _| Value::Array(v),
                )
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
                let render = |i: &&Issue| {
                    let mut v = self.issue_json(req, s, i);
                    v["score"] = json!(1.0);
                    v
                };
                page_of(
                    req,
                    list,
                    render,
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
                    number: s.issues.len() as u64 + s.removed + 1,
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
            "pulls/list-files" => {
                let n: u64 = req.param("pull_number").parse().unwrap_or(0);
                if !s.issues.iter().any(|i| i.number == n && i.pull_request) {
                    return Some(message(404, "Not Found"));
                }
                let items = s
                    .pull_files
                    .iter()
                    .filter(|f| f.0 == n)
                    .map(|(_, path, status, patch)| {
                        let blob = format!(
                            "https://github.com/{}/{}/blob/{:040x}/{path}",
                            self.owner,
                            self.repo,
                            fnv(path)
                        );
                        let lines = patch.as_deref().map_or(0, |p| p.lines().count());
                        let mut v = json!({
                            "sha": format!("{:040x}", fnv(path)),
                            "filename": path, "status": status,
                            "additions": lines, "deletions": 0, "changes": lines,
                            "blob_url": blob, "raw_url": blob.replace("/blob/", "/raw/"),
                            "contents_url": format!("{}/contents/{path}", self.api(req)),
                        });
                        if let Some(p) = patch {
                            v["patch"] = json!(p);
                        }
                        v
                    })
                    .collect();
                page(req, items, |v, _| Value::Array(v))
            }
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
