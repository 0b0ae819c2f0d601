//! The team HTTP API, served under `/api/v1` on the listener of `serve`:
//! links, cached issues, sync runs, webhook deliveries, the auto-issue feed
//! and outbox, integration health and the traceability report, read
//! through the engine's services.
//!
//! Every endpoint but the description (`/api/v1/openapi.json`, OpenAPI 3.1
//! generated from the handlers by utoipa, so it cannot drift from them)
//! needs a bearer token (`scratchrobin api token create`); read tokens
//! read, write tokens may also start syncs and replay deliveries. Each
//! token has its own request budget. Every error is RFC 9457 problem JSON
//! and every list is cursor-paged.
//!
//! This crate and sr-webhook are the two that know axum: sr-webhook owns
//! the socket and merges this router in; this crate owns the paths.

mod auth;
mod error;
mod extract;
mod openapi;
mod page;
mod routes;

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use sr_engine::Engine;
use sr_sync::SyncManager;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, Problem};

/// What the handlers share.
pub struct ApiState {
    engine: Arc<Engine>,
    /// The running sync manager of `serve`, so that a sync started here
    /// joins one the scheduler already runs instead of racing it.
    sync: SyncManager,
    budgets: auth::Budgets,
}

impl std::fmt::Debug for ApiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiState")
            .field("budgets", &self.budgets)
            .finish_non_exhaustive()
    }
}

/// The API's router, to merge into the listener's (`sr_webhook::start_with`).
pub fn router(engine: Arc<Engine>, sync: SyncManager, requests_per_minute: u32) -> Router {
    let state = Arc::new(ApiState {
        engine,
        sync,
        budgets: auth::Budgets::new(requests_per_minute),
    });
    let (protected, doc) = api_routes().split_for_parts();
    let doc = openapi::finish(doc);
    let json = match doc.to_pretty_json() {
        Ok(json) => Arc::new(json),
        Err(e) => Arc::new(format!(
            "{{\"error\": \"the description failed to render: {e}\"}}"
        )),
    };
    let protected = protected
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ))
        .with_state(state);
    Router::new().merge(protected).route(
        "/api/v1/openapi.json",
        get(move || {
            let json = json.clone();
            async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    (*json).clone(),
                )
                    .into_response()
            }
        }),
    )
}

/// The OpenAPI description, as `/api/v1/openapi.json` serves it.
pub fn description() -> utoipa::openapi::OpenApi {
    openapi::finish(api_routes().split_for_parts().1)
}

fn api_routes() -> OpenApiRouter<Arc<ApiState>> {
    OpenApiRouter::with_openapi(openapi::base())
        .routes(routes!(routes::links::by_object))
        .routes(routes!(routes::links::by_issue))
        .routes(routes!(routes::issues::list))
        .routes(routes!(routes::sync::list, routes::sync::start))
        .routes(routes!(routes::sync::get))
        .routes(routes!(routes::webhooks::list))
        .routes(routes!(routes::webhooks::replay))
        .routes(routes!(routes::auto::feed))
        .routes(routes!(routes::auto::outbox))
        .routes(routes!(routes::health::integrations))
        .routes(routes!(routes::traceability::report))
}
