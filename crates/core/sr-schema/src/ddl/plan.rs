//! What every dialect's renderer needs beyond the changes themselves: the
//! dependency graphs of `a` and `b`, which unchanged objects must be
//! dropped and created again around a change (the dependents of what goes
//! or is rebuilt), and look-ups of definitions by identity.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::SchemaDiff;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType, routine_type, view_type};
use crate::infer::{infer_dependencies, structural_dependencies};
use crate::model::{
    DefinedObject, Dependency, Grant, Index, ObjectId, Policy, Routine, Snapshot, Table, Trigger,
    View,
};

/// `(schema, name)`.
pub(crate) type Name = (String, String);

pub(crate) struct Plan<'a> {
    pub changes: &'a [ObjectChange],
    pub from: Option<&'a Snapshot>,
    pub to: Option<&'a Snapshot>,
    /// Dependencies in `a` and in `b` (catalog or inferred, plus the
    /// model's own).
    pub deps_from: Vec<Dependency>,
    pub deps_to: Vec<Dependency>,
    /// `a`'s dependencies reversed: what depends on each object.
    dependents: HashMap<ObjectId, Vec<ObjectId>>,
}

/// What must be dropped: the objects that go or are rebuilt, and every
/// object depending on one of them (or on a table whose columns change)
/// that cannot stay while they change.
#[derive(Debug, Default)]
pub(crate) struct Closure {
    /// Dropped explicitly (not going with a dropped table or view).
    pub dropped: BTreeSet<ObjectId>,
    /// Of those, the ones `b` still has: they are created again.
    pub recreated: BTreeSet<ObjectId>,
}

impl Closure {
    pub fn drops(&self, id: &ObjectId) -> bool {
        self.dropped.contains(id)
    }

    pub fn recreates(&self, id: &ObjectId) -> bool {
        self.recreated.contains(id)
    }

    /// The recreated tables and views, as `(schema, name)`.
    pub fn recreated_relations(&self) -> BTreeSet<Name> {
        self.recreated
            .iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    ObjectType::View | ObjectType::MaterializedView | ObjectType::Table
                )
            })
            .map(|i| (i.schema.clone(), i.name.clone()))
            .collect()
    }
}

/// True when `b` drops a column of `a` or changes one's type or collation:
/// what views over the table stand in the way of.
pub(crate) fn columns_change(a: &Table, b: &Table) -> bool {
    a.columns.iter().any(|ca| {
        b.column(&ca.name).is_none_or(|cb| {
            !ca.data_type.eq_ignore_ascii_case(&cb.data_type)
                || ca.collation != cb.collation
                || ca.generated != cb.generated
        })
    })
}

/// The dependencies of `s`: from the catalog when the snapshot has them,
/// else inferred from its definitions, and the model's own always.
fn dependencies_of(s: Option<&Snapshot>) -> Vec<Dependency> {
    let Some(s) = s else { return Vec::new() };
    match &s.dependencies {
        Some(known) => {
            let mut all = known.clone();
            all.extend(structural_dependencies(s));
            all
        }
        None => infer_dependencies(s),
    }
}

impl<'a> Plan<'a> {
    pub fn new(diff: &'a SchemaDiff) -> Self {
        let from = diff.from_snapshot();
        let to = diff.to_snapshot();
        let deps_from = dependencies_of(from);
        let deps_to = dependencies_of(to);
        let mut dependents: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
        for d in &deps_from {
            if d.object != d.on {
                dependents
                    .entry(d.on.clone())
                    .or_default()
                    .push(d.object.clone());
            }
        }
        Plan {
            changes: &diff.changes,
            from,
            to,
            deps_from,
            deps_to,
            dependents,
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

    /// The objects to drop: every removed object, the changed ones for
    /// which `rebuilt` is true, and, transitively, what depends on them in
    /// `a`; plus the views (and what depends on those) over a table in
    /// `touched`. Indexes, triggers and policies of a dropped table or view
    /// go with it and are not listed. Tables, types and sequences are never
    /// added as dependents: they are changed in place by the caller.
    pub fn closure(
        &self,
        rebuilt: impl Fn(&ObjectChange) -> bool,
        touched: &BTreeSet<Name>,
    ) -> Closure {
        let mut dropped: BTreeSet<ObjectId> = BTreeSet::new();
        let mut queue: Vec<(ObjectId, bool)> = Vec::new();
        let removed_owner: HashSet<Name> = self
            .changes
            .iter()
            .filter(|c| {
                c.change == ChangeKind::Removed
                    && matches!(
                        c.object,
                        ObjectType::Table | ObjectType::View | ObjectType::MaterializedView
                    )
            })
            .map(|c| (c.schema.clone(), c.name.clone()))
            .collect();
        for c in self.changes {
            let gone =
                c.change == ChangeKind::Removed || (c.change == ChangeKind::Changed && rebuilt(c));
            if gone {
                let id = c.id();
                let with_owner = c
                    .table
                    .as_ref()
                    .is_some_and(|t| removed_owner.contains(&(c.schema.clone(), t.clone())));
                if !with_owner {
                    dropped.insert(id.clone());
                }
                queue.push((id, true));
            }
        }
        for (schema, name) in touched {
            queue.push((ObjectId::new(ObjectType::Table, schema, name), false));
        }
        while let Some((x, gone)) = queue.pop() {
            let Some(list) = self.dependents.get(&x) else {
                continue;
            };
            for y in list {
                if dropped.contains(y) {
                    continue;
                }
                // Indexes, triggers and policies of a dropped table or view go
                // with it.
                let owner_gone = y.table.as_ref().is_some_and(|t| {
                    removed_owner.contains(&(y.schema.clone(), t.clone()))
                        || [ObjectType::View, ObjectType::MaterializedView]
                            .iter()
                            .any(|k| dropped.contains(&ObjectId::new(*k, &y.schema, t)))
                });
                let add = match y.kind {
                    ObjectType::View | ObjectType::MaterializedView => true,
                    ObjectType::Index | ObjectType::Trigger | ObjectType::Policy => {
                        gone && !owner_gone
                    }
                    ObjectType::Function
                    | ObjectType::Procedure
                    | ObjectType::Aggregate
                    | ObjectType::Operator
                    | ObjectType::Cast
                    | ObjectType::EventTrigger
                    | ObjectType::Publication => gone,
                    _ => false,
                };
                if add {
                    dropped.insert(y.clone());
                    queue.push((y.clone(), true));
                }
            }
        }
        let in_b = self.to.map(ids_of).unwrap_or_default();
        let recreated = dropped
            .iter()
            .filter(|i| in_b.contains(*i))
            .cloned()
            .collect();
        Closure { dropped, recreated }
    }

    /// Removed tables, referencing ones (and partitions and inheriting
    /// tables) before the tables they reference.
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
            // Partitions and inheriting tables count as referencing their
            // parents: they go first.
            let pos = left
                .iter()
                .position(|(c, t)| {
                    !left.iter().any(|(_, o)| {
                        let child_of = |key: &str| {
                            o.options.get(key).is_some_and(|ps| {
                                ps.split(", ")
                                    .any(|p| p == format!("{}.{}", c.schema, t.name) || p == t.name)
                            })
                        };
                        o.name != t.name
                            && (o.foreign_keys.iter().any(|f| {
                                f.referenced_table == t.name && f.referenced_schema == c.schema
                            }) || child_of("partition_of")
                                || child_of("inherits"))
                    })
                })
                .unwrap_or(0);
            out.push(left.remove(pos));
        }
        out
    }

    /// Indexes of `b` to create: added and changed ones, the recreated
    /// ones, and every index of a table or view in `relations` (which lost
    /// its indexes).
    pub fn indexes_to_create(
        &self,
        closure: &Closure,
        relations: &BTreeSet<Name>,
    ) -> Vec<(String, &'a Index)> {
        let mut out: Vec<(String, &Index)> = Vec::new();
        if let Some(to) = self.to {
            for s in &to.schemas {
                for i in &s.indexes {
                    let id = ObjectId::new(ObjectType::Index, &s.name, &i.name).on_table(&i.table);
                    if relations.contains(&(s.name.clone(), i.table.clone()))
                        || closure.recreates(&id)
                    {
                        out.push((s.name.clone(), i));
                    }
                }
            }
        }
        for c in self.changes {
            if let (ObjectType::Index, Some(Object::Index(i))) = (c.object, &c.after)
                && !out
                    .iter()
                    .any(|(s, x)| s == &c.schema && x.name == i.name && x.table == i.table)
            {
                out.push((c.schema.clone(), i));
            }
        }
        out
    }

    /// Triggers of `b` to create, like [`Plan::indexes_to_create`].
    pub fn triggers_to_create(
        &self,
        closure: &Closure,
        relations: &BTreeSet<Name>,
    ) -> Vec<(String, &'a Trigger)> {
        let mut out: Vec<(String, &Trigger)> = Vec::new();
        if let Some(to) = self.to {
            for s in &to.schemas {
                for t in &s.triggers {
                    let id =
                        ObjectId::new(ObjectType::Trigger, &s.name, &t.name).on_table(&t.table);
                    if relations.contains(&(s.name.clone(), t.table.clone()))
                        || closure.recreates(&id)
                    {
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

    /// The views of `b` to create: added and changed ones, and the
    /// recreated ones.
    pub fn views_to_create(&self, closure: &Closure) -> Vec<(String, &'a View)> {
        let mut out = Vec::new();
        if let Some(to) = self.to {
            for s in &to.schemas {
                for v in &s.views {
                    let id = ObjectId::new(view_type(v), &s.name, &v.name);
                    if closure.recreates(&id) {
                        out.push((s.name.clone(), v));
                    }
                }
            }
        }
        for c in self.changes {
            if let Some(Object::View(v)) = &c.after
                && c.change == ChangeKind::Added
            {
                out.push((c.schema.clone(), v));
            }
        }
        out
    }

    /// Definitions in `a` (`before`) or `b` of objects the closure names,
    /// for kinds kept whole: routines, policies and defined objects.
    pub fn find(&self, in_b: bool, id: &ObjectId) -> Option<Found<'a>> {
        let snap = if in_b { self.to? } else { self.from? };
        if id.schema.is_empty() {
            return snap
                .objects
                .iter()
                .find(|o| o.kind == id.kind && o.name == id.name && o.arguments == id.arguments)
                .map(Found::Defined);
        }
        let s = snap.schema(&id.schema)?;
        match id.kind {
            ObjectType::Function | ObjectType::Procedure => s
                .routines
                .iter()
                .find(|r| {
                    routine_type(r.kind) == id.kind
                        && r.name == id.name
                        && Some(&r.arguments) == id.arguments.as_ref()
                })
                .map(Found::Routine),
            ObjectType::Policy => s
                .policies
                .iter()
                .find(|p| p.name == id.name && Some(&p.table) == id.table.as_ref())
                .map(Found::Policy),
            _ => s
                .objects
                .iter()
                .find(|o| o.kind == id.kind && o.name == id.name && o.arguments == id.arguments)
                .map(Found::Defined),
        }
    }

    /// The privileges `b` grants on the tables and views in `relations`.
    pub fn grants_on(&self, relations: &BTreeSet<Name>) -> Vec<(String, &'a Grant)> {
        let mut out = Vec::new();
        if let Some(to) = self.to {
            for sc in &to.schemas {
                for g in &sc.privileges {
                    if relations.contains(&(sc.name.clone(), g.object.clone())) {
                        out.push((sc.name.clone(), g));
                    }
                }
            }
        }
        out
    }
}

/// A definition found by [`Plan::find`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'a> {
    Routine(&'a Routine),
    Policy(&'a Policy),
    Defined(&'a DefinedObject),
}

/// The identities of every object of `s` that a closure can hold.
fn ids_of(s: &Snapshot) -> HashSet<ObjectId> {
    let mut out = HashSet::new();
    for sc in &s.schemas {
        let n = sc.name.as_str();
        out.insert(ObjectId::new(ObjectType::Schema, n, n));
        out.extend(
            sc.tables
                .iter()
                .map(|t| ObjectId::new(ObjectType::Table, n, &t.name)),
        );
        out.extend(
            sc.enums
                .iter()
                .map(|e| ObjectId::new(ObjectType::Enum, n, &e.name)),
        );
        out.extend(
            sc.domains
                .iter()
                .map(|d| ObjectId::new(ObjectType::Domain, n, &d.name)),
        );
        out.extend(
            sc.sequences
                .iter()
                .map(|q| ObjectId::new(ObjectType::Sequence, n, &q.name)),
        );
        out.extend(
            sc.views
                .iter()
                .map(|v| ObjectId::new(view_type(v), n, &v.name)),
        );
        out.extend(
            sc.routines.iter().map(|r| {
                ObjectId::new(routine_type(r.kind), n, &r.name).with_arguments(&r.arguments)
            }),
        );
        out.extend(
            sc.indexes
                .iter()
                .map(|i| ObjectId::new(ObjectType::Index, n, &i.name).on_table(&i.table)),
        );
        out.extend(
            sc.triggers
                .iter()
                .map(|t| ObjectId::new(ObjectType::Trigger, n, &t.name).on_table(&t.table)),
        );
        out.extend(
            sc.policies
                .iter()
                .map(|p| ObjectId::new(ObjectType::Policy, n, &p.name).on_table(&p.table)),
        );
        out.extend(sc.objects.iter().map(|o| ObjectId {
            kind: o.kind,
            schema: n.to_owned(),
            name: o.name.clone(),
            table: None,
            arguments: o.arguments.clone(),
        }));
    }
    out.extend(s.objects.iter().map(|o| ObjectId {
        kind: o.kind,
        schema: String::new(),
        name: o.name.clone(),
        table: None,
        arguments: o.arguments.clone(),
    }));
    out
}
