//! The auto-issue feed (alerts and the issues they opened) and the outbox
//! of tracker calls committed for them.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sr_store::{AutoIssueState, OutboxIntent};
use utoipa::ToSchema;

use crate::extract::ApiQuery;
use crate::page::{self, PageParams};
use crate::{ApiError, ApiState};

/// One alert fingerprint and the issue it opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoIssue {
    pub fingerprint: String,
    pub rule: String,
    pub tracker: String,
    pub event: String,
    pub connection: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Absent while the create is still in the outbox.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_key: Option<String>,
    pub occurrences: i64,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

impl From<AutoIssueState> for AutoIssue {
    fn from(a: AutoIssueState) -> Self {
        AutoIssue {
            fingerprint: a.fingerprint,
            rule: a.rule,
            tracker: a.tracker,
            event: a.event,
            connection: a.connection,
            object: a.object,
            issue_key: a.issue_key,
            occurrences: a.occurrences,
            first_seen: a.first_seen,
            last_seen: a.last_seen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AutoIssuePage {
    pub items: Vec<AutoIssue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One committed tracker call.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxEntry {
    pub id: i64,
    pub rule: String,
    pub fingerprint: String,
    pub tracker: String,
    /// `create`, `comment`, `reopen` or `close`.
    pub action: String,
    pub title: String,
    /// `pending`, `done` or `failed`.
    pub status: String,
    pub attempts: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_key: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
}

impl From<OutboxIntent> for OutboxEntry {
    fn from(o: OutboxIntent) -> Self {
        OutboxEntry {
            id: o.id,
            rule: o.intent.rule,
            fingerprint: o.intent.fingerprint,
            tracker: o.intent.tracker,
            action: o.intent.action.as_str().to_owned(),
            title: o.intent.title,
            status: o.status.as_str().to_owned(),
            attempts: o.attempts,
            last_error: o.last_error,
            issue_key: o.intent.issue_key,
            created_at: o.created_at,
            done_at: o.done_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Auto-issue alerts, most recently seen first.
#[utoipa::path(get, path = "/api/v1/auto-issues", tag = "auto-issues",
    params(PageParams),
    responses((status = 200, description = "The feed", body = AutoIssuePage)))]
pub async fn feed(
    State(s): State<Arc<ApiState>>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<AutoIssuePage>, ApiError> {
    let limit = p.limit()?;
    let rows = s.engine.auto_issues_page(p.time_cursor()?, limit).await?;
    let next_cursor = page::next(&rows, limit, |a| {
        page::time_cursor(a.last_seen, &a.fingerprint)
    });
    Ok(Json(AutoIssuePage {
        items: rows.into_iter().map(AutoIssue::from).collect(),
        next_cursor,
    }))
}

/// Outbox rows, newest first.
#[utoipa::path(get, path = "/api/v1/auto-issues/outbox", tag = "auto-issues",
    params(PageParams),
    responses((status = 200, description = "The outbox", body = OutboxPage)))]
pub async fn outbox(
    State(s): State<Arc<ApiState>>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<OutboxPage>, ApiError> {
    let limit = p.limit()?;
    let rows = s.engine.outbox_page(p.id_cursor()?, limit).await?;
    let next_cursor = page::next(&rows, limit, |o| page::id_cursor(o.id));
    Ok(Json(OutboxPage {
        items: rows.into_iter().map(OutboxEntry::from).collect(),
        next_cursor,
    }))
}
