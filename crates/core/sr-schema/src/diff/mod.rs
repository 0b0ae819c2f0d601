//! Comparing two snapshots: [`diff`] lists what a migration from `a` to
//! `b` must change, object by object, and marks the changes that can lose
//! data as destructive.
//!
//! Objects are matched by identity (schema, kind, name; the table for
//! indexes and triggers; the argument list for routines) and compared on
//! their normalised definition, so reformatted SQL, version hashes and
//! noise such as AUTO_INCREMENT counters never show up. Column order is not
//! compared either: no dialect can reorder columns in place, and a column
//! appended by a migration means the same as one declared in the middle.

mod compare;
mod table;
mod types;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_model::ObjectKind;

use crate::Dialect;
use crate::model::{
    DefinedObject, Domain, EnumType, Extension, Grant, Index, Policy, Routine, RoutineKind,
    Sequence, Snapshot, Table, Trigger, View,
};

pub use types::is_widening;

/// What kind of object a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectType {
    Schema,
    Extension,
    Enum,
    Domain,
    Sequence,
    Function,
    Procedure,
    Table,
    View,
    MaterializedView,
    Index,
    Trigger,
    Policy,
    /// The privileges one grantee holds on one object; the change's `name`
    /// is the grantee and its `table` the object.
    Privilege,
    /// Kept as their definition ([`crate::DefinedObject`]).
    Aggregate,
    Collation,
    Operator,
    Cast,
    /// A composite or range type.
    Type,
    EventTrigger,
    Publication,
    /// A MySQL/MariaDB scheduled event.
    Event,
}

impl ObjectType {
    /// The product-wide kind, for object keys and issue links; `None` for
    /// what is not an object of its own (extensions, policies, privileges).
    pub fn object_kind(self) -> Option<ObjectKind> {
        Some(match self {
            ObjectType::Schema => ObjectKind::Schema,
            ObjectType::Enum | ObjectType::Domain => ObjectKind::Type,
            ObjectType::Sequence => ObjectKind::Sequence,
            ObjectType::Function => ObjectKind::Function,
            ObjectType::Procedure => ObjectKind::Procedure,
            ObjectType::Table => ObjectKind::Table,
            ObjectType::View => ObjectKind::View,
            ObjectType::MaterializedView => ObjectKind::MaterializedView,
            ObjectType::Index => ObjectKind::Index,
            ObjectType::Trigger => ObjectKind::Trigger,
            ObjectType::Aggregate => ObjectKind::Function,
            ObjectType::Type | ObjectType::Collation => ObjectKind::Type,
            ObjectType::Extension
            | ObjectType::Policy
            | ObjectType::Privilege
            | ObjectType::Operator
            | ObjectType::Cast
            | ObjectType::EventTrigger
            | ObjectType::Publication
            | ObjectType::Event => return None,
        })
    }

    /// Every object type.
    pub const ALL: [ObjectType; 22] = [
        ObjectType::Schema,
        ObjectType::Extension,
        ObjectType::Enum,
        ObjectType::Domain,
        ObjectType::Sequence,
        ObjectType::Function,
        ObjectType::Procedure,
        ObjectType::Table,
        ObjectType::View,
        ObjectType::MaterializedView,
        ObjectType::Index,
        ObjectType::Trigger,
        ObjectType::Policy,
        ObjectType::Privilege,
        ObjectType::Aggregate,
        ObjectType::Collation,
        ObjectType::Operator,
        ObjectType::Cast,
        ObjectType::Type,
        ObjectType::EventTrigger,
        ObjectType::Publication,
        ObjectType::Event,
    ];

    /// The type `as_str` spells `name`.
    pub fn from_name(name: &str) -> Option<ObjectType> {
        ObjectType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Schema => "schema",
            ObjectType::Extension => "extension",
            ObjectType::Enum => "enum",
            ObjectType::Domain => "domain",
            ObjectType::Sequence => "sequence",
            ObjectType::Function => "function",
            ObjectType::Procedure => "procedure",
            ObjectType::Table => "table",
            ObjectType::View => "view",
            ObjectType::MaterializedView => "materialized_view",
            ObjectType::Index => "index",
            ObjectType::Trigger => "trigger",
            ObjectType::Policy => "policy",
            ObjectType::Privilege => "privilege",
            ObjectType::Aggregate => "aggregate",
            ObjectType::Collation => "collation",
            ObjectType::Operator => "operator",
            ObjectType::Cast => "cast",
            ObjectType::Type => "type",
            ObjectType::EventTrigger => "event_trigger",
            ObjectType::Publication => "publication",
            ObjectType::Event => "event",
        }
    }
}

/// Whether an object appeared, went away or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One changed attribute of a changed object (`column price.type`,
/// `foreign key orders_customer_fk`, `comment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeChange {
    pub attribute: String,
    /// The value in `a`; absent when the attribute is new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The value in `b`; absent when the attribute went away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "crate::model::is_false")]
    pub destructive: bool,
}

/// The definition of one object, as the renderer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    Schema { comment: Option<String> },
    Extension(Extension),
    Enum(EnumType),
    Domain(Domain),
    Sequence(Sequence),
    Routine(Routine),
    Table(Table),
    View(View),
    Index(Index),
    Trigger(Trigger),
    Policy(Policy),
    Grant(Grant),
    Defined(DefinedObject),
}

/// One object that differs between `a` and `b`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectChange {
    pub object: ObjectType,
    pub schema: String,
    pub name: String,
    /// For indexes, triggers and policies: the table they belong to; for
    /// privileges: the object they are on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// For routines: the argument list that tells overloads apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    pub change: ChangeKind,
    /// True when applying the change can lose data.
    pub destructive: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeChange>,
    /// The definition in `a` (absent for added objects). Not serialised:
    /// the JSON form is a report, the renderer works on the in-memory diff.
    #[serde(skip)]
    pub before: Option<Object>,
    /// The definition in `b` (absent for removed objects).
    #[serde(skip)]
    pub after: Option<Object>,
}

impl ObjectChange {
    /// `schema.name`, with the table for indexes and triggers; just the
    /// name for database-wide objects.
    pub fn qualified_name(&self) -> String {
        let name = if self.schema.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.schema, self.name)
        };
        match &self.table {
            Some(t) => format!("{name} on {t}"),
            None => name,
        }
    }

    /// The identity of the object the change is about.
    pub fn id(&self) -> crate::ObjectId {
        crate::ObjectId {
            kind: self.object,
            schema: self.schema.clone(),
            name: self.name.clone(),
            table: self.table.clone(),
            arguments: self.arguments.clone(),
        }
    }
}

/// Everything that differs between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaDiff {
    /// The dialect of `a` (the database a migration would be applied to).
    pub dialect: Dialect,
    /// Ordered by schema, object type and name.
    pub changes: Vec<ObjectChange>,
    /// The two snapshots, kept for the renderer, which must also touch
    /// unchanged objects that depend on changed ones.
    #[serde(skip)]
    pub(crate) from: Option<Arc<Snapshot>>,
    #[serde(skip)]
    pub(crate) to: Option<Arc<Snapshot>>,
}

impl SchemaDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// True when any change can lose data.
    pub fn is_destructive(&self) -> bool {
        self.changes.iter().any(|c| c.destructive)
    }

    /// The snapshot the diff starts from, when the diff was computed here.
    pub fn from_snapshot(&self) -> Option<&Snapshot> {
        self.from.as_deref()
    }

    /// The snapshot the diff leads to, when the diff was computed here.
    pub fn to_snapshot(&self) -> Option<&Snapshot> {
        self.to.as_deref()
    }

    /// Counts of added, removed and changed objects.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |k| self.changes.iter().filter(|c| c.change == k).count();
        (
            n(ChangeKind::Added),
            n(ChangeKind::Removed),
            n(ChangeKind::Changed),
        )
    }

    /// The diff as pretty JSON ending in a newline (the `--json` form).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The changes that turn `a` into `b`. Both are normalised first, so the
/// caller may pass snapshots in any order.
pub fn diff(a: &Snapshot, b: &Snapshot) -> SchemaDiff {
    // Canonical order only: the comparison reads definitions, never the
    // version hashes, so they are not computed again here.
    let mut a = a.clone();
    a.sort();
    let a = Arc::new(a);
    let mut b = align_database(&a, b.clone());
    b.sort();
    let b = Arc::new(b);
    let mut changes = compare::compare(&a, &b);
    changes.sort_by(|x, y| {
        (&x.schema, x.object, &x.table, &x.name, &x.arguments).cmp(&(
            &y.schema,
            y.object,
            &y.table,
            &y.name,
            &y.arguments,
        ))
    });
    SchemaDiff {
        dialect: a.dialect,
        changes,
        from: Some(a),
        to: Some(b),
    }
}

/// In MySQL a snapshot holds one database, whose name is where it lives
/// rather than what it contains: `b`'s database is compared as if it had
/// `a`'s name.
fn align_database(a: &Snapshot, mut b: Snapshot) -> Snapshot {
    if a.dialect != Dialect::MySql || a.schemas.len() != 1 || b.schemas.len() != 1 {
        return b;
    }
    let (from, to) = (b.schemas[0].name.clone(), a.schemas[0].name.clone());
    if from == to {
        return b;
    }
    b.schemas[0].name = to.clone();
    for t in &mut b.schemas[0].tables {
        for fk in &mut t.foreign_keys {
            if fk.referenced_schema == from {
                fk.referenced_schema = to.clone();
            }
        }
    }
    b
}

pub(crate) fn routine_type(kind: RoutineKind) -> ObjectType {
    match kind {
        RoutineKind::Function => ObjectType::Function,
        RoutineKind::Procedure => ObjectType::Procedure,
    }
}

pub(crate) fn view_type(v: &View) -> ObjectType {
    if v.materialized {
        ObjectType::MaterializedView
    } else {
        ObjectType::View
    }
}
