//! Enums, domains and sequences.

use super::D;
use crate::ddl::common::{lit, q, qn};
use crate::ddl::plan::Plan;
use crate::ddl::steps::Step;
use crate::ddl::steps::{Node, Steps, rank};
use crate::diff::ObjectChange;
use crate::model::{Column, Domain, EnumType, Sequence};
use crate::normalize_sql;

pub(super) fn create_enum(schema: &str, e: &EnumType) -> String {
    let labels: Vec<String> = e.labels.iter().map(|l| lit(l)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qn(D, schema, &e.name),
        labels.join(", ")
    )
}

/// How `a`'s labels become `b`'s.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum EnumPlan {
    /// In place: renames (old, new), then additions, each as the
    /// `ADD VALUE` clause that puts it in position.
    InPlace {
        renames: Vec<(String, String)>,
        adds: Vec<String>,
    },
    /// Labels go away or move: a new type, columns converted through text.
    Recreate,
}

/// Labels at the same position that appear only on their own side are a
/// rename; what is then left must be `a`'s labels in order with others
/// added among them.
pub(crate) fn enum_plan(a: &[String], b: &[String]) -> EnumPlan {
    let mut renamed: Vec<String> = a.to_vec();
    let mut renames = Vec::new();
    for (i, old) in a.iter().enumerate() {
        if let Some(new) = b.get(i)
            && !b.contains(old)
            && !a.contains(new)
        {
            renames.push((old.clone(), new.clone()));
            renamed[i] = new.clone();
        }
    }
    let kept_in_order = renamed.iter().all(|l| b.contains(l))
        && b.iter().filter(|l| renamed.contains(l)).eq(renamed.iter());
    if !kept_in_order {
        return EnumPlan::Recreate;
    }
    let mut adds = Vec::new();
    // A leading run of new labels goes before the first kept one, last
    // first; every later one after the label before it, which exists by
    // then.
    let lead = b.iter().take_while(|l| !renamed.contains(l)).count();
    if lead < b.len() {
        for i in (0..lead).rev() {
            adds.push(format!("{} BEFORE {}", lit(&b[i]), lit(&b[i + 1])));
        }
    } else {
        for l in b {
            adds.push(lit(l));
        }
        return EnumPlan::InPlace { renames, adds };
    }
    for i in lead + 1..b.len() {
        if !renamed.contains(&b[i]) {
            adds.push(format!("{} AFTER {}", lit(&b[i]), lit(&b[i - 1])));
        }
    }
    EnumPlan::InPlace { renames, adds }
}

pub(super) fn enum_recreated(a: &EnumType, b: &EnumType) -> bool {
    a.labels != b.labels && enum_plan(&a.labels, &b.labels) == EnumPlan::Recreate
}

pub(super) fn enum_steps(
    st: &mut Steps,
    plan: &Plan<'_>,
    c: &ObjectChange,
    a: &EnumType,
    b: &EnumType,
) {
    if a.labels == b.labels {
        return;
    }
    let name = qn(D, &c.schema, &b.name);
    let node = Some(Node::alter(c.id()));
    match enum_plan(&a.labels, &b.labels) {
        EnumPlan::InPlace { renames, adds } => {
            let step = st.add(rank::ENUM, node);
            step.outside_transaction();
            for (old, new) in renames {
                step.sql(format!(
                    "ALTER TYPE {name} RENAME VALUE {} TO {}",
                    lit(&old),
                    lit(&new)
                ));
            }
            for add in adds {
                step.sql(format!("ALTER TYPE {name} ADD VALUE {add}"));
            }
        }
        EnumPlan::Recreate => {
            // The old type is renamed (its columns follow it), the new
            // one created, every column that uses the type in both `a`
            // and `b` converted through text with its default taken off
            // and put back, and the old type dropped. What else used it
            // (views, routines) was dropped before and is created again
            // after.
            let step = st.add(rank::ENUM, node);
            let old = format!("{}__sr_old", b.name);
            step.sql(format!("ALTER TYPE {name} RENAME TO {}", q(D, &old)));
            step.sql(create_enum(&c.schema, b));
            for (schema, table, col, default) in columns_of_type(plan, &c.schema, &b.name) {
                let t = qn(D, &schema, &table);
                let column = q(D, &col.name);
                if default.is_some() {
                    step.sql(format!(
                        "ALTER TABLE {t} ALTER COLUMN {column} DROP DEFAULT"
                    ));
                }
                let array = if col.data_type.ends_with("[]") {
                    "[]"
                } else {
                    ""
                };
                step.destructive(
                    format!(
                        "ALTER TABLE {t} ALTER COLUMN {column} TYPE {name}{array} USING {column}::text{array}::{name}{array}"
                    ),
                    true,
                );
                if let Some(d) = col.default.as_ref().filter(|_| default.is_some()) {
                    step.sql(format!(
                        "ALTER TABLE {t} ALTER COLUMN {column} SET DEFAULT {d}"
                    ));
                }
            }
            step.sql(format!("DROP TYPE {}", qn(D, &c.schema, &old)));
        }
    }
}

/// Columns of tables in both snapshots whose type is `schema.name` (or an
/// array of it) in both: `(schema, table, column in b, default in a)`.
fn columns_of_type<'a>(
    plan: &Plan<'a>,
    schema: &str,
    name: &str,
) -> Vec<(String, String, &'a Column, Option<&'a String>)> {
    let (Some(from), Some(to)) = (plan.from, plan.to) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for sc in &to.schemas {
        for t in &sc.tables {
            let Some(before) = from.table(&sc.name, &t.name) else {
                continue;
            };
            for col in &t.columns {
                let uses = |ty: &str| type_is(ty.trim_end_matches("[]"), schema, name);
                if let Some(old) = before.column(&col.name)
                    && uses(&col.data_type)
                    && uses(&old.data_type)
                {
                    out.push((sc.name.clone(), t.name.clone(), col, old.default.as_ref()));
                }
            }
        }
    }
    out
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

pub(super) fn domain_recreated(a: &Domain, b: &Domain) -> bool {
    !a.data_type.eq_ignore_ascii_case(&b.data_type) || a.collation != b.collation
}

pub(super) fn alter_domain(s: &mut Step, schema: &str, a: &Domain, b: &Domain) {
    let name = qn(D, schema, &b.name);
    if domain_recreated(a, b) {
        // No ALTER DOMAIN changes the base type; callers see the drop.
        s.destructive(format!("DROP DOMAIN {name} CASCADE"), true);
        s.sql(create_domain(schema, b));
        return;
    }
    if a.default.as_deref().map(normalize_sql) != b.default.as_deref().map(normalize_sql) {
        match &b.default {
            Some(d) => s.sql(format!("ALTER DOMAIN {name} SET DEFAULT {d}")),
            None => s.sql(format!("ALTER DOMAIN {name} DROP DEFAULT")),
        };
    }
    if a.not_null != b.not_null {
        let verb = if b.not_null { "SET" } else { "DROP" };
        s.sql(format!("ALTER DOMAIN {name} {verb} NOT NULL"));
    }
    for c in &a.checks {
        if !b.checks.iter().any(|x| {
            x.name == c.name && normalize_sql(&x.expression) == normalize_sql(&c.expression)
        }) && let Some(n) = &c.name
        {
            s.sql(format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", q(D, n)));
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
            s.sql(format!(
                "ALTER DOMAIN {name} ADD {n}CHECK ({})",
                c.expression
            ));
        }
    }
}

/// `ALTER SEQUENCE` to `b`'s settings; it restarts at `b`'s start when
/// the bounds narrow, since the current value may lie outside them (which
/// can hand out values again: destructive).
pub(super) fn alter_sequence(s: &mut Step, schema: &str, a: &Sequence, b: &Sequence) {
    let narrowed = b.min_value.unwrap_or(i64::MIN) > a.min_value.unwrap_or(i64::MIN)
        || b.max_value.unwrap_or(i64::MAX) < a.max_value.unwrap_or(i64::MAX);
    let mut sql = sequence(schema, b, "ALTER");
    if narrowed {
        sql.push_str(" RESTART");
    }
    s.destructive(sql, narrowed);
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
    sql.push_str(&format!(" CACHE {}", q_.cache.unwrap_or(1)));
    sql.push_str(if q_.cycle { " CYCLE" } else { " NO CYCLE" });
    sql
}

/// True when anything `sequence` writes differs (not the owner or the
/// comment, which have statements of their own).
pub(super) fn sequence_settings_differ(a: &Sequence, b: &Sequence) -> bool {
    let settings = |x: &Sequence| {
        (
            x.data_type.clone(),
            x.start,
            x.increment,
            x.min_value,
            x.max_value,
            x.cycle,
            x.cache,
        )
    };
    settings(a) != settings(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Expected<'a> = Option<(&'a [(&'a str, &'a str)], &'a [&'a str])>;

    fn check(a: &[&str], b: &[&str], expected: Expected<'_>) {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let want = match expected {
            None => EnumPlan::Recreate,
            Some((r, adds)) => EnumPlan::InPlace {
                renames: r
                    .iter()
                    .map(|(x, y)| (x.to_string(), y.to_string()))
                    .collect(),
                adds: v(adds),
            },
        };
        assert_eq!(enum_plan(&v(a), &v(b)), want, "{a:?} -> {b:?}");
    }

    #[test]
    fn enum_changes() {
        check(
            &["a", "c"],
            &["a", "x", "y", "c"],
            Some((&[], &["'x' AFTER 'a'", "'y' AFTER 'x'"])),
        );
        check(
            &["c"],
            &["x", "y", "c", "z"],
            Some((&[], &["'y' BEFORE 'c'", "'x' BEFORE 'y'", "'z' AFTER 'c'"])),
        );
        check(&["a", "b"], &["a", "b2"], Some((&[("b", "b2")], &[])));
        check(
            &["a", "b"],
            &["a2", "b", "c"],
            Some((&[("a", "a2")], &["'c' AFTER 'b'"])),
        );
        check(&["a", "b"], &["b", "a"], None);
        check(&["a", "b", "c"], &["a", "c"], None);
        check(&[], &["a"], Some((&[], &["'a'"])));
    }
}
