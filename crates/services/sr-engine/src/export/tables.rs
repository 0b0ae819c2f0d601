//! Each export kind as one table of named columns: the single place that
//! decides which fields an export holds and how each is written, so CSV,
//! JSON and the workbook cannot disagree.

use chrono::SecondsFormat;
use sr_model::{IssueLink, Timestamp};
use sr_store::{AuditEntry, CachedIssue};

use crate::traceability::{Share, Traceability, TraceabilityReport};

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A share or a number of hours.
    Float(f64),
    /// No value (an unset assignee): empty in CSV, `null` in JSON, a blank
    /// cell in the workbook.
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    /// Times as RFC 3339 in UTC with milliseconds: sortable as text, read
    /// by every spreadsheet and script the same way.
    fn time(t: Timestamp) -> Cell {
        Cell::Text(t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

/// Named columns and their rows, each row as long as `columns`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTable {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

pub(super) fn links(links: &[IssueLink]) -> ExportTable {
    ExportTable {
        columns: vec![
            "link_id",
            "object",
            "connection",
            "object_type",
            "schema",
            "name",
            "issue",
            "display_key",
            "title",
            "state",
            "link_type",
            "sync_direction",
            "created_by",
            "created_at",
        ],
        rows: links
            .iter()
            .map(|l| {
                vec![
                    Cell::text(&l.link_id),
                    Cell::text(l.object.key()),
                    Cell::text(&l.object.connection),
                    Cell::text(l.object.kind.as_str()),
                    Cell::text(&l.object.schema),
                    Cell::text(&l.object.name),
                    Cell::text(l.issue.key.to_string()),
                    Cell::text(&l.issue.display_key),
                    Cell::text(&l.issue.title),
                    Cell::text(l.issue.status.state.as_str()),
                    Cell::text(l.link_type.as_str()),
                    Cell::text(l.sync_direction.as_str()),
                    Cell::text(&l.created_by),
                    Cell::time(l.created_at),
                ]
            })
            .collect(),
    }
}

pub(super) fn issues(issues: &[CachedIssue]) -> ExportTable {
    ExportTable {
        columns: vec![
            "issue",
            "display_key",
            "title",
            "state",
            "status",
            "resolution",
            "priority",
            "labels",
            "assignee",
            "project",
            "issue_type",
            "url",
            "created_at",
            "updated_at",
            "synced_at",
            "sync_error",
        ],
        rows: issues
            .iter()
            .map(|c| {
                let r = &c.issue.reference;
                vec![
                    Cell::text(r.key.to_string()),
                    Cell::text(&r.display_key),
                    Cell::text(&r.title),
                    Cell::text(r.status.state.as_str()),
                    Cell::text(&r.status.name),
                    Cell::opt(r.status.resolution.as_deref()),
                    Cell::opt(r.priority.map(|p| p.as_str())),
                    // One cell for the list: labels never hold a comma in
                    // the trackers we read, and `; ` reads well in a sheet.
                    Cell::text(r.labels.join("; ")),
                    Cell::opt(r.assignee.as_deref()),
                    Cell::opt(c.issue.project.as_deref()),
                    Cell::opt(c.issue.issue_type.as_deref()),
                    Cell::text(&r.url),
                    Cell::time(r.created_at),
                    Cell::time(r.updated_at),
                    c.synced_at.map_or(Cell::Empty, Cell::time),
                    Cell::opt(c.sync_error.as_deref()),
                ]
            })
            .collect(),
    }
}

pub(super) fn audit(entries: &[AuditEntry]) -> ExportTable {
    ExportTable {
        columns: vec!["id", "at", "actor", "action", "object", "issue", "detail"],
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    Cell::Int(e.id),
                    Cell::time(e.at),
                    Cell::text(&e.actor),
                    Cell::text(e.action.as_str()),
                    Cell::opt(e.object.as_deref()),
                    Cell::opt(e.issue.as_deref()),
                    Cell::text(&e.detail),
                ]
            })
            .collect(),
    }
}

/// One row per connection (schema empty: the whole connection) and one
/// per schema, each with every figure of the report; a figure with
/// nothing to count (a share of none, a mean of none) is empty.
pub(super) fn traceability(report: &TraceabilityReport) -> ExportTable {
    let mut rows = Vec::new();
    for c in &report.connections {
        rows.push(traceability_row(&c.connection, None, &c.figures));
        for s in &c.schemas {
            rows.push(traceability_row(&c.connection, Some(&s.schema), &s.figures));
        }
    }
    ExportTable {
        columns: vec![
            "connection",
            "schema",
            "objects",
            "objects_linked",
            "objects_share",
            "changes",
            "changes_linked",
            "changes_share",
            "drift_changes",
            "drift_changes_linked",
            "migrations",
            "migrations_linked",
            "merged_prs",
            "merged_prs_linked",
            "issue_to_migration_count",
            "issue_to_migration_mean_hours",
            "issue_to_migration_median_hours",
            "drift_issues",
            "drift_resolved",
            "drift_resolve_mean_hours",
            "regression_issues",
            "regression_resolved",
            "regression_resolve_mean_hours",
            "health_issues",
            "health_resolved",
            "health_resolve_mean_hours",
        ],
        rows,
    }
}

fn traceability_row(connection: &str, schema: Option<&str>, f: &Traceability) -> Vec<Cell> {
    let count = |n: u64| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let float = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Float);
    let share = |s: &Share| [count(s.total), count(s.linked), float(s.share)];
    let objects = match &f.objects {
        Some(o) => share(o),
        None => [Cell::Empty, Cell::Empty, Cell::Empty],
    };
    let c = &f.schema_changes;
    let r = &f.resolve;
    let mut row = vec![Cell::text(connection), Cell::opt(schema)];
    row.extend(objects);
    row.extend(share(&c.total));
    row.extend([count(c.drift.total), count(c.drift.linked)]);
    row.extend([count(c.migrations.total), count(c.migrations.linked)]);
    row.extend([count(c.merged_prs.total), count(c.merged_prs.linked)]);
    row.extend([
        count(f.issue_to_migration.count),
        float(f.issue_to_migration.mean_hours),
        float(f.issue_to_migration.median_hours),
    ]);
    for stats in [&r.drift, &r.regression, &r.health] {
        row.extend([
            count(stats.filed),
            count(stats.resolved),
            float(stats.mean_hours),
        ]);
    }
    row
}
