//! Tables and views: CREATE with columns and keys, one ALTER TABLE per
//! changed table (`MODIFY COLUMN` restates a whole column).

use super::D;
use crate::ddl::common::{is_literal, lit, q, q_list};
use crate::ddl::steps::Step;
use crate::model::{Column, Identity, Table, View};
use crate::normalize_sql;

pub(super) fn column_def(c: &Column) -> String {
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

pub(super) fn create_table(t: &Table) -> String {
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
    if versioned(t) {
        sql.push_str(" WITH SYSTEM VERSIONING");
    }
    if let Some(p) = t.options.get("partition_by") {
        sql.push_str(&format!(" PARTITION BY {p}"));
    }
    sql
}

/// A MariaDB system-versioned table.
pub(super) fn versioned(t: &Table) -> bool {
    t.options
        .get("system_versioning")
        .is_some_and(|v| v == "true")
}

pub(super) fn alter_table(s: &mut Step, a: &Table, b: &Table, destructive: bool) {
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
    if versioned(a) && !versioned(b) {
        s.destructive(format!("ALTER TABLE {t} DROP SYSTEM VERSIONING"), true);
    }
    if !ops.is_empty() {
        s.destructive(
            format!("ALTER TABLE {t}\n    {}", ops.join(",\n    ")),
            destructive,
        );
    }
    if !post.is_empty() {
        s.sql(format!("ALTER TABLE {t} {}", post.join(" ")));
    }
    if !versioned(a) && versioned(b) {
        s.sql(format!("ALTER TABLE {t} ADD SYSTEM VERSIONING"));
    }
    match (a.options.get("partition_by"), b.options.get("partition_by")) {
        (x, Some(p)) if x != Some(p) => {
            s.sql(format!("ALTER TABLE {t} PARTITION BY {p}"));
        }
        (Some(_), None) => {
            s.sql(format!("ALTER TABLE {t} REMOVE PARTITIONING"));
        }
        _ => {}
    }
}

pub(super) fn create_view(v: &View) -> String {
    let security = if v
        .options
        .get("sql_security")
        .is_some_and(|s| s == "invoker")
    {
        "SQL SECURITY INVOKER "
    } else {
        ""
    };
    let mut sql = format!(
        "CREATE {security}VIEW {} AS {}",
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
