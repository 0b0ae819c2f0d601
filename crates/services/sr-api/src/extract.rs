//! axum's extractors with their rejections answered as problem JSON: a
//! malformed query, path or body is the caller's mistake (400), worded by
//! axum and reported like every other error of the API.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::Uri;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// The query string, deserialised.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        no_nul(&parts.uri)?;
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// Path parameters, deserialised.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        no_nul(&parts.uri)?;
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// A JSON body, deserialised.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| ApiJson(j.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// Refuses a NUL character anywhere in the path or query: no value the API
/// looks up can hold one (PostgreSQL's text cannot), so it is always the
/// caller's mistake, not a failed lookup.
fn no_nul(uri: &Uri) -> Result<(), ApiError> {
    let text = uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    if text.to_ascii_lowercase().contains("%00") {
        return Err(ApiError::BadRequest(
            "the path or query holds a NUL character (%00); no name, key or filter contains one"
                .into(),
        ));
    }
    Ok(())
}
