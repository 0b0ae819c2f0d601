//! Pieces shared by the dialect renderers: identifier quoting, names,
//! index keys and SQLite-style default expressions.

use crate::Dialect;
use crate::model::{FkAction, ForeignKey, Index, IndexColumn, IndexKey};

/// `name` quoted for `dialect`. Always quoted: names come from catalogs
/// exactly as stored, and quoting keeps their case and any odd character.
pub(crate) fn q(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// `schema.name`, or just the name in SQLite and MySQL, where a migration
/// runs inside the one schema it is for.
pub(crate) fn qn(dialect: Dialect, schema: &str, name: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", q(dialect, schema), q(dialect, name)),
        Dialect::Sqlite | Dialect::MySql => q(dialect, name),
    }
}

pub(crate) fn q_list(dialect: Dialect, names: &[String]) -> String {
    names
        .iter()
        .map(|n| q(dialect, n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `FOREIGN KEY (...) REFERENCES ...` with non-default actions, prefixed
/// with `CONSTRAINT name` when the key has one. MySQL's default is
/// RESTRICT, and MariaDB's catalog keeps a declared NO ACTION apart from
/// it: NO ACTION is written out there.
pub(crate) fn fk_clause(dialect: Dialect, fk: &ForeignKey) -> String {
    let default = match dialect {
        Dialect::MySql => FkAction::Restrict,
        _ => FkAction::NoAction,
    };
    let mut s = String::new();
    if let Some(n) = &fk.name {
        s.push_str(&format!("CONSTRAINT {} ", q(dialect, n)));
    }
    s.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        q_list(dialect, &fk.columns),
        qn(dialect, &fk.referenced_schema, &fk.referenced_table),
        q_list(dialect, &fk.referenced_columns)
    ));
    if fk.on_delete != default {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.as_sql()));
    }
    if fk.on_update != default {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.as_sql()));
    }
    s
}

/// `CREATE [UNIQUE] INDEX` for `index` in `schema`.
pub(crate) fn create_index(dialect: Dialect, schema: &str, index: &Index) -> String {
    // MySQL spells full-text and spatial indexes as kinds, not methods.
    let mysql_kind = match (dialect, index.method.as_deref()) {
        (Dialect::MySql, Some(m @ ("FULLTEXT" | "SPATIAL"))) => Some(m),
        _ => None,
    };
    let mut s = format!(
        "CREATE {}INDEX {} ON {}",
        match (mysql_kind, index.unique) {
            (Some(k), _) => format!("{k} "),
            (None, true) => "UNIQUE ".to_owned(),
            (None, false) => String::new(),
        },
        q(dialect, &index.name),
        qn(dialect, schema, &index.table)
    );
    if let Some(m) = &index.method
        && dialect == Dialect::Postgres
    {
        s.push_str(&format!(" USING {m}"));
    }
    let keys: Vec<String> = index
        .columns
        .iter()
        .map(|c| index_key(dialect, c))
        .collect();
    s.push_str(&format!(" ({})", keys.join(", ")));
    if !index.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", q_list(dialect, &index.include)));
    }
    if let Some(p) = &index.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    if let (Some(m), Dialect::MySql, None) = (&index.method, dialect, mysql_kind) {
        s.push_str(&format!(" USING {m}"));
    }
    s
}

fn index_key(dialect: Dialect, c: &IndexColumn) -> String {
    let mut s = match &c.key {
        // A MySQL prefix key is kept as `name(10)`.
        IndexKey::Column(n) if dialect == Dialect::MySql => match prefix_key(n) {
            Some((name, len)) => format!("{}({len})", q(dialect, name)),
            None => q(dialect, n),
        },
        IndexKey::Column(n) => q(dialect, n),
        // SQLite keeps the text as written, so add nothing to it there.
        IndexKey::Expression(e) if dialect == Dialect::Sqlite => e.clone(),
        IndexKey::Expression(e) => format!("({})", crate::normalize::strip_outer_parens(e)),
    };
    if let Some(coll) = &c.collation {
        match dialect {
            Dialect::Postgres => s.push_str(&format!(" COLLATE {}", q(dialect, coll))),
            Dialect::Sqlite => s.push_str(&format!(" COLLATE {coll}")),
            Dialect::MySql => {}
        }
    }
    if let (Some(op), Dialect::Postgres) = (&c.opclass, dialect) {
        s.push(' ');
        s.push_str(op);
    }
    if c.descending {
        s.push_str(" DESC");
    }
    s
}

/// `name(10)` as `("name", "10")`.
fn prefix_key(key: &str) -> Option<(&str, &str)> {
    let (name, rest) = key.rsplit_once('(')?;
    let len = rest.strip_suffix(')')?;
    (!len.is_empty() && len.chars().all(|c| c.is_ascii_digit())).then_some((name, len))
}

/// A default that SQLite and MySQL accept bare: a number, a string, NULL,
/// TRUE/FALSE or a CURRENT_* keyword. Anything else needs parentheses.
pub(crate) fn is_literal(expr: &str) -> bool {
    let e = expr.trim();
    let upper = e.to_ascii_uppercase();
    let number = {
        let digits = e.trim_start_matches(['-', '+']);
        !digits.is_empty()
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E')
    };
    let string = e.len() >= 2
        && e.starts_with('\'')
        && e.ends_with('\'')
        && !e[1..e.len() - 1].replace("''", "").contains('\'');
    number
        || string
        || matches!(
            upper.as_str(),
            "NULL" | "TRUE" | "FALSE" | "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(expr: &str, expected: bool) {
        assert_eq!(is_literal(expr), expected, "{expr}");
    }

    #[test]
    fn literal_defaults() {
        check("0", true);
        check("-1.5", true);
        check("'US'", true);
        check("'it''s'", true);
        check("'a' || 'b'", false);
        check("NULL", true);
        check("current_timestamp", true);
        check("datetime('now')", false);
        check("1+2", false);
    }
}
