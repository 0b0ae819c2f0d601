//! Integration health: per configured tracker, how its sync stands and
//! what its webhooks delivered, from the store (no tracker is called).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{ApiError, ApiState};

/// Deliveries of one tracker by status.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub processed: u64,
    pub failed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_received_at: Option<DateTime<Utc>>,
}

/// One tracker's health.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackerHealth {
    pub tracker: String,
    /// The tracker's type (`github`, `jira`, `local`, …).
    pub kind: String,
    /// `ok`, `degraded` (the last sync failed) or `never_synced`; absent
    /// for trackers that are not polled (the local one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_health: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_success: Option<DateTime<Utc>>,
    /// Whether webhooks arrive, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    pub deliveries: DeliveryCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IntegrationHealth {
    pub trackers: Vec<TrackerHealth>,
}

/// Every enabled tracker's sync and webhook health.
#[utoipa::path(get, path = "/api/v1/integrations/health", tag = "health",
    responses((status = 200, description = "Per tracker", body = IntegrationHealth)))]
pub async fn integrations(
    State(s): State<Arc<ApiState>>,
) -> Result<Json<IntegrationHealth>, ApiError> {
    let monitors = s.engine.sync_status().await?;
    let stats = s.engine.delivery_stats().await?;
    let trackers = monitors
        .into_iter()
        .map(|m| {
            let deliveries = stats
                .iter()
                .find(|d| d.tracker == m.tracker)
                .map(|d| DeliveryCounts {
                    pending: d.pending,
                    processed: d.processed,
                    failed: d.failed,
                    last_received_at: d.last_received_at,
                })
                .unwrap_or_default();
            TrackerHealth {
                sync_health: m.sync.as_ref().map(|s| s.health.clone()),
                last_error: m.sync.as_ref().and_then(|s| s.last_error.clone()),
                last_success: m.sync.as_ref().and_then(|s| s.last_success),
                webhook: m.sync.as_ref().map(|s| s.webhook_summary.clone()),
                tracker: m.tracker,
                kind: m.kind,
                deliveries,
            }
        })
        .collect();
    Ok(Json(IntegrationHealth { trackers }))
}
