//! The object-by-object comparison behind [`super::diff`].

use std::collections::BTreeMap;

use super::table::{compare_domain, compare_table};
use super::{
    AttributeChange, ChangeKind, Object, ObjectChange, ObjectType, routine_type, view_type,
};
use crate::model::{Schema, Snapshot};
use crate::normalize_sql;

pub(crate) fn compare(a: &Snapshot, b: &Snapshot) -> Vec<ObjectChange> {
    let mut out = Vec::new();
    let schemas_a: BTreeMap<&str, &Schema> =
        a.schemas.iter().map(|s| (s.name.as_str(), s)).collect();
    let schemas_b: BTreeMap<&str, &Schema> =
        b.schemas.iter().map(|s| (s.name.as_str(), s)).collect();
    let empty = Schema::default();
    let mut names: Vec<&str> = schemas_a.keys().chain(schemas_b.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let sa = schemas_a.get(name).copied();
        let sb = schemas_b.get(name).copied();
        let schema_obj = |s: &Schema| Object::Schema {
            comment: s.comment.clone(),
        };
        match (sa, sb) {
            (None, Some(s)) => out.push(change(
                name,
                ObjectType::Schema,
                name,
                None,
                None,
                None,
                Some(schema_obj(s)),
            )),
            (Some(s), None) => out.push(change(
                name,
                ObjectType::Schema,
                name,
                None,
                None,
                Some(schema_obj(s)),
                None,
            )),
            (Some(x), Some(y)) if x.comment != y.comment => {
                let mut c = change(
                    name,
                    ObjectType::Schema,
                    name,
                    None,
                    None,
                    Some(schema_obj(x)),
                    Some(schema_obj(y)),
                );
                c.attributes
                    .push(attr("comment", x.comment.clone(), y.comment.clone()));
                out.push(c);
            }
            _ => {}
        }
        compare_schema(name, sa.unwrap_or(&empty), sb.unwrap_or(&empty), &mut out);
    }
    // Database-wide objects, under an empty schema name.
    if !a.objects.is_empty() || !b.objects.is_empty() {
        let wide = |s: &Snapshot| Schema {
            objects: s.objects.clone(),
            ..Schema::default()
        };
        compare_schema("", &wide(a), &wide(b), &mut out);
    }
    out
}

/// An object of one schema, borrowed: cloned only when it differs.
#[derive(Clone, Copy, PartialEq)]
enum Ref<'a> {
    Extension(&'a crate::model::Extension),
    Enum(&'a crate::model::EnumType),
    Domain(&'a crate::model::Domain),
    Sequence(&'a crate::model::Sequence),
    Routine(&'a crate::model::Routine),
    Table(&'a crate::model::Table),
    View(&'a crate::model::View),
    Index(&'a crate::model::Index),
    Policy(&'a crate::model::Policy),
    Grant(&'a crate::model::Grant),
    Trigger(&'a crate::model::Trigger),
    Defined(&'a crate::model::DefinedObject),
}

impl Ref<'_> {
    fn to_object(self) -> Object {
        match self {
            Ref::Extension(x) => Object::Extension(x.clone()),
            Ref::Enum(x) => Object::Enum(x.clone()),
            Ref::Domain(x) => Object::Domain(x.clone()),
            Ref::Sequence(x) => Object::Sequence(x.clone()),
            Ref::Routine(x) => Object::Routine(x.clone()),
            Ref::Table(x) => Object::Table(x.clone()),
            Ref::View(x) => Object::View(x.clone()),
            Ref::Index(x) => Object::Index(x.clone()),
            Ref::Policy(x) => Object::Policy(x.clone()),
            Ref::Grant(x) => Object::Grant(x.clone()),
            Ref::Trigger(x) => Object::Trigger(x.clone()),
            Ref::Defined(x) => Object::Defined(x.clone()),
        }
    }
}

/// Identity of an object inside one schema, borrowed.
type RefKey<'a> = (ObjectType, &'a str, Option<&'a str>, Option<&'a str>);

fn objects(s: &Schema) -> BTreeMap<RefKey<'_>, Ref<'_>> {
    let mut m = BTreeMap::new();
    for x in &s.extensions {
        m.insert(
            (ObjectType::Extension, x.name.as_str(), None, None),
            Ref::Extension(x),
        );
    }
    for x in &s.enums {
        m.insert(
            (ObjectType::Enum, x.name.as_str(), None, None),
            Ref::Enum(x),
        );
    }
    for x in &s.domains {
        m.insert(
            (ObjectType::Domain, x.name.as_str(), None, None),
            Ref::Domain(x),
        );
    }
    for x in &s.sequences {
        m.insert(
            (ObjectType::Sequence, x.name.as_str(), None, None),
            Ref::Sequence(x),
        );
    }
    for x in &s.routines {
        let key = (
            routine_type(x.kind),
            x.name.as_str(),
            None,
            Some(x.arguments.as_str()),
        );
        m.insert(key, Ref::Routine(x));
    }
    for x in &s.tables {
        m.insert(
            (ObjectType::Table, x.name.as_str(), None, None),
            Ref::Table(x),
        );
    }
    for x in &s.views {
        m.insert((view_type(x), x.name.as_str(), None, None), Ref::View(x));
    }
    for x in &s.indexes {
        let key = (
            ObjectType::Index,
            x.name.as_str(),
            Some(x.table.as_str()),
            None,
        );
        m.insert(key, Ref::Index(x));
    }
    for x in &s.policies {
        let key = (
            ObjectType::Policy,
            x.name.as_str(),
            Some(x.table.as_str()),
            None,
        );
        m.insert(key, Ref::Policy(x));
    }
    for x in &s.privileges {
        let key = (
            ObjectType::Privilege,
            x.grantee.as_str(),
            Some(x.object.as_str()),
            None,
        );
        m.insert(key, Ref::Grant(x));
    }
    for x in &s.triggers {
        let key = (
            ObjectType::Trigger,
            x.name.as_str(),
            Some(x.table.as_str()),
            None,
        );
        m.insert(key, Ref::Trigger(x));
    }
    for x in &s.objects {
        m.insert(
            (x.kind, x.name.as_str(), None, x.arguments.as_deref()),
            Ref::Defined(x),
        );
    }
    m
}

fn compare_schema(schema: &str, a: &Schema, b: &Schema, out: &mut Vec<ObjectChange>) {
    let oa = objects(a);
    let mut ob = objects(b);
    let owned = |x: Option<&str>| x.map(str::to_owned);
    for (key, before) in oa {
        let (t, name, table, args) = key;
        match ob.remove(&key) {
            None => out.push(change(
                schema,
                t,
                name,
                owned(table),
                owned(args),
                Some(before.to_object()),
                None,
            )),
            // Equal definitions (the common case) need no closer look.
            Some(after) if after == before => {}
            Some(after) => {
                let (before, after) = (before.to_object(), after.to_object());
                let attributes = compare_object(&before, &after);
                if !attributes.is_empty() {
                    let mut c = change(
                        schema,
                        t,
                        name,
                        owned(table),
                        owned(args),
                        Some(before),
                        Some(after),
                    );
                    c.destructive = attributes.iter().any(|a| a.destructive);
                    c.attributes = attributes;
                    out.push(c);
                }
            }
        }
    }
    for ((t, name, table, args), after) in ob {
        out.push(change(
            schema,
            t,
            name,
            owned(table),
            owned(args),
            None,
            Some(after.to_object()),
        ));
    }
}

fn change(
    schema: &str,
    object: ObjectType,
    name: &str,
    table: Option<String>,
    arguments: Option<String>,
    before: Option<Object>,
    after: Option<Object>,
) -> ObjectChange {
    let kind = match (&before, &after) {
        (None, _) => ChangeKind::Added,
        (_, None) => ChangeKind::Removed,
        _ => ChangeKind::Changed,
    };
    // Dropping a table, a schema (with what is in it), an extension (with
    // the types it brings) or a sequence (with its position) loses data.
    let destructive = kind == ChangeKind::Removed
        && matches!(
            object,
            ObjectType::Table
                | ObjectType::Schema
                | ObjectType::Extension
                | ObjectType::Sequence
                | ObjectType::Enum
                | ObjectType::Domain
        );
    ObjectChange {
        object,
        schema: schema.to_owned(),
        name: name.to_owned(),
        table,
        arguments,
        change: kind,
        destructive,
        attributes: Vec::new(),
        before,
        after,
    }
}

pub(crate) fn attr(name: &str, from: Option<String>, to: Option<String>) -> AttributeChange {
    AttributeChange {
        attribute: name.to_owned(),
        from,
        to,
        destructive: false,
    }
}

/// Pushes an attribute change when `from` and `to` differ.
pub(crate) fn cmp<T: PartialEq + ToString>(
    out: &mut Vec<AttributeChange>,
    name: &str,
    from: &Option<T>,
    to: &Option<T>,
) {
    if from != to {
        out.push(attr(
            name,
            from.as_ref().map(T::to_string),
            to.as_ref().map(T::to_string),
        ));
    }
}

fn sql_opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(normalize_sql)
}

/// Pushes an attribute change when two SQL texts differ once normalised,
/// showing them as written.
pub(crate) fn cmp_sql(
    out: &mut Vec<AttributeChange>,
    name: &str,
    from: &Option<String>,
    to: &Option<String>,
) {
    if sql_opt(from) != sql_opt(to) {
        out.push(attr(name, from.clone(), to.clone()));
    }
}

fn compare_object(before: &Object, after: &Object) -> Vec<AttributeChange> {
    let mut out = Vec::new();
    match (before, after) {
        (Object::Table(x), Object::Table(y)) => compare_table(x, y, &mut out),
        (Object::Domain(x), Object::Domain(y)) => compare_domain(x, y, &mut out),
        (Object::Enum(x), Object::Enum(y)) => {
            if x.labels != y.labels {
                let mut a = attr(
                    "labels",
                    Some(x.labels.join(", ")),
                    Some(y.labels.join(", ")),
                );
                // Removing a label loses the rows that carry it; a label
                // renamed in place keeps them.
                a.destructive = x.labels.iter().any(|l| !y.labels.contains(l))
                    && crate::ddl::enum_plan(&x.labels, &y.labels)
                        == crate::ddl::EnumPlan::Recreate;
                out.push(a);
            }
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::Sequence(x), Object::Sequence(y)) => {
            cmp(&mut out, "type", &x.data_type, &y.data_type);
            cmp(&mut out, "start", &Some(x.start), &Some(y.start));
            cmp(
                &mut out,
                "increment",
                &Some(x.increment),
                &Some(y.increment),
            );
            cmp(&mut out, "min_value", &x.min_value, &y.min_value);
            cmp(&mut out, "max_value", &x.max_value, &y.max_value);
            cmp(&mut out, "cycle", &Some(x.cycle), &Some(y.cycle));
            cmp(&mut out, "cache", &x.cache, &y.cache);
            cmp(&mut out, "owned_by", &x.owned_by, &y.owned_by);
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::Routine(x), Object::Routine(y)) => {
            cmp(&mut out, "returns", &x.returns, &y.returns);
            cmp(&mut out, "language", &x.language, &y.language);
            if normalize_sql(&x.definition) != normalize_sql(&y.definition) {
                out.push(attr(
                    "definition",
                    Some(x.definition.clone()),
                    Some(y.definition.clone()),
                ));
            }
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::View(x), Object::View(y)) => {
            if normalize_sql(&x.definition) != normalize_sql(&y.definition) {
                out.push(attr(
                    "definition",
                    Some(x.definition.clone()),
                    Some(y.definition.clone()),
                ));
            }
            let keys: std::collections::BTreeSet<&String> =
                x.options.keys().chain(y.options.keys()).collect();
            for k in keys {
                cmp(
                    &mut out,
                    &format!("option {k}"),
                    &x.options.get(k),
                    &y.options.get(k),
                );
            }
            if x.columns != y.columns {
                out.push(attr(
                    "columns",
                    Some(x.columns.join(", ")),
                    Some(y.columns.join(", ")),
                ));
            }
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::Index(x), Object::Index(y)) => {
            cmp(&mut out, "unique", &Some(x.unique), &Some(y.unique));
            let cols = |i: &crate::model::Index| {
                i.columns
                    .iter()
                    .map(super::table::index_column_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            cmp(&mut out, "columns", &Some(cols(x)), &Some(cols(y)));
            cmp(
                &mut out,
                "include",
                &Some(x.include.join(", ")),
                &Some(y.include.join(", ")),
            );
            cmp_sql(&mut out, "where", &x.predicate, &y.predicate);
            cmp(&mut out, "method", &x.method, &y.method);
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::Trigger(x), Object::Trigger(y)) => {
            if normalize_sql(&x.definition) != normalize_sql(&y.definition) {
                out.push(attr(
                    "definition",
                    Some(x.definition.clone()),
                    Some(y.definition.clone()),
                ));
            }
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::Extension(_), Object::Extension(_)) => {}
        (Object::Defined(x), Object::Defined(y)) => {
            if normalize_sql(&x.definition) != normalize_sql(&y.definition) {
                out.push(attr(
                    "definition",
                    Some(x.definition.clone()),
                    Some(y.definition.clone()),
                ));
            }
            cmp(&mut out, "comment", &x.comment, &y.comment);
        }
        (Object::Policy(x), Object::Policy(y)) => {
            cmp(
                &mut out,
                "permissive",
                &Some(x.permissive),
                &Some(y.permissive),
            );
            cmp(&mut out, "command", &Some(&x.command), &Some(&y.command));
            cmp(
                &mut out,
                "roles",
                &Some(x.roles.join(", ")),
                &Some(y.roles.join(", ")),
            );
            cmp_sql(&mut out, "using", &x.using, &y.using);
            cmp_sql(&mut out, "with_check", &x.with_check, &y.with_check);
        }
        (Object::Grant(x), Object::Grant(y)) => {
            let list = |v: &Vec<String>| Some(v.join(", "));
            cmp(
                &mut out,
                "privileges",
                &list(&x.privileges),
                &list(&y.privileges),
            );
            cmp(
                &mut out,
                "grantable",
                &list(&x.grantable),
                &list(&y.grantable),
            );
        }
        _ => out.push(attr("kind", None, None)),
    }
    out
}
