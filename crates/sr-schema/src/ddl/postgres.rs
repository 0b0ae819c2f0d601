//! PostgreSQL: every change has an ALTER, so tables are never rebuilt.

use std::collections::BTreeSet;

use super::MigrationScript;
use super::common::{create_index, fk_clause, lit, q, q_list, qn};
use super::plan::{Name, Plan};
use crate::Dialect;
use crate::diff::{ChangeKind, Object, ObjectChange, ObjectType};
use crate::model::{Column, Domain, EnumType, Identity, Routine, Sequence, Table, View};
use crate::normalize_sql;

const D: Dialect = Dialect::Postgres;

pub(crate) fn render(plan: &Plan<'_>) -> MigrationScript {
    let mut s = MigrationScript::default();
    let changed_tables = plan.changed_tables();

    // 1. What depends on something that goes or changes.
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
    for (c, a, b) in &changed_tables {
        for fk in &a.foreign_keys {
            if !b.foreign_keys.contains(fk) {
                drop_constraint(&mut s, &c.schema, &a.name, fk.name.as_deref());
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
                drop_constraint(&mut s, &c.schema, &t.name, fk.name.as_deref());
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
            (Some(Object::Enum(a)), Some(Object::Enum(b))) => alter_enum(&mut s, plan, c, a, b),
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
            (Some(Object::Domain(a)), Some(Object::Domain(b))) => {
                alter_domain(&mut s, &c.schema, a, b)
            }
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

/// Policies and privileges that go or change, on objects that stay.
fn security_drops(
    s: &mut MigrationScript,
    plan: &Plan<'_>,
    removed_tables: &BTreeSet<Name>,
    dropped_views: &BTreeSet<Name>,
) {
    for c in plan
        .changes
        .iter()
        .filter(|c| c.change != ChangeKind::Added)
    {
        let Some(object) = &c.table else { continue };
        let owner = (c.schema.clone(), object.clone());
        if removed_tables.contains(&owner) || dropped_views.contains(&owner) {
            continue;
        }
        match (&c.before, c.object) {
            (Some(Object::Policy(p)), _) => s.push(format!(
                "DROP POLICY {} ON {}",
                q(D, &p.name),
                qn(D, &c.schema, &p.table)
            )),
            (Some(Object::Grant(g)), _) => {
                let gone = plan
                    .of(ObjectType::Sequence, ChangeKind::Removed)
                    .any(|r| r.name == g.object && r.schema == c.schema);
                if !gone {
                    s.push(format!(
                        "REVOKE ALL ON {} {} FROM {}",
                        grant_target(plan, &c.schema, &g.object),
                        qn(D, &c.schema, &g.object),
                        grantee(&g.grantee)
                    ));
                }
            }
            _ => {}
        }
    }
}

/// Policies and privileges that come or change, and the privileges of
/// views that were recreated.
fn security_creates(s: &mut MigrationScript, plan: &Plan<'_>, recreated: &BTreeSet<Name>) {
    for c in plan.changes {
        if let Some(Object::Policy(p)) = &c.after {
            let mut sql = format!(
                "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
                q(D, &p.name),
                qn(D, &c.schema, &p.table),
                if p.permissive {
                    "PERMISSIVE"
                } else {
                    "RESTRICTIVE"
                },
                p.command,
                p.roles
                    .iter()
                    .map(|r| grantee(r))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if let Some(u) = &p.using {
                sql.push_str(&format!(" USING ({u})"));
            }
            if let Some(w) = &p.with_check {
                sql.push_str(&format!(" WITH CHECK ({w})"));
            }
            s.push(sql);
        }
    }
    let mut grants: Vec<(String, &crate::model::Grant)> = Vec::new();
    if let Some(to) = plan.to {
        for sc in &to.schemas {
            for g in &sc.privileges {
                if recreated.contains(&(sc.name.clone(), g.object.clone())) {
                    grants.push((sc.name.clone(), g));
                }
            }
        }
    }
    for c in plan.changes {
        if let Some(Object::Grant(g)) = &c.after
            && !grants.iter().any(|(sc, x)| sc == &c.schema && x == &g)
        {
            grants.push((c.schema.clone(), g));
        }
    }
    for (schema, g) in grants {
        let target = format!(
            "{} {}",
            grant_target(plan, &schema, &g.object),
            qn(D, &schema, &g.object)
        );
        let plain: Vec<&str> = g
            .privileges
            .iter()
            .filter(|p| !g.grantable.contains(p))
            .map(String::as_str)
            .collect();
        if !plain.is_empty() {
            s.push(format!(
                "GRANT {} ON {target} TO {}",
                plain.join(", "),
                grantee(&g.grantee)
            ));
        }
        if !g.grantable.is_empty() {
            s.push(format!(
                "GRANT {} ON {target} TO {} WITH GRANT OPTION",
                g.grantable.join(", "),
                grantee(&g.grantee)
            ));
        }
    }
}

/// `SEQUENCE` for sequences, `TABLE` for tables and views.
fn grant_target(plan: &Plan<'_>, schema: &str, object: &str) -> &'static str {
    let is_seq = |snap: Option<&crate::Snapshot>| {
        snap.and_then(|x| x.schema(schema))
            .is_some_and(|sc| sc.sequences.iter().any(|q| q.name == object))
    };
    if is_seq(plan.to) || is_seq(plan.from) {
        "SEQUENCE"
    } else {
        "TABLE"
    }
}

fn grantee(name: &str) -> String {
    if name == "PUBLIC" {
        name.to_owned()
    } else {
        q(D, name)
    }
}

fn drop_constraint(s: &mut MigrationScript, schema: &str, table: &str, name: Option<&str>) {
    if let Some(n) = name {
        s.push(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            qn(D, schema, table),
            q(D, n)
        ));
    }
}

fn create_enum(schema: &str, e: &EnumType) -> String {
    let labels: Vec<String> = e.labels.iter().map(|l| lit(l)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qn(D, schema, &e.name),
        labels.join(", ")
    )
}

fn alter_enum(
    s: &mut MigrationScript,
    plan: &Plan<'_>,
    c: &ObjectChange,
    a: &EnumType,
    b: &EnumType,
) {
    let only_added = a.labels.iter().all(|l| b.labels.contains(l))
        && b.labels
            .iter()
            .filter(|l| a.labels.contains(l))
            .eq(a.labels.iter());
    let name = qn(D, &c.schema, &b.name);
    if only_added {
        for (i, l) in b.labels.iter().enumerate() {
            if a.labels.contains(l) {
                continue;
            }
            let place = match b.labels.get(i + 1).filter(|n| a.labels.contains(n)) {
                Some(next) => format!(" BEFORE {}", lit(next)),
                None => String::new(),
            };
            s.push(format!("ALTER TYPE {name} ADD VALUE {}{place}", lit(l)));
        }
    } else {
        // Labels went away or moved: build the new type and convert every
        // column that uses it through text.
        let old = format!("{}__sr_old", b.name);
        s.push(format!("ALTER TYPE {name} RENAME TO {}", q(D, &old)));
        s.push(create_enum(&c.schema, b));
        if let Some(to) = plan.to {
            for sc in &to.schemas {
                for t in &sc.tables {
                    for col in t
                        .columns
                        .iter()
                        .filter(|col| type_is(&col.data_type, &c.schema, &b.name))
                    {
                        s.push_destructive(
                            format!(
                                "ALTER TABLE {} ALTER COLUMN {} TYPE {name} USING {}::text::{name}",
                                qn(D, &sc.name, &t.name),
                                q(D, &col.name),
                                q(D, &col.name)
                            ),
                            true,
                        );
                    }
                }
            }
        }
        s.push(format!("DROP TYPE {}", qn(D, &c.schema, &old)));
    }
}

fn type_is(data_type: &str, schema: &str, name: &str) -> bool {
    let t = data_type.trim_matches('"');
    t == name || t == format!("{schema}.{name}") || data_type == qn(D, schema, name)
}

fn create_domain(schema: &str, d: &Domain) -> String {
    let mut sql = format!(
        "CREATE DOMAIN {} AS {}",
        qn(D, schema, &d.name),
        d.data_type
    );
    if let Some(c) = &d.collation {
        sql.push_str(&format!(" COLLATE {}", q(D, c)));
    }
    if let Some(def) = &d.default {
        sql.push_str(&format!(" DEFAULT {def}"));
    }
    if d.not_null {
        sql.push_str(" NOT NULL");
    }
    for c in &d.checks {
        if let Some(n) = &c.name {
            sql.push_str(&format!(" CONSTRAINT {}", q(D, n)));
        }
        sql.push_str(&format!(" CHECK ({})", c.expression));
    }
    sql
}

fn alter_domain(s: &mut MigrationScript, schema: &str, a: &Domain, b: &Domain) {
    let name = qn(D, schema, &b.name);
    if !a.data_type.eq_ignore_ascii_case(&b.data_type) || a.collation != b.collation {
        // No ALTER DOMAIN changes the base type; callers see the drop.
        s.push_destructive(format!("DROP DOMAIN {name} CASCADE"), true);
        s.push(create_domain(schema, b));
        return;
    }
    if a.default.as_deref().map(normalize_sql) != b.default.as_deref().map(normalize_sql) {
        match &b.default {
            Some(d) => s.push(format!("ALTER DOMAIN {name} SET DEFAULT {d}")),
            None => s.push(format!("ALTER DOMAIN {name} DROP DEFAULT")),
        }
    }
    if a.not_null != b.not_null {
        let verb = if b.not_null { "SET" } else { "DROP" };
        s.push(format!("ALTER DOMAIN {name} {verb} NOT NULL"));
    }
    for c in &a.checks {
        if !b.checks.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) && let Some(n) = &c.name
        {
            s.push(format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", q(D, n)));
        }
    }
    for c in &b.checks {
        if !a.checks.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) {
            let n = c
                .name
                .as_ref()
                .map(|n| format!("CONSTRAINT {} ", q(D, n)))
                .unwrap_or_default();
            s.push(format!(
                "ALTER DOMAIN {name} ADD {n}CHECK ({})",
                c.expression
            ));
        }
    }
}

fn sequence(schema: &str, q_: &Sequence, verb: &str) -> String {
    let mut sql = format!("{verb} SEQUENCE {}", qn(D, schema, &q_.name));
    if let Some(t) = &q_.data_type {
        sql.push_str(&format!(" AS {t}"));
    }
    sql.push_str(&format!(" INCREMENT BY {}", q_.increment));
    match q_.min_value {
        Some(v) => sql.push_str(&format!(" MINVALUE {v}")),
        None => sql.push_str(" NO MINVALUE"),
    }
    match q_.max_value {
        Some(v) => sql.push_str(&format!(" MAXVALUE {v}")),
        None => sql.push_str(" NO MAXVALUE"),
    }
    sql.push_str(&format!(" START WITH {}", q_.start));
    sql.push_str(if q_.cycle { " CYCLE" } else { " NO CYCLE" });
    sql
}

fn routine_sql(r: &Routine) -> String {
    // The definition is the whole `CREATE OR REPLACE` statement.
    r.definition
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_owned()
}

pub(crate) fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", q(D, &c.name), c.data_type);
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", q(D, coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.expression));
    } else if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    match c.identity {
        Some(Identity::Always) => s.push_str(" GENERATED ALWAYS AS IDENTITY"),
        Some(Identity::ByDefault) => s.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
        _ => {}
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    s
}

fn create_table(schema: &str, t: &Table) -> String {
    if let (Some(parent), Some(bound)) = (
        t.options.get("partition_of"),
        t.options.get("partition_bound"),
    ) {
        let mut sql = format!(
            "CREATE TABLE {} PARTITION OF {} {bound}",
            qn(D, schema, &t.name),
            qualified(parent)
        );
        if let Some(p) = t.options.get("partition_by") {
            sql.push_str(&format!(" PARTITION BY {p}"));
        }
        return sql;
    }
    let mut parts: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
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
    let mut sql = format!(
        "CREATE TABLE {} (\n    {}\n)",
        qn(D, schema, &t.name),
        parts.join(",\n    ")
    );
    if let Some(parents) = t.options.get("inherits") {
        let list: Vec<String> = parents.split(", ").map(qualified).collect();
        sql.push_str(&format!(" INHERITS ({})", list.join(", ")));
    }
    if let Some(p) = t.options.get("partition_by") {
        sql.push_str(&format!(" PARTITION BY {p}"));
    }
    sql
}

/// `schema.name` as the catalog query joins it, quoted.
fn qualified(dotted: &str) -> String {
    match dotted.split_once('.') {
        Some((s, n)) => qn(D, s, n),
        None => q(D, dotted),
    }
}

fn constraint_name(name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!("CONSTRAINT {} ", q(D, n)))
        .unwrap_or_default()
}

fn alter_table(s: &mut MigrationScript, schema: &str, a: &Table, b: &Table) {
    let t = qn(D, schema, &b.name);
    if a.primary_key != b.primary_key
        && let Some(pk) = &a.primary_key
    {
        drop_constraint(s, schema, &a.name, pk.name.as_deref());
    }
    for u in &a.unique_constraints {
        if !b.unique_constraints.contains(u) {
            drop_constraint(s, schema, &a.name, u.name.as_deref());
        }
    }
    for c in &a.check_constraints {
        if !b.check_constraints.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) {
            drop_constraint(s, schema, &a.name, c.name.as_deref());
        }
    }
    for c in &a.columns {
        let regenerated = b
            .column(&c.name)
            .is_some_and(|n| n.generated != c.generated);
        if b.column(&c.name).is_none() || regenerated {
            s.push_destructive(
                format!("ALTER TABLE {t} DROP COLUMN {}", q(D, &c.name)),
                c.generated.is_none(),
            );
        }
    }
    for c in &b.columns {
        let regenerated = a
            .column(&c.name)
            .is_some_and(|o| o.generated != c.generated);
        if a.column(&c.name).is_none() || regenerated {
            s.push(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(c)));
        }
    }
    for ca in &a.columns {
        let Some(cb) = b.column(&ca.name) else {
            continue;
        };
        if ca.generated != cb.generated {
            continue;
        }
        alter_column(s, &t, ca, cb);
    }
    let rls = |x: &Table| x.options.contains_key("row_level_security");
    if rls(a) != rls(b) {
        let verb = if rls(b) { "ENABLE" } else { "DISABLE" };
        s.push(format!("ALTER TABLE {t} {verb} ROW LEVEL SECURITY"));
    }
    if a.primary_key != b.primary_key
        && let Some(pk) = &b.primary_key
    {
        s.push(format!(
            "ALTER TABLE {t} ADD {}PRIMARY KEY ({})",
            constraint_name(&pk.name),
            q_list(D, &pk.columns)
        ));
    }
    for u in &b.unique_constraints {
        if !a.unique_constraints.contains(u) {
            s.push(format!(
                "ALTER TABLE {t} ADD {}UNIQUE ({})",
                constraint_name(&u.name),
                q_list(D, &u.columns)
            ));
        }
    }
    for c in &b.check_constraints {
        if !a.check_constraints.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) {
            s.push(format!(
                "ALTER TABLE {t} ADD {}CHECK ({})",
                constraint_name(&c.name),
                c.expression
            ));
        }
    }
}

fn alter_column(s: &mut MigrationScript, t: &str, a: &Column, b: &Column) {
    let col = q(D, &b.name);
    let alter = |what: String| format!("ALTER TABLE {t} ALTER COLUMN {col} {what}");
    let default_changed =
        a.default.as_deref().map(normalize_sql) != b.default.as_deref().map(normalize_sql);
    let type_changed =
        !a.data_type.eq_ignore_ascii_case(&b.data_type) || a.collation != b.collation;
    if a.identity.is_some() && a.identity != b.identity && b.identity.is_none() {
        s.push(alter("DROP IDENTITY".into()));
    }
    if default_changed && a.default.is_some() {
        s.push(alter("DROP DEFAULT".into()));
    }
    if type_changed {
        let coll = b
            .collation
            .as_ref()
            .map(|c| format!(" COLLATE {}", q(D, c)))
            .unwrap_or_default();
        let destructive = !crate::is_widening(&a.data_type, &b.data_type);
        s.push_destructive(
            alter(format!(
                "TYPE {}{coll} USING {col}::{}",
                b.data_type, b.data_type
            )),
            destructive,
        );
    }
    if default_changed && let Some(d) = &b.default {
        s.push(alter(format!("SET DEFAULT {d}")));
    }
    if a.nullable != b.nullable {
        s.push(alter(if b.nullable {
            "DROP NOT NULL".into()
        } else {
            "SET NOT NULL".into()
        }));
    }
    match (a.identity, b.identity) {
        (None, Some(Identity::Always)) => s.push(alter("ADD GENERATED ALWAYS AS IDENTITY".into())),
        (None, Some(Identity::ByDefault)) => {
            s.push(alter("ADD GENERATED BY DEFAULT AS IDENTITY".into()))
        }
        (Some(_), Some(Identity::Always)) if a.identity != b.identity => {
            s.push(alter("SET GENERATED ALWAYS".into()))
        }
        (Some(_), Some(Identity::ByDefault)) if a.identity != b.identity => {
            s.push(alter("SET GENERATED BY DEFAULT".into()))
        }
        _ => {}
    }
}

fn create_view(schema: &str, v: &View) -> String {
    let def = v.definition.trim().trim_end_matches(';');
    if v.materialized {
        format!(
            "CREATE MATERIALIZED VIEW {} AS {def}",
            qn(D, schema, &v.name)
        )
    } else {
        format!("CREATE VIEW {} AS {def}", qn(D, schema, &v.name))
    }
}

fn comment_sql(what: &str, target: &str, comment: &Option<String>) -> String {
    let value = comment.as_deref().map_or("NULL".to_owned(), lit);
    format!("COMMENT ON {what} {target} IS {value}")
}

/// Comments of added objects and changed comments. Index comments are
/// written with the index.
fn comments(s: &mut MigrationScript, plan: &Plan<'_>, views_created: &[(String, &View)]) {
    for c in plan.changes {
        let before = c.before.as_ref();
        match &c.after {
            Some(Object::Schema { comment }) => {
                let old = match before {
                    Some(Object::Schema { comment }) => comment.clone(),
                    _ => None,
                };
                if *comment != old {
                    s.push(comment_sql("SCHEMA", &q(D, &c.name), comment));
                }
            }
            Some(Object::Table(t)) => {
                let old = match before {
                    Some(Object::Table(o)) => Some(o),
                    _ => None,
                };
                let name = qn(D, &c.schema, &t.name);
                if old.map_or(&None, |o| &o.comment) != &t.comment {
                    s.push(comment_sql("TABLE", &name, &t.comment));
                }
                for col in &t.columns {
                    let was = old
                        .and_then(|o| o.column(&col.name))
                        .and_then(|o| o.comment.clone());
                    if was != col.comment {
                        s.push(comment_sql(
                            "COLUMN",
                            &format!("{name}.{}", q(D, &col.name)),
                            &col.comment,
                        ));
                    }
                }
            }
            Some(Object::Sequence(x)) => comment_if(
                s,
                "SEQUENCE",
                &qn(D, &c.schema, &x.name),
                before,
                &x.comment,
                |o| match o {
                    Object::Sequence(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            Some(Object::Enum(x)) => comment_if(
                s,
                "TYPE",
                &qn(D, &c.schema, &x.name),
                before,
                &x.comment,
                |o| match o {
                    Object::Enum(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            Some(Object::Domain(x)) => comment_if(
                s,
                "DOMAIN",
                &qn(D, &c.schema, &x.name),
                before,
                &x.comment,
                |o| match o {
                    Object::Domain(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            Some(Object::Routine(r)) => {
                let kind = if c.object == ObjectType::Procedure {
                    "PROCEDURE"
                } else {
                    "FUNCTION"
                };
                comment_if(
                    s,
                    kind,
                    &format!("{}({})", qn(D, &c.schema, &r.name), r.arguments),
                    before,
                    &r.comment,
                    |o| match o {
                        Object::Routine(o) => o.comment.clone(),
                        _ => None,
                    },
                );
            }
            Some(Object::Trigger(t)) => comment_if(
                s,
                "TRIGGER",
                &format!("{} ON {}", q(D, &t.name), qn(D, &c.schema, &t.table)),
                before,
                &t.comment,
                |o| match o {
                    Object::Trigger(o) => o.comment.clone(),
                    _ => None,
                },
            ),
            _ => {}
        }
    }
    // Recreated views lost their comments.
    for (schema, v) in views_created {
        if v.comment.is_some() {
            let kind = if v.materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            s.push(comment_sql(kind, &qn(D, schema, &v.name), &v.comment));
        }
    }
}

fn comment_if(
    s: &mut MigrationScript,
    what: &str,
    target: &str,
    before: Option<&Object>,
    now: &Option<String>,
    old: impl Fn(&Object) -> Option<String>,
) {
    if before.and_then(old) != *now {
        s.push(comment_sql(what, target, now));
    }
}
