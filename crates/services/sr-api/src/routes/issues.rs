//! Cached issues, filtered: what the workbench knows of each tracker's
//! issues as of its last sync or webhook, read without calling a tracker.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sr_store::{CachedIssue, CachedIssueFilter};
use utoipa::{IntoParams, ToSchema};

use crate::extract::ApiQuery;
use crate::page::{self, PageParams};
use crate::{ApiError, ApiState};

/// An issue as cached.
#[derive(Debug, Serialize, ToSchema)]
pub struct CachedIssueOut {
    /// `provider:instance:id`.
    pub key: String,
    pub display_key: String,
    pub title: String,
    pub url: String,
    /// `open`, `in_progress` or `done`.
    pub state: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    pub labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synced_at: Option<DateTime<Utc>>,
    /// Why the last refresh failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_error: Option<String>,
}

impl From<CachedIssue> for CachedIssueOut {
    fn from(c: CachedIssue) -> Self {
        let r = c.issue.reference;
        CachedIssueOut {
            key: r.key.to_string(),
            display_key: r.display_key,
            title: r.title,
            url: r.url,
            state: r.status.state.as_str().to_owned(),
            status: r.status.name,
            priority: r.priority.map(|p| p.to_string()),
            labels: r.labels,
            assignee: r.assignee,
            created_at: r.created_at,
            updated_at: r.updated_at,
            synced_at: c.synced_at,
            sync_error: c.sync_error,
        }
    }
}

/// A page of cached issues, in the order the cache first saw them.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuePage {
    pub items: Vec<CachedIssueOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    Open,
    InProgress,
    Done,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IssueFilters {
    /// A tracker type (`github`) or type and instance
    /// (`github:github.com/acme/db`): the start of the issue key.
    #[param(pattern = r"^[^\x00]*$")]
    pub tracker: Option<String>,
    #[param(inline)]
    pub state: Option<StateFilter>,
    /// The assignee exactly as the tracker names them.
    #[param(pattern = r"^[^\x00]*$")]
    pub assignee: Option<String>,
    /// One label, matched whole.
    #[param(pattern = r"^[^\x00]*$")]
    pub label: Option<String>,
    /// Words in the title, display key or body (case-insensitive).
    #[param(pattern = r"^[^\x00]*$")]
    pub text: Option<String>,
}

/// Cached issues matching every filter given.
#[utoipa::path(get, path = "/api/v1/issues", tag = "issues",
    params(IssueFilters, PageParams),
    responses((status = 200, description = "Cached issues", body = IssuePage)))]
pub async fn list(
    State(s): State<Arc<ApiState>>,
    ApiQuery(f): ApiQuery<IssueFilters>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<IssuePage>, ApiError> {
    let limit = p.limit()?;
    let filter = CachedIssueFilter {
        tracker: f.tracker,
        state: f.state.map(|s| {
            match s {
                StateFilter::Open => "open",
                StateFilter::InProgress => "in_progress",
                StateFilter::Done => "done",
            }
            .to_owned()
        }),
        assignee: f.assignee,
        label: f.label,
        text: f.text,
    };
    let rows = s
        .engine
        .cached_issues_page(&filter, p.id_cursor()?, limit)
        .await?;
    let next_cursor = page::next(&rows, limit, |(id, _)| page::id_cursor(*id));
    Ok(Json(IssuePage {
        items: rows.into_iter().map(|(_, i)| i.into()).collect(),
        next_cursor,
    }))
}
