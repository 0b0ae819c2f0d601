//! PostgreSQL: every change has an ALTER, so tables are never rebuilt;
//! views, triggers, indexes, policies and objects kept as their definition
//! are dropped and created again when they (or what they depend on)
//! change. The script runs in one transaction; enum values are renamed
//! and added before it (see [`NOTE_ENUM_VALUES`]).

use std::collections::BTreeSet;

mod comments;
mod defined;
mod security;
mod table;
mod types;

use super::MigrationScript;
use super::common::{create_index, fk_clause, lit, q, qn};
use super::plan::{Closure, Found, Name, Plan, columns_change};
use super::steps::{Node, Steps, rank};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::{ObjectId, Routine, Table, View};
use comments::comments;
use defined::{create_defined, drop_defined};
use security::{security_creates, security_drops};
use table::{alter_table, create_table};
use types::{alter_domain, create_domain, create_enum, enum_steps, sequence};

const D: Dialect = Dialect::Postgres;

pub(crate) use types::{EnumPlan, enum_plan};

/// The note of a script that changes enum values in place.
pub(crate) const NOTE_ENUM_VALUES: &str = "ALTER TYPE ... RENAME VALUE / ADD VALUE run before the transaction: \
PostgreSQL before 12 refuses ADD VALUE inside one, and no version lets a transaction use a value \
it added. They stay applied if the rest fails.";

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut st = Steps::default();
    let changed_tables = plan.changed_tables();
    // Views over a changed table are rebuilt: PostgreSQL refuses to change
    // or drop a column a view reads.
    let touched: BTreeSet<Name> = changed_tables
        .iter()
        .filter(|(_, a, b)| columns_change(a, b))
        .map(|(c, _, _)| (c.schema.clone(), c.name.clone()))
        .collect();
    let closure = plan.closure(rebuilt, &touched);

    drops(&mut st, plan, &closure, &changed_tables);
    creations(&mut st, plan, &closure, &changed_tables);
    let views = plan.views_to_create(&closure);
    for (schema, v) in &views {
        let id = ObjectId::new(crate::diff::view_type(v), schema, &v.name);
        st.one(rank::VIEW, Some(Node::create(id)), create_view(schema, v));
    }
    let mut relations = closure.recreated_relations();
    relations.extend(views.iter().map(|(s, v)| (s.clone(), v.name.clone())));
    for (schema, i) in plan.indexes_to_create(&closure, &relations) {
        let id = ObjectId::new(ObjectType::Index, &schema, &i.name).on_table(&i.table);
        let step = st.one(
            rank::INDEX,
            Some(Node::create(id)),
            create_index(D, schema.as_str(), i),
        );
        if let Some(cm) = &i.comment {
            step.sql(format!(
                "COMMENT ON INDEX {} IS {}",
                qn(D, &schema, &i.name),
                lit(cm)
            ));
        }
    }
    for (schema, t) in plan.triggers_to_create(&closure, &relations) {
        let id = ObjectId::new(ObjectType::Trigger, &schema, &t.name).on_table(&t.table);
        st.one(
            rank::TRIGGER,
            Some(Node::create(id)),
            t.definition.trim().trim_end_matches(';').to_owned(),
        );
    }
    security_creates(&mut st, plan, &closure, &relations);
    comments(&mut st, plan, &closure, &views);

    let mut ordered = st.order(&plan.deps_from, &plan.deps_to);
    if !ordered.inside.is_empty() {
        // Definitions come from the catalog printed under the database's
        // default search path, and run under it whatever the session set.
        ordered.inside.insert(
            0,
            super::Statement {
                sql: "SET LOCAL search_path TO DEFAULT".into(),
                destructive: false,
            },
        );
    }
    let mut script = MigrationScript::transactional(ordered.outside, ordered.inside);
    if script
        .statements
        .first()
        .is_some_and(|s| s.sql.starts_with("ALTER TYPE"))
    {
        script.notes.push(NOTE_ENUM_VALUES.to_owned());
    }
    script
}

/// Whether a changed object is dropped and created again rather than
/// altered in place.
fn rebuilt(c: &ObjectChange) -> bool {
    let only_comment = c.attributes.iter().all(|a| a.attribute == "comment");
    match (&c.before, &c.after) {
        (Some(Object::View(_)), _) | (Some(Object::Index(_)), _) => !only_comment,
        (Some(Object::Trigger(_)), _) | (Some(Object::Defined(_)), _) => !only_comment,
        (Some(Object::Policy(_)), _) => true,
        (Some(Object::Routine(a)), Some(Object::Routine(b))) => a.returns != b.returns,
        (Some(Object::Enum(a)), Some(Object::Enum(b))) => types::enum_recreated(a, b),
        (Some(Object::Domain(a)), Some(Object::Domain(b))) => types::domain_recreated(a, b),
        _ => false,
    }
}

pub(super) fn drop_constraint(
    s: &mut super::steps::Step,
    schema: &str,
    table: &str,
    name: Option<&str>,
) {
    if let Some(n) = name {
        s.sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            qn(D, schema, table),
            q(D, n)
        ));
    }
}

fn routine_sql(r: &Routine) -> String {
    // The definition is the whole `CREATE OR REPLACE` statement.
    r.definition
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_owned()
}

fn create_view(schema: &str, v: &View) -> String {
    let def = v.definition.trim().trim_end_matches(';');
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let with = if v.options.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = v.options.iter().map(|(k, x)| format!("{k}={x}")).collect();
        format!(" WITH ({})", list.join(", "))
    };
    format!("CREATE {kind} {}{with} AS {def}", qn(D, schema, &v.name))
}

/// Everything that goes before the creations: the closure's drops,
/// foreign keys that change, removed tables and late drops of types.
fn drops<'a>(
    st: &mut Steps,
    plan: &Plan<'a>,
    closure: &Closure,
    changed_tables: &[(&'a ObjectChange, &'a Table, &'a Table)],
) {
    for id in &closure.dropped {
        let node = Some(Node::drop(id.clone()));
        match id.kind {
            ObjectType::Trigger => {
                if let Some(t) = &id.table {
                    st.one(
                        rank::DROP_TRIGGER,
                        node,
                        format!(
                            "DROP TRIGGER {} ON {}",
                            q(D, &id.name),
                            qn(D, &id.schema, t)
                        ),
                    );
                }
            }
            ObjectType::View | ObjectType::MaterializedView => {
                let kind = if id.kind == ObjectType::View {
                    "VIEW"
                } else {
                    "MATERIALIZED VIEW"
                };
                st.one(
                    rank::DROP_VIEW,
                    node,
                    format!("DROP {kind} {}", qn(D, &id.schema, &id.name)),
                );
            }
            ObjectType::Policy => {
                if let Some(t) = &id.table {
                    st.one(
                        rank::DROP_SECURITY,
                        node,
                        format!("DROP POLICY {} ON {}", q(D, &id.name), qn(D, &id.schema, t)),
                    );
                }
            }
            ObjectType::Index => {
                st.one(
                    rank::DROP_INDEX,
                    node,
                    format!("DROP INDEX {}", qn(D, &id.schema, &id.name)),
                );
            }
            ObjectType::Function | ObjectType::Procedure => {
                let kind = if id.kind == ObjectType::Procedure {
                    "PROCEDURE"
                } else {
                    "FUNCTION"
                };
                st.one(
                    rank::DROP_ROUTINE,
                    node,
                    format!(
                        "DROP {kind} {}({})",
                        qn(D, &id.schema, &id.name),
                        id.arguments.as_deref().unwrap_or("")
                    ),
                );
            }
            ObjectType::Sequence => {
                // A sequence owned by a dropped column went with it.
                st.add(rank::DROP_LATE, node).destructive(
                    format!("DROP SEQUENCE IF EXISTS {}", qn(D, &id.schema, &id.name)),
                    true,
                );
            }
            ObjectType::Domain if !closure.recreates(id) => {
                st.add(rank::DROP_LATE, node)
                    .destructive(format!("DROP DOMAIN {}", qn(D, &id.schema, &id.name)), true);
            }
            ObjectType::Enum if !closure.recreates(id) => {
                st.add(rank::DROP_LATE, node)
                    .destructive(format!("DROP TYPE {}", qn(D, &id.schema, &id.name)), true);
            }
            ObjectType::Extension => {
                st.add(rank::DROP_LATE + 1, node)
                    .destructive(format!("DROP EXTENSION {}", q(D, &id.name)), true);
            }
            ObjectType::Schema => {
                st.add(rank::DROP_LATE + 2, node)
                    .destructive(format!("DROP SCHEMA {}", q(D, &id.name)), true);
            }
            kind if defined::is_defined(kind) => {
                if let Some(Found::Defined(o)) = plan.find(false, id) {
                    let r = if kind == ObjectType::Type || kind == ObjectType::Collation {
                        rank::DROP_LATE
                    } else {
                        rank::DROP_DEFINED
                    };
                    st.one(r, node, drop_defined(&id.schema, o));
                }
            }
            _ => {}
        }
    }
    let removed_tables: BTreeSet<Name> = plan
        .of(ObjectType::Table, ChangeKind::Removed)
        .map(|c| (c.schema.clone(), c.name.clone()))
        .collect();
    security_drops(st, plan, closure, &removed_tables);
    for (c, a, b) in changed_tables {
        for fk in &a.foreign_keys {
            if !b.foreign_keys.contains(fk) {
                let step = st.add(rank::DROP_FOREIGN_KEY, None);
                drop_constraint(step, &c.schema, &a.name, fk.name.as_deref());
            }
        }
    }
    let removed = plan.tables_to_drop();
    // A foreign key to a table dropped before its own (in a cycle) goes
    // first.
    for (pos, (c, t)) in removed.iter().enumerate() {
        for fk in &t.foreign_keys {
            if removed[..pos]
                .iter()
                .any(|(_, o)| o.name == fk.referenced_table && o.name != t.name)
            {
                let step = st.add(rank::DROP_FOREIGN_KEY, None);
                drop_constraint(step, &c.schema, &t.name, fk.name.as_deref());
            }
        }
    }
    let mut previous: Option<ObjectId> = None;
    for (c, t) in &removed {
        let id = ObjectId::new(ObjectType::Table, &c.schema, &t.name);
        let step = st.add(rank::DROP_TABLE, Some(Node::drop(id.clone())));
        step.destructive(format!("DROP TABLE {}", qn(D, &c.schema, &t.name)), true);
        // Keep the referencing-first order the list was sorted in.
        if let Some(p) = previous.replace(id) {
            step.after(Node::drop(p));
        }
    }
    // Sequences released from a column before the column goes with them.
    for c in plan.of(ObjectType::Sequence, ChangeKind::Changed) {
        if let (Some(Object::Sequence(a)), Some(Object::Sequence(b))) = (&c.before, &c.after)
            && a.owned_by.is_some()
            && b.owned_by != a.owned_by
        {
            st.one(
                rank::DISOWN,
                None,
                format!("ALTER SEQUENCE {} OWNED BY NONE", qn(D, &c.schema, &b.name)),
            );
        }
    }
}

/// Schemas, extensions, types, sequences, routines, objects kept as their
/// definition, tables and their alterations, foreign keys.
fn creations<'a>(
    st: &mut Steps,
    plan: &Plan<'a>,
    closure: &Closure,
    changed_tables: &[(&'a ObjectChange, &'a Table, &'a Table)],
) {
    for c in plan.of(ObjectType::Schema, ChangeKind::Added) {
        st.one(
            rank::SCHEMA,
            Some(Node::create(c.id())),
            format!("CREATE SCHEMA {}", q(D, &c.name)),
        );
    }
    for c in plan.of(ObjectType::Extension, ChangeKind::Added) {
        st.one(
            rank::EXTENSION,
            Some(Node::create(c.id())),
            format!(
                "CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}",
                q(D, &c.name),
                q(D, &c.schema)
            ),
        );
    }
    for c in plan.changes.iter().filter(|c| c.object == ObjectType::Enum) {
        match (&c.before, &c.after) {
            (None, Some(Object::Enum(e))) => {
                st.one(
                    rank::ENUM,
                    Some(Node::create(c.id())),
                    create_enum(&c.schema, e),
                );
            }
            (Some(Object::Enum(a)), Some(Object::Enum(b))) => enum_steps(st, plan, c, a, b),
            _ => {}
        }
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Domain)
    {
        match (&c.before, &c.after) {
            (None, Some(Object::Domain(d))) => {
                st.one(
                    rank::DOMAIN,
                    Some(Node::create(c.id())),
                    create_domain(&c.schema, d),
                );
            }
            (Some(Object::Domain(a)), Some(Object::Domain(b))) => alter_domain(
                st.add(rank::DOMAIN, Some(Node::alter(c.id()))),
                &c.schema,
                a,
                b,
            ),
            _ => {}
        }
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Sequence)
    {
        match (&c.before, &c.after) {
            (None, Some(Object::Sequence(q_))) => {
                st.one(
                    rank::SEQUENCE,
                    Some(Node::create(c.id())),
                    sequence(&c.schema, q_, "CREATE"),
                );
            }
            (Some(Object::Sequence(a)), Some(Object::Sequence(b)))
                if types::sequence_settings_differ(a, b) =>
            {
                let step = st.add(rank::SEQUENCE, Some(Node::alter(c.id())));
                types::alter_sequence(step, &c.schema, a, b);
            }
            _ => {}
        }
        if let Some(Object::Sequence(q_)) = &c.after
            && let Some(owner) = &q_.owned_by
            && let Some((t, col)) = owner.split_once('.')
            && !matches!(&c.before, Some(Object::Sequence(a)) if a.owned_by == q_.owned_by)
        {
            st.one(
                rank::OWNED_BY,
                None,
                format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    qn(D, &c.schema, &q_.name),
                    qn(D, &c.schema, t),
                    q(D, col)
                ),
            )
            .after(Node::create(ObjectId::new(ObjectType::Table, &c.schema, t)))
            .after(Node::alter(ObjectId::new(ObjectType::Table, &c.schema, t)));
        }
    }
    routines_and_defined(st, plan, closure);

    let tables: Vec<(&ObjectChange, &Table)> = plan
        .of(ObjectType::Table, ChangeKind::Added)
        .filter_map(|c| match &c.after {
            Some(Object::Table(t)) => Some((c, t)),
            _ => None,
        })
        .collect();
    for (c, t) in &tables {
        let step = st.add(rank::TABLE, Some(Node::create(c.id())));
        step.sql(create_table(&c.schema, t));
        table::column_storage(step, &c.schema, None, t);
        if t.options.contains_key("row_level_security") {
            step.sql(format!(
                "ALTER TABLE {} ENABLE ROW LEVEL SECURITY",
                qn(D, &c.schema, &t.name)
            ));
        }
    }
    for (c, a, b) in changed_tables {
        let (pa, pb) = (table::partition(a), table::partition(b));
        let t = qn(D, &c.schema, &b.name);
        if let Some((parent, _)) = pa.filter(|_| pa != pb) {
            // Before the parent changes, so the table keeps the columns it
            // had (and is given the ones it lacks by its own alteration).
            st.one(rank::ALTER_TABLE - 5, None, table::detach(parent, &t));
        }
        let a_cols = effective(plan.from, &c.schema, a);
        let b_cols = effective(plan.to, &c.schema, b);
        alter_table(
            st.add(rank::ALTER_TABLE, Some(Node::alter(c.id()))),
            &c.schema,
            &a_cols,
            &b_cols,
        );
        if let Some((parent, bound)) = pb.filter(|_| pa != pb) {
            let parent_id = match parent.split_once('.') {
                Some((s, n)) => ObjectId::new(ObjectType::Table, s, n),
                None => ObjectId::new(ObjectType::Table, &c.schema, parent),
            };
            st.one(
                rank::ALTER_TABLE + 5,
                None,
                format!(
                    "ALTER TABLE {} ATTACH PARTITION {t} {bound}",
                    table::qualified(parent)
                ),
            )
            .after(Node::alter(c.id()))
            .after(Node::alter(parent_id.clone()))
            .after(Node::create(parent_id));
        }
    }
    for (c, t) in &tables {
        for fk in &t.foreign_keys {
            add_foreign_key(st, &c.schema, &t.name, fk);
        }
    }
    for (c, a, b) in changed_tables {
        for fk in &b.foreign_keys {
            if !a.foreign_keys.contains(fk) {
                add_foreign_key(st, &c.schema, &b.name, fk);
            }
        }
    }
    for (c, t) in &tables {
        table::deferrable(st.add(rank::DEFERRABLE, None), &c.schema, None, t);
    }
    for (c, a, b) in changed_tables {
        table::deferrable(st.add(rank::DEFERRABLE, None), &c.schema, Some(a), b);
    }
}

/// `t` with the columns it really has: a partition's are its parent's
/// (looked up in `snap`, through any number of levels).
fn effective(snap: Option<&crate::Snapshot>, schema: &str, t: &Table) -> Table {
    let mut out = t.clone();
    let mut current = t;
    for _ in 0..8 {
        let Some((parent, _)) = table::partition(current) else {
            break;
        };
        let (ps, pn) = parent.split_once('.').unwrap_or((schema, parent));
        let Some(p) = snap.and_then(|s| s.table(ps, pn)) else {
            break;
        };
        out.columns = p.columns.clone();
        current = p;
    }
    out
}

fn add_foreign_key(st: &mut Steps, schema: &str, table: &str, fk: &crate::model::ForeignKey) {
    let own = ObjectId::new(ObjectType::Table, schema, table);
    let other = ObjectId::new(
        ObjectType::Table,
        &fk.referenced_schema,
        &fk.referenced_table,
    );
    st.one(
        rank::FOREIGN_KEY,
        None,
        format!(
            "ALTER TABLE {} ADD {}",
            qn(D, schema, table),
            fk_clause(D, fk)
        ),
    )
    .after(Node::create(own.clone()))
    .after(Node::alter(own))
    .after(Node::create(other.clone()))
    .after(Node::alter(other));
}

/// Routines and objects kept as their definition: added, changed and
/// recreated ones.
fn routines_and_defined(st: &mut Steps, plan: &Plan<'_>, closure: &Closure) {
    let mut routines: Vec<(ObjectId, &Routine, bool)> = Vec::new();
    let mut defined = Vec::new();
    for c in plan.changes {
        match &c.after {
            Some(Object::Routine(r)) => {
                let replace = c.change == ChangeKind::Changed && !closure.drops(&c.id());
                routines.push((c.id(), r, replace));
            }
            Some(Object::Defined(o)) if c.change == ChangeKind::Added || closure.drops(&c.id()) => {
                defined.push((c.id(), o));
            }
            _ => {}
        }
    }
    for id in &closure.recreated {
        if plan.changes.iter().any(|c| &c.id() == id) {
            continue;
        }
        match plan.find(true, id) {
            Some(Found::Routine(r)) => routines.push((id.clone(), r, false)),
            Some(Found::Defined(o)) => defined.push((id.clone(), o)),
            _ => {}
        }
    }
    if !routines.is_empty() {
        // Routines may come before the tables their bodies name: bodies
        // are not checked now (for this session only) but when called.
        st.one(rank::SETUP, None, "SET check_function_bodies = false");
    }
    for (id, r, replace) in routines {
        let node = if replace {
            Node::alter(id)
        } else {
            Node::create(id)
        };
        st.one(rank::ROUTINE, Some(node), routine_sql(r));
    }
    for (id, o) in defined {
        st.one(
            defined::rank_of(o.kind),
            Some(Node::create(id.clone())),
            create_defined(o),
        );
    }
}
