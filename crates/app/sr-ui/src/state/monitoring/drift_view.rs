//! A drift report as the side-by-side view draws it: one entry per drifted
//! object (indexes and triggers under their table, as the engine files
//! them), the expected definition beside the actual one, line by line, the
//! lines that differ marked.

use sr_engine::DriftCheck;
use sr_engine::monitoring::{column_summary, group_key};
use sr_schema::{ChangeKind, Object, ObjectChange, Table};

/// One line of one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub text: String,
    /// Differs from the other side (or has no counterpart there).
    pub changed: bool,
}

/// One drifted object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftObjectView {
    /// `schema.name`, as the auto-issue names it.
    pub key: String,
    /// "table changed", "index added", …
    pub what: String,
    /// Going back to the baseline can lose data.
    pub destructive: bool,
    /// The baseline's side.
    pub expected: Vec<DiffLine>,
    /// The live database's side.
    pub actual: Vec<DiffLine>,
}

/// The report's drifted objects, in the report's order.
pub fn drift_view(check: &DriftCheck) -> Vec<DriftObjectView> {
    let mut out: Vec<DriftObjectView> = Vec::new();
    for c in &check.report.differences.changes {
        let key = group_key(c);
        let i = match out.iter().position(|v| v.key == key) {
            Some(i) => i,
            None => {
                out.push(DriftObjectView {
                    destructive: check.destructive.contains(&key),
                    key,
                    what: String::new(),
                    expected: Vec::new(),
                    actual: Vec::new(),
                });
                out.len() - 1
            }
        };
        let view = &mut out[i];
        let what = format!("{} {}", c.object.as_str(), change_word(c.change));
        view.what = if view.what.is_empty() {
            what
        } else {
            format!("{}, {what}", view.what)
        };
        add_change(view, c);
    }
    out
}

fn change_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "missing",
        ChangeKind::Changed => "changed",
    }
}

fn add_change(view: &mut DriftObjectView, c: &ObjectChange) {
    let table = |o: &Option<Object>| match o {
        Some(Object::Table(t)) => Some(t.clone()),
        _ => None,
    };
    match (table(&c.before), table(&c.after)) {
        (before, after) if before.is_some() || after.is_some() => {
            let (e, a) = column_sides(before.as_ref(), after.as_ref());
            view.expected.extend(e);
            view.actual.extend(a);
            // Keys, constraints and options: as the diff words them.
            for attr in c
                .attributes
                .iter()
                .filter(|a| !a.attribute.starts_with("column "))
            {
                push_attribute(view, &attr.attribute, &attr.from, &attr.to);
            }
        }
        _ => {
            let name = format!("{} {}", c.object.as_str(), c.name);
            match c.change {
                ChangeKind::Added => view.actual.push(line(&name, true)),
                ChangeKind::Removed => view.expected.push(line(&name, true)),
                ChangeKind::Changed => {
                    for attr in &c.attributes {
                        let label = format!("{name}: {}", attr.attribute);
                        push_attribute(view, &label, &attr.from, &attr.to);
                    }
                }
            }
        }
    }
}

fn push_attribute(
    view: &mut DriftObjectView,
    label: &str,
    from: &Option<String>,
    to: &Option<String>,
) {
    if let Some(f) = from {
        view.expected.push(line(&format!("{label} {f}"), true));
    }
    if let Some(t) = to {
        view.actual.push(line(&format!("{label} {t}"), true));
    }
}

/// The columns of each side, a column marked when the other side lacks
/// it or defines it differently.
fn column_sides(before: Option<&Table>, after: Option<&Table>) -> (Vec<DiffLine>, Vec<DiffLine>) {
    let text_of = |t: Option<&Table>, name: &str| {
        t.and_then(|t| t.columns.iter().find(|c| c.name == name))
            .map(column_summary)
    };
    let side = |this: Option<&Table>, other: Option<&Table>| -> Vec<DiffLine> {
        this.map(|t| {
            t.columns
                .iter()
                .map(|c| {
                    let text = column_summary(c);
                    let changed = text_of(other, &c.name).as_deref() != Some(text.as_str());
                    DiffLine { text, changed }
                })
                .collect()
        })
        .unwrap_or_default()
    };
    (side(before, after), side(after, before))
}

fn line(text: &str, changed: bool) -> DiffLine {
    DiffLine {
        text: text.to_owned(),
        changed,
    }
}
