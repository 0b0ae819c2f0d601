//! Sync runs: start one (write tokens), follow its progress, read the
//! history with each run's errors.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sr_engine::ApiCaller;
use sr_store::SyncOperationRow;
use sr_sync::{SyncKind, SyncOrigin, SyncRequest};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::page::{self, PageParams};
use crate::{ApiError, ApiState, auth};

/// One sync run.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRun {
    pub id: String,
    pub tracker: String,
    /// `full` or `incremental`.
    pub kind: String,
    /// `manual`, `scheduled` or `webhook`.
    pub origin: String,
    pub requested_by: String,
    pub include_closed: bool,
    /// `pending`, `in_progress`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// `current`, `total`, `processed` and `stage`.
    pub progress: serde_json::Value,
    /// `created`, `updated`, `skipped`, `failed` and `errors` (each with the
    /// issue it concerns).
    pub results: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SyncOperationRow> for SyncRun {
    fn from(r: SyncOperationRow) -> SyncRun {
        // The sync crate writes these as JSON objects; an unreadable one is
        // shown as JSON null rather than failing the whole page.
        let json = |text: &str| serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
        SyncRun {
            progress: json(&r.progress),
            results: json(&r.results),
            id: r.id,
            tracker: r.tracker,
            kind: r.kind,
            origin: r.origin,
            requested_by: r.requested_by,
            include_closed: r.include_closed,
            status: r.status,
            error: r.error,
            started_at: r.started_at,
            completed_at: r.completed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRunPage {
    pub items: Vec<SyncRun>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunFilters {
    /// Only this tracker's runs (its name in trackers.json).
    #[param(pattern = r"^[^\x00]*$")]
    pub tracker: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Full,
    #[default]
    Incremental,
}

/// What to sync.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRun {
    /// The tracker's name in trackers.json.
    pub tracker: String,
    #[serde(default)]
    pub kind: RunKind,
    /// Also read closed issues.
    #[serde(default)]
    pub include_closed: bool,
}

/// A started run, or the one already running for that tracker.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartedRun {
    /// True when a run of this tracker was already going and this request
    /// joined it instead of starting another.
    pub joined: bool,
    pub run: SyncRun,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RunId {
    /// The run's id.
    #[param(pattern = r"^[^\x00]+$")]
    pub id: String,
}

/// Sync runs, newest first.
#[utoipa::path(get, path = "/api/v1/sync/runs", tag = "sync",
    params(RunFilters, PageParams),
    responses((status = 200, description = "Sync history", body = SyncRunPage)))]
pub async fn list(
    State(s): State<Arc<ApiState>>,
    ApiQuery(f): ApiQuery<RunFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<SyncRunPage>, ApiError> {
    let limit = p.limit()?;
    let rows = s
        .engine
        .sync_runs_page(f.tracker.as_deref(), p.time_cursor()?, limit)
        .await?;
    let next_cursor = page::next(&rows, limit, |r| page::time_cursor(r.created_at, &r.id));
    Ok(Json(SyncRunPage {
        items: rows.into_iter().map(SyncRun::from).collect(),
        next_cursor,
    }))
}

/// One run and its progress.
#[utoipa::path(get, path = "/api/v1/sync/runs/{id}", tag = "sync",
    params(RunId),
    responses(
        (status = 200, description = "The run", body = SyncRun),
        (status = 404, description = "No such run", body = crate::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<Arc<ApiState>>,
    ApiPath(RunId { id }): ApiPath<RunId>,
) -> Result<Json<SyncRun>, ApiError> {
    match s.engine.sync_run(&id).await? {
        Some(row) => Ok(Json(row.into())),
        None => Err(ApiError::NotFound(format!(
            "no sync run `{id}`; list them at /api/v1/sync/runs"
        ))),
    }
}

/// Starts a sync (write tokens only). Two requests for one tracker at once
/// make one run: the second joins the first.
#[utoipa::path(post, path = "/api/v1/sync/runs", tag = "sync",
    request_body = StartRun,
    responses(
        (status = 202, description = "Started or joined; follow it at the Location", body = StartedRun),
        (status = 403, description = "The token may only read", body = crate::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tracker, or it cannot be used", body = crate::Problem, content_type = "application/problem+json"),
    ))]
pub async fn start(
    State(s): State<Arc<ApiState>>,
    Extension(caller): Extension<ApiCaller>,
    ApiJson(body): ApiJson<StartRun>,
) -> Result<impl IntoResponse, ApiError> {
    auth::require_write(&caller)?;
    let handle = s
        .sync
        .start(SyncRequest {
            tracker: body.tracker,
            kind: match body.kind {
                RunKind::Full => SyncKind::Full,
                RunKind::Incremental => SyncKind::Incremental,
            },
            origin: SyncOrigin::Manual,
            include_closed: body.include_closed,
            requested_by: format!("api:{}", caller.name),
        })
        .map_err(|e| ApiError::Engine(e.into()))?;
    let run: SyncRun = handle.snapshot().to_row().into();
    let location = format!("/api/v1/sync/runs/{}", run.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(StartedRun {
            joined: handle.joined,
            run,
        }),
    ))
}
