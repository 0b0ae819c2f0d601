//! When to send a request again and how long to wait first: exponential
//! backoff with jitter for 429, 502, 503, 504 and connection failures, and
//! the providers' own signals (`Retry-After`; GitHub's
//! `x-ratelimit-remaining`/`x-ratelimit-reset` and secondary limits, which
//! ask for at least a minute when they say nothing else; a GraphQL API's
//! rate-limit error inside a 400, read by [`crate::graphql`], with the
//! reset of whichever budget, requests or complexity, is spent).
//!
//! A request that is not idempotent (a create) is never sent again once it
//! may have reached the server: the caller gets
//! [`TrackerError::UnknownOutcome`] and checks before trying again.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::classify::FailurePhase;
use crate::{RateBudget, TrackerError};

/// How many times to try and how long to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; each further one doubles.
    pub base_delay: Duration,
    /// No backoff is longer than this.
    pub max_delay: Duration,
    /// A rate limit that asks for a longer wait is reported instead
    /// ([`TrackerError::RateLimited`] with the reset time).
    pub max_rate_limit_wait: Duration,
    /// A secondary rate limit without a `Retry-After` waits at least this
    /// (GitHub asks for one minute).
    pub secondary_min_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_rate_limit_wait: Duration::from_secs(120),
            secondary_min_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The backoff before try `attempt + 1` (`attempt` counts from 1): the
    /// doubled base plus up to half of it again as jitter, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        let jitter = exp.mul_f64(fastrand::f64() * 0.5);
        (exp + jitter).min(self.max_delay)
    }
}

/// What one try produced.
#[derive(Debug)]
pub enum Attempt<R> {
    /// The server answered (any status).
    Answered {
        status: StatusCode,
        headers: HeaderMap,
        /// Only the start of the body matters here (GitHub's secondary
        /// limit says so in its message).
        body: Vec<u8>,
        response: R,
    },
    /// The transport failed.
    Failed {
        error: TrackerError,
        phase: FailurePhase,
    },
}

/// Why an answer is worth waiting for, and how long.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub delay: Duration,
    pub rate_limited: bool,
    pub reset_at: Option<DateTime<Utc>>,
}

/// How long to wait before sending again after this answer, or `None`
/// when the answer is final (success or an error that will not change).
pub fn wait_for(
    policy: &RetryPolicy,
    attempt: u32,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Option<Wait> {
    let retry_after = retry_after(headers, now);
    let budgets = RateBudget::all_from_headers(headers);
    let budget = RateBudget::exhausted_of(&budgets, now).or(budgets.first());
    let primary_exhausted = budget.is_some_and(|b| b.remaining == Some(0));
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let secondary = text.contains("secondary rate limit") || text.contains("abuse");
    let mut code = status.as_u16();
    if code == 400 && crate::graphql::error_status(body) == Some(429) {
        // A GraphQL server's rate limit (Linear answers 400 with
        // `extensions.code: RATELIMITED`).
        code = 429;
    }
    let rate_limited =
        code == 429 || (code == 403 && (primary_exhausted || secondary || retry_after.is_some()));
    if rate_limited {
        let reset_at = budget.and_then(|b| b.reset_at);
        let delay = if let Some(d) = retry_after {
            d
        } else if primary_exhausted && reset_at.is_some() {
            // Wait for the window to reset, plus a second for clock skew.
            reset_at
                .and_then(|r| (r - now).to_std().ok())
                .unwrap_or_default()
                + Duration::from_secs(1)
        } else if secondary || code == 403 {
            policy.secondary_min_wait.max(policy.backoff(attempt))
        } else {
            policy.backoff(attempt)
        };
        let reset_at = reset_at.or_else(|| chrono::Duration::from_std(delay).ok().map(|d| now + d));
        return Some(Wait {
            delay,
            rate_limited: true,
            reset_at,
        });
    }
    if matches!(code, 502..=504) {
        return Some(Wait {
            delay: retry_after.unwrap_or_else(|| policy.backoff(attempt)),
            rate_limited: false,
            reset_at: None,
        });
    }
    None
}

/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or_default())
}

/// Runs `send` until it gives a final answer, waiting (with tokio's clock)
/// as the policy and the answers say. `idempotent` is false for creations:
/// those are sent again only when they certainly did not arrive (a refused
/// connection, a 429 or a 503).
///
/// Returns the final answer's status, headers, body and response, or the
/// error that ended the tries; `classify` turns a final error answer into
/// an error.
pub async fn run<R, F, Fut>(
    policy: &RetryPolicy,
    idempotent: bool,
    operation: &str,
    provider: &str,
    mut send: F,
) -> Result<(StatusCode, HeaderMap, Vec<u8>, R), TrackerError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Attempt<R>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let last = attempt >= policy.max_attempts.max(1);
        match send(attempt).await {
            Attempt::Answered {
                status,
                headers,
                body,
                response,
            } => {
                let Some(wait) = wait_for(policy, attempt, status, &headers, &body, Utc::now())
                else {
                    return Ok((status, headers, body, response));
                };
                if !idempotent && matches!(status.as_u16(), 502 | 504) {
                    // A gateway error says nothing about whether the
                    // origin acted on the request.
                    return Err(unknown(provider, operation));
                }
                if wait.rate_limited && (wait.delay > policy.max_rate_limit_wait || last) {
                    return Err(TrackerError::RateLimited {
                        provider: provider.to_owned(),
                        reset_at: wait.reset_at,
                    });
                }
                if last {
                    return Ok((status, headers, body, response));
                }
                tracing::debug!(
                    attempt,
                    status = status.as_u16(),
                    delay_ms = wait.delay.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(wait.delay).await;
            }
            Attempt::Failed { error, phase } => {
                if phase == FailurePhase::AfterSend && !idempotent {
                    return Err(unknown(provider, operation));
                }
                let transient = matches!(
                    error,
                    TrackerError::Refused { .. }
                        | TrackerError::Timeout { .. }
                        | TrackerError::Network { .. }
                );
                if !transient || last {
                    return Err(error);
                }
                let delay = policy.backoff(attempt);
                tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
                tokio::time::sleep(delay).await;
            }
        }
    }
}

fn unknown(provider: &str, operation: &str) -> TrackerError {
    TrackerError::UnknownOutcome {
        provider: provider.to_owned(),
        operation: operation.to_owned(),
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
