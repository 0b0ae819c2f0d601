//! `GET /api/webhooks/status` (per tracker counts, and the listener's
//! limits), `GET /api/integrations/health`, `GET /metrics` (Prometheus
//! text), and the probes a process supervisor or load balancer asks:
//! `GET /healthz` (the process answers) and `GET /readyz` (it can reach
//! its store, so a delivery sent now is persisted before it is
//! acknowledged).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::server::SharedState;

pub(crate) async fn healthz() -> &'static str {
    "ok"
}

pub(crate) async fn readyz(State(s): State<SharedState>) -> (StatusCode, &'static str) {
    match s.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the store does not answer")
        }
    }
}

pub(crate) async fn webhooks_status(
    State(s): State<SharedState>,
) -> Result<Json<serde_json::Value>, StatusCode> {
    let stats = s.store().delivery_stats().await.map_err(|e| {
        tracing::error!(error = %e, "webhook status unavailable");
        StatusCode::SERVICE_UNAVAILABLE
    })?;
    let trackers: Vec<_> = s
        .trackers()
        .iter()
        .map(|t| {
            let st = stats.iter().find(|x| x.tracker == t.name);
            json!({
                "tracker": t.name,
                "provider": t.provider,
                "signed": t.secret.is_some(),
                "last_delivery_at": st.and_then(|x| x.last_received_at),
                "pending": st.map_or(0, |x| x.pending),
                "processed": st.map_or(0, |x| x.processed),
                "failed": st.map_or(0, |x| x.failed),
            })
        })
        .collect();
    let limits = &s.config().limits;
    Ok(Json(json!({
        "trackers": trackers,
        "listener": limits,
        "throttled_clients": s.throttled_clients(),
    })))
}

/// Every metric the process records, with the store's backlog gauges read
/// now. A store that does not answer leaves the gauges as last read.
pub(crate) async fn metrics(State(s): State<SharedState>) -> Response {
    let Some(handle) = s.prometheus() else {
        return (
            StatusCode::NOT_FOUND,
            "metrics are off: another metrics recorder was installed in this process\n",
        )
            .into_response();
    };
    match s.store().backlog().await {
        Ok(b) => crate::metrics::set_backlog(&b),
        Err(e) => tracing::warn!(error = %e, "metrics: the store's backlog could not be read"),
    }
    metrics::gauge!("sr_webhook_throttled_clients").set(s.throttled_clients() as f64);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

pub(crate) async fn integrations_health(
    State(s): State<SharedState>,
) -> (StatusCode, Json<serde_json::Value>) {
    match s.store().delivery_stats().await {
        Ok(stats) => {
            let failed: u64 = stats.iter().map(|x| x.failed).sum();
            let pending: u64 = stats.iter().map(|x| x.pending).sum();
            let status = if failed > 0 { "degraded" } else { "ok" };
            (
                StatusCode::OK,
                Json(
                    json!({"status": status, "store": "ok", "pending": pending, "failed": failed}),
                ),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "health check could not read the store");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "down", "store": "unavailable"})),
            )
        }
    }
}
