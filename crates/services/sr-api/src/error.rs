//! The API's errors, each answered as RFC 9457 problem JSON
//! (`application/problem+json`): one place maps every cause to its status
//! and its words, so no handler writes a status or a message itself.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sr_engine::EngineError;
use utoipa::ToSchema;

/// A problem report (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:scratchrobin:problem:…`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind of problem in a few words; the same for every occurrence.
    pub title: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// What went wrong this time and what to do about it.
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(
        "send a token as `Authorization: Bearer TOKEN`; create one with `scratchrobin api token create NAME --scope read`"
    )]
    MissingToken,
    #[error("{0}")]
    BadToken(EngineError),
    #[error(
        "the token `{token}` may only read; starting syncs and replaying deliveries need a token made with `--scope write`"
    )]
    ReadOnly { token: String },
    #[error(
        "the token `{token}` used its {per_minute} requests a minute; retry in {retry_after_s} s, or raise `api_requests_per_minute` in listener.json"
    )]
    RateLimited {
        token: String,
        per_minute: u32,
        retry_after_s: u64,
    },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Engine(#[from] EngineError),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            ApiError::MissingToken => (S::UNAUTHORIZED, "token-missing", "No API token"),
            ApiError::BadToken(_) => (S::UNAUTHORIZED, "token-refused", "API token refused"),
            ApiError::ReadOnly { .. } => (S::FORBIDDEN, "read-only-token", "Read-only token"),
            ApiError::RateLimited { .. } => {
                (S::TOO_MANY_REQUESTS, "rate-limited", "Too many requests")
            }
            ApiError::BadRequest(_) => (S::BAD_REQUEST, "bad-request", "Bad request"),
            ApiError::NotFound(_) => (S::NOT_FOUND, "not-found", "Not found"),
            ApiError::Conflict(_) => (S::CONFLICT, "conflict", "Conflict"),
            ApiError::Engine(e) => engine_parts(e),
        }
    }

    /// The problem report this error answers with.
    pub fn problem(&self) -> Problem {
        let (status, kind, title) = self.parts();
        Problem {
            kind: format!("urn:scratchrobin:problem:{kind}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
        }
    }
}

/// An engine error's status, from the kind the engine gives it (the one
/// classification the GUI's failures use too): what the caller can fix is
/// 4xx, a tracker or database failing is 502, the rest is ours (500).
fn engine_parts(e: &EngineError) -> (StatusCode, &'static str, &'static str) {
    use StatusCode as S;
    use sr_engine::FailureKind as K;
    // A sync of a tracker that is not configured (or cannot be used) names
    // a resource the caller picked: not found, not a tracker's failure.
    if let EngineError::Sync(sr_sync::SyncError::Unusable(_)) = e {
        return (S::NOT_FOUND, "tracker-unusable", "Tracker not usable");
    }
    match e.failure_kind() {
        K::NotFound => (S::NOT_FOUND, "not-found", "Not found"),
        K::Invalid => (S::BAD_REQUEST, "bad-request", "Bad request"),
        K::Conflict => (S::CONFLICT, "conflict", "Conflict"),
        K::Tracker | K::Database => (
            S::BAD_GATEWAY,
            "upstream-failed",
            "A tracker or database failed",
        ),
        K::Store | K::Config | K::Secret | K::Internal => {
            (S::INTERNAL_SERVER_ERROR, "internal", "Internal error")
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        if problem.status >= 500 {
            tracing::error!(error = %self, "API request failed");
        }
        let mut response = (
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            axum::Json(problem),
        )
            .into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::MissingToken | ApiError::BadToken(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::RateLimited { retry_after_s, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_s));
            }
            _ => {}
        }
        response
    }
}
