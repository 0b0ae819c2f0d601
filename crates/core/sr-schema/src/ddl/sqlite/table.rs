//! Tables and views: CREATE statements as SQLite keeps them, and which
//! table changes `ALTER TABLE ... ADD COLUMN` can make.

use super::D;
use crate::ddl::common::{fk_clause, is_literal, q, q_list};
use crate::model::{Column, Identity, Table, View};

/// True when `b` only adds columns to `a` that `ALTER TABLE ADD COLUMN`
/// accepts: not a key, not stored, nullable or with a constant default.
pub(super) fn only_added_columns(a: &Table, b: &Table) -> bool {
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

pub(super) fn column_def(c: &Column, inline_pk: bool) -> String {
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

pub(super) fn create_table(name: &str, t: &Table) -> String {
    if let Some(module) = t.options.get("virtual") {
        // The module's arguments, as written, make the table again (its
        // shadow tables come with it).
        return match t.options.get("using") {
            Some(using) => format!("CREATE VIRTUAL TABLE {} USING {using}", q(D, name)),
            None => format!(
                "-- virtual table {} (USING {module}) must be recreated by hand",
                q(D, name)
            ),
        };
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
pub(super) fn create_view(v: &View) -> String {
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
