//! Finding an object of a snapshot again from its [`ObjectRef`], and making
//! references for the objects a snapshot holds.

use sr_model::{ObjectKind, ObjectRef};
use sr_schema::{Index, Routine, RoutineKind, Schema, Sequence, Snapshot, Table, Trigger, View};

/// One object's definition in a snapshot.
#[derive(Debug, Clone, Copy)]
pub enum ObjectDef<'a> {
    Table(&'a Schema, &'a Table),
    View(&'a Schema, &'a View),
    Index(&'a Index),
    Trigger(&'a Trigger),
    Sequence(&'a Sequence),
    Routine(&'a Routine),
}

/// The reference the rest of the product stores for an object of `schema`
/// in `connection`, carrying the version hash seen now.
pub fn object_ref(
    connection: &str,
    snapshot: &Snapshot,
    schema: &str,
    kind: ObjectKind,
    name: &str,
    version_hash: &str,
) -> ObjectRef {
    let mut r = ObjectRef::new(connection, kind, snapshot.database.clone(), schema, name);
    if !version_hash.is_empty() {
        r.version_hash = Some(version_hash.to_owned());
    }
    r
}

/// The object `object` names in `snapshot`, when it (still) exists.
pub fn find_object<'a>(snapshot: &'a Snapshot, object: &ObjectRef) -> Option<ObjectDef<'a>> {
    let schema = snapshot.schema(&object.schema)?;
    let name = object.name.as_str();
    match object.kind {
        ObjectKind::Table => schema.table(name).map(|t| ObjectDef::Table(schema, t)),
        ObjectKind::View | ObjectKind::MaterializedView => {
            schema.view(name).map(|v| ObjectDef::View(schema, v))
        }
        ObjectKind::Index => schema.index(name).map(ObjectDef::Index),
        ObjectKind::Trigger => schema.trigger(name).map(ObjectDef::Trigger),
        ObjectKind::Sequence => schema
            .sequences
            .iter()
            .find(|s| s.name == name)
            .map(ObjectDef::Sequence),
        ObjectKind::Function | ObjectKind::Procedure => {
            let want = if object.kind == ObjectKind::Function {
                RoutineKind::Function
            } else {
                RoutineKind::Procedure
            };
            schema
                .routines
                .iter()
                .find(|r| r.name == name && r.kind == want)
                .map(ObjectDef::Routine)
        }
        _ => None,
    }
}

/// The kind a view has in object references.
pub fn view_kind(view: &View) -> ObjectKind {
    if view.materialized {
        ObjectKind::MaterializedView
    } else {
        ObjectKind::View
    }
}

/// The kind a routine has in object references.
pub fn routine_kind(routine: &Routine) -> ObjectKind {
    kind_of_routine(routine.kind)
}

/// The object kind of a routine kind.
pub fn kind_of_routine(kind: RoutineKind) -> ObjectKind {
    match kind {
        RoutineKind::Function => ObjectKind::Function,
        RoutineKind::Procedure => ObjectKind::Procedure,
    }
}
