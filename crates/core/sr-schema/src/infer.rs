//! Dependencies read from the definitions themselves, where no catalog
//! records them: MySQL/MariaDB views and routines, SQLite's schema text,
//! and snapshot files written before dependencies were kept.
//!
//! Every identifier of a definition (quoted or not, compared ignoring ASCII
//! case) that names another object of the snapshot is taken as a
//! dependency. That errs on the side of too many edges, which only costs
//! ordering freedom; a missing edge would cost a failed migration. Each
//! text is scanned once and looked up in a hash map, so the cost grows
//! with the size of the schema, not with its square.
//!
//! [`structural_dependencies`] adds what the model itself says (an index
//! needs its table, a partition its parent); the renderer always uses it
//! beside catalog or inferred edges.

use std::collections::HashMap;

use crate::diff::{ObjectType, routine_type, view_type};
use crate::model::{Dependency, ObjectId, Schema, Snapshot};

/// Kinds a text may refer to, by lower-cased name.
struct Names<'a> {
    by_name: HashMap<String, Vec<&'a ObjectId>>,
}

impl<'a> Names<'a> {
    fn new(ids: &'a [ObjectId]) -> Self {
        let mut by_name: HashMap<String, Vec<&ObjectId>> = HashMap::new();
        for id in ids {
            by_name
                .entry(id.name.to_ascii_lowercase())
                .or_default()
                .push(id);
        }
        Names { by_name }
    }

    /// Pushes a dependency of `object` on every object of a kind in
    /// `kinds` that `text` names.
    fn scan(
        &self,
        out: &mut Vec<Dependency>,
        object: &ObjectId,
        text: &str,
        kinds: &[ObjectType],
        strings: bool,
    ) {
        for word in identifiers(text, strings) {
            let Some(found) = self.by_name.get(&word) else {
                continue;
            };
            for id in found {
                if kinds.contains(&id.kind) && *id != object {
                    out.push(Dependency {
                        object: object.clone(),
                        on: (*id).clone(),
                    });
                }
            }
        }
    }
}

const RELATIONS: &[ObjectType] = &[
    ObjectType::Table,
    ObjectType::View,
    ObjectType::MaterializedView,
];
const TYPES: &[ObjectType] = &[
    ObjectType::Enum,
    ObjectType::Domain,
    ObjectType::Type,
    ObjectType::Table,
    ObjectType::View,
    ObjectType::Collation,
];
const CALLABLE: &[ObjectType] = &[
    ObjectType::Function,
    ObjectType::Aggregate,
    ObjectType::Operator,
    ObjectType::Sequence,
    ObjectType::Enum,
    ObjectType::Domain,
    ObjectType::Type,
    ObjectType::Collation,
];

/// Every object of `s` that a definition could name.
fn all_ids(s: &Snapshot) -> Vec<ObjectId> {
    let mut ids = Vec::new();
    for sc in &s.schemas {
        let id = |kind, name: &str| ObjectId::new(kind, &sc.name, name);
        ids.extend(sc.tables.iter().map(|t| id(ObjectType::Table, &t.name)));
        ids.extend(sc.views.iter().map(|v| id(view_type(v), &v.name)));
        ids.extend(
            sc.sequences
                .iter()
                .map(|q| id(ObjectType::Sequence, &q.name)),
        );
        ids.extend(sc.enums.iter().map(|e| id(ObjectType::Enum, &e.name)));
        ids.extend(sc.domains.iter().map(|d| id(ObjectType::Domain, &d.name)));
        ids.extend(
            sc.routines
                .iter()
                .map(|r| id(routine_type(r.kind), &r.name).with_arguments(&r.arguments)),
        );
        ids.extend(sc.objects.iter().map(|o| defined_id(&sc.name, o)));
    }
    ids
}

fn defined_id(schema: &str, o: &crate::model::DefinedObject) -> ObjectId {
    ObjectId {
        kind: o.kind,
        schema: schema.to_owned(),
        name: o.name.clone(),
        table: None,
        arguments: o.arguments.clone(),
    }
}

/// Dependencies of every object of `s` on the others, from the text of
/// their definitions; [`structural_dependencies`] included.
pub fn infer_dependencies(s: &Snapshot) -> Vec<Dependency> {
    let ids = all_ids(s);
    let names = Names::new(&ids);
    let mut out = structural_dependencies(s);
    let all: Vec<ObjectType> = [RELATIONS, CALLABLE].concat();
    for sc in &s.schemas {
        let schema = sc.name.as_str();
        for v in &sc.views {
            let id = ObjectId::new(view_type(v), schema, &v.name);
            names.scan(&mut out, &id, &v.definition, &all, false);
        }
        for r in &sc.routines {
            let id =
                ObjectId::new(routine_type(r.kind), schema, &r.name).with_arguments(&r.arguments);
            names.scan(&mut out, &id, &r.arguments, TYPES, false);
            if let Some(ret) = &r.returns {
                names.scan(&mut out, &id, ret, TYPES, false);
            }
        }
        for t in &sc.tables {
            let id = ObjectId::new(ObjectType::Table, schema, &t.name);
            for c in &t.columns {
                names.scan(&mut out, &id, &c.data_type, TYPES, false);
                if let Some(d) = &c.default {
                    // `nextval('seq'::regclass)` names its sequence in a string.
                    names.scan(&mut out, &id, d, CALLABLE, true);
                }
                if let Some(g) = &c.generated {
                    names.scan(&mut out, &id, &g.expression, CALLABLE, false);
                }
            }
            for ck in &t.check_constraints {
                names.scan(&mut out, &id, &ck.expression, CALLABLE, false);
            }
        }
        for d in &sc.domains {
            let id = ObjectId::new(ObjectType::Domain, schema, &d.name);
            names.scan(&mut out, &id, &d.data_type, TYPES, false);
            for ck in &d.checks {
                names.scan(&mut out, &id, &ck.expression, CALLABLE, false);
            }
        }
        for i in &sc.indexes {
            let id = ObjectId::new(ObjectType::Index, schema, &i.name).on_table(&i.table);
            for k in &i.columns {
                if let crate::model::IndexKey::Expression(e) = &k.key {
                    names.scan(&mut out, &id, e, CALLABLE, false);
                }
            }
        }
        for t in &sc.triggers {
            let id = ObjectId::new(ObjectType::Trigger, schema, &t.name).on_table(&t.table);
            names.scan(&mut out, &id, &t.definition, &all, false);
        }
        for p in &sc.policies {
            let id = ObjectId::new(ObjectType::Policy, schema, &p.name).on_table(&p.table);
            for e in [&p.using, &p.with_check].into_iter().flatten() {
                names.scan(&mut out, &id, e, &all, false);
            }
        }
        for o in &sc.objects {
            let id = defined_id(schema, o);
            names.scan(&mut out, &id, &o.definition, &all, false);
        }
    }
    for o in &s.objects {
        let id = defined_id("", o);
        names.scan(&mut out, &id, &o.definition, &all, false);
    }
    out.sort();
    out.dedup();
    out
}

/// What the model itself says depends on what: indexes, triggers,
/// policies and privileges on their table or view, partitions and
/// inheriting tables on their parents.
pub fn structural_dependencies(s: &Snapshot) -> Vec<Dependency> {
    let mut out = Vec::new();
    for sc in &s.schemas {
        let owner = |name: &str| owner_id(sc, name);
        for i in &sc.indexes {
            out.push(Dependency {
                object: ObjectId::new(ObjectType::Index, &sc.name, &i.name).on_table(&i.table),
                on: owner(&i.table),
            });
        }
        for t in &sc.triggers {
            out.push(Dependency {
                object: ObjectId::new(ObjectType::Trigger, &sc.name, &t.name).on_table(&t.table),
                on: owner(&t.table),
            });
        }
        for p in &sc.policies {
            out.push(Dependency {
                object: ObjectId::new(ObjectType::Policy, &sc.name, &p.name).on_table(&p.table),
                on: owner(&p.table),
            });
        }
        for t in &sc.tables {
            let parents = t
                .options
                .get("partition_of")
                .or_else(|| t.options.get("inherits"));
            for parent in parents.into_iter().flat_map(|p| p.split(", ")) {
                let (ps, pn) = parent.split_once('.').unwrap_or((&sc.name, parent));
                out.push(Dependency {
                    object: ObjectId::new(ObjectType::Table, &sc.name, &t.name),
                    on: ObjectId::new(ObjectType::Table, ps, pn),
                });
            }
        }
    }
    out
}

/// The table or view called `name` in `sc`, as an id.
fn owner_id(sc: &Schema, name: &str) -> ObjectId {
    let kind = sc.view(name).map(view_type).unwrap_or(ObjectType::Table);
    ObjectId::new(kind, &sc.name, name)
}

/// The identifiers of `sql`, lower-cased, quotes removed; with `strings`
/// also the contents of string literals. Comments are skipped.
pub(crate) fn identifiers(sql: &str, strings: bool) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                let start = i + 1;
                i += 1;
                while i < b.len() {
                    if b[i] == close {
                        if b.get(i + 1) == Some(&close) && close != b']' {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                let end = i.min(b.len());
                if c != b'\'' || strings {
                    let text = String::from_utf8_lossy(&b[start..end]).to_ascii_lowercase();
                    // `'public.seq'` names the sequence after the dot.
                    let last = text.rsplit('.').next().unwrap_or_default().to_owned();
                    out.push(last.trim_matches('"').to_owned());
                }
                i += 1;
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && ident(b[i]) {
                    i += 1;
                }
            }
            c if ident(c) => {
                let start = i;
                while i < b.len() && ident(b[i]) {
                    i += 1;
                }
                out.push(String::from_utf8_lossy(&b[start..i]).to_ascii_lowercase());
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, strings: bool, expected: &[&str]) {
        assert_eq!(identifiers(sql, strings), expected, "{sql}");
    }

    #[test]
    fn identifiers_of_sql() {
        check(
            "SELECT a.\"Id\", `b` FROM public.t1 -- x\n/* y */ WHERE n = 'z'",
            false,
            &[
                "select", "a", "id", "b", "from", "public", "t1", "where", "n",
            ],
        );
        check(
            "nextval('public.orders_id_seq'::regclass)",
            true,
            &["nextval", "orders_id_seq", "regclass"],
        );
        check("x = 'it''s' AND 2e5", false, &["x", "and"]);
    }
}
