//! MySQL and MariaDB: `ALTER TABLE ... MODIFY COLUMN` restates a whole
//! column, unique constraints are indexes, and a migration runs inside the
//! one database (schema) it was computed for. Every DDL statement commits
//! on its own, so a script cannot be one transaction ([`NOTE_NO_TRANSACTION`]).

mod table;

use std::collections::BTreeSet;

use super::MigrationScript;
use super::common::{create_index, fk_clause, q};
use super::plan::{Closure, Found, Name, Plan, columns_change};
use super::steps::{Node, Steps, rank};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::{ForeignKey, ObjectId, Table};
use table::{alter_table, create_table, create_view};

const D: Dialect = Dialect::MySql;

/// The note every MySQL/MariaDB script carries.
pub(crate) const NOTE_NO_TRANSACTION: &str = "MySQL and MariaDB commit each DDL statement on its own: \
this script cannot run in one transaction, and if a statement fails the ones before it stay applied.";

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut st = Steps::default();
    let changed = plan.changed_tables();
    let touched: BTreeSet<Name> = changed
        .iter()
        .filter(|(_, a, b)| columns_change(a, b))
        .map(|(c, _, _)| (c.schema.clone(), c.name.clone()))
        .collect();
    let closure = plan.closure(rebuilt, &touched);
    drops(&mut st, plan, &closure, &changed);

    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Sequence)
    {
        let node = Some(Node::create(c.id()));
        match (&c.before, &c.after) {
            (None, Some(Object::Sequence(q_))) => {
                st.one(rank::SEQUENCE, node, sequence("CREATE", q_));
            }
            (Some(_), Some(Object::Sequence(q_))) => {
                st.one(rank::SEQUENCE, node, sequence("ALTER", q_));
            }
            _ => {}
        }
    }
    for (id, sql) in routines_and_events(plan, &closure) {
        let r = if id.kind == ObjectType::Event {
            rank::LAST
        } else {
            rank::ROUTINE
        };
        st.one(r, Some(Node::create(id)), sql);
    }
    let added: Vec<(&ObjectChange, &Table)> = plan
        .of(ObjectType::Table, ChangeKind::Added)
        .filter_map(|c| match &c.after {
            Some(Object::Table(t)) => Some((c, t)),
            _ => None,
        })
        .collect();
    for (c, t) in &added {
        st.one(rank::TABLE, Some(Node::create(c.id())), create_table(t));
    }
    for (c, a, b) in &changed {
        alter_table(
            st.add(rank::ALTER_TABLE, Some(Node::alter(c.id()))),
            a,
            b,
            c.destructive,
        );
    }
    // Indexes before foreign keys: a foreign key without an index makes
    // one under its own name, which would then clash with ours.
    let relations = closure.recreated_relations();
    for (schema, i) in plan.indexes_to_create(&closure, &relations) {
        let id = ObjectId::new(ObjectType::Index, &schema, &i.name).on_table(&i.table);
        let sql = create_index(D, &schema, i);
        let sql = if closure.recreates(&id) {
            // `CREATE [kind] INDEX n ON t (...)` as `ALTER TABLE t DROP
            // INDEX n, ADD [kind] INDEX n (...)`.
            let on = format!(" ON {} ", q(D, &i.table));
            let (head, keys) = sql.split_once(&on).unwrap_or((&sql, ""));
            let kind = head.trim_start_matches("CREATE ");
            format!(
                "ALTER TABLE {} DROP INDEX {}, ADD {kind} {keys}",
                q(D, &i.table),
                q(D, &i.name)
            )
        } else {
            sql
        };
        st.one(rank::FOREIGN_KEY - 1, Some(Node::create(id)), sql);
    }
    for (c, t) in &added {
        for fk in &t.foreign_keys {
            add_foreign_key(&mut st, &c.schema, &t.name, fk);
        }
    }
    for (c, a, b) in &changed {
        for fk in &b.foreign_keys {
            if !a.foreign_keys.contains(fk) {
                add_foreign_key(&mut st, &c.schema, &b.name, fk);
            }
        }
    }
    for (schema, table, fk) in retyped_foreign_keys(plan, &changed) {
        add_foreign_key(&mut st, &schema, &table, fk);
    }
    for (schema, v) in plan.views_to_create(&closure) {
        let id = ObjectId::new(ObjectType::View, &schema, &v.name);
        st.one(rank::VIEW, Some(Node::create(id)), create_view(v));
    }
    for (schema, t) in plan.triggers_to_create(&closure, &relations) {
        let id = ObjectId::new(ObjectType::Trigger, &schema, &t.name).on_table(&t.table);
        st.one(
            rank::TRIGGER,
            Some(Node::create(id)),
            t.definition.trim().trim_end_matches(';').to_owned(),
        );
    }
    // MariaDB refuses to alter a system-versioned table unless the session
    // lets the history follow the change.
    if changed
        .iter()
        .any(|(_, a, b)| table::versioned(a) && table::versioned(b))
    {
        st.one(
            rank::SETUP,
            None,
            "SET @@system_versioning_alter_history = KEEP",
        );
    }
    let ordered = st.order(&plan.deps_from, &plan.deps_to);
    let mut statements = ordered.outside;
    statements.extend(ordered.inside);
    let mut script = MigrationScript {
        statements,
        notes: Vec::new(),
    };
    if !script.is_empty() {
        script.notes.push(NOTE_NO_TRANSACTION.to_owned());
    }
    script
}

/// MySQL has no `ALTER` for a view, trigger, index, routine or event that
/// keeps it: a changed one is dropped and created again.
fn rebuilt(c: &ObjectChange) -> bool {
    !matches!(
        c.object,
        ObjectType::Table | ObjectType::Sequence | ObjectType::Schema
    )
}

/// Triggers, views, foreign keys, indexes, tables, routines and events
/// that go or are rebuilt.
fn drops<'a>(
    st: &mut Steps,
    plan: &Plan<'a>,
    closure: &Closure,
    changed: &[(&'a ObjectChange, &'a Table, &'a Table)],
) {
    for id in &closure.dropped {
        let node = Some(Node::drop(id.clone()));
        let (r, sql) = match id.kind {
            ObjectType::Trigger => (
                rank::DROP_TRIGGER,
                format!("DROP TRIGGER {}", q(D, &id.name)),
            ),
            ObjectType::View => (rank::DROP_VIEW, format!("DROP VIEW {}", q(D, &id.name))),
            // A changed index is replaced in one statement (below), so a
            // foreign key that needs it is never left without one.
            ObjectType::Index if closure.recreates(id) => continue,
            ObjectType::Index => match &id.table {
                Some(t) => (
                    rank::DROP_INDEX,
                    format!("DROP INDEX {} ON {}", q(D, &id.name), q(D, t)),
                ),
                None => continue,
            },
            ObjectType::Function => (
                rank::DROP_ROUTINE,
                format!("DROP FUNCTION {}", q(D, &id.name)),
            ),
            ObjectType::Procedure => (
                rank::DROP_ROUTINE,
                format!("DROP PROCEDURE {}", q(D, &id.name)),
            ),
            ObjectType::Event => (rank::DROP_DEFINED, format!("DROP EVENT {}", q(D, &id.name))),
            ObjectType::Sequence => {
                st.add(rank::DROP_LATE, node)
                    .destructive(format!("DROP SEQUENCE {}", q(D, &id.name)), true);
                continue;
            }
            _ => continue,
        };
        st.one(r, node, sql);
    }
    for (_, a, b) in changed {
        for fk in &a.foreign_keys {
            if !b.foreign_keys.contains(fk) {
                drop_foreign_key(st, &a.name, fk);
            }
        }
    }
    // MySQL refuses to change the type of a column a foreign key uses, on
    // either side: such keys go before and come back after.
    for (_, table, fk) in retyped_foreign_keys(plan, changed) {
        drop_foreign_key(st, &table, fk);
    }
    let removed = plan.tables_to_drop();
    for (pos, (_, t)) in removed.iter().enumerate() {
        for fk in &t.foreign_keys {
            if removed[..pos]
                .iter()
                .any(|(_, o)| o.name == fk.referenced_table && o.name != t.name)
            {
                drop_foreign_key(st, &t.name, fk);
            }
        }
    }
    let mut previous: Option<ObjectId> = None;
    for (c, t) in &removed {
        let id = ObjectId::new(ObjectType::Table, &c.schema, &t.name);
        let step = st.add(rank::DROP_TABLE, Some(Node::drop(id.clone())));
        step.destructive(format!("DROP TABLE {}", q(D, &t.name)), true);
        if let Some(p) = previous.replace(id) {
            step.after(Node::drop(p));
        }
    }
}

fn drop_foreign_key(st: &mut Steps, table: &str, fk: &ForeignKey) {
    if let Some(n) = &fk.name {
        st.one(
            rank::DROP_FOREIGN_KEY,
            None,
            format!("ALTER TABLE {} DROP FOREIGN KEY {}", q(D, table), q(D, n)),
        );
    }
}

fn add_foreign_key(st: &mut Steps, schema: &str, table: &str, fk: &ForeignKey) {
    let own = ObjectId::new(ObjectType::Table, schema, table);
    let other = ObjectId::new(ObjectType::Table, schema, &fk.referenced_table);
    st.one(
        rank::FOREIGN_KEY,
        None,
        format!("ALTER TABLE {} ADD {}", q(D, table), fk_clause(D, fk)),
    )
    .after(Node::create(own.clone()))
    .after(Node::alter(own))
    .after(Node::create(other.clone()))
    .after(Node::alter(other));
}

/// Routines and events to create: added, changed and recreated ones, as
/// their stored definitions.
fn routines_and_events(plan: &Plan<'_>, closure: &Closure) -> Vec<(ObjectId, String)> {
    let body = |d: &str| d.trim().trim_end_matches(';').to_owned();
    let mut out = Vec::new();
    for c in plan.changes {
        match &c.after {
            Some(Object::Routine(r)) => out.push((c.id(), body(&r.definition))),
            Some(Object::Defined(o)) if o.kind == ObjectType::Event => {
                out.push((c.id(), body(&o.definition)))
            }
            _ => {}
        }
    }
    for id in &closure.recreated {
        if plan.changes.iter().any(|c| &c.id() == id) {
            continue;
        }
        match plan.find(true, id) {
            Some(Found::Routine(r)) => out.push((id.clone(), body(&r.definition))),
            Some(Found::Defined(o)) => out.push((id.clone(), body(&o.definition))),
            _ => {}
        }
    }
    out
}

/// Foreign keys that exist before and after unchanged but use a column
/// whose type changes, as `(schema, table, key)`.
fn retyped_foreign_keys<'a>(
    plan: &Plan<'a>,
    changed: &[(&'a ObjectChange, &'a Table, &'a Table)],
) -> Vec<(String, String, &'a ForeignKey)> {
    let retyped: BTreeSet<(&str, &str)> = changed
        .iter()
        .flat_map(|(_, a, b)| {
            b.columns
                .iter()
                .filter(|c| {
                    a.column(&c.name)
                        .is_some_and(|o| !o.data_type.eq_ignore_ascii_case(&c.data_type))
                })
                .map(|c| (b.name.as_str(), c.name.as_str()))
        })
        .collect();
    let (Some(from), Some(to)) = (plan.from, plan.to) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (sa, sb) in from.schemas.iter().zip(&to.schemas) {
        for t in &sa.tables {
            let Some(after) = sb.table(&t.name) else {
                continue;
            };
            for fk in &t.foreign_keys {
                let uses = fk
                    .columns
                    .iter()
                    .any(|c| retyped.contains(&(t.name.as_str(), c.as_str())))
                    || fk
                        .referenced_columns
                        .iter()
                        .any(|c| retyped.contains(&(fk.referenced_table.as_str(), c.as_str())));
                if uses && after.foreign_keys.contains(fk) {
                    out.push((sa.name.clone(), t.name.clone(), fk));
                }
            }
        }
    }
    out
}

fn sequence(verb: &str, q_: &crate::model::Sequence) -> String {
    let mut sql = format!(
        "{verb} SEQUENCE {} INCREMENT BY {}",
        q(D, &q_.name),
        q_.increment
    );
    if let Some(v) = q_.min_value {
        sql.push_str(&format!(" MINVALUE {v}"));
    }
    if let Some(v) = q_.max_value {
        sql.push_str(&format!(" MAXVALUE {v}"));
    }
    sql.push_str(&format!(" START WITH {}", q_.start));
    sql.push_str(&format!(" CACHE {}", q_.cache.unwrap_or(1000)));
    sql.push_str(if q_.cycle { " CYCLE" } else { " NOCYCLE" });
    sql
}
