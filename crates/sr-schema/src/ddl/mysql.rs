//! MySQL and MariaDB: `ALTER TABLE ... MODIFY COLUMN` restates a whole
//! column, unique constraints are indexes, and a migration runs inside the
//! one database (schema) it was computed for.

use std::collections::BTreeSet;

use super::MigrationScript;
use super::common::{create_index, fk_clause, is_literal, lit, q, q_list};
use super::plan::{Name, Plan};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::{Column, ForeignKey, Identity, Table, View};
use crate::normalize_sql;

const D: Dialect = Dialect::MySql;

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut s = MigrationScript::default();
    let changed = plan.changed_tables();

    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Trigger && c.change != ChangeKind::Added)
    {
        s.push(format!("DROP TRIGGER {}", q(D, &c.name)));
    }
    let touched: BTreeSet<Name> = changed
        .iter()
        .map(|(c, _, _)| (c.schema.clone(), c.name.clone()))
        .chain(
            plan.of(ObjectType::Table, ChangeKind::Removed)
                .map(|c| (c.schema.clone(), c.name.clone())),
        )
        .collect();
    let views_dropped = plan.views_to_drop(&touched);
    for (_, v) in &views_dropped {
        s.push(format!("DROP VIEW {}", q(D, &v.name)));
    }
    let removed = plan.tables_to_drop();
    for (_, a, b) in &changed {
        for fk in &a.foreign_keys {
            if !b.foreign_keys.contains(fk)
                && let Some(n) = &fk.name
            {
                s.push(format!(
                    "ALTER TABLE {} DROP FOREIGN KEY {}",
                    q(D, &a.name),
                    q(D, n)
                ));
            }
        }
    }
    // MySQL refuses to change the type of a column a foreign key uses, on
    // either side: such keys go before and come back after.
    let cycled = retyped_foreign_keys(plan, &changed);
    for (table, fk) in &cycled {
        if let Some(n) = &fk.name {
            s.push(format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}",
                q(D, table),
                q(D, n)
            ));
        }
    }
    for (pos, (_, t)) in removed.iter().enumerate() {
        for fk in &t.foreign_keys {
            if let Some(n) = &fk.name
                && removed[..pos]
                    .iter()
                    .any(|(_, o)| o.name == fk.referenced_table && o.name != t.name)
            {
                s.push(format!(
                    "ALTER TABLE {} DROP FOREIGN KEY {}",
                    q(D, &t.name),
                    q(D, n)
                ));
            }
        }
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Index && c.change != ChangeKind::Added)
    {
        if let Some(t) = &c.table
            && !removed.iter().any(|(_, r)| &r.name == t)
        {
            s.push(format!("DROP INDEX {} ON {}", q(D, &c.name), q(D, t)));
        }
    }
    for (_, t) in &removed {
        s.push_destructive(format!("DROP TABLE {}", q(D, &t.name)), true);
    }
    for c in plan.changes.iter().filter(|c| {
        matches!(c.object, ObjectType::Function | ObjectType::Procedure)
            && c.change != ChangeKind::Added
    }) {
        let kind = if c.object == ObjectType::Procedure {
            "PROCEDURE"
        } else {
            "FUNCTION"
        };
        s.push(format!("DROP {kind} {}", q(D, &c.name)));
    }
    // MariaDB sequences.
    for c in plan
        .changes
        .iter()
        .filter(|c| c.object == ObjectType::Sequence)
    {
        match (&c.before, &c.after) {
            (Some(_), None) => s.push_destructive(format!("DROP SEQUENCE {}", q(D, &c.name)), true),
            (None, Some(Object::Sequence(q_))) => s.push(sequence("CREATE", q_)),
            (Some(_), Some(Object::Sequence(q_))) => s.push(sequence("ALTER", q_)),
            _ => {}
        }
    }
    for c in plan.changes.iter() {
        if let Some(Object::Routine(r)) = &c.after {
            s.push(r.definition.trim().trim_end_matches(';').to_owned());
        }
    }
    for c in plan.of(ObjectType::Table, ChangeKind::Added) {
        if let Some(Object::Table(t)) = &c.after {
            s.push(create_table(t));
        }
    }
    for (c, a, b) in &changed {
        alter_table(&mut s, a, b, c.destructive);
    }
    // Indexes before foreign keys: a foreign key without an index makes
    // one under its own name, which would then clash with ours.
    for (schema, i) in plan.indexes_to_create(&BTreeSet::new()) {
        s.push(create_index(D, &schema, i));
    }
    for c in plan.of(ObjectType::Table, ChangeKind::Added) {
        if let Some(Object::Table(t)) = &c.after {
            for fk in &t.foreign_keys {
                s.push(format!(
                    "ALTER TABLE {} ADD {}",
                    q(D, &t.name),
                    fk_clause(D, fk)
                ));
            }
        }
    }
    for (_, a, b) in &changed {
        for fk in &b.foreign_keys {
            if !a.foreign_keys.contains(fk) {
                s.push(format!(
                    "ALTER TABLE {} ADD {}",
                    q(D, &b.name),
                    fk_clause(D, fk)
                ));
            }
        }
    }
    for (table, fk) in &cycled {
        s.push(format!(
            "ALTER TABLE {} ADD {}",
            q(D, table),
            fk_clause(D, fk)
        ));
    }
    let views_created = plan.views_to_create(&views_dropped);
    for (_, v) in &views_created {
        s.push(create_view(v));
    }
    for (_, t) in plan.triggers_to_create(&BTreeSet::new()) {
        s.push(t.definition.trim().trim_end_matches(';').to_owned());
    }
    s
}

fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", q(D, &c.name), c.data_type);
    if let Some(g) = &c.generated {
        let kind = if g.stored { "STORED" } else { "VIRTUAL" };
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", g.expression));
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if c.generated.is_none() {
        s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    }
    if let Some(d) = &c.default {
        let lower = d.to_ascii_lowercase();
        if is_literal(d) || lower.starts_with("current_timestamp") || lower.contains(" on update ")
        {
            s.push_str(&format!(" DEFAULT {d}"));
        } else {
            s.push_str(&format!(" DEFAULT ({d})"));
        }
    }
    if let Some(extra) = &c.identity
        && *extra == Identity::AutoIncrement
    {
        s.push_str(" AUTO_INCREMENT");
    }
    if c.hidden {
        s.push_str(" INVISIBLE");
    }
    if let Some(cm) = &c.comment {
        s.push_str(&format!(" COMMENT {}", lit(cm)));
    }
    s
}

fn create_table(t: &Table) -> String {
    let mut parts: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
        parts.push(format!("PRIMARY KEY ({})", q_list(D, &pk.columns)));
    }
    for u in &t.unique_constraints {
        let name = u
            .name
            .as_ref()
            .map(|n| format!("{} ", q(D, n)))
            .unwrap_or_default();
        parts.push(format!("UNIQUE KEY {name}({})", q_list(D, &u.columns)));
    }
    for c in &t.check_constraints {
        let name = c
            .name
            .as_ref()
            .map(|n| format!("CONSTRAINT {} ", q(D, n)))
            .unwrap_or_default();
        parts.push(format!("{name}CHECK ({})", c.expression));
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n    {}\n)",
        q(D, &t.name),
        parts.join(",\n    ")
    );
    if let Some(e) = t.options.get("engine") {
        sql.push_str(&format!(" ENGINE={e}"));
    }
    if let Some(c) = t.options.get("collation") {
        sql.push_str(&format!(" COLLATE={c}"));
    }
    if let Some(cm) = &t.comment {
        sql.push_str(&format!(" COMMENT={}", lit(cm)));
    }
    sql
}

fn alter_table(s: &mut MigrationScript, a: &Table, b: &Table, destructive: bool) {
    let t = q(D, &b.name);
    let mut ops: Vec<String> = Vec::new();
    let mut post: Vec<String> = Vec::new();
    if a.primary_key != b.primary_key && a.primary_key.is_some() {
        // An AUTO_INCREMENT column must stay a key: drop it last.
        ops.push("DROP PRIMARY KEY".into());
    }
    for u in &a.unique_constraints {
        if !b.unique_constraints.contains(u)
            && let Some(n) = &u.name
        {
            ops.push(format!("DROP INDEX {}", q(D, n)));
        }
    }
    for c in &a.check_constraints {
        if !b.check_constraints.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) && let Some(n) = &c.name
        {
            ops.push(format!("DROP CONSTRAINT {}", q(D, n)));
        }
    }
    for c in &a.columns {
        if b.column(&c.name).is_none() {
            ops.push(format!("DROP COLUMN {}", q(D, &c.name)));
        }
    }
    for c in &b.columns {
        match a.column(&c.name) {
            None => ops.push(format!("ADD COLUMN {}", column_def(c))),
            Some(o) if o != c => ops.push(format!("MODIFY COLUMN {}", column_def(c))),
            Some(_) => {}
        }
    }
    if a.primary_key != b.primary_key
        && let Some(pk) = &b.primary_key
    {
        ops.push(format!("ADD PRIMARY KEY ({})", q_list(D, &pk.columns)));
    }
    for u in &b.unique_constraints {
        if !a.unique_constraints.contains(u) {
            let name = u
                .name
                .as_ref()
                .map(|n| format!("{} ", q(D, n)))
                .unwrap_or_default();
            ops.push(format!("ADD UNIQUE KEY {name}({})", q_list(D, &u.columns)));
        }
    }
    for c in &b.check_constraints {
        if !a.check_constraints.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) {
            let name = c
                .name
                .as_ref()
                .map(|n| format!("CONSTRAINT {} ", q(D, n)))
                .unwrap_or_default();
            ops.push(format!("ADD {name}CHECK ({})", c.expression));
        }
    }
    for key in ["engine", "collation"] {
        if a.options.get(key) != b.options.get(key)
            && let Some(v) = b.options.get(key)
        {
            post.push(format!("{}={v}", key.to_ascii_uppercase()));
        }
    }
    if a.comment != b.comment {
        post.push(format!(
            "COMMENT={}",
            lit(b.comment.as_deref().unwrap_or(""))
        ));
    }
    if !ops.is_empty() {
        s.push_destructive(
            format!("ALTER TABLE {t}\n    {}", ops.join(",\n    ")),
            destructive,
        );
    }
    if !post.is_empty() {
        s.push(format!("ALTER TABLE {t} {}", post.join(" ")));
    }
}

fn create_view(v: &View) -> String {
    let mut sql = format!(
        "CREATE VIEW {} AS {}",
        q(D, &v.name),
        v.definition.trim().trim_end_matches(';')
    );
    if let Some(check) = v.options.get("check_option") {
        sql.push_str(&format!(
            " WITH {} CHECK OPTION",
            check.to_ascii_uppercase()
        ));
    }
    sql
}

/// Foreign keys that exist before and after unchanged but use a column
/// whose type changes, as `(table, key)`.
fn retyped_foreign_keys<'a>(
    plan: &Plan<'a>,
    changed: &[(&'a ObjectChange, &'a Table, &'a Table)],
) -> Vec<(String, &'a ForeignKey)> {
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
                    out.push((t.name.clone(), fk));
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
    sql.push_str(if q_.cycle { " CYCLE" } else { " NOCYCLE" });
    sql
}
