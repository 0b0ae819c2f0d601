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
use serde_json::Value;

mod check;
mod listing;
mod routes;

/// One queued answer that comes before normal handling.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A status with headers and a body.
    Status(u16, Vec<(&'static str, String)>, String),
    /// A 200 whose JSON body stops half-way.
    Truncated,
    /// The normal answer, after a delay.
    Slow(std::time::Duration),
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
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
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
    let fault = {
        let mut g = state.lock().expect("mock state");
        g.requests.push(format!("{method} {uri}"));
        g.faults.pop_front()
    };
    match fault {
        Some(Fault::Status(code, hs, body)) => {
            let mut r =
                (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), body).into_response();
            for (k, v) in hs {
                r.headers_mut().insert(k, v.parse().expect("header"));
            }
            return r;
        }
        Some(Fault::Truncated) => {
            return (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"iid\": 1, \"tit",
            )
                .into_response();
        }
        // A slow server: the answer comes after the delay, whatever the
        // client made of the wait.
        Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }
    let mut resp = state
        .lock()
        .expect("mock state")
        .answer(&method, &uri, &headers, &body);
    let reset = chrono::Utc::now().timestamp() + 60;
    let h = resp.headers_mut();
    h.insert("ratelimit-limit", "2000".parse().expect("h"));
    h.insert("ratelimit-remaining", "1999".parse().expect("h"));
    h.insert("ratelimit-reset", reset.to_string().parse().expect("h"));
    resp
}
