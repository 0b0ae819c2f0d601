//! The loopback server: every request is matched to an operation of the
//! description and validated; violations are recorded for the test to
//! assert on, and the answer comes from a programmed fault, the test's
//! [`Responder`] or the description's example.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::spec::{Spec, decode};

/// A request as the responder sees it.
#[derive(Debug, Clone)]
pub struct MockRequest {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Option<Value>,
    /// The body's bytes as sent (uploads).
    pub raw: Vec<u8>,
    /// The matched operation's `operationId`, when one matched.
    pub operation_id: Option<String>,
    pub path_params: BTreeMap<String, String>,
    /// `http://127.0.0.1:PORT`, for URLs in answers.
    pub base_url: String,
    /// The description's example answer for the operation, for responders
    /// that start from it.
    pub example: Option<serde_json::Value>,
}

impl MockRequest {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn param(&self, name: &str) -> &str {
        self.path_params
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MockResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (a slow server).
    pub delay: Option<Duration>,
    /// Send only this many bytes of the body, then break the connection
    /// (a reset mid-body); the declared length stays the whole body's.
    pub reset_after: Option<usize>,
}

impl MockResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        MockResponse {
            status,
            headers: vec![(
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.to_string().into_bytes(),
            delay: None,
            reset_after: None,
        }
    }

    pub fn empty(status: u16) -> Self {
        MockResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: None,
            reset_after: None,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn reset_after(mut self, bytes: usize) -> Self {
        self.reset_after = Some(bytes);
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// Answers validated requests; `None` falls back to the example.
pub trait Responder: Send + 'static {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse>;
}

/// Answers only from the description's examples.
#[derive(Debug, Default)]
pub struct ExamplesOnly;

impl Responder for ExamplesOnly {
    fn respond(&mut self, _req: &MockRequest) -> Option<MockResponse> {
        None
    }
}

/// A check on a request body beyond its schema: what the provider also
/// rejects (Jira's create-issue schema leaves `fields` open, yet Jira
/// requires a project). Returns one message per violation.
pub type Rule = Box<dyn Fn(&Value) -> Vec<String> + Send + Sync>;

/// A programmed answer for the next request(s) to an operation.
#[derive(Debug, Clone)]
pub struct Fault {
    /// `operationId` (`issues/create`); `*` matches any.
    pub operation_id: String,
    pub response: MockResponse,
    /// Let the responder act on the request (create the issue), then break
    /// the connection before the answer's body: `response` is not used.
    /// The client cannot tell whether the request took effect.
    pub after_answer: bool,
}

/// One request as it arrived, for assertions.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub operation_id: Option<String>,
    pub status: u16,
    pub if_none_match: Option<String>,
}

struct Inner {
    spec: Arc<Spec>,
    responder: Mutex<Box<dyn Responder>>,
    faults: Mutex<VecDeque<Fault>>,
    failures: Mutex<Vec<String>>,
    answer_failures: Mutex<Vec<String>>,
    rules: Mutex<Vec<(String, Rule)>>,
    /// Answer requests that violate the description with 400 instead of
    /// passing them to the responder, as the provider would refuse them.
    refuse_invalid: std::sync::atomic::AtomicBool,
    log: Mutex<Vec<Recorded>>,
    /// Nanoseconds spent inside the handler, see [`MockServer::busy`].
    busy_nanos: AtomicU64,
    base_url: String,
}

/// A running mock server; it stops when dropped.
pub struct MockServer {
    inner: Arc<Inner>,
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Starts on a free loopback port.
    pub async fn start(spec: Arc<Spec>, responder: impl Responder) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            spec,
            responder: Mutex::new(Box::new(responder)),
            faults: Mutex::default(),
            failures: Mutex::default(),
            answer_failures: Mutex::default(),
            rules: Mutex::default(),
            refuse_invalid: std::sync::atomic::AtomicBool::new(false),
            log: Mutex::default(),
            busy_nanos: AtomicU64::new(0),
            base_url: format!("http://{addr}"),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!("mock server stopped: {e}");
            }
        });
        Ok(MockServer { inner, addr, task })
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every violation of the description seen so far.
    pub fn failures(&self) -> Vec<String> {
        self.inner
            .failures
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    /// Every way the responder's answers differ from the description's
    /// response schemas (programmed faults are not checked).
    pub fn answer_failures(&self) -> Vec<String> {
        self.inner
            .answer_failures
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default()
    }

    /// The time the server spent answering so far: from the request's
    /// last body byte to its answer being built (validation, the responder,
    /// the answer's check), without programmed delays. Benchmarks subtract
    /// it to show the client's own cost.
    pub fn busy(&self) -> Duration {
        Duration::from_nanos(self.inner.busy_nanos.load(Ordering::Relaxed))
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many requests went to `operation_id`.
    pub fn count(&self, operation_id: &str) -> usize {
        self.inner.log.lock().map_or(0, |l| {
            l.iter()
                .filter(|r| r.operation_id.as_deref() == Some(operation_id))
                .count()
        })
    }

    /// What a fixture checks when its test ends: `provider` would have
    /// taken every request and, with `answers`, every answer was shaped
    /// as the description says. Nothing is checked while the thread is
    /// already panicking, so the test's own failure is the one reported.
    pub fn assert_clean(&self, provider: &str, answers: bool) {
        if std::thread::panicking() {
            return;
        }
        assert_eq!(
            self.failures(),
            Vec::<String>::new(),
            "requests {provider} would reject"
        );
        if answers {
            assert_eq!(
                self.answer_failures(),
                Vec::<String>::new(),
                "answers unlike {provider}'s"
            );
        }
    }

    /// Adds a check on the bodies sent to `operation_id`; its violations are
    /// recorded with the schema's.
    pub fn rule(
        &self,
        operation_id: &str,
        rule: impl Fn(&Value) -> Vec<String> + Send + Sync + 'static,
    ) {
        if let Ok(mut r) = self.inner.rules.lock() {
            r.push((operation_id.to_owned(), Box::new(rule)));
        }
    }

    /// From now on, a request that violates the description (or a rule)
    /// is answered 400 with the violations, and the responder never sees
    /// it: the provider would refuse it. The violations are still recorded.
    pub fn refuse_invalid(&self, refuse: bool) {
        self.inner.refuse_invalid.store(refuse, Ordering::Relaxed);
    }

    /// Answers the next request to `operation_id` with `response`, once.
    pub fn push_fault(&self, operation_id: &str, response: MockResponse) {
        if let Ok(mut f) = self.inner.faults.lock() {
            f.push_back(Fault {
                operation_id: operation_id.to_owned(),
                response,
                after_answer: false,
            });
        }
    }

    /// The next request to `operation_id` is answered by the responder (so
    /// what it does happens), then the connection breaks before the body
    /// arrives: a create whose outcome the client cannot know.
    pub fn push_break_after_answer(&self, operation_id: &str) {
        if let Ok(mut f) = self.inner.faults.lock() {
            f.push_back(Fault {
                operation_id: operation_id.to_owned(),
                response: MockResponse::empty(0),
                after_answer: true,
            });
        }
    }

    /// Runs `f` on the responder (to program or inspect its state).
    pub fn with_responder<T>(&self, f: impl FnOnce(&mut dyn Responder) -> T) -> Option<T> {
        self.inner.responder.lock().ok().map(|mut r| f(r.as_mut()))
    }
}

fn parse_query(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(&k.replace('+', " ")), decode(&v.replace('+', " ")))
        })
        .collect()
}

async fn handle(State(inner): State<Arc<Inner>>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let started = Instant::now();
    let method: Method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let query = parse_query(&parts.uri);
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let matched = inner.spec.find_with_query(method.as_str(), &path, &query);
    let mut failures = Vec::new();
    let (operation_id, path_params) = match &matched {
        Some(m) => {
            failures = inner
                .spec
                .check_request(m, &query, content_type.as_deref(), &body);
            if let Some(v) = serde_json::from_slice::<Value>(&body).ok()
                && let Ok(rules) = inner.rules.lock()
            {
                for (op, rule) in rules.iter() {
                    if *op == m.operation.operation_id {
                        failures.extend(rule(&v).into_iter().map(|e| {
                            format!("{} {}: {e}", m.operation.method, m.operation.template)
                        }));
                    }
                }
            }
            (
                Some(m.operation.operation_id.clone()),
                m.path_params.clone(),
            )
        }
        None => {
            failures.push(format!(
                "{method} {path}: no operation of the description matches"
            ));
            (None, BTreeMap::new())
        }
    };
    let request = MockRequest {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers: parts.headers.clone(),
        body: serde_json::from_slice(&body).ok(),
        raw: body.to_vec(),
        operation_id: operation_id.clone(),
        path_params,
        base_url: inner.base_url.clone(),
        example: matched
            .as_ref()
            .and_then(|m| inner.spec.example_response(m.operation))
            .map(|(_, v)| v),
    };
    let fault = inner.faults.lock().ok().and_then(|mut f| {
        let i = f.iter().position(|x| {
            x.operation_id == "*" || Some(&x.operation_id) == operation_id.as_ref()
        })?;
        f.remove(i)
    });
    let (fault, break_after_answer) = match fault {
        Some(f) if f.after_answer => (None, true),
        f => (f, false),
    };
    let refuse = !failures.is_empty() && inner.refuse_invalid.load(Ordering::Relaxed);
    let mut answer = match fault {
        Some(f) => f.response,
        None if refuse => MockResponse::json(
            400,
            &serde_json::json!({"message": failures.join("; "), "typeKey": "InvalidRequestException"}),
        ),
        None if matched.is_none() => {
            MockResponse::json(404, &serde_json::json!({"message": "Not Found"}))
        }
        None => {
            let from_responder = inner
                .responder
                .lock()
                .ok()
                .and_then(|mut r| r.respond(&request));
            if let (Some(a), Some(m)) = (&from_responder, &matched) {
                let errors = inner.spec.check_response(m.operation, a.status, &a.body);
                if !errors.is_empty() {
                    tracing::warn!(?errors, "answer does not match the description");
                    if let Ok(mut f) = inner.answer_failures.lock() {
                        f.extend(errors);
                    }
                }
            }
            from_responder.unwrap_or_else(|| {
                matched
                    .as_ref()
                    .and_then(|m| inner.spec.example_response(m.operation))
                    .map(|(s, v)| {
                        if v.is_null() {
                            MockResponse::empty(s)
                        } else {
                            MockResponse::json(s, &v)
                        }
                    })
                    .unwrap_or_else(|| MockResponse::empty(501))
            })
        }
    };
    if break_after_answer {
        answer.reset_after = Some(0);
    }
    if !failures.is_empty() {
        tracing::warn!(?failures, "request does not match the description");
        if let Ok(mut f) = inner.failures.lock() {
            f.extend(failures);
        }
    }
    if let Ok(mut log) = inner.log.lock() {
        log.push(Recorded {
            method: method.to_string(),
            path,
            query,
            operation_id,
            status: answer.status,
            if_none_match: request.header("if-none-match").map(str::to_owned),
        });
    }
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    for (k, v) in &answer.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let body = match answer.reset_after {
        None => Body::from(answer.body),
        Some(n) => {
            builder = builder.header("content-length", answer.body.len());
            let first = Bytes::from(answer.body[..n.min(answer.body.len())].to_vec());
            let broken = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset mid-body");
            Body::from_stream(futures_util::stream::iter([Ok(first), Err(broken)]))
        }
    };
    let response = builder
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::empty()));
    let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    inner.busy_nanos.fetch_add(spent, Ordering::Relaxed);
    if let Some(d) = answer.delay {
        tokio::time::sleep(d).await;
    }
    response
}
