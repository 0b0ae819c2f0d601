//! What every dialect's renderer needs beyond the changes themselves: which
//! unchanged views, indexes and triggers must be dropped and recreated with
//! a changed object, and in which order views depend on each other.

use std::collections::BTreeSet;

use crate::SchemaDiff;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::{Index, Snapshot, Table, Trigger, View};

/// `(schema, name)`.
pub(crate) type Name = (String, String);

pub(crate) struct Plan<'a> {
    pub changes: &'a [ObjectChange],
    pub from: Option<&'a Snapshot>,
    pub to: Option<&'a Snapshot>,
}

impl<'a> Plan<'a> {
    pub fn new(diff: &'a SchemaDiff) -> Self {
        Plan {
            changes: &diff.changes,
            from: diff.from_snapshot(),
            to: diff.to_snapshot(),
        }
    }

    /// The changes of one object type and change kind, in diff order.
    pub fn of(&self, t: ObjectType, k: ChangeKind) -> impl Iterator<Item = &'a ObjectChange> {
        self.changes
            .iter()
            .filter(move |c| c.object == t && c.change == k)
    }

    /// Changed tables with their before and after definitions.
    pub fn changed_tables(&self) -> Vec<(&'a ObjectChange, &'a Table, &'a Table)> {
        self.of(ObjectType::Table, ChangeKind::Changed)
            .filter_map(|c| match (&c.before, &c.after) {
                (Some(Object::Table(a)), Some(Object::Table(b))) => Some((c, a, b)),
                _ => None,
            })
            .collect()
    }

    /// The views of `from` that must be dropped: removed and changed ones,
    /// and every view reading (directly or through another view) a table
    /// or view in `touched` or another view that goes. Dependents first.
    pub fn views_to_drop(&self, touched: &BTreeSet<Name>) -> Vec<(String, &'a View)> {
        let mut gone: BTreeSet<Name> = touched.clone();
        for c in self.changes {
            if matches!(c.object, ObjectType::View | ObjectType::MaterializedView)
                && c.change != ChangeKind::Added
            {
                gone.insert((c.schema.clone(), c.name.clone()));
            }
        }
        let Some(from) = self.from else {
            // Without the snapshot, only the views the diff names.
            return self
                .changes
                .iter()
                .filter_map(|c| match &c.before {
                    Some(Object::View(v)) => Some((c.schema.clone(), v)),
                    _ => None,
                })
                .collect();
        };
        let all = all_views(from);
        loop {
            let before = gone.len();
            for (schema, v) in &all {
                if gone
                    .iter()
                    .any(|(_, n)| n != &v.name && mentions(&v.definition, n))
                {
                    gone.insert((schema.clone(), v.name.clone()));
                }
            }
            if gone.len() == before {
                break;
            }
        }
        let mut out: Vec<(String, &View)> = all
            .into_iter()
            .filter(|(s, v)| gone.contains(&(s.clone(), v.name.clone())))
            .collect();
        order_views(&mut out);
        out.reverse();
        out
    }

    /// The views of `to` to create: added and changed ones and those
    /// `dropped` that still exist in `b`. Dependencies first.
    pub fn views_to_create(&self, dropped: &[(String, &View)]) -> Vec<(String, &'a View)> {
        let mut want: BTreeSet<Name> = dropped
            .iter()
            .map(|(s, v)| (s.clone(), v.name.clone()))
            .collect();
        for c in self.changes {
            if matches!(c.object, ObjectType::View | ObjectType::MaterializedView)
                && c.change != ChangeKind::Removed
            {
                want.insert((c.schema.clone(), c.name.clone()));
            }
        }
        let Some(to) = self.to else {
            return self
                .changes
                .iter()
                .filter_map(|c| match &c.after {
                    Some(Object::View(v)) => Some((c.schema.clone(), v)),
                    _ => None,
                })
                .collect();
        };
        let mut out: Vec<(String, &View)> = all_views(to)
            .into_iter()
            .filter(|(s, v)| want.contains(&(s.clone(), v.name.clone())))
            .collect();
        order_views(&mut out);
        out
    }

    /// Indexes of `b` to create: added and changed ones, and every index of
    /// a table or view in `recreated` (which lost its indexes).
    pub fn indexes_to_create(&self, recreated: &BTreeSet<Name>) -> Vec<(String, &'a Index)> {
        let mut out: Vec<(String, &Index)> = Vec::new();
        if let Some(to) = self.to {
            for s in &to.schemas {
                for i in &s.indexes {
                    if recreated.contains(&(s.name.clone(), i.table.clone())) {
                        out.push((s.name.clone(), i));
                    }
                }
            }
        }
        for c in self.changes {
            if let (ObjectType::Index, Some(Object::Index(i))) = (c.object, &c.after)
                && !out.iter().any(|(s, x)| s == &c.schema && x.name == i.name)
            {
                out.push((c.schema.clone(), i));
            }
        }
        out
    }

    /// Triggers of `b` to create, like [`Plan::indexes_to_create`].
    pub fn triggers_to_create(&self, recreated: &BTreeSet<Name>) -> Vec<(String, &'a Trigger)> {
        let mut out: Vec<(String, &Trigger)> = Vec::new();
        if let Some(to) = self.to {
            for s in &to.schemas {
                for t in &s.triggers {
                    if recreated.contains(&(s.name.clone(), t.table.clone())) {
                        out.push((s.name.clone(), t));
                    }
                }
            }
        }
        for c in self.changes {
            if let (ObjectType::Trigger, Some(Object::Trigger(t))) = (c.object, &c.after)
                && !out
                    .iter()
                    .any(|(s, x)| s == &c.schema && x.name == t.name && x.table == t.table)
            {
                out.push((c.schema.clone(), t));
            }
        }
        out
    }

    /// Removed tables, referencing ones before the tables they reference.
    pub fn tables_to_drop(&self) -> Vec<(&'a ObjectChange, &'a Table)> {
        let mut left: Vec<(&ObjectChange, &Table)> = self
            .of(ObjectType::Table, ChangeKind::Removed)
            .filter_map(|c| match &c.before {
                Some(Object::Table(t)) => Some((c, t)),
                _ => None,
            })
            .collect();
        let mut out = Vec::with_capacity(left.len());
        while !left.is_empty() {
            // A table nobody left references can go now; in a cycle take
            // the first (its foreign keys are dropped before any table).
            let pos = left
                .iter()
                .position(|(c, t)| {
                    !left.iter().any(|(_, o)| {
                        o.name != t.name
                            && o.foreign_keys.iter().any(|f| {
                                f.referenced_table == t.name && f.referenced_schema == c.schema
                            })
                    })
                })
                .unwrap_or(0);
            out.push(left.remove(pos));
        }
        out
    }
}

fn all_views(s: &Snapshot) -> Vec<(String, &View)> {
    s.schemas
        .iter()
        .flat_map(|sc| sc.views.iter().map(move |v| (sc.name.clone(), v)))
        .collect()
}

/// Orders views so that each comes after the views it reads.
fn order_views(views: &mut Vec<(String, &View)>) {
    let mut left = std::mem::take(views);
    while !left.is_empty() {
        let pos = left
            .iter()
            .position(|(_, v)| {
                !left
                    .iter()
                    .any(|(_, o)| o.name != v.name && mentions(&v.definition, &o.name))
            })
            .unwrap_or(0);
        views.push(left.remove(pos));
    }
}

/// True when `sql` contains `name` as a whole identifier (ignoring ASCII
/// case and quotes): a cheap, conservative dependency test.
pub(crate) fn mentions(sql: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let hay = sql.to_ascii_lowercase();
    let needle = name.to_ascii_lowercase();
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut start = 0;
    while let Some(pos) = hay[start..].find(&needle) {
        let at = start + pos;
        let end = at + needle.len();
        let before_ok = hay[..at].chars().next_back().is_none_or(|c| !is_ident(c));
        let after_ok = hay[end..].chars().next().is_none_or(|c| !is_ident(c));
        if before_ok && after_ok {
            return true;
        }
        start = at + needle.len().max(1);
        if start >= hay.len() {
            break;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, name: &str, expected: bool) {
        assert_eq!(mentions(sql, name), expected, "{sql} / {name}");
    }

    #[test]
    fn mentions_whole_identifiers() {
        check("SELECT * FROM orders", "orders", true);
        check("SELECT * FROM \"Orders\" o", "orders", true);
        check("SELECT * FROM orders_archive", "orders", false);
        check("SELECT * FROM public.orders;", "orders", true);
        check("SELECT my_orders FROM t", "orders", false);
        check("", "orders", false);
    }
}
