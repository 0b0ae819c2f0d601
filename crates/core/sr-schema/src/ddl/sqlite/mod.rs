//! SQLite: ALTER TABLE can only add columns, so every other table change
//! uses the twelve-step rebuild of <https://www.sqlite.org/lang_altertable.html>
//! ("making other kinds of table schema changes"): create the new table
//! under a temporary name, copy the rows, drop the old table, rename, and
//! recreate its indexes, triggers and the views that read it. The script
//! runs in one transaction; foreign key enforcement is switched off before
//! it and on again after (the pragma has no effect inside a transaction),
//! and the renames run with `legacy_alter_table`, so triggers elsewhere
//! that name the table are left as they are rather than rejected while the
//! table is away.

mod table;

use std::collections::BTreeSet;

use super::MigrationScript;
use super::common::{create_index, q, q_list};
use super::plan::{Name, Plan};
use super::steps::{Node, Steps, rank};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::ObjectId;
use table::{column_def, create_table, create_view, only_added_columns};

const D: Dialect = Dialect::Sqlite;

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut st = Steps::default();
    let changed = plan.changed_tables();
    let (simple, rebuilt): (Vec<_>, Vec<_>) = changed
        .iter()
        .partition(|(_, a, b)| only_added_columns(a, b));
    let removed_tables = plan.tables_to_drop();
    let table_work = !rebuilt.is_empty() || !removed_tables.is_empty();
    let rebuilt_names: BTreeSet<Name> = rebuilt
        .iter()
        .map(|(c, _, _)| (c.schema.clone(), c.name.clone()))
        .collect();
    // Views read a rebuilt table by name while it is away; they go first.
    let closure = plan.closure(|c| !matches!(c.object, ObjectType::Table), &rebuilt_names);

    // 1. Dependents of what goes or changes; what is on a rebuilt table
    //    goes with it.
    for id in &closure.dropped {
        let on_rebuilt = id
            .table
            .as_ref()
            .is_some_and(|t| rebuilt_names.contains(&(id.schema.clone(), t.clone())));
        let node = Some(Node::drop(id.clone()));
        match id.kind {
            ObjectType::Trigger if !on_rebuilt => {
                st.one(
                    rank::DROP_TRIGGER,
                    node,
                    format!("DROP TRIGGER {}", q(D, &id.name)),
                );
            }
            ObjectType::View => {
                st.one(
                    rank::DROP_VIEW,
                    node,
                    format!("DROP VIEW {}", q(D, &id.name)),
                );
            }
            ObjectType::Index if !on_rebuilt => {
                st.one(
                    rank::DROP_INDEX,
                    node,
                    format!("DROP INDEX {}", q(D, &id.name)),
                );
            }
            _ => {}
        }
    }

    // 2. Drops.
    let mut previous: Option<ObjectId> = None;
    for (c, t) in &removed_tables {
        let id = ObjectId::new(ObjectType::Table, &c.schema, &t.name);
        let step = st.add(rank::DROP_TABLE, Some(Node::drop(id.clone())));
        step.destructive(format!("DROP TABLE {}", q(D, &t.name)), true);
        if let Some(p) = previous.replace(id) {
            step.after(Node::drop(p));
        }
    }

    // 3. Creations and rebuilds.
    for c in plan.of(ObjectType::Table, ChangeKind::Added) {
        if let Some(Object::Table(t)) = &c.after {
            st.one(
                rank::TABLE,
                Some(Node::create(c.id())),
                create_table(&t.name, t),
            );
        }
    }
    for (c, a, b) in &simple {
        let step = st.add(rank::ALTER_TABLE, Some(Node::alter(c.id())));
        for col in b.columns.iter().filter(|col| a.column(&col.name).is_none()) {
            step.sql(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                q(D, &b.name),
                column_def(col, false)
            ));
        }
    }
    for (c, a, b) in &rebuilt {
        rebuild(&mut st, c, a, b);
    }
    let views = plan.views_to_create(&closure);
    for (schema, v) in &views {
        let id = ObjectId::new(ObjectType::View, schema, &v.name);
        st.one(rank::VIEW, Some(Node::create(id)), create_view(v));
    }
    let mut relations = rebuilt_names.clone();
    relations.extend(closure.recreated_relations());
    relations.extend(views.iter().map(|(sc, v)| (sc.clone(), v.name.clone())));
    for (schema, i) in plan.indexes_to_create(&closure, &relations) {
        let id = ObjectId::new(ObjectType::Index, &schema, &i.name).on_table(&i.table);
        st.one(
            rank::INDEX,
            Some(Node::create(id)),
            create_index(D, &schema, i),
        );
    }
    for (schema, t) in plan.triggers_to_create(&closure, &relations) {
        let id = ObjectId::new(ObjectType::Trigger, &schema, &t.name).on_table(&t.table);
        st.one(
            rank::TRIGGER,
            Some(Node::create(id)),
            t.definition.trim().trim_end_matches(';').to_owned(),
        );
    }

    let ordered = st.order(&plan.deps_from, &plan.deps_to);
    let mut inside = ordered.outside;
    inside.extend(ordered.inside);
    let mut script = MigrationScript::transactional(Vec::new(), inside);
    if table_work && !script.is_empty() {
        script.statements.insert(
            0,
            super::Statement {
                sql: "PRAGMA foreign_keys = OFF".into(),
                destructive: false,
            },
        );
        script.push("PRAGMA foreign_keys = ON");
    }
    script
}

/// The twelve-step rebuild of one table, keeping every row.
fn rebuild(st: &mut Steps, c: &ObjectChange, a: &crate::model::Table, b: &crate::model::Table) {
    let step = st.add(rank::ALTER_TABLE, Some(Node::alter(c.id())));
    // Triggers of other tables may name the table; the legacy rename
    // leaves their text alone instead of failing on the missing table.
    step.sql("PRAGMA legacy_alter_table = ON");
    let tmp = format!("_sr_new_{}", b.name);
    step.sql(create_table(&tmp, b));
    let copied: Vec<String> = b
        .columns
        .iter()
        .filter(|col| col.generated.is_none() && !col.hidden)
        .filter(|col| a.column(&col.name).is_some_and(|o| o.generated.is_none()))
        .map(|col| col.name.clone())
        .collect();
    if !copied.is_empty() {
        let cols = q_list(D, &copied);
        step.destructive(
            format!(
                "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
                q(D, &tmp),
                q(D, &a.name)
            ),
            c.destructive,
        );
    }
    step.destructive(format!("DROP TABLE {}", q(D, &a.name)), c.destructive);
    step.sql(format!(
        "ALTER TABLE {} RENAME TO {}",
        q(D, &tmp),
        q(D, &b.name)
    ));
    step.sql("PRAGMA legacy_alter_table = OFF");
}
