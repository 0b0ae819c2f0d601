//! The traceability report (issue 21), per connection and schema:
//!
//! - the share of objects (tables, views, functions and procedures of the
//!   live schema) with at least one linked issue;
//! - the share of schema changes with a linked issue: drift a check found
//!   and migrations applied (the store's `schema_changes`, recorded as
//!   their events pass through [`Engine::enqueue_event`]), and merged pull
//!   requests that change migration files ([`Engine::merged_migration_prs`]);
//!   a change counts as linked when an issue is linked to its object or
//!   the change names one itself;
//! - the time from the issue that asked for a change to its migration
//!   (applied or merged);
//! - the mean time to resolve the issues auto-issue rules filed for drift,
//!   performance regressions and failed health checks (filed: the issue's
//!   creation; resolved: the cached issue's last update once it is closed,
//!   the tracker's own time of the close or of a later edit).
//!
//! The figures are computed by `compute` from plain inputs as of a moment,
//! so [`Engine::traceability_series`] gives the weekly points the
//! monitoring panel plots from the same history.

mod compute;
mod record;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use sr_model::{IssueKey, IssueState, Timestamp};

use crate::{Engine, EngineError};
use compute::{AlertIssueIn, AlertKind, ChangeIn, ChangeSource, Inputs, LinkIn};

/// A part of a whole: how many of `total` have a linked issue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub total: u64,
    pub linked: u64,
    /// `linked / total`, `None` when there is nothing to count.
    pub share: Option<f64>,
}

/// Schema changes with a linked issue, all and by where they were seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeShares {
    pub total: Share,
    pub drift: Share,
    pub migrations: Share,
    pub merged_prs: Share,
}

/// Durations in hours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeStats {
    pub count: u64,
    pub mean_hours: Option<f64>,
    pub median_hours: Option<f64>,
}

/// Auto-issues of one kind of alert: filed, resolved, open, and the mean
/// time from filing to closing of those resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolveStats {
    pub filed: u64,
    pub resolved: u64,
    pub open: u64,
    pub mean_hours: Option<f64>,
    #[serde(skip)]
    resolved_hours: Vec<f64>,
}

/// Time to resolve, per kind of alert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolveTimes {
    pub drift: ResolveStats,
    pub regression: ResolveStats,
    pub health: ResolveStats,
}

/// The figures of a connection or of one of its schemas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Traceability {
    /// `None` when the live schema could not be read (see
    /// [`ConnectionTraceability::objects_error`]).
    pub objects: Option<Share>,
    pub schema_changes: ChangeShares,
    pub issue_to_migration: TimeStats,
    pub resolve: ResolveTimes,
}

/// One schema's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaTraceability {
    pub schema: String,
    #[serde(flatten)]
    pub figures: Traceability,
}

/// One connection: its figures as a whole and per schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionTraceability {
    pub connection: String,
    /// Why the objects are not counted: the live schema could not be read.
    pub objects_error: Option<String>,
    #[serde(flatten)]
    pub figures: Traceability,
    pub schemas: Vec<SchemaTraceability>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceabilityReport {
    pub generated_at: Timestamp,
    pub connections: Vec<ConnectionTraceability>,
}

/// One week's point of the series: the shares as they stood at its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceabilityPoint {
    pub week_end: Timestamp,
    pub objects_linked_share: Option<f64>,
    pub changes_linked_share: Option<f64>,
}

/// A pull request that changed migration files and was merged: a schema
/// change of each object it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedMigrationPr {
    pub connection: String,
    /// `schema.name` of each object the PR changes.
    pub objects: Vec<String>,
    pub merged_at: Timestamp,
    /// Issues the PR names, with when each was created.
    pub issues: Vec<(String, Timestamp)>,
}

impl Engine {
    /// The report for `connection`, or for every connection (configured,
    /// or named by the store's history) when `None`.
    pub async fn traceability(
        &self,
        connection: Option<&str>,
    ) -> Result<TraceabilityReport, EngineError> {
        let now = chrono::Utc::now();
        let mut connections = Vec::new();
        for name in self.traceability_connections(connection).await? {
            let (inputs, objects_error) = self.traceability_inputs(&name).await?;
            let schemas = inputs
                .schemas()
                .into_iter()
                .map(|schema| SchemaTraceability {
                    figures: compute::figures(&inputs, Some(&schema), now),
                    schema,
                })
                .collect();
            connections.push(ConnectionTraceability {
                figures: compute::figures(&inputs, None, now),
                connection: name,
                objects_error,
                schemas,
            });
        }
        Ok(TraceabilityReport {
            generated_at: now,
            connections,
        })
    }

    /// The shares of `connection` at the end of each of the last `weeks`
    /// weeks, oldest first (objects counted against today's schema).
    pub async fn traceability_series(
        &self,
        connection: &str,
        weeks: u32,
    ) -> Result<Vec<TraceabilityPoint>, EngineError> {
        self.check_export_connection(connection).await?;
        let (inputs, _) = self.traceability_inputs(connection).await?;
        let now = chrono::Utc::now();
        Ok((0..weeks)
            .rev()
            .map(|back| {
                let week_end = now - chrono::TimeDelta::weeks(i64::from(back));
                let f = compute::figures(&inputs, None, week_end);
                TraceabilityPoint {
                    week_end,
                    objects_linked_share: f.objects.and_then(|o| o.share),
                    changes_linked_share: f.schema_changes.total.share,
                }
            })
            .collect())
    }

    /// Merged pull requests that changed migration files, of `connection`.
    ///
    /// Read from the pull-request store: each merged request that changed
    /// migration files and touches objects of `connection`, with the
    /// issues it names that the cache knows (an issue the cache has never
    /// seen has no creation time to measure from).
    pub async fn merged_migration_prs(
        &self,
        connection: &str,
    ) -> Result<Vec<MergedMigrationPr>, EngineError> {
        let store = self.store();
        let mut out = Vec::new();
        for stored in store.merged_migration_pulls().await? {
            let prefix = format!("{connection}:");
            let objects: Vec<String> = store
                .pull_object_keys(stored.id)
                .await?
                .into_iter()
                .filter_map(|key| {
                    // `connection:kind:schema.name` -> `schema.name`
                    let rest = key.strip_prefix(&prefix)?;
                    rest.split_once(':').map(|(_, name)| name.to_owned())
                })
                .collect();
            if objects.is_empty() {
                continue;
            }
            let mut issues = Vec::new();
            for key in &stored.issues {
                let Ok(parsed) = key.parse::<IssueKey>() else {
                    continue;
                };
                if let Some(cached) = store.issue(&parsed).await? {
                    issues.push((key.clone(), cached.issue.reference.created_at));
                }
            }
            out.push(MergedMigrationPr {
                connection: connection.to_owned(),
                objects,
                merged_at: stored.pull.merged_at.unwrap_or(stored.pull.updated_at),
                issues,
            });
        }
        Ok(out)
    }

    async fn traceability_connections(
        &self,
        connection: Option<&str>,
    ) -> Result<Vec<String>, EngineError> {
        if let Some(name) = connection {
            self.check_export_connection(name).await?;
            return Ok(vec![name.to_owned()]);
        }
        let mut names = self.connection_names();
        for n in self.store().connections_with_history().await? {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        Ok(names)
    }

    /// What the figures of `connection` are computed from, and why its
    /// objects are not counted when the live schema cannot be read.
    async fn traceability_inputs(
        &self,
        connection: &str,
    ) -> Result<(Inputs, Option<String>), EngineError> {
        let store = self.store();
        let (objects, objects_error) = match self.traceability_objects(connection).await {
            Ok(o) => (Some(o), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let links = store
            .all_links(Some(connection))
            .await?
            .into_iter()
            .map(|l| LinkIn {
                schema: l.object.schema,
                name: l.object.name,
                issue: l.issue.key.to_string(),
                issue_created: l.issue.created_at,
                linked_at: l.created_at,
            })
            .collect();
        let mut changes: Vec<ChangeIn> = store
            .schema_changes(Some(connection))
            .await?
            .into_iter()
            .map(|c| ChangeIn {
                source: match c.kind {
                    sr_store::SchemaChangeKind::Drift => ChangeSource::Drift,
                    sr_store::SchemaChangeKind::Migration => ChangeSource::Migration,
                },
                object: c.object.as_deref().and_then(split_object),
                at: c.occurred_at,
                issues: Vec::new(),
            })
            .collect();
        for pr in self.merged_migration_prs(connection).await? {
            for object in &pr.objects {
                changes.push(ChangeIn {
                    source: ChangeSource::MergedPr,
                    object: split_object(object),
                    at: pr.merged_at,
                    issues: pr.issues.clone(),
                });
            }
        }
        let mut alerts = Vec::new();
        let mut auto_issue_keys = HashSet::new();
        for row in store.all_auto_issues(Some(connection)).await? {
            let keys = [row.issue_key.as_deref(), row.previous_issue_key.as_deref()];
            auto_issue_keys.extend(keys.iter().flatten().map(|k| (*k).to_owned()));
            let kind = match row.event.as_str() {
                "drift.detected" => AlertKind::Drift,
                "performance.regression" => AlertKind::Regression,
                "health.failed" => AlertKind::Health,
                _ => continue,
            };
            for key in keys.into_iter().flatten() {
                let Ok(parsed) = key.parse::<IssueKey>() else {
                    continue;
                };
                // An issue the cache lost (removed in its tracker) has no
                // times to count.
                if let Some(cached) = store.issue(&parsed).await? {
                    let r = &cached.issue.reference;
                    alerts.push(AlertIssueIn {
                        kind,
                        schema: row.object.as_deref().and_then(split_object).map(|(s, _)| s),
                        filed: r.created_at,
                        closed: (r.status.state == IssueState::Done).then_some(r.updated_at),
                    });
                }
            }
        }
        Ok((
            Inputs {
                objects,
                changes,
                links,
                alerts,
                auto_issue_keys,
            },
            objects_error,
        ))
    }

    /// The live schema's tables, views and routines, by schema.
    async fn traceability_objects(
        &self,
        connection: &str,
    ) -> Result<BTreeMap<String, BTreeSet<String>>, EngineError> {
        let snapshot = self.snapshot(connection, true).await?;
        Ok(snapshot
            .schemas
            .iter()
            .map(|s| {
                let names = s
                    .tables
                    .iter()
                    .map(|t| t.name.clone())
                    .chain(s.views.iter().map(|v| v.name.clone()))
                    .chain(s.routines.iter().map(|r| r.name.clone()))
                    .collect();
                (s.name.clone(), names)
            })
            .collect())
    }
}

/// `schema.name` as its two parts.
fn split_object(object: &str) -> Option<(String, String)> {
    object
        .split_once('.')
        .map(|(s, n)| (s.to_owned(), n.to_owned()))
}
