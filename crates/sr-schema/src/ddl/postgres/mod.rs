//! PostgreSQL: every change has an ALTER, so tables are never rebuilt.

use std::collections::BTreeSet;

mod comments;
mod security;
mod table;
mod types;

use super::MigrationScript;
use super::common::{create_index, fk_clause, lit, q, qn};
use super::plan::{Name, Plan};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::{Routine, Table, View};
use comments::comments;
use security::{security_creates, security_drops};
use table::{alter_table, create_table};
use types::{alter_domain, alter_enum, create_domain, create_enum, sequence};

const D: Dialect = Dialect::Postgres;

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut s = MigrationScript::default();
    let changed_tables = plan.changed_tables();

    // 1. What depends on something that goes or changes.
    let Dropped {
        views: views_dropped,
        removed,
        removed_tables,
        dropped_views,
    } = drop_dependents(&mut s, plan, &changed_tables);
    security_drops(&mut s, plan, &removed_tables, &dropped_views);

    // 2. Drops.
    for (c, t) in &removed {
        s.push_destructive(format!("DROP TABLE {}", qn(D, &c.schema, &t.name)), true);
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| matches!(c.object, ObjectType::Function | ObjectType::Procedure))
    {
        let replaceable = matches!((&c.before, &c.after), (Some(Object::Routine(a)), Some(Object::Routine(b))) if a.returns == b.returns);
        if c.change == ChangeKind::Removed || (c.change == ChangeKind::Changed && !replaceable) {
            let kind = if c.object == ObjectType::Procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            };
            s.push(format!(
                "DROP {kind} {}({})",
                qn(D, &c.schema, &c.name),
                c.arguments.as_deref().unwrap_or("")
            ));
        }
    }
    // 3. Creations, bottom up.
    create_types_and_routines(&mut s, plan);
    // Parents (of partitions and inheritance) before their children.
    let mut added: Vec<(&ObjectChange, &Table)> = plan
        .of(ObjectType::Table, ChangeKind::Added)
        .filter_map(|c| match &c.after {
            Some(Object::Table(t)) => Some((c, t)),
            _ => None,
        })
        .collect();
    added.sort_by_key(|(_, t)| {
        t.options.contains_key("partition_of") || t.options.contains_key("inherits")
    });
    for (c, t) in added {
        s.push(create_table(&c.schema, t));
        if t.options.contains_key("row_level_security") {
            s.push(format!(
                "ALTER TABLE {} ENABLE ROW LEVEL SECURITY",
                qn(D, &c.schema, &t.name)
            ));
        }
    }
    for (c, a, b) in &changed_tables {
        alter_table(&mut s, &c.schema, a, b);
    }
    for c in plan.of(ObjectType::Sequence, ChangeKind::Removed) {
        // A sequence owned by a dropped column went with it; one a column
        // default still used goes after the column changed.
        s.push_destructive(
            format!("DROP SEQUENCE IF EXISTS {}", qn(D, &c.schema, &c.name)),
            true,
        );
    }
    // Types, extensions and schemas go once nothing uses them.
    for c in plan.of(ObjectType::Domain, ChangeKind::Removed) {
        s.push_destructive(format!("DROP DOMAIN {}", qn(D, &c.schema, &c.name)), true);
    }
    for c in plan.of(ObjectType::Enum, ChangeKind::Removed) {
        s.push_destructive(format!("DROP TYPE {}", qn(D, &c.schema, &c.name)), true);
    }
    for c in plan.of(ObjectType::Extension, ChangeKind::Removed) {
        s.push_destructive(format!("DROP EXTENSION {}", q(D, &c.name)), true);
    }
    for c in plan.of(ObjectType::Schema, ChangeKind::Removed) {
        s.push_destructive(format!("DROP SCHEMA {}", q(D, &c.name)), true);
    }
    for c in plan.of(ObjectType::Table, ChangeKind::Added) {
        if let Some(Object::Table(t)) = &c.after {
            for fk in &t.foreign_keys {
                s.push(format!(
                    "ALTER TABLE {} ADD {}",
                    qn(D, &c.schema, &t.name),
                    fk_clause(D, fk)
                ));
            }
        }
    }
    for (c, a, b) in &changed_tables {
        for fk in &b.foreign_keys {
            if !a.foreign_keys.contains(fk) {
                s.push(format!(
                    "ALTER TABLE {} ADD {}",
                    qn(D, &c.schema, &b.name),
                    fk_clause(D, fk)
                ));
            }
        }
    }
    for c in plan.of(ObjectType::Table, ChangeKind::Added) {
        if let Some(Object::Table(t)) = &c.after {
            table::deferrable(&mut s, &c.schema, None, t);
        }
    }
    for (c, a, b) in &changed_tables {
        table::deferrable(&mut s, &c.schema, Some(a), b);
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Sequence && c.change != ChangeKind::Removed)
    {
        if let Some(Object::Sequence(q_)) = &c.after
            && let Some(owner) = &q_.owned_by
            && let Some((t, col)) = owner.split_once('.')
        {
            s.push(format!(
                "ALTER SEQUENCE {} OWNED BY {}.{}",
                qn(D, &c.schema, &q_.name),
                qn(D, &c.schema, t),
                q(D, col)
            ));
        }
    }
    let views_created = plan.views_to_create(&views_dropped);
    for (schema, v) in &views_created {
        s.push(create_view(schema, v));
    }
    let recreated: BTreeSet<Name> = views_created
        .iter()
        .map(|(sc, v)| (sc.clone(), v.name.clone()))
        .collect();
    for (schema, i) in plan.indexes_to_create(&recreated) {
        s.push(create_index(D, schema.as_str(), i));
        if let Some(cm) = &i.comment {
            s.push(format!(
                "COMMENT ON INDEX {} IS {}",
                qn(D, &schema, &i.name),
                lit(cm)
            ));
        }
    }
    for (_, t) in plan.triggers_to_create(&recreated) {
        s.push(t.definition.trim().trim_end_matches(';').to_owned());
    }

    security_creates(&mut s, plan, &recreated);

    // 4. Comments of the remaining kinds.
    comments(&mut s, plan, &views_created);
    s
}

pub(super) fn drop_constraint(
    s: &mut MigrationScript,
    schema: &str,
    table: &str,
    name: Option<&str>,
) {
    if let Some(n) = name {
        s.push(format!(
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

/// What the first phase dropped, for the phases after it.
struct Dropped<'a> {
    views: Vec<(String, &'a View)>,
    removed: Vec<(&'a ObjectChange, &'a Table)>,
    removed_tables: BTreeSet<Name>,
    dropped_views: BTreeSet<Name>,
}

/// Drops triggers, views, foreign keys and indexes that stand in the way of
/// the changes.
fn drop_dependents<'a>(
    s: &mut MigrationScript,
    plan: &Plan<'a>,
    changed_tables: &[(&'a ObjectChange, &'a Table, &'a Table)],
) -> Dropped<'a> {
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Trigger)
    {
        if let (ChangeKind::Removed | ChangeKind::Changed, Some(table)) = (c.change, &c.table) {
            s.push(format!(
                "DROP TRIGGER {} ON {}",
                q(D, &c.name),
                qn(D, &c.schema, table)
            ));
        }
    }
    let touched: BTreeSet<Name> = changed_tables
        .iter()
        .map(|(c, _, _)| (c.schema.clone(), c.name.clone()))
        .chain(
            plan.of(ObjectType::Table, ChangeKind::Removed)
                .map(|c| (c.schema.clone(), c.name.clone())),
        )
        .collect();
    let views_dropped = plan.views_to_drop(&touched);
    for (schema, v) in &views_dropped {
        let kind = if v.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        s.push(format!("DROP {kind} {}", qn(D, schema, &v.name)));
    }
    let removed: Vec<_> = plan.tables_to_drop();
    for (c, a, b) in changed_tables {
        for fk in &a.foreign_keys {
            if !b.foreign_keys.contains(fk) {
                drop_constraint(s, &c.schema, &a.name, fk.name.as_deref());
            }
        }
    }
    // A foreign key to a table dropped before its own (in a cycle) goes
    // first.
    for (pos, (c, t)) in removed.iter().enumerate() {
        for fk in &t.foreign_keys {
            if removed[..pos]
                .iter()
                .any(|(_, o)| o.name == fk.referenced_table && o.name != t.name)
            {
                drop_constraint(s, &c.schema, &t.name, fk.name.as_deref());
            }
        }
    }
    let removed_tables: BTreeSet<Name> = removed
        .iter()
        .map(|(c, t)| (c.schema.clone(), t.name.clone()))
        .collect();
    let dropped_views: BTreeSet<Name> = views_dropped
        .iter()
        .map(|(sc, v)| (sc.clone(), v.name.clone()))
        .collect();
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Index)
    {
        let Some(table) = &c.table else { continue };
        let owner = (c.schema.clone(), table.clone());
        if c.change != ChangeKind::Added
            && !removed_tables.contains(&owner)
            && !dropped_views.contains(&owner)
        {
            s.push(format!("DROP INDEX {}", qn(D, &c.schema, &c.name)));
        }
    }

    Dropped {
        views: views_dropped,
        removed,
        removed_tables,
        dropped_views,
    }
}

/// Schemas, extensions, types, sequences and routines: what tables use.
fn create_types_and_routines(s: &mut MigrationScript, plan: &Plan<'_>) {
    for c in plan.of(ObjectType::Schema, ChangeKind::Added) {
        s.push(format!("CREATE SCHEMA {}", q(D, &c.name)));
    }
    for c in plan.of(ObjectType::Extension, ChangeKind::Added) {
        s.push(format!(
            "CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}",
            q(D, &c.name),
            q(D, &c.schema)
        ));
    }
    for c in plan.changes.iter().filter(|c| c.object == ObjectType::Enum) {
        match (&c.before, &c.after) {
            (None, Some(Object::Enum(e))) => s.push(create_enum(&c.schema, e)),
            (Some(Object::Enum(a)), Some(Object::Enum(b))) => alter_enum(s, plan, c, a, b),
            _ => {}
        }
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Domain)
    {
        match (&c.before, &c.after) {
            (None, Some(Object::Domain(d))) => s.push(create_domain(&c.schema, d)),
            (Some(Object::Domain(a)), Some(Object::Domain(b))) => alter_domain(s, &c.schema, a, b),
            _ => {}
        }
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Sequence)
    {
        match (&c.before, &c.after) {
            (None, Some(Object::Sequence(q_))) => s.push(sequence(&c.schema, q_, "CREATE")),
            (Some(Object::Sequence(_)), Some(Object::Sequence(q_))) => {
                s.push(sequence(&c.schema, q_, "ALTER"))
            }
            _ => {}
        }
    }
    // Routines come before the tables their defaults and checks may call,
    // so bodies naming tables still to come are not checked now (for this
    // session only); they are checked when called.
    if plan
        .changes
        .iter()
        .any(|c| matches!(c.after, Some(Object::Routine(_))))
    {
        s.push("SET check_function_bodies = false");
    }
    for c in plan.changes.iter() {
        if let Some(Object::Routine(r)) = &c.after {
            s.push(routine_sql(r));
        }
    }
}
