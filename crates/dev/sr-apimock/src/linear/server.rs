//! The loopback GraphQL endpoint (`POST /graphql`): checks the
//! credentials, validates the document and variables against the schema
//! (recording what Linear would refuse and answering with Linear's
//! GraphQL error), then answers from a programmed fault or the responder
//! (a [`super::LinearWorkspace`], possibly behind [`crate::Chaos`]).
//! Faults and the request log name a request by its first root field
//! (`issueCreate`, `issues`). `PUT /uploads/…` stands in for the signed
//! storage URLs of file uploads (logged as [`UPLOAD`]).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::GraphqlSchema;
use crate::server::{Fault, MockRequest, MockResponse, Recorded, Responder};

struct Inner {
    schema: Arc<GraphqlSchema>,
    authorization: Vec<String>,
    responder: Mutex<Box<dyn Responder>>,
    faults: Mutex<VecDeque<Fault>>,
    failures: Mutex<Vec<String>>,
    log: Mutex<Vec<Recorded>>,
    base_url: String,
}

/// A running Linear mock; it stops when dropped.
pub struct LinearServer {
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for LinearServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinearServer")
            .field("base_url", &self.inner.base_url)
            .finish()
    }
}

impl Drop for LinearServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl LinearServer {
    /// Starts on a free loopback port. `authorization` lists the accepted
    /// `Authorization` values (empty: any); `responder` answers valid
    /// requests.
    pub async fn start(
        schema: Arc<GraphqlSchema>,
        authorization: Vec<String>,
        responder: impl Responder,
    ) -> std::io::Result<LinearServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            schema,
            authorization,
            responder: Mutex::new(Box::new(responder)),
            faults: Mutex::default(),
            failures: Mutex::default(),
            log: Mutex::default(),
            base_url: format!("http://{addr}"),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!("Linear mock stopped: {e}");
            }
        });
        Ok(LinearServer { inner, task })
    }

    /// `http://127.0.0.1:PORT`; the endpoint is `/graphql` under it.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Every request Linear would have refused (invalid document, wrongly
    /// typed variables, not a JSON POST to `/graphql`).
    pub fn failures(&self) -> Vec<String> {
        self.inner
            .failures
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    /// Every request so far; `operation_id` is the first root field.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many requests asked for the root field `field`.
    pub fn count(&self, field: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some(field))
            .count()
    }

    /// Answers the next request whose first root field is `field` (`*`:
    /// any) with `response`, once.
    pub fn push_fault(&self, field: &str, response: MockResponse) {
        if let Ok(mut f) = self.inner.faults.lock() {
            f.push_back(Fault {
                operation_id: field.to_owned(),
                response,
                after_answer: false,
            });
        }
    }

    /// The next request to `field` takes effect, then the connection
    /// breaks before its answer: an outcome the client cannot know.
    pub fn push_break_after_answer(&self, field: &str) {
        if let Ok(mut f) = self.inner.faults.lock() {
            f.push_back(Fault {
                operation_id: field.to_owned(),
                response: MockResponse::empty(0),
                after_answer: true,
            });
        }
    }
}

fn graphql_error(message: &str, code: &str) -> MockResponse {
    MockResponse::json(
        400,
        &json!({"errors": [{"message": message,
            "extensions": {"code": code, "type": "graphql error", "userError": true}}]}),
    )
}

async fn handle(State(inner): State<Arc<Inner>>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let header = |n: &str| {
        parts
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut failures = Vec::new();
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    let checked = json.as_ref().map(|j| inner.schema.check(j));
    // A PUT under /uploads/ is the signed storage URL `fileUpload` hands
    // out: no GraphQL, no Linear credentials.
    let storage = parts.method == axum::http::Method::PUT && path.starts_with("/uploads/");
    let root = if storage {
        Some(UPLOAD.to_owned())
    } else {
        checked
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .and_then(|c| c.root_fields().first().map(|f| f.name.clone()))
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let mut answer = if storage {
        if header("authorization").is_some() {
            failures.push(format!(
                "PUT {path}: the upload to the signed storage URL carried an Authorization header; Linear's credentials must not reach the storage host"
            ));
        }
        let raw = Raw {
            method: "PUT",
            query: query.clone(),
            bytes: body.to_vec(),
        };
        answer(&inner, &parts.headers, &path, None, raw, root.clone())
    } else if parts.method != axum::http::Method::POST || path != "/graphql" {
        failures.push(format!(
            "{} {path}: Linear serves only POST /graphql",
            parts.method
        ));
        MockResponse::json(404, &json!({"errors": [{"message": "Not found"}]}))
    } else if !header("content-type").is_some_and(|c| c.starts_with("application/json")) {
        failures.push("the body is not sent as application/json".into());
        graphql_error("Must provide query string.", "BAD_USER_INPUT")
    } else if !inner.authorization.is_empty()
        && !header("authorization").is_some_and(|a| inner.authorization.contains(&a))
    {
        super::unauthenticated()
    } else {
        match &checked {
            None => {
                failures.push("the body is not JSON".into());
                graphql_error("Unexpected token in JSON", "BAD_USER_INPUT")
            }
            Some(Err(errors)) => {
                failures.extend(
                    errors
                        .iter()
                        .map(|e| format!("invalid GraphQL request: {e}")),
                );
                graphql_error(
                    errors.first().map(String::as_str).unwrap_or("invalid"),
                    "GRAPHQL_VALIDATION_FAILED",
                )
            }
            Some(Ok(_)) => {
                let raw = Raw {
                    method: "POST",
                    query: Vec::new(),
                    bytes: Vec::new(),
                };
                answer(&inner, &parts.headers, &path, json, raw, root.clone())
            }
        }
    };
    if !failures.is_empty() {
        tracing::warn!(?failures, "request Linear would refuse");
        if let Ok(mut f) = inner.failures.lock() {
            f.extend(failures);
        }
    }
    if let Ok(mut log) = inner.log.lock() {
        log.push(Recorded {
            method: parts.method.to_string(),
            path,
            query,
            operation_id: root,
            status: answer.status,
            if_none_match: None,
        });
    }
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (k, v) in &answer.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let out = match answer.reset_after.take() {
        None => Body::from(std::mem::take(&mut answer.body)),
        Some(n) => {
            builder = builder.header("content-length", answer.body.len());
            let first = Bytes::from(answer.body[..n.min(answer.body.len())].to_vec());
            let broken = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset mid-body");
            Body::from_stream(futures_util::stream::iter([Ok(first), Err(broken)]))
        }
    };
    if let Some(d) = answer.delay {
        tokio::time::sleep(d).await;
    }
    builder
        .body(out)
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// The operation name uploads to the signed storage URL are logged and
/// faulted under (`push_fault("upload", …)`).
pub const UPLOAD: &str = "upload";

/// What a request carries besides its JSON body.
struct Raw {
    method: &'static str,
    query: Vec<(String, String)>,
    bytes: Vec<u8>,
}

/// A valid request's answer: a programmed fault, else the responder's.
fn answer(
    inner: &Inner,
    headers: &axum::http::HeaderMap,
    path: &str,
    body: Option<Value>,
    raw: Raw,
    root: Option<String>,
) -> MockResponse {
    let fault = inner.faults.lock().ok().and_then(|mut f| {
        let i = f
            .iter()
            .position(|x| x.operation_id == "*" || Some(&x.operation_id) == root.as_ref())?;
        f.remove(i)
    });
    if let Some(f) = &fault
        && !f.after_answer
    {
        return f.response.clone();
    }
    let request = MockRequest {
        method: raw.method.into(),
        path: path.to_owned(),
        query: raw.query,
        headers: headers.clone(),
        body,
        raw: raw.bytes,
        operation_id: root,
        path_params: BTreeMap::new(),
        base_url: inner.base_url.clone(),
        example: None,
    };
    let mut out = inner
        .responder
        .lock()
        .ok()
        .and_then(|mut r| r.respond(&request))
        .unwrap_or_else(|| MockResponse::empty(500));
    if fault.is_some() {
        out.reset_after = Some(0);
    }
    out
}
