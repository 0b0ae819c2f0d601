//! Each export kind as one table of named columns: the single place that
//! decides which fields an export holds and how each is written, so CSV,
//! JSON and the workbook cannot disagree.

use chrono::SecondsFormat;
use sr_model::{IssueLink, Timestamp};
use sr_store::{AuditEntry, CachedIssue};

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
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
