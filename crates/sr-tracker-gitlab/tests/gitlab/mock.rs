//! A stateful GitLab (REST v4) on a loopback port that checks every request
//! against GitLab's documentation (docs.gitlab.com/api: issues, notes,
//! labels, users, project hooks, uploads) and records what the real service
//! would reject: an unknown endpoint or query parameter, a mistyped body
//! field (labels must be a comma-separated string, `assignee_ids` integers,
//! `state_event` `close` or `reopen`), an edit without any parameter, a page
//! size over 100, a missing `PRIVATE-TOKEN` or User-Agent. Answers follow
//! the documented shapes, offset pagination headers (`x-next-page`…) and
//! `RateLimit-*` headers; faults can be queued ahead of normal answers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One queued answer that comes before normal handling.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A status with headers and a body.
    Status(u16, Vec<(&'static str, String)>, String),
    /// A 200 whose JSON body stops half-way.
    Truncated,
}

#[derive(Debug, Default)]
pub struct Gitlab {
    pub project_id: u64,
    pub project_path: String,
    pub token: String,
    /// Answer 403 insufficient_scope to every authenticated request.
    pub lacks_api_scope: bool,
    pub issues: Vec<Value>,
    pub notes: Vec<(u64, Value)>,
    pub hooks: Vec<Value>,
    pub uploads: usize,
    pub failures: Vec<String>,
    pub requests: Vec<String>,
    pub faults: VecDeque<Fault>,
    next_id: u64,
    clock: i64,
}

pub type Shared = Arc<Mutex<Gitlab>>;

pub struct MockGitlab {
    pub state: Shared,
    pub base_url: String,
}

impl MockGitlab {
    pub async fn start(project_path: &str, project_id: u64, token: &str) -> MockGitlab {
        let state: Shared = Arc::new(Mutex::new(Gitlab {
            project_id,
            project_path: project_path.into(),
            token: token.into(),
            next_id: 100,
            ..Gitlab::default()
        }));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        MockGitlab {
            state,
            base_url: format!("http://{addr}"),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Gitlab> {
        self.state.lock().expect("mock state")
    }

    pub fn failures(&self) -> Vec<String> {
        self.lock().failures.clone()
    }

    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    pub fn fault(&self, f: Fault) {
        self.lock().faults.push_back(f);
    }
}

fn reply(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        if b[i] == b'%'
            && let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (
                        percent_decode(&k.replace('+', " ")),
                        percent_decode(&v.replace('+', " ")),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn handle(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut g = state.lock().expect("mock state");
    g.requests.push(format!("{method} {uri}"));
    let mut resp = if let Some(f) = g.faults.pop_front() {
        match f {
            Fault::Status(code, hs, body) => {
                let mut r =
                    (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), body).into_response();
                for (k, v) in hs {
                    r.headers_mut().insert(k, v.parse().expect("header"));
                }
                return r;
            }
            Fault::Truncated => {
                return (
                    StatusCode::OK,
                    [("content-type", "application/json")],
                    "{\"iid\": 1, \"tit",
                )
                    .into_response();
            }
        }
    } else {
        g.answer(&method, &uri, &headers, &body)
    };
    let reset = chrono::Utc::now().timestamp() + 60;
    let h = resp.headers_mut();
    h.insert("ratelimit-limit", "2000".parse().expect("h"));
    h.insert("ratelimit-remaining", "1999".parse().expect("h"));
    h.insert("ratelimit-reset", reset.to_string().parse().expect("h"));
    resp
}

/// The allowed keys and a check for each value.
type Rules<'a> = &'a [(&'a str, fn(&str) -> bool)];

fn any(_: &str) -> bool {
    true
}
fn per_page(v: &str) -> bool {
    v.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n))
}
fn page(v: &str) -> bool {
    v.parse::<u32>().is_ok_and(|n| n >= 1)
}
fn boolean(v: &str) -> bool {
    matches!(v, "true" | "false")
}
fn datetime(v: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(v).is_ok()
}
fn issue_state(v: &str) -> bool {
    matches!(v, "opened" | "closed" | "all")
}
fn order_by(v: &str) -> bool {
    matches!(
        v,
        "created_at"
            | "updated_at"
            | "priority"
            | "due_date"
            | "relative_position"
            | "label_priority"
            | "milestone_due"
            | "popularity"
            | "weight"
            | "title"
    )
}
fn sort(v: &str) -> bool {
    matches!(v, "asc" | "desc")
}

/// JSON body field types as the docs give them.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    IntArray,
    StateEvent,
}

fn type_ok(t: Ty, v: &Value) -> bool {
    match t {
        Ty::Str => v.is_string(),
        Ty::Bool => v.is_boolean(),
        Ty::IntArray => v.as_array().is_some_and(|a| a.iter().all(Value::is_u64)),
        Ty::StateEvent => matches!(v.as_str(), Some("close" | "reopen")),
    }
}

impl Gitlab {
    fn fail(&mut self, what: String) -> Response {
        self.failures.push(what.clone());
        reply(400, json!({"error": what}))
    }

    fn tick(&mut self) -> String {
        self.clock += 1;
        let t = chrono::DateTime::from_timestamp(1_700_000_000 + self.clock, 0).unwrap_or_default();
        t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    fn check_query(&mut self, uri: &Uri, rules: Rules<'_>) -> Option<Response> {
        for (k, v) in query_pairs(uri) {
            match rules.iter().find(|(n, _)| *n == k) {
                None => {
                    return Some(
                        self.fail(format!("{} {uri}: unknown query parameter `{k}`", "GET")),
                    );
                }
                Some((_, ok)) if !ok(&v) => {
                    return Some(self.fail(format!("{uri}: `{k}` does not accept `{v}`")));
                }
                _ => {}
            }
        }
        None
    }

    /// The JSON body, checked: an object with known fields of the right
    /// types, `required` present. The error is the answer to send; its size
    /// does not matter in a test server.
    #[allow(clippy::result_large_err)]
    fn check_body(
        &mut self,
        what: &str,
        headers: &HeaderMap,
        body: &[u8],
        fields: &[(&str, Ty)],
        required: &[&str],
    ) -> Result<serde_json::Map<String, Value>, Response> {
        let ct = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with("application/json") {
            return Err(self.fail(format!("{what}: content-type `{ct}` is not JSON")));
        }
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Err(self.fail(format!("{what}: the body is not a JSON object")));
        };
        for (k, v) in &map {
            match fields.iter().find(|(n, _)| n == k) {
                None => return Err(self.fail(format!("{what}: unknown field `{k}`"))),
                Some((_, t)) if !type_ok(*t, v) => {
                    return Err(self.fail(format!("{what}: `{k}` is invalid ({v})")));
                }
                _ => {}
            }
        }
        for r in required {
            if !map.contains_key(*r) {
                return Err(self.fail(format!("{what}: {r} is missing")));
            }
        }
        Ok(map)
    }

    fn answer(&mut self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Response {
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
                self.hooks.retain(|h| h["id"].as_u64().map(|n| n.to_string()).as_deref() != Some(*id));
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

    fn list(&mut self, uri: &Uri) -> Response {
        let rules: Rules<'_> = &[
            ("state", issue_state),
            ("labels", any),
            ("search", any),
            ("in", any),
            ("updated_after", datetime),
            ("updated_before", datetime),
            ("created_after", datetime),
            ("order_by", order_by),
            ("sort", sort),
            ("per_page", per_page),
            ("page", page),
            ("iids[]", page),
            ("with_labels_details", boolean),
        ];
        if let Some(r) = self.check_query(uri, rules) {
            return r;
        }
        let q = query_pairs(uri);
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let mut out: Vec<Value> = self
            .issues
            .iter()
            .filter(|i| !i.is_null())
            .filter(|i| match get("state").as_deref() {
                Some("opened") => i["state"] == "opened",
                Some("closed") => i["state"] == "closed",
                _ => true,
            })
            .filter(|i| {
                get("labels").is_none_or(|ls| {
                    ls.split(',').all(|l| {
                        i["labels"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| x == l))
                    })
                })
            })
            .filter(|i| {
                get("search").is_none_or(|s| {
                    let s = s.to_lowercase();
                    let has =
                        |k: &str| i[k].as_str().is_some_and(|t| t.to_lowercase().contains(&s));
                    has("title") || has("description")
                })
            })
            .filter(|i| {
                let after = get("updated_after")
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
                let at = i["updated_at"]
                    .as_str()
                    .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok());
                after.is_none_or(|t| at.is_some_and(|u| u >= t))
            })
            .cloned()
            .collect();
        out.sort_by(|a, b| b["updated_at"].as_str().cmp(&a["updated_at"].as_str()));
        paged(uri, out)
    }
}

/// One page of `items` with GitLab's offset pagination headers.
fn paged(uri: &Uri, items: Vec<Value>) -> Response {
    let q = query_pairs(uri);
    let get = |k: &str, d: usize| {
        q.iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(d)
    };
    let (page, per) = (get("page", 1), get("per_page", 20));
    let total = items.len();
    let pages = total.div_ceil(per).max(1);
    let chunk: Vec<Value> = items.into_iter().skip((page - 1) * per).take(per).collect();
    let mut r = reply(200, Value::Array(chunk));
    let h = r.headers_mut();
    let next = if page < pages {
        (page + 1).to_string()
    } else {
        String::new()
    };
    h.insert("x-page", page.to_string().parse().expect("h"));
    h.insert("x-per-page", per.to_string().parse().expect("h"));
    h.insert("x-total", total.to_string().parse().expect("h"));
    h.insert("x-total-pages", pages.to_string().parse().expect("h"));
    h.insert("x-next-page", next.parse().expect("h"));
    r
}

fn split_labels(v: Option<&Value>) -> Value {
    let s = v.and_then(Value::as_str).unwrap_or("");
    Value::Array(
        s.split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(Value::from)
            .collect(),
    )
}

fn assignees(ids: &Value) -> Value {
    let names = ["", "root", "alice", "alicia"];
    Value::Array(
        ids.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_u64)
            .filter(|i| (1..=3).contains(i))
            .map(|i| user_json(i, names[i as usize]))
            .collect(),
    )
}

fn user_json(id: u64, username: &str) -> Value {
    json!({"id": id, "username": username, "name": username.to_uppercase(), "state": "active",
           "web_url": format!("http://gitlab.test/{username}")})
}
