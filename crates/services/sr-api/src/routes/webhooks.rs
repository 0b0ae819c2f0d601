//! Webhook deliveries as the listener stored them, and replay (write
//! tokens): a delivery put back in the queue is processed again by
//! whichever `serve` claims it first.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sr_engine::ApiCaller;
use sr_store::{Delivery, DeliveryStatus};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{ApiPath, ApiQuery};
use crate::page::{self, PageParams};
use crate::{ApiError, ApiState, auth};

/// One stored delivery, without its body.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: i64,
    pub provider: String,
    pub tracker: String,
    pub event: String,
    /// The provider's own delivery id (deduplication key).
    pub delivery_id: String,
    pub received_at: DateTime<Utc>,
    pub size: u64,
    /// `pending`, `processed` or `failed`.
    pub status: String,
    pub attempts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processed_at: Option<DateTime<Utc>>,
}

impl From<Delivery> for DeliveryOut {
    fn from(d: Delivery) -> Self {
        DeliveryOut {
            id: d.id,
            provider: d.provider,
            tracker: d.tracker,
            event: d.event,
            delivery_id: d.delivery_id,
            received_at: d.received_at,
            size: d.size as u64,
            status: d.status.as_str().to_owned(),
            attempts: d.attempts,
            last_error: d.last_error,
            processed_at: d.processed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    Pending,
    Processed,
    Failed,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilters {
    #[param(inline)]
    pub status: Option<StatusFilter>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DeliveryId {
    /// The delivery's id in the store (`id` in the list).
    pub id: i64,
}

/// A delivery queued again.
#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    pub id: i64,
    /// Always `pending`: the processor takes it from the queue.
    pub status: String,
}

/// Stored deliveries, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/deliveries", tag = "webhooks",
    params(DeliveryFilters, PageParams),
    responses((status = 200, description = "Deliveries", body = DeliveryPage)))]
pub async fn list(
    State(s): State<Arc<ApiState>>,
    ApiQuery(f): ApiQuery<DeliveryFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let limit = p.limit()?;
    let status = f.status.map(|s| match s {
        StatusFilter::Pending => DeliveryStatus::Pending,
        StatusFilter::Processed => DeliveryStatus::Processed,
        StatusFilter::Failed => DeliveryStatus::Failed,
    });
    let rows = s
        .engine
        .deliveries_page(status, p.id_cursor()?, limit)
        .await?;
    let next_cursor = page::next(&rows, limit, |d| page::id_cursor(d.id));
    Ok(Json(DeliveryPage {
        items: rows.into_iter().map(DeliveryOut::from).collect(),
        next_cursor,
    }))
}

/// Queues a delivery to be processed again (write tokens only). Replaying
/// twice queues it once: the second finds it pending already.
#[utoipa::path(post, path = "/api/v1/webhooks/deliveries/{id}/replay", tag = "webhooks",
    params(DeliveryId),
    responses(
        (status = 200, description = "Queued again", body = Replayed),
        (status = 403, description = "The token may only read", body = crate::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery", body = crate::Problem, content_type = "application/problem+json"),
    ))]
pub async fn replay(
    State(s): State<Arc<ApiState>>,
    Extension(caller): Extension<ApiCaller>,
    ApiPath(DeliveryId { id }): ApiPath<DeliveryId>,
) -> Result<Json<Replayed>, ApiError> {
    auth::require_write(&caller)?;
    if s.engine.replay_delivery(id).await? {
        Ok(Json(Replayed {
            id,
            status: "pending".into(),
        }))
    } else {
        Err(ApiError::NotFound(format!(
            "no webhook delivery {id}; list them at /api/v1/webhooks/deliveries"
        )))
    }
}
