//! One HTTP client per configured tracker: rustls (plus a company CA from
//! `config.ca_file`, see [`crate::tls`]), connect and request
//! timeouts, a `ScratchRobin/<version>` User-Agent, credentials as
//! sensitive default headers, retries ([`crate::retry`]), the rate-limit
//! budget ([`crate::RateBudget`]), conditional GETs with ETags and error
//! classification ([`crate::classify`]). One tracing span per request:
//! method, path, status and duration, never a header value or a body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{ETAG, HeaderMap, HeaderName, HeaderValue, IF_NONE_MATCH};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::budget::BudgetCell;
use crate::classify::{status_error, transport_error};
use crate::pacer::Pacer;
use crate::retry::{Attempt, RetryPolicy, run};
use crate::{RateBudget, Result, TrackerError};

/// The User-Agent every tracker request carries.
pub const USER_AGENT: &str = concat!("ScratchRobin/", env!("CARGO_PKG_VERSION"));

/// How to build a tracker's client.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The provider's name in messages ("GitHub").
    pub provider: String,
    /// The API root every path is appended to (`https://api.github.com`,
    /// `https://HOST/api/v3`).
    pub base_url: Url,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Sent with every request (authorization, `Accept`, API version).
    /// Values marked sensitive never show in debug output.
    pub headers: HeaderMap,
    /// Requests in flight at once.
    pub max_concurrent: usize,
    /// The least time between two writes (POST, PATCH, PUT, DELETE).
    pub write_spacing: Duration,
    /// A PEM file of extra certificate authorities to trust
    /// (`config.ca_file`: a company CA in front of a self-hosted tracker).
    pub ca_file: Option<std::path::PathBuf>,
    /// Whether a used-up budget (`remaining` 0 before its reset) holds
    /// requests back until the reset. True where a used-up budget means
    /// refusal (GitHub); false where it only means the server slows the
    /// client down (Azure DevOps), which `Retry-After` then paces.
    pub hold_on_exhausted_budget: bool,
}

impl HttpSettings {
    pub fn new(provider: impl Into<String>, base_url: Url) -> Self {
        HttpSettings {
            provider: provider.into(),
            base_url,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            headers: HeaderMap::new(),
            max_concurrent: 4,
            write_spacing: Duration::ZERO,
            ca_file: None,
            hold_on_exhausted_budget: true,
        }
    }
}

/// A file sent as the one part of a `multipart/form-data` body.
#[derive(Clone)]
pub struct FilePart {
    /// The form field's name (`file`).
    pub field: &'static str,
    pub filename: String,
    /// Empty or unusable: `application/octet-stream`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilePart")
            .field("field", &self.field)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl FilePart {
    /// The form for one try; reqwest frames it (boundary, length).
    fn form(&self) -> reqwest::multipart::Form {
        const ANY: &str = "application/octet-stream";
        // Quotes, backslashes and line breaks would end or break the
        // part's header; reqwest escapes the first two but not the others.
        let name: String = self
            .filename
            .chars()
            .map(|c| {
                if matches!(c, '"' | '\r' | '\n' | '\\') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let part = |mime: &str| {
            reqwest::multipart::Part::bytes(self.bytes.clone())
                .file_name(name.clone())
                .mime_str(mime)
        };
        let given = self.content_type.trim();
        let part = part(if given.is_empty() { ANY } else { given })
            .or_else(|_| part(ANY))
            .unwrap_or_else(|_| {
                reqwest::multipart::Part::bytes(self.bytes.clone()).file_name(name.clone())
            });
        reqwest::multipart::Form::new().part(self.field, part)
    }
}

/// A body sent as it is, with its media type (Azure DevOps takes
/// attachments as `application/octet-stream`).
#[derive(Clone)]
pub struct RawBody {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for RawBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawBody")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// One request, before retries.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub url: Url,
    pub body: Option<serde_json::Value>,
    /// Sent as these bytes instead of a JSON body.
    pub raw: Option<RawBody>,
    /// Sent as `multipart/form-data` instead of a JSON body.
    pub file: Option<FilePart>,
    pub headers: HeaderMap,
    /// False for requests that create something: those are not sent again
    /// once they may have arrived.
    pub idempotent: bool,
    /// What the request does, for [`TrackerError::UnknownOutcome`]
    /// ("create issue").
    pub operation: String,
    /// What it is about, for 404 and 410 messages ("issue #7").
    pub what: String,
    /// Overrides the policy's tries (1 for a connection test).
    pub max_attempts: Option<u32>,
}

impl ApiRequest {
    pub fn new(method: Method, url: Url, operation: impl Into<String>) -> Self {
        let operation = operation.into();
        ApiRequest {
            idempotent: method != Method::POST,
            method,
            url,
            body: None,
            raw: None,
            file: None,
            headers: HeaderMap::new(),
            what: operation.clone(),
            operation,
            max_attempts: None,
        }
    }

    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// A body of `bytes` as `content_type` (an unusable type is sent as
    /// `application/octet-stream`).
    pub fn bytes(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.raw = Some(RawBody {
            content_type: content_type.to_owned(),
            bytes,
        });
        self
    }

    /// A file upload: one `multipart/form-data` part.
    pub fn file(mut self, file: FilePart) -> Self {
        self.file = Some(file);
        self
    }

    pub fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
        self
    }

    pub fn what(mut self, what: impl Into<String>) -> Self {
        self.what = what.into();
        self
    }

    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    pub fn attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }
}

/// A successful (2xx or 304) answer.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body came from the ETag cache after a 304.
    pub not_modified: bool,
}

impl ApiResponse {
    pub fn json<T: DeserializeOwned>(&self, provider: &str) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| TrackerError::Provider {
            provider: provider.to_owned(),
            status: self.status.as_u16(),
            message: format!(
                "the answer is not the JSON expected ({e}); is the base URL an API root?"
            ),
        })
    }

    pub fn next_link(&self) -> Option<String> {
        crate::paginate::next_link(&self.headers)
    }
}

/// How many answers the ETag cache keeps.
const ETAG_CACHE_ENTRIES: usize = 1024;

/// The last ETag and body per URL.
type EtagCache = HashMap<String, (HeaderValue, Vec<u8>)>;

/// A tracker's HTTP client. Cheap to clone; clones share the connection
/// pool, the budget and the ETag cache.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: Arc<HttpSettings>,
    budget: BudgetCell,
    pacer: Arc<Pacer>,
    etags: Arc<Mutex<EtagCache>>,
    /// No request before this: a successful answer carried `Retry-After`
    /// (Azure DevOps asks delayed clients to wait so before the next one).
    hold_until: Arc<Mutex<Option<Instant>>>,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self> {
        let builder = crate::tls::with_ca_file(
            reqwest::Client::builder().use_rustls_tls(),
            settings.ca_file.as_deref(),
        )
        .map_err(|m| TrackerError::config(&settings.provider, m))?;
        let client = builder
            .user_agent(USER_AGENT)
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .default_headers(settings.headers.clone())
            .build()
            .map_err(|e| {
                TrackerError::config(
                    &settings.provider,
                    format!("cannot build the HTTP client: {e}"),
                )
            })?;
        Ok(HttpClient {
            client,
            pacer: Arc::new(Pacer::new(settings.max_concurrent, settings.write_spacing)),
            settings: Arc::new(settings),
            budget: BudgetCell::default(),
            etags: Arc::default(),
            hold_until: Arc::default(),
        })
    }

    pub fn provider(&self) -> &str {
        &self.settings.provider
    }

    pub fn base_url(&self) -> &Url {
        &self.settings.base_url
    }

    /// The budget the last response reported.
    pub fn budget(&self) -> RateBudget {
        self.budget.get()
    }

    /// The base URL with `segments` appended, each percent-encoded (a label
    /// named `a/b c` stays one segment).
    pub fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.settings.base_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments);
        }
        url
    }

    /// Sends with retries; a 2xx or 304 answer is returned, anything else
    /// becomes a classified error.
    pub async fn send(&self, req: ApiRequest) -> Result<ApiResponse> {
        let mut policy = self.settings.retry.clone();
        if let Some(n) = req.max_attempts {
            policy.max_attempts = n;
        }
        let provider = self.settings.provider.clone();
        let write = !matches!(req.method, Method::GET | Method::HEAD);
        let _turn = self.pacer.admit(write).await;
        self.wait_for_budget(&req, &policy).await?;
        let span = tracing::debug_span!("tracker_request", provider = %provider, method = %req.method, path = %req.url.path());
        async {
            let started = Instant::now();
            let result = run(&policy, req.idempotent, &req.operation, &provider, |_| self.attempt(&req)).await;
            match result {
                Ok((status, headers, body, ())) => {
                    tracing::debug!(status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "answered");
                    if status.is_success() || status == StatusCode::NOT_MODIFIED {
                        Ok(ApiResponse { status, headers, body, not_modified: false })
                    } else {
                        Err(status_error(&provider, &req.what, status, &headers, &body))
                    }
                }
                Err(e) => {
                    tracing::debug!(kind = ?e.kind(), ms = started.elapsed().as_millis() as u64, "failed");
                    Err(e)
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Holds a request back while the budget it counts against is used up
    /// (GitHub: "do not retry until the reset"): waits for the reset when
    /// that is soon enough, else reports the limit without sending.
    async fn wait_for_budget(&self, req: &ApiRequest, policy: &RetryPolicy) -> Result<()> {
        let held = self
            .hold_until
            .lock()
            .ok()
            .and_then(|h| *h)
            .and_then(|t| t.checked_duration_since(Instant::now()));
        if let Some(wait) = held {
            if wait > policy.max_rate_limit_wait {
                return Err(TrackerError::RateLimited {
                    provider: self.settings.provider.clone(),
                    reset_at: chrono::Duration::from_std(wait)
                        .ok()
                        .map(|d| chrono::Utc::now() + d),
                });
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting as Retry-After asked"
            );
            tokio::time::sleep(wait).await;
        }
        if !self.settings.hold_on_exhausted_budget {
            return Ok(());
        }
        let resource = if req.url.path().contains("/search/") {
            "search"
        } else {
            "core"
        };
        let budget = self
            .budget
            .get_for(resource)
            .or_else(|| (resource == "core").then(|| self.budget.get()));
        let now = chrono::Utc::now();
        // A query-cost budget (Linear's complexity) counts every request.
        let complexity = self.budget.get_for(crate::budget::COMPLEXITY);
        let Some(b) = [budget, complexity]
            .into_iter()
            .flatten()
            .find(|b| b.exhausted_at(now))
        else {
            return Ok(());
        };
        let wait = b
            .reset_at
            .and_then(|r| (r - now).to_std().ok())
            .unwrap_or_default()
            + Duration::from_secs(1);
        if wait > policy.max_rate_limit_wait {
            return Err(TrackerError::RateLimited {
                provider: self.settings.provider.clone(),
                reset_at: b.reset_at,
            });
        }
        tracing::debug!(
            wait_ms = wait.as_millis() as u64,
            "waiting for the rate-limit reset"
        );
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// A GET that sends the ETag of the last answer for this URL; on 304 the
    /// cached body is returned (a 304 costs GitHub no rate limit).
    pub async fn get_cached(&self, mut req: ApiRequest) -> Result<ApiResponse> {
        let key = req.url.to_string();
        let cached = self.etags.lock().ok().and_then(|m| m.get(&key).cloned());
        if let Some((etag, _)) = &cached {
            req.headers.insert(IF_NONE_MATCH, etag.clone());
        }
        let mut resp = self.send(req).await?;
        if resp.status == StatusCode::NOT_MODIFIED {
            if let Some((_, body)) = cached {
                resp.body = body;
                resp.not_modified = true;
                resp.status = StatusCode::OK;
            }
        } else if let Some(etag) = resp.headers.get(ETAG)
            // A body cut short (a proxy, a broken connection that still
            // ended cleanly) must not be kept: every 304 after it would
            // hand it out again until the resource changed.
            && serde_json::from_slice::<serde::de::IgnoredAny>(&resp.body).is_ok()
            && let Ok(mut m) = self.etags.lock()
        {
            // Bounded: a full cache starts over rather than grow with every
            // issue ever read.
            if m.len() >= ETAG_CACHE_ENTRIES && !m.contains_key(&key) {
                m.clear();
            }
            m.insert(key, (etag.clone(), resp.body.clone()));
        }
        Ok(resp)
    }

    /// Forgets the cached answer for a URL (after a write to it).
    pub fn forget(&self, url: &Url) {
        if let Ok(mut m) = self.etags.lock() {
            m.remove(url.as_str());
        }
    }

    /// Follows `Link: rel="next"` from `first`, collecting items until
    /// there is no next page or `limit` items are in.
    pub async fn get_pages<T: DeserializeOwned>(
        &self,
        first: ApiRequest,
        limit: usize,
    ) -> Result<Vec<T>> {
        self.get_pages_with(first, limit, |v: serde_json::Value| {
            serde_json::from_value::<Vec<T>>(v)
        })
        .await
    }

    /// Like [`HttpClient::get_pages`], with `items` taking the page's list
    /// out of its JSON (a search answer wraps it in `items`).
    pub async fn get_pages_with<T, F>(
        &self,
        first: ApiRequest,
        limit: usize,
        items: F,
    ) -> Result<Vec<T>>
    where
        F: Fn(serde_json::Value) -> serde_json::Result<Vec<T>>,
    {
        self.pages(first, limit, items, false).await
    }

    /// Like [`HttpClient::get_pages_with`], with the first page read
    /// conditionally ([`HttpClient::get_cached`]): a poll whose first page
    /// has not changed costs GitHub no rate limit for it. The URL must stay
    /// the same between polls for that, so poll with the newest change
    /// already seen as `since`, not with the time of the last poll.
    pub async fn get_pages_cached<T, F>(
        &self,
        first: ApiRequest,
        limit: usize,
        items: F,
    ) -> Result<Vec<T>>
    where
        F: Fn(serde_json::Value) -> serde_json::Result<Vec<T>>,
    {
        self.pages(first, limit, items, true).await
    }

    async fn pages<T, F>(
        &self,
        first: ApiRequest,
        limit: usize,
        items: F,
        cache_first: bool,
    ) -> Result<Vec<T>>
    where
        F: Fn(serde_json::Value) -> serde_json::Result<Vec<T>>,
    {
        let mut out = Vec::new();
        let mut req = first;
        let mut cached = cache_first;
        loop {
            let resp = if cached {
                cached = false;
                self.get_cached(req.clone()).await?
            } else {
                self.send(req.clone()).await?
            };
            let page: serde_json::Value = resp.json(self.provider())?;
            let list = items(page).map_err(|e| TrackerError::Provider {
                provider: self.provider().to_owned(),
                status: resp.status.as_u16(),
                message: format!("a page of {} is not the list expected: {e}", req.what),
            })?;
            out.extend(list);
            if out.len() >= limit {
                out.truncate(limit);
                return Ok(out);
            }
            match resp.next_link().and_then(|u| Url::parse(&u).ok()) {
                Some(next) => req.url = next,
                None => return Ok(out),
            }
        }
    }

    async fn attempt(&self, req: &ApiRequest) -> Attempt<()> {
        let mut builder = self.client.request(req.method.clone(), req.url.clone());
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        if let Some(file) = &req.file {
            builder = builder.multipart(file.form());
        }
        if let Some(raw) = &req.raw {
            let ct = HeaderValue::from_str(&raw.content_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, ct)
                .body(raw.bytes.clone());
        }
        let failed = |e: reqwest::Error| {
            let (error, phase) =
                transport_error(&e, req.url.as_str(), self.settings.request_timeout);
            Attempt::Failed { error, phase }
        };
        let resp = match builder.send().await {
            Ok(r) => r,
            Err(e) => {
                self.count_request("error");
                return failed(e);
            }
        };
        let status = resp.status();
        self.count_request(status.as_str());
        let headers = resp.headers().clone();
        self.budget.observe(&headers);
        if status.is_success()
            && let Some(wait) = crate::retry::retry_after(&headers, chrono::Utc::now())
            && let Ok(mut hold) = self.hold_until.lock()
        {
            *hold = Some(Instant::now() + wait);
        }
        match resp.bytes().await {
            Ok(body) => Attempt::Answered {
                status,
                headers,
                body: body.to_vec(),
                response: (),
            },
            Err(e) => failed(e),
        }
    }
}

impl HttpClient {
    /// One request in `sr_tracker_requests_total` (rendered by the webhook
    /// listener's `/metrics`), by provider, API host and status ("error"
    /// when no answer came). The host tells two instances apart.
    fn count_request(&self, status: &str) {
        let host = self.settings.base_url.host_str().unwrap_or("").to_owned();
        metrics::counter!("sr_tracker_requests_total", "provider" => self.settings.provider.clone(),
            "host" => host, "status" => status.to_owned())
        .increment(1);
    }
}

/// A header value that never shows in debug output (a token).
pub fn sensitive(value: &str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    let mut v = HeaderValue::from_str(value)?;
    v.set_sensitive(true);
    Ok(v)
}

/// A header name from a static string.
pub fn header_name(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(base: &str, segments: &[&str], expected: &str) {
        let client = HttpClient::new(HttpSettings::new("GitHub", Url::parse(base).expect("url")))
            .expect("client");
        assert_eq!(client.endpoint(segments).as_str(), expected);
    }

    #[test]
    fn endpoints_keep_the_base_path_and_encode_segments() {
        check(
            "https://api.github.com",
            &["repos", "acme", "db", "issues"],
            "https://api.github.com/repos/acme/db/issues",
        );
        check(
            "https://ghe.example.com/api/v3",
            &["user"],
            "https://ghe.example.com/api/v3/user",
        );
        check(
            "https://ghe.example.com/api/v3/",
            &["user"],
            "https://ghe.example.com/api/v3/user",
        );
        check(
            "http://127.0.0.1:8080",
            &["repos", "a", "b", "labels", "needs review/db"],
            "http://127.0.0.1:8080/repos/a/b/labels/needs%20review%2Fdb",
        );
        check(
            "https://api.github.com",
            &["labels", "50% done?#"],
            "https://api.github.com/labels/50%25%20done%3F%23",
        );
    }

    #[test]
    fn requests_know_what_may_be_sent_again() {
        let url = Url::parse("https://h/x").expect("url");
        let idempotent = |m: Method| ApiRequest::new(m, url.clone(), "op").idempotent;
        assert!(!idempotent(Method::POST));
        assert!(idempotent(Method::GET));
        assert!(idempotent(Method::PATCH));
        assert!(idempotent(Method::DELETE));
        assert_eq!(
            USER_AGENT,
            concat!("ScratchRobin/", env!("CARGO_PKG_VERSION"))
        );
    }
}
