//! Attribute-level comparison of tables (columns, keys, constraints,
//! options) and domains.

use std::collections::BTreeMap;

use super::AttributeChange;
use super::compare::{attr, cmp, cmp_sql};
use super::types::is_widening;
use crate::model::{
    CheckConstraint, Column, Domain, ForeignKey, Identity, IndexColumn, IndexKey, Table,
    UniqueConstraint,
};
use crate::normalize_sql;

pub(crate) fn compare_table(a: &Table, b: &Table, out: &mut Vec<AttributeChange>) {
    // A partition's columns are its parent's (introspection leaves them
    // out); a table attached or detached keeps its rows and its columns.
    let partition = |t: &Table| t.options.contains_key("partition_of");
    if !partition(a) && !partition(b) {
        compare_columns(a, b, out);
    }
    compare_rest(a, b, out);
}

fn compare_columns(a: &Table, b: &Table, out: &mut Vec<AttributeChange>) {
    for ca in &a.columns {
        match b.column(&ca.name) {
            None => {
                let mut x = attr(&format!("column {}", ca.name), Some(column_text(ca)), None);
                // A generated column's values come back from its expression.
                x.destructive = ca.generated.is_none();
                out.push(x);
            }
            Some(cb) => compare_column(ca, cb, out),
        }
    }
    for cb in &b.columns {
        if a.column(&cb.name).is_none() {
            out.push(attr(
                &format!("column {}", cb.name),
                None,
                Some(column_text(cb)),
            ));
        }
    }
}

fn compare_rest(a: &Table, b: &Table, out: &mut Vec<AttributeChange>) {
    let pk = |t: &Table| {
        t.primary_key
            .as_ref()
            .map(|p| key_text(&p.name, &p.columns))
    };
    cmp(out, "primary key", &pk(a), &pk(b));
    keyed(
        out,
        "unique",
        &a.unique_constraints,
        &b.unique_constraints,
        unique_key,
        unique_text,
        unique_text,
    );
    keyed(
        out,
        "check",
        &a.check_constraints,
        &b.check_constraints,
        check_key,
        check_text,
        check_shown,
    );
    keyed(
        out,
        "foreign key",
        &a.foreign_keys,
        &b.foreign_keys,
        fk_key,
        fk_text,
        fk_text,
    );
    let keys: std::collections::BTreeSet<&String> =
        a.options.keys().chain(b.options.keys()).collect();
    for k in keys {
        cmp(
            out,
            &format!("option {k}"),
            &a.options.get(k),
            &b.options.get(k),
        );
    }
    cmp(out, "comment", &a.comment, &b.comment);
}

fn compare_column(a: &Column, b: &Column, out: &mut Vec<AttributeChange>) {
    let name = |what: &str| format!("column {}.{what}", a.name);
    if !a.data_type.eq_ignore_ascii_case(&b.data_type) {
        let mut x = attr(
            &name("type"),
            Some(a.data_type.clone()),
            Some(b.data_type.clone()),
        );
        x.destructive = !is_widening(&a.data_type, &b.data_type);
        out.push(x);
    }
    if a.nullable != b.nullable {
        out.push(attr(
            &name("nullable"),
            Some(a.nullable.to_string()),
            Some(b.nullable.to_string()),
        ));
    }
    cmp_sql(out, &name("default"), &a.default, &b.default);
    cmp(
        out,
        &name("identity"),
        &a.identity.map(identity_text),
        &b.identity.map(identity_text),
    );
    let gen_text = |c: &Column| {
        c.generated.as_ref().map(|g| {
            format!(
                "{} {}",
                normalize_sql(&g.expression),
                if g.stored { "stored" } else { "virtual" }
            )
        })
    };
    if gen_text(a) != gen_text(b) {
        let mut x = attr(&name("generated"), gen_text(a), gen_text(b));
        // Turning a plain column into a computed one replaces its values.
        x.destructive = a.generated.is_none();
        out.push(x);
    }
    cmp(out, &name("collation"), &a.collation, &b.collation);
    if a.hidden != b.hidden {
        out.push(attr(
            &name("hidden"),
            Some(a.hidden.to_string()),
            Some(b.hidden.to_string()),
        ));
    }
    cmp(out, &name("comment"), &a.comment, &b.comment);
}

/// Compares two lists of constraints matched by `key`.
fn keyed<T>(
    out: &mut Vec<AttributeChange>,
    what: &str,
    a: &[T],
    b: &[T],
    key: fn(&T) -> String,
    text: fn(&T) -> String,
    shown: fn(&T) -> String,
) {
    let ma: BTreeMap<String, &T> = a.iter().map(|x| (key(x), x)).collect();
    let mb: BTreeMap<String, &T> = b.iter().map(|x| (key(x), x)).collect();
    for (k, x) in &ma {
        let label = format!("{what} {k}");
        match mb.get(k) {
            None => out.push(attr(&label, Some(shown(x)), None)),
            Some(y) if text(x) != text(y) => out.push(attr(&label, Some(shown(x)), Some(shown(y)))),
            Some(_) => {}
        }
    }
    for (k, y) in &mb {
        if !ma.contains_key(k) {
            out.push(attr(&format!("{what} {k}"), None, Some(shown(y))));
        }
    }
}

fn key_text(name: &Option<String>, columns: &[String]) -> String {
    match name {
        Some(n) => format!("{n} ({})", columns.join(", ")),
        None => format!("({})", columns.join(", ")),
    }
}

fn unique_key(u: &UniqueConstraint) -> String {
    u.name
        .clone()
        .unwrap_or_else(|| format!("({})", u.columns.join(", ")))
}

fn unique_text(u: &UniqueConstraint) -> String {
    format!("({})", u.columns.join(", "))
}

fn check_key(c: &CheckConstraint) -> String {
    c.name
        .clone()
        .unwrap_or_else(|| normalize_sql(&c.expression))
}

fn check_text(c: &CheckConstraint) -> String {
    normalize_sql(&c.expression)
}

fn check_shown(c: &CheckConstraint) -> String {
    c.expression.trim().to_owned()
}

fn fk_key(f: &ForeignKey) -> String {
    f.name.clone().unwrap_or_else(|| {
        format!(
            "({}) -> {}.{}",
            f.columns.join(", "),
            f.referenced_schema,
            f.referenced_table
        )
    })
}

pub(crate) fn fk_text(f: &ForeignKey) -> String {
    format!(
        "({}) REFERENCES {}.{} ({}) ON DELETE {} ON UPDATE {}",
        f.columns.join(", "),
        f.referenced_schema,
        f.referenced_table,
        f.referenced_columns.join(", "),
        f.on_delete.as_sql(),
        f.on_update.as_sql()
    )
}

fn identity_text(i: Identity) -> String {
    match i {
        Identity::Always => "always",
        Identity::ByDefault => "by default",
        Identity::AutoIncrement => "auto increment",
    }
    .to_owned()
}

/// A column in one line: type, nullability, default.
pub(crate) fn column_text(c: &Column) -> String {
    let mut s = c.data_type.clone();
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&normalize_sql(d));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED AS ({})", normalize_sql(&g.expression)));
    }
    s.trim().to_owned()
}

pub(crate) fn index_column_text(c: &IndexColumn) -> String {
    let mut s = match &c.key {
        IndexKey::Column(n) => n.clone(),
        IndexKey::Expression(e) => {
            format!(
                "({})",
                crate::normalize::strip_outer_parens(&normalize_sql(e))
            )
        }
    };
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if let Some(op) = &c.opclass {
        s.push_str(&format!(" {op}"));
    }
    if c.descending {
        s.push_str(" DESC");
    }
    s
}

pub(crate) fn compare_domain(a: &Domain, b: &Domain, out: &mut Vec<AttributeChange>) {
    if !a.data_type.eq_ignore_ascii_case(&b.data_type) {
        let mut x = attr("type", Some(a.data_type.clone()), Some(b.data_type.clone()));
        x.destructive = !is_widening(&a.data_type, &b.data_type);
        out.push(x);
    }
    if a.not_null != b.not_null {
        out.push(attr(
            "not_null",
            Some(a.not_null.to_string()),
            Some(b.not_null.to_string()),
        ));
    }
    cmp_sql(out, "default", &a.default, &b.default);
    cmp(out, "collation", &a.collation, &b.collation);
    keyed(
        out,
        "check",
        &a.checks,
        &b.checks,
        check_key,
        check_text,
        check_shown,
    );
    cmp(out, "comment", &a.comment, &b.comment);
}
