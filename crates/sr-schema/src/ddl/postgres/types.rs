//! Enums, domains and sequences.

use super::D;
use crate::ddl::MigrationScript;
use crate::ddl::common::{lit, q, qn};
use crate::ddl::plan::Plan;
use crate::diff::ObjectChange;
use crate::model::{Domain, EnumType, Sequence};
use crate::normalize_sql;

pub(super) fn create_enum(schema: &str, e: &EnumType) -> String {
    let labels: Vec<String> = e.labels.iter().map(|l| lit(l)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qn(D, schema, &e.name),
        labels.join(", ")
    )
}

pub(super) fn alter_enum(
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

pub(super) fn type_is(data_type: &str, schema: &str, name: &str) -> bool {
    let t = data_type.trim_matches('"');
    t == name || t == format!("{schema}.{name}") || data_type == qn(D, schema, name)
}

pub(super) fn create_domain(schema: &str, d: &Domain) -> String {
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

pub(super) fn alter_domain(s: &mut MigrationScript, schema: &str, a: &Domain, b: &Domain) {
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

pub(super) fn sequence(schema: &str, q_: &Sequence, verb: &str) -> String {
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
