//! The traceability report (`scratchrobin report traceability`): per
//! connection and schema, the share of objects and of schema changes with
//! linked issues, the time from a change's issue to its migration, and the
//! mean time to resolve drift, regression and health auto-issues.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sr_engine::traceability as t;
use utoipa::{IntoParams, ToSchema};

use crate::extract::ApiQuery;
use crate::{ApiError, ApiState};

/// How many of `total` have a linked issue.
#[derive(Debug, Serialize, ToSchema)]
pub struct Share {
    pub total: u64,
    pub linked: u64,
    /// `linked / total`; null when there is nothing to count.
    pub share: Option<f64>,
}

/// Schema changes with a linked issue, all and by where they were seen.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeShares {
    pub total: Share,
    /// Drift a check found.
    pub drift: Share,
    /// Migrations applied.
    pub migrations: Share,
    /// Merged pull requests that change migration files.
    pub merged_prs: Share,
}

/// Durations in hours; null when there are none.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimeStats {
    pub count: u64,
    pub mean_hours: Option<f64>,
    pub median_hours: Option<f64>,
}

/// Auto-issues of one kind of alert.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveStats {
    pub filed: u64,
    pub resolved: u64,
    pub open: u64,
    /// Mean hours from filing to closing of those resolved.
    pub mean_hours: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveTimes {
    pub drift: ResolveStats,
    pub regression: ResolveStats,
    pub health: ResolveStats,
}

/// The figures of a connection or of one schema.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    /// Tables, views and routines with a linked issue; null when the live
    /// schema could not be read.
    pub objects: Option<Share>,
    pub schema_changes: ChangeShares,
    /// From the issue that asked for a change to its migration.
    pub issue_to_migration: TimeStats,
    pub resolve: ResolveTimes,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemaTraceability {
    pub schema: String,
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionTraceability {
    pub connection: String,
    /// Why the objects are not counted (the live schema could not be read).
    pub objects_error: Option<String>,
    pub figures: Figures,
    pub schemas: Vec<SchemaTraceability>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TraceabilityReport {
    pub generated_at: DateTime<Utc>,
    pub connections: Vec<ConnectionTraceability>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Only this connection; every connection when absent.
    #[param(pattern = r"^[^\x00]+$")]
    pub connection: Option<String>,
}

/// The traceability report.
#[utoipa::path(get, path = "/api/v1/traceability", tag = "reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "Per connection and schema", body = TraceabilityReport),
        (status = 404, description = "No connection of that name", body = crate::Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn report(
    State(s): State<Arc<ApiState>>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<TraceabilityReport>, ApiError> {
    if q.connection.as_deref() == Some("") {
        return Err(ApiError::BadRequest(
            "`connection` is empty; name a connection, or leave it out for all of them".into(),
        ));
    }
    let r = s.engine.traceability(q.connection.as_deref()).await?;
    Ok(Json(TraceabilityReport {
        generated_at: r.generated_at,
        connections: r
            .connections
            .into_iter()
            .map(|c| ConnectionTraceability {
                connection: c.connection,
                objects_error: c.objects_error,
                figures: figures(c.figures),
                schemas: c
                    .schemas
                    .into_iter()
                    .map(|s| SchemaTraceability {
                        schema: s.schema,
                        figures: figures(s.figures),
                    })
                    .collect(),
            })
            .collect(),
    }))
}

fn figures(f: t::Traceability) -> Figures {
    let c = f.schema_changes;
    Figures {
        objects: f.objects.map(share),
        schema_changes: ChangeShares {
            total: share(c.total),
            drift: share(c.drift),
            migrations: share(c.migrations),
            merged_prs: share(c.merged_prs),
        },
        issue_to_migration: TimeStats {
            count: f.issue_to_migration.count,
            mean_hours: f.issue_to_migration.mean_hours,
            median_hours: f.issue_to_migration.median_hours,
        },
        resolve: ResolveTimes {
            drift: resolve(&f.resolve.drift),
            regression: resolve(&f.resolve.regression),
            health: resolve(&f.resolve.health),
        },
    }
}

fn share(s: t::Share) -> Share {
    Share {
        total: s.total,
        linked: s.linked,
        share: s.share,
    }
}

fn resolve(r: &t::ResolveStats) -> ResolveStats {
    ResolveStats {
        filed: r.filed,
        resolved: r.resolved,
        open: r.open,
        mean_hours: r.mean_hours,
    }
}
