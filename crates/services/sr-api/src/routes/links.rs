//! Links by object and by issue.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sr_model::{IssueKey, IssueLink, ObjectKind};
use utoipa::{IntoParams, ToSchema};

use crate::extract::ApiQuery;
use crate::page::{self, PageParams};
use crate::{ApiError, ApiState};

/// A link between a database object and an issue.
#[derive(Debug, Serialize, ToSchema)]
pub struct Link {
    pub link_id: String,
    /// `connection:kind:schema.name`.
    pub object_key: String,
    pub connection: String,
    pub object_kind: String,
    pub schema: String,
    pub object_name: String,
    /// `provider:instance:id`.
    pub issue_key: String,
    pub display_key: String,
    pub title: String,
    pub url: String,
    /// `open`, `in_progress` or `done`.
    pub state: String,
    pub status: String,
    /// `MANUAL`, `AUTO_CREATED` or `AUTO_DETECTED`.
    pub link_type: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub sync_direction: String,
}

impl From<IssueLink> for Link {
    fn from(l: IssueLink) -> Link {
        Link {
            object_key: l.object.key(),
            connection: l.object.connection,
            object_kind: l.object.kind.to_string(),
            schema: l.object.schema,
            object_name: l.object.name,
            issue_key: l.issue.key.to_string(),
            display_key: l.issue.display_key,
            title: l.issue.title,
            url: l.issue.url,
            state: l.issue.status.state.as_str().to_owned(),
            status: l.issue.status.name,
            link_type: l.link_type.as_str().to_owned(),
            created_by: l.created_by,
            created_at: l.created_at,
            sync_direction: l.sync_direction.as_str().to_owned(),
            link_id: l.link_id,
        }
    }
}

/// A page of links, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkPage {
    pub items: Vec<Link>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ByObject {
    /// The object's key, `connection:kind:schema.name`
    /// (`shop:table:public.orders`), as `scratchrobin links` prints it.
    #[param(
        pattern = r"^[^:\x00]+:(database|schema|table|view|materialized_view|procedure|function|trigger|index|sequence|type|column|constraint):[^.\x00]+\.[^\x00]+$"
    )]
    pub object: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ByIssue {
    /// The issue's key, `provider:instance:id` (`local:default:7`).
    #[param(pattern = r"^[A-Za-z0-9_-]+:[^\x00]+:[^:\x00]+$")]
    pub issue: String,
}

/// The issues linked to one database object.
#[utoipa::path(get, path = "/api/v1/links/by-object", tag = "links",
    params(ByObject, PageParams),
    responses((status = 200, description = "The object's links", body = LinkPage)))]
pub async fn by_object(
    State(s): State<Arc<ApiState>>,
    ApiQuery(q): ApiQuery<ByObject>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<LinkPage>, ApiError> {
    let key = object_key(&q.object)?;
    let links = s.engine.links_for_object_key(&key).await?;
    Ok(Json(paged(links, &p)?))
}

/// The database objects linked to one issue.
#[utoipa::path(get, path = "/api/v1/links/by-issue", tag = "links",
    params(ByIssue, PageParams),
    responses((status = 200, description = "The issue's links", body = LinkPage)))]
pub async fn by_issue(
    State(s): State<Arc<ApiState>>,
    ApiQuery(q): ApiQuery<ByIssue>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<LinkPage>, ApiError> {
    let key: IssueKey = q
        .issue
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("{e}")))?;
    let links = s.engine.linked_objects(&key).await?;
    Ok(Json(paged(links, &p)?))
}

/// Checks an object key's shape (`connection:kind:schema.name`) and gives
/// it back with its kind spelt the store's way.
fn object_key(text: &str) -> Result<String, ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "`{text}` is not an object key; write connection:kind:schema.name, as in shop:table:public.orders"
        ))
    };
    let mut parts = text.splitn(3, ':');
    let (Some(connection), Some(kind), Some(qualified)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let kind: ObjectKind = kind.parse().map_err(|_| bad())?;
    let Some((schema, name)) = qualified.split_once('.') else {
        return Err(bad());
    };
    if connection.is_empty() || schema.is_empty() || name.is_empty() {
        return Err(bad());
    }
    Ok(format!("{connection}:{kind}:{schema}.{name}"))
}

/// One page of a short list held whole (an object's or an issue's links),
/// ordered by creation and id so the cursor is a position that stays put.
fn paged(mut links: Vec<IssueLink>, p: &PageParams) -> Result<LinkPage, ApiError> {
    let limit = p.limit()?;
    links.sort_by(|a, b| (a.created_at, &a.link_id).cmp(&(b.created_at, &b.link_id)));
    let after = p.time_cursor()?;
    let rows: Vec<IssueLink> = links
        .into_iter()
        .filter(|l| {
            after
                .as_ref()
                .is_none_or(|(at, id)| (l.created_at, &l.link_id) > (*at, id))
        })
        .take(limit)
        .collect();
    let next_cursor = page::next(&rows, limit, |l| {
        page::time_cursor(l.created_at, &l.link_id)
    });
    Ok(LinkPage {
        items: rows.into_iter().map(Link::from).collect(),
        next_cursor,
    })
}
