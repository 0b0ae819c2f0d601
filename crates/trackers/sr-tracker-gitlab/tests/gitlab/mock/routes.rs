//! The endpoints the mock answers: the user, user search, the project, its
//! issues, notes, labels, hooks and uploads; anything else is a failure.

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Gitlab;
use super::check::{Rules, Ty, any, boolean, page, per_page, sort};
use super::listing::{assignees, paged, split_labels, user_json};
use super::{percent_decode, query_pairs, reply};

impl Gitlab {
    pub(super) fn answer(
        &mut self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let ua = headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ua.starts_with("ScratchRobin/") {
            self.failures
                .push(format!("{method} {uri}: User-Agent `{ua}`"));
        }
        let token = headers.get("private-token").and_then(|v| v.to_str().ok());
        if token != Some(self.token.as_str()) {
            return reply(401, json!({"message": "401 Unauthorized"}));
        }
        if self.lacks_api_scope {
            return reply(
                403,
                json!({"error": "insufficient_scope", "error_description": "The request requires higher privileges than provided by the access token.", "scope": "api"}),
            );
        }
        let Some(rest) = uri.path().strip_prefix("/api/v4/") else {
            return self.fail(format!("{method} {uri}: not under /api/v4"));
        };
        let segs: Vec<&str> = rest.split('/').collect();
        match (method.clone(), segs.as_slice()) {
            (Method::GET, ["user"]) => reply(200, user_json(1, "root")),
            (Method::GET, ["users"]) => {
                let rules: Rules<'_> = &[
                    ("search", any),
                    ("username", any),
                    ("active", boolean),
                    ("per_page", per_page),
                    ("page", page),
                ];
                if let Some(r) = self.check_query(uri, rules) {
                    return r;
                }
                let q = query_pairs(uri);
                let get = |k: &str| {
                    q.iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.to_lowercase())
                };
                let users = [
                    user_json(1, "root"),
                    user_json(2, "alice"),
                    user_json(3, "alicia"),
                ];
                let out: Vec<Value> = users
                    .into_iter()
                    .filter(|u| {
                        let name = u["username"].as_str().unwrap_or_default().to_lowercase();
                        get("username").is_none_or(|n| n == name)
                            && get("search").is_none_or(|s| name.contains(&s))
                    })
                    .collect();
                reply(200, Value::Array(out))
            }
            (m, ["projects", p, tail @ ..]) => {
                let decoded = percent_decode(p);
                if *p != self.project_id.to_string() && decoded != self.project_path {
                    if p.contains('/')
                        || (!p.contains("%2F")
                            && tail.first().is_some_and(|t| {
                                !matches!(*t, "issues" | "labels" | "hooks" | "uploads")
                            }))
                    {
                        self.failures
                            .push(format!("{m} {uri}: the project path is not URL-encoded"));
                    }
                    return reply(404, json!({"message": "404 Project Not Found"}));
                }
                self.project(&m, tail, uri, headers, body)
            }
            _ => {
                self.failures
                    .push(format!("{method} {uri}: no such endpoint"));
                reply(404, json!({"error": "404 Not Found"}))
            }
        }
    }

    fn project(
        &mut self,
        m: &Method,
        tail: &[&str],
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let what = format!("{m} {uri}");
        match (m.clone(), tail) {
            (Method::GET, []) => reply(
                200,
                json!({
                    "id": self.project_id, "name": "Database", "path_with_namespace": self.project_path,
                    "web_url": format!("http://gitlab.test/{}", self.project_path), "issues_enabled": true
                }),
            ),
            (Method::GET, ["issues"]) => self.list(uri),
            (Method::POST, ["issues"]) => {
                let fields = [
                    ("title", Ty::Str),
                    ("description", Ty::Str),
                    ("labels", Ty::Str),
                    ("assignee_ids", Ty::IntArray),
                ];
                let map = match self.check_body(&what, headers, body, &fields, &["title"]) {
                    Ok(m) => m,
                    Err(r) => return r,
                };
                if map["title"].as_str().is_some_and(|t| t.trim().is_empty()) {
                    return self.fail(format!("{what}: title is empty"));
                }
                self.next_id += 1;
                let iid = self.issues.len() as u64 + 1;
                let now = self.tick();
                let mut issue = json!({
                    "id": self.next_id, "iid": iid, "project_id": self.project_id,
                    "title": map["title"], "description": map.get("description").cloned().unwrap_or(Value::Null),
                    "state": "opened", "labels": split_labels(map.get("labels")), "assignees": [], "assignee": null,
                    "author": user_json(1, "root"), "created_at": now, "updated_at": now, "closed_at": null,
                    "web_url": format!("http://gitlab.test/{}/-/issues/{iid}", self.project_path),
                });
                if let Some(ids) = map.get("assignee_ids") {
                    issue["assignees"] = assignees(ids);
                }
                self.issues.push(issue.clone());
                reply(201, issue)
            }
            (m, ["issues", iid, rest @ ..]) => {
                let Some(i) = iid
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i >= 1 && *i <= self.issues.len())
                else {
                    if iid.parse::<u64>().is_err() {
                        self.failures.push(format!("{what}: `{iid}` is not an iid"));
                    }
                    return reply(404, json!({"message": "404 Not found"}));
                };
                if self.issues[i - 1].is_null() {
                    return reply(404, json!({"message": "404 Not found"}));
                }
                self.issue(&m, i, rest, uri, headers, body)
            }
            (Method::GET, ["labels"]) => {
                if let Some(r) = self.check_query(
                    uri,
                    &[
                        ("per_page", per_page),
                        ("page", page),
                        ("with_counts", boolean),
                        ("search", any),
                    ],
                ) {
                    return r;
                }
                let mut names: Vec<String> = self
                    .issues
                    .iter()
                    .filter_map(|i| i["labels"].as_array())
                    .flatten()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect();
                names.sort();
                names.dedup();
                reply(200, Value::Array(names.iter().enumerate().map(|(n, l)| json!({"id": n + 1, "name": l, "color": "#428BCA", "description": null})).collect()))
            }
            (Method::POST, ["hooks"]) => {
                let fields = [
                    ("url", Ty::Str),
                    ("token", Ty::Str),
                    ("push_events", Ty::Bool),
                    ("issues_events", Ty::Bool),
                    ("confidential_issues_events", Ty::Bool),
                    ("note_events", Ty::Bool),
                    ("confidential_note_events", Ty::Bool),
                    ("merge_requests_events", Ty::Bool),
                    ("enable_ssl_verification", Ty::Bool),
                ];
                let map = match self.check_body(&what, headers, body, &fields, &["url"]) {
                    Ok(m) => m,
                    Err(r) => return r,
                };
                self.next_id += 1;
                let mut hook = Value::Object(map);
                hook["id"] = json!(self.next_id);
                if let Some(o) = hook.as_object_mut() {
                    o.remove("token");
                }
                self.hooks.push(hook.clone());
                reply(201, hook)
            }
            (Method::DELETE, ["hooks", id]) => {
                let before = self.hooks.len();
                self.hooks
                    .retain(|h| h["id"].as_u64().map(|n| n.to_string()).as_deref() != Some(*id));
                if self.hooks.len() == before {
                    return reply(404, json!({"message": "404 Not found"}));
                }
                StatusCode::NO_CONTENT.into_response()
            }
            (Method::POST, ["uploads"]) => {
                let ct = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let Some(boundary) = ct.strip_prefix("multipart/form-data; boundary=") else {
                    return self.fail(format!(
                        "{what}: content-type `{ct}` is not multipart/form-data"
                    ));
                };
                let text = String::from_utf8_lossy(body);
                let head = format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                );
                let Some(name) = text.strip_prefix(&head).and_then(|r| r.split('"').next()) else {
                    return self.fail(format!("{what}: file is missing"));
                };
                if !text.ends_with(&format!("\r\n--{boundary}--\r\n")) {
                    return self.fail(format!("{what}: the multipart body is not closed"));
                }
                self.uploads += 1;
                let secret = format!("{:032x}", self.uploads);
                reply(
                    201,
                    json!({
                        "id": self.uploads, "alt": name, "url": format!("/uploads/{secret}/{name}"),
                        "full_path": format!("/-/project/{}/uploads/{secret}/{name}", self.project_id),
                        "markdown": format!("[{name}](/uploads/{secret}/{name})")
                    }),
                )
            }
            _ => {
                self.failures.push(format!("{what}: no such endpoint"));
                reply(404, json!({"error": "404 Not Found"}))
            }
        }
    }

    fn issue(
        &mut self,
        m: &Method,
        i: usize,
        rest: &[&str],
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let what = format!("{m} {uri}");
        match (m.clone(), rest) {
            (Method::GET, []) => reply(200, self.issues[i - 1].clone()),
            (Method::DELETE, []) => {
                self.issues[i - 1] = Value::Null;
                StatusCode::NO_CONTENT.into_response()
            }
            (Method::PUT, []) => {
                let fields = [
                    ("title", Ty::Str),
                    ("description", Ty::Str),
                    ("labels", Ty::Str),
                    ("state_event", Ty::StateEvent),
                    ("assignee_ids", Ty::IntArray),
                ];
                let map = match self.check_body(&what, headers, body, &fields, &[]) {
                    Ok(m) => m,
                    Err(r) => return r,
                };
                if map.is_empty() {
                    return self.fail(format!("{what}: title, description, labels, state_event, assignee_ids are missing, at least one parameter must be provided"));
                }
                let now = self.tick();
                let issue = &mut self.issues[i - 1];
                for (k, v) in &map {
                    match k.as_str() {
                        "labels" => issue["labels"] = split_labels(Some(v)),
                        "assignee_ids" => issue["assignees"] = assignees(v),
                        "state_event" => {
                            let closed = v == "close";
                            issue["state"] = json!(if closed { "closed" } else { "opened" });
                            issue["closed_at"] = if closed { json!(now) } else { Value::Null };
                        }
                        _ => issue[k.as_str()] = v.clone(),
                    }
                }
                issue["updated_at"] = json!(now);
                let out = issue.clone();
                if map.contains_key("labels") {
                    self.add_note(i as u64, "changed labels", true);
                }
                reply(200, out)
            }
            (Method::GET, ["notes"]) => {
                if let Some(r) = self.check_query(
                    uri,
                    &[
                        ("sort", sort),
                        ("order_by", |v| matches!(v, "created_at" | "updated_at")),
                        ("per_page", per_page),
                        ("page", page),
                    ],
                ) {
                    return r;
                }
                let notes: Vec<Value> = self
                    .notes
                    .iter()
                    .filter(|(n, _)| *n == i as u64)
                    .map(|(_, v)| v.clone())
                    .collect();
                paged(uri, notes)
            }
            (Method::POST, ["notes"]) => {
                let map = match self.check_body(
                    &what,
                    headers,
                    body,
                    &[("body", Ty::Str), ("internal", Ty::Bool)],
                    &["body"],
                ) {
                    Ok(m) => m,
                    Err(r) => return r,
                };
                let text = map["body"].as_str().unwrap_or_default().to_owned();
                reply(201, self.add_note(i as u64, &text, false))
            }
            _ => {
                self.failures.push(format!("{what}: no such endpoint"));
                reply(404, json!({"error": "404 Not Found"}))
            }
        }
    }

    fn add_note(&mut self, iid: u64, text: &str, system: bool) -> Value {
        self.next_id += 1;
        let now = self.tick();
        let note = json!({
            "id": self.next_id, "body": text, "author": user_json(1, "root"), "created_at": now, "updated_at": now,
            "system": system, "noteable_id": iid, "noteable_type": "Issue", "noteable_iid": iid, "internal": false
        });
        self.notes.push((iid, note.clone()));
        note
    }
}
