//! SQLite: ALTER TABLE can only add columns, so every other table change
//! uses the twelve-step rebuild of <https://www.sqlite.org/lang_altertable.html>
//! ("making other kinds of table schema changes"): create the new table
//! under a temporary name, copy the rows, drop the old table, rename, and
//! recreate its indexes, triggers and the views that read it. Foreign key
//! enforcement is switched off around the script (outside a transaction,
//! where the pragma takes effect) and on again at the end; the renames run
//! with `legacy_alter_table`, so triggers elsewhere that name the table are
//! left as they are rather than rejected while the table is away.

use std::collections::BTreeSet;

use super::MigrationScript;
use super::common::{create_index, fk_clause, is_literal, q, q_list};
use super::plan::{Name, Plan};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectType};
use crate::model::{Column, Identity, Table, View};

const D: Dialect = Dialect::Sqlite;

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut s = MigrationScript::default();
    let changed = plan.changed_tables();
    let (simple, rebuilt): (Vec<_>, Vec<_>) = changed
        .iter()
        .partition(|(_, a, b)| only_added_columns(a, b));
    let table_work = !rebuilt.is_empty()
        || plan
            .of(ObjectType::Table, ChangeKind::Removed)
            .next()
            .is_some();
    if table_work {
        s.push("PRAGMA foreign_keys = OFF");
    }
    let rebuilt_names: BTreeSet<Name> = rebuilt
        .iter()
        .map(|(c, _, _)| (c.schema.clone(), c.name.clone()))
        .collect();

    // 1. Dependents of what goes or changes.
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Trigger && c.change != ChangeKind::Added)
    {
        let on_rebuilt = c
            .table
            .as_ref()
            .is_some_and(|t| rebuilt_names.contains(&(c.schema.clone(), t.clone())));
        if !on_rebuilt {
            s.push(format!("DROP TRIGGER {}", q(D, &c.name)));
        }
    }
    let touched: BTreeSet<Name> = rebuilt_names
        .iter()
        .cloned()
        .chain(
            plan.of(ObjectType::Table, ChangeKind::Removed)
                .map(|c| (c.schema.clone(), c.name.clone())),
        )
        .collect();
    let views_dropped = plan.views_to_drop(&touched);
    for (_, v) in &views_dropped {
        s.push(format!("DROP VIEW {}", q(D, &v.name)));
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Index && c.change != ChangeKind::Added)
    {
        let gone_with_table = c.table.as_ref().is_some_and(|t| {
            let owner = (c.schema.clone(), t.clone());
            rebuilt_names.contains(&owner)
                || plan
                    .of(ObjectType::Table, ChangeKind::Removed)
                    .any(|r| r.name == *t)
        });
        if !gone_with_table {
            s.push(format!("DROP INDEX {}", q(D, &c.name)));
        }
    }

    // 2. Drops.
    for (_, t) in plan.tables_to_drop() {
        s.push_destructive(format!("DROP TABLE {}", q(D, &t.name)), true);
    }

    // 3. Creations and rebuilds.
    for c in plan.of(ObjectType::Table, ChangeKind::Added) {
        if let Some(Object::Table(t)) = &c.after {
            s.push(create_table(&t.name, t));
        }
    }
    for (_, a, b) in &simple {
        for col in b.columns.iter().filter(|col| a.column(&col.name).is_none()) {
            s.push(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                q(D, &b.name),
                column_def(col, false)
            ));
        }
    }
    // Triggers of other tables may name a rebuilt table; the legacy rename
    // leaves their text alone instead of failing on the missing table.
    if !rebuilt.is_empty() {
        s.push("PRAGMA legacy_alter_table = ON");
    }
    for (c, a, b) in &rebuilt {
        let tmp = format!("_sr_new_{}", b.name);
        s.push(create_table(&tmp, b));
        let copied: Vec<String> = b
            .columns
            .iter()
            .filter(|col| col.generated.is_none() && !col.hidden)
            .filter(|col| a.column(&col.name).is_some_and(|o| o.generated.is_none()))
            .map(|col| col.name.clone())
            .collect();
        if !copied.is_empty() {
            let cols = q_list(D, &copied);
            s.push_destructive(
                format!(
                    "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
                    q(D, &tmp),
                    q(D, &a.name)
                ),
                c.destructive,
            );
        }
        s.push_destructive(format!("DROP TABLE {}", q(D, &a.name)), c.destructive);
        s.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            q(D, &tmp),
            q(D, &b.name)
        ));
    }
    if !rebuilt.is_empty() {
        s.push("PRAGMA legacy_alter_table = OFF");
    }
    let views_created = plan.views_to_create(&views_dropped);
    for (_, v) in &views_created {
        s.push(create_view(v));
    }
    let mut recreated = rebuilt_names.clone();
    recreated.extend(
        views_created
            .iter()
            .map(|(sc, v)| (sc.clone(), v.name.clone())),
    );
    for (schema, i) in plan.indexes_to_create(&recreated) {
        s.push(create_index(D, &schema, i));
    }
    for (_, t) in plan.triggers_to_create(&recreated) {
        s.push(t.definition.trim().trim_end_matches(';').to_owned());
    }
    if table_work {
        s.push("PRAGMA foreign_keys = ON");
    }
    s
}

/// True when `b` only adds columns to `a` that `ALTER TABLE ADD COLUMN`
/// accepts: not a key, not stored, nullable or with a constant default.
fn only_added_columns(a: &Table, b: &Table) -> bool {
    let mut a_plus = a.clone();
    for col in &b.columns {
        if a.column(&col.name).is_none() {
            let addable = col.generated.as_ref().is_none_or(|g| !g.stored)
                && col.identity.is_none()
                && (col.nullable
                    || col.default.as_deref().is_some_and(is_literal)
                        && col.default.as_deref() != Some("NULL"))
                && col.default.as_deref().is_none_or(is_literal);
            if !addable {
                return false;
            }
            a_plus.columns.push(col.clone());
        }
    }
    let mut b_cmp = b.clone();
    a_plus.version_hash.clear();
    b_cmp.version_hash.clear();
    // Columns appended: compare ignoring order.
    a_plus.columns.sort_by(|x, y| x.name.cmp(&y.name));
    b_cmp.columns.sort_by(|x, y| x.name.cmp(&y.name));
    a_plus.columns.len() > a.columns.len() && a_plus == b_cmp
}

fn column_def(c: &Column, inline_pk: bool) -> String {
    let mut s = q(D, &c.name);
    if !c.data_type.is_empty() {
        s.push(' ');
        s.push_str(&c.data_type);
    }
    if inline_pk {
        s.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        if is_literal(d) {
            s.push_str(&format!(" DEFAULT {d}"));
        } else {
            s.push_str(&format!(" DEFAULT ({d})"));
        }
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if let Some(g) = &c.generated {
        let kind = if g.stored { "STORED" } else { "VIRTUAL" };
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expression));
    }
    s
}

fn create_table(name: &str, t: &Table) -> String {
    if let Some(module) = t.options.get("virtual") {
        // The module arguments are not in the model; name the gap in SQL.
        return format!(
            "-- virtual table {} (USING {module}) must be recreated by hand",
            q(D, name)
        );
    }
    let auto_pk = t
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1)
        .and_then(|pk| t.column(&pk.columns[0]))
        .filter(|c| c.identity == Some(Identity::AutoIncrement))
        .map(|c| c.name.clone());
    let mut parts: Vec<String> = t
        .columns
        .iter()
        .filter(|c| !c.hidden)
        .map(|c| column_def(c, auto_pk.as_deref() == Some(c.name.as_str())))
        .collect();
    if let Some(pk) = &t.primary_key
        && auto_pk.is_none()
    {
        parts.push(format!(
            "{}PRIMARY KEY ({})",
            constraint_name(&pk.name),
            q_list(D, &pk.columns)
        ));
    }
    for u in &t.unique_constraints {
        parts.push(format!(
            "{}UNIQUE ({})",
            constraint_name(&u.name),
            q_list(D, &u.columns)
        ));
    }
    for c in &t.check_constraints {
        parts.push(format!(
            "{}CHECK ({})",
            constraint_name(&c.name),
            c.expression
        ));
    }
    for fk in &t.foreign_keys {
        parts.push(fk_clause(D, fk));
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n    {}\n)",
        q(D, name),
        parts.join(",\n    ")
    );
    let mut opts = Vec::new();
    if t.options.get("without_rowid").is_some_and(|v| v == "true") {
        opts.push("WITHOUT ROWID");
    }
    if t.options.get("strict").is_some_and(|v| v == "true") {
        opts.push("STRICT");
    }
    if !opts.is_empty() {
        sql.push(' ');
        sql.push_str(&opts.join(", "));
    }
    sql
}

fn constraint_name(name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!("CONSTRAINT {} ", q(D, n)))
        .unwrap_or_default()
}

/// With the column list spelled out: a view declared `v(a, b)` names its
/// columns apart from the query's, and the query alone would lose that.
fn create_view(v: &View) -> String {
    let columns = if v.columns.is_empty() {
        String::new()
    } else {
        format!("({})", q_list(D, &v.columns))
    };
    format!(
        "CREATE VIEW {}{columns} AS {}",
        q(D, &v.name),
        v.definition.trim().trim_end_matches(';')
    )
}
