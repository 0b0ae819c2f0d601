//! Who calls: every request under `/api/v1` (but the description itself)
//! shows a bearer token the engine checks, then spends one request of its
//! token's budget. Budgets are per token and per process (governor's GCRA:
//! a token may burst its whole minute, then refills evenly); each answer
//! says where the budget stands in `RateLimit-Limit`, `RateLimit-Remaining`
//! and `RateLimit-Reset` (seconds until it is full again).

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota};
use sr_engine::{ApiCaller, TokenScope};

use crate::{ApiError, ApiState};

/// The per-token budgets of this process.
pub struct Budgets {
    per_minute: NonZeroU32,
    limiter: DefaultKeyedRateLimiter<String, StateInformationMiddleware>,
    clock: DefaultClock,
}

impl std::fmt::Debug for Budgets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budgets")
            .field("per_minute", &self.per_minute)
            .finish()
    }
}

impl Budgets {
    pub fn new(per_minute: u32) -> Budgets {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        Budgets {
            per_minute,
            limiter: DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            clock: DefaultClock::default(),
        }
    }

    /// Spends one request of `token`'s budget: the headers to answer with,
    /// or the refusal.
    fn spend(&self, token: &str) -> Result<HeaderMap, ApiError> {
        let n = self.per_minute.get();
        // One request's share of the minute, in milliseconds.
        let refill_ms = 60_000 / u64::from(n);
        match self.limiter.check_key(&token.to_owned()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let used = u64::from(n.saturating_sub(remaining));
                Ok(headers(n, remaining, (used * refill_ms).div_ceil(1000)))
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                Err(ApiError::RateLimited {
                    token: token.to_owned(),
                    per_minute: n,
                    retry_after_s: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                })
            }
        }
    }
}

fn headers(limit: u32, remaining: u32, reset_s: u64) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("RateLimit-Limit", HeaderValue::from(limit));
    h.insert("RateLimit-Remaining", HeaderValue::from(remaining));
    h.insert("RateLimit-Reset", HeaderValue::from(reset_s));
    h
}

/// The middleware: authenticate, spend, then run the handler with the
/// caller in the request's extensions.
pub async fn require_token(
    State(state): State<Arc<ApiState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer(request.headers()) else {
        return ApiError::MissingToken.into_response();
    };
    let caller = match state.engine.authenticate_api_token(&token).await {
        Ok(caller) => caller,
        Err(e @ sr_engine::EngineError::Store(_)) => return ApiError::Engine(e).into_response(),
        Err(e) => return ApiError::BadToken(e).into_response(),
    };
    let budget = match state.budgets.spend(&caller.id) {
        Ok(h) => h,
        Err(e) => {
            let mut response = e.into_response();
            response
                .headers_mut()
                .extend(headers(state.budgets.per_minute.get(), 0, 60));
            return response;
        }
    };
    request.extensions_mut().insert(caller);
    let mut response = next.run(request).await;
    response.headers_mut().extend(budget);
    response
}

/// The token of `Authorization: Bearer TOKEN`, if any.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

/// Refuses a caller whose token may only read.
pub fn require_write(caller: &ApiCaller) -> Result<(), ApiError> {
    if caller.scope >= TokenScope::Write {
        Ok(())
    } else {
        Err(ApiError::ReadOnly {
            token: caller.name.clone(),
        })
    }
}
