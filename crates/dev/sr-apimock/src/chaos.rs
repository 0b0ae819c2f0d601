//! [`Chaos`]: a responder that wraps another and spoils a share of its
//! answers the ways real trackers and networks do — 429 with
//! `Retry-After`, 5xx, a connection reset before the body, and a body cut
//! short after the request took effect — chosen by a seeded generator, so
//! a failing run can be repeated. The rate-limit answer is the provider's
//! own when one is set ([`ChaosKnobs::set_rate_limit`]: Linear's is a 400
//! with `RATELIMITED`).

use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::server::{MockRequest, MockResponse, Responder};

/// The ways a request is spoiled, in the order [`ChaosKnobs::counts`] lists them.
pub const FAULTS: [&str; 4] = ["429", "5xx", "reset", "truncated"];

#[derive(Debug)]
struct State {
    percent: u32,
    retry_after_secs: u32,
    rng: u64,
    counts: [u64; 4],
    rate_limit: Option<fn(u32) -> MockResponse>,
    requests: u64,
    /// Headers a 429 carries besides `Retry-After` (the provider's own
    /// rate-limit signal: Azure DevOps's `X-RateLimit-*`).
    rate_limit_headers: Vec<(String, String)>,
}

/// The dials of a [`Chaos`] responder, shared with the test.
#[derive(Debug, Clone)]
pub struct ChaosKnobs(Arc<Mutex<State>>);

impl ChaosKnobs {
    /// `percent` of requests (0–100) are spoiled; `seed` fixes which.
    pub fn new(percent: u32, seed: u64) -> Self {
        ChaosKnobs(Arc::new(Mutex::new(State {
            percent: percent.min(100),
            retry_after_secs: 1,
            rng: seed.max(1),
            counts: [0; 4],
            rate_limit: None,
            requests: 0,
            rate_limit_headers: Vec::new(),
        })))
    }

    pub fn set_percent(&self, percent: u32) {
        if let Ok(mut s) = self.0.lock() {
            s.percent = percent.min(100);
        }
    }

    /// The `Retry-After` a 429 carries (1 s unless set).
    pub fn set_retry_after(&self, secs: u32) {
        if let Ok(mut s) = self.0.lock() {
            s.retry_after_secs = secs;
        }
    }

    /// Headers every 429 carries besides `Retry-After`.
    pub fn set_rate_limit_headers(&self, headers: &[(&str, &str)]) {
        if let Ok(mut s) = self.0.lock() {
            s.rate_limit_headers = headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
        }
    }

    fn rate_limit_headers(&self) -> Vec<(String, String)> {
        self.0
            .lock()
            .map(|s| s.rate_limit_headers.clone())
            .unwrap_or_default()
    }

    /// Answers rate-limited requests with `answer(retry_after_secs)`, the
    /// provider's own shape, instead of a bare 429.
    pub fn set_rate_limit(&self, answer: fn(u32) -> MockResponse) {
        if let Ok(mut s) = self.0.lock() {
            s.rate_limit = Some(answer);
        }
    }

    fn rate_limit(&self) -> Option<fn(u32) -> MockResponse> {
        self.0.lock().ok().and_then(|s| s.rate_limit)
    }

    /// How many requests got each fault of [`FAULTS`].
    pub fn counts(&self) -> [u64; 4] {
        self.0.lock().map(|s| s.counts).unwrap_or_default()
    }

    /// Requests seen, spoiled or not.
    pub fn requests(&self) -> u64 {
        self.0.lock().map(|s| s.requests).unwrap_or_default()
    }

    /// The fault for the next request, if any, and the Retry-After.
    fn draw(&self) -> (Option<usize>, u32) {
        let Ok(mut s) = self.0.lock() else {
            return (None, 0);
        };
        s.requests += 1;
        // xorshift64: small, seeded and good enough to spread faults.
        let mut x = s.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.rng = x;
        let roll = u32::try_from(x % 400).unwrap_or(0);
        if roll >= s.percent * 4 {
            return (None, s.retry_after_secs);
        }
        let kind = (roll % 4) as usize;
        s.counts[kind] += 1;
        (Some(kind), s.retry_after_secs)
    }
}

/// Wraps a responder; see the module documentation.
#[derive(Debug)]
pub struct Chaos<R> {
    inner: R,
    knobs: ChaosKnobs,
}

impl<R: Responder> Chaos<R> {
    pub fn new(inner: R, knobs: ChaosKnobs) -> Self {
        Chaos { inner, knobs }
    }
}

impl<R: Responder> Responder for Chaos<R> {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let (fault, retry_after) = self.knobs.draw();
        let body =
            |m: &str| json!({"message": m, "documentation_url": "https://docs.github.com/rest"});
        match fault {
            None => self.inner.respond(req),
            Some(0) if self.knobs.rate_limit().is_some() => {
                self.knobs.rate_limit().map(|answer| answer(retry_after))
            }
            Some(0) => {
                let mut answer = MockResponse::json(429, &body("API rate limit exceeded"))
                    .header("retry-after", retry_after.to_string());
                answer.headers.extend(self.knobs.rate_limit_headers());
                Some(answer)
            }
            Some(1) => Some(MockResponse::json(503, &body("Service Unavailable"))),
            // Reset before any body byte; the request did not take effect.
            Some(2) => Some(MockResponse::json(200, &json!([])).reset_after(0)),
            // The request took effect, but its answer arrives cut short.
            _ => {
                let mut answer = self.inner.respond(req)?;
                let keep = answer.body.len() / 2;
                answer.body.truncate(keep);
                Some(answer)
            }
        }
    }
}
