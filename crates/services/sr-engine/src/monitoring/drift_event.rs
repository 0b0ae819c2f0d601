//! A drift report as `drift.detected` events, one per drifted object, in
//! the shape of `config/events/drift.detected.json` (what the
//! `drift_detection` template and the rules read). Indexes, triggers and
//! policies count towards their table, so one table's drift is one issue.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sr_auto::DatabaseEvent;
use sr_model::EventKind;
use sr_schema::{AttributeChange, ChangeKind, Object, ObjectChange, ObjectType, Snapshot};

use super::DriftCheck;

/// At most this many objects are filed per check; a wholesale difference
/// (the wrong baseline) should not open hundreds of issues.
const MAX_EVENTS: usize = 20;

/// The object a change is filed under: `schema.name`, or `schema.table`
/// for what belongs to a table.
pub fn group_key(c: &ObjectChange) -> String {
    match (&c.object, &c.table) {
        (ObjectType::Index | ObjectType::Trigger | ObjectType::Policy, Some(t)) => {
            format!("{}.{t}", c.schema)
        }
        _ => format!("{}.{}", c.schema, c.name),
    }
}

/// The objects (by [`group_key`]) whose migration from `actual` back to
/// `expected` can lose data.
pub fn destructive_objects(expected: &Snapshot, actual: &Snapshot) -> Vec<String> {
    let mut keys: Vec<String> = sr_schema::diff(actual, expected)
        .changes
        .iter()
        .filter(|c| c.destructive)
        .map(group_key)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The events to file for `check`: none without drift.
pub fn drift_events(check: &DriftCheck) -> Vec<DatabaseEvent> {
    let report = &check.report;
    if !report.drifted {
        return Vec::new();
    }
    let mut groups: BTreeMap<String, Vec<&ObjectChange>> = BTreeMap::new();
    for c in &report.differences.changes {
        groups.entry(group_key(c)).or_default().push(c);
    }
    groups
        .into_iter()
        .take(MAX_EVENTS)
        .map(|(object, changes)| {
            let severity = if check.destructive.contains(&object) {
                "high"
            } else {
                "medium"
            };
            let rows: Vec<Value> = changes.iter().flat_map(|c| change_rows(c)).collect();
            let side = |pick: fn(&ObjectChange) -> Option<&Object>| {
                changes
                    .iter()
                    .filter_map(|c| pick(c).map(|o| object_summary(&c.name, o)))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            DatabaseEvent {
                event: EventKind::DriftDetected,
                connection: report.environment.clone(),
                data: json!({
                    "timestamp": report.detected_at,
                    "environment": { "name": report.environment },
                    "expected": {
                        "source": report.expected_source,
                        "schema_summary": side(|c| c.before.as_ref()),
                    },
                    "actual": { "schema_summary": side(|c| c.after.as_ref()) },
                    "drift": {
                        "severity": severity,
                        "summary": summary(&rows),
                        "details": report.migration_sql,
                        "changes": rows,
                    },
                }),
                object: Some(object),
                occurred_at: chrono::Utc::now(),
            }
        })
        .collect()
}

/// One row per attribute of a changed object, one for an added or missing
/// object: `{kind, object, expected, actual}`.
fn change_rows(c: &ObjectChange) -> Vec<Value> {
    let what = c.object.as_str();
    let whole = format!("{}.{}", c.schema, c.name);
    match c.change {
        ChangeKind::Added => vec![row(&format!("{what} added"), &whole, "", what)],
        ChangeKind::Removed => vec![row(&format!("{what} missing"), &whole, what, "")],
        ChangeKind::Changed if c.attributes.is_empty() => {
            vec![row(&format!("{what} changed"), &whole, "", "")]
        }
        ChangeKind::Changed => c.attributes.iter().map(|a| attribute_row(c, a)).collect(),
    }
}

fn attribute_row(c: &ObjectChange, a: &AttributeChange) -> Value {
    let (thing, name) = a.attribute.split_once(' ').unwrap_or((&a.attribute, ""));
    let verb = match (&a.from, &a.to) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        _ => "changed",
    };
    // `column note.type` names the column; the object is the column.
    let column = name.split('.').next().unwrap_or(name);
    let object = if column.is_empty() {
        format!("{}.{}", c.schema, c.name)
    } else {
        format!("{}.{}.{column}", c.schema, c.name)
    };
    row(
        &format!("{thing} {verb}"),
        &object,
        a.from.as_deref().unwrap_or_default(),
        a.to.as_deref().unwrap_or_default(),
    )
}

fn row(kind: &str, object: &str, expected: &str, actual: &str) -> Value {
    json!({ "kind": kind, "object": object, "expected": expected, "actual": actual })
}

/// "1 column added, 2 index missing".
fn summary(rows: &[Value]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *counts
            .entry(r["kind"].as_str().unwrap_or("change"))
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A short definition: a table as `name(col TYPE NOT NULL, …)`, anything
/// else by its name.
pub fn object_summary(name: &str, object: &Object) -> String {
    match object {
        Object::Table(t) => {
            let columns: Vec<String> = t.columns.iter().map(column_summary).collect();
            format!("{}({})", t.name, columns.join(", "))
        }
        _ => name.to_owned(),
    }
}

/// `status TEXT NOT NULL DEFAULT 'new'`.
pub fn column_summary(c: &sr_schema::Column) -> String {
    let mut s = format!("{} {}", c.name, c.data_type);
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    s.trim_end().to_owned()
}
