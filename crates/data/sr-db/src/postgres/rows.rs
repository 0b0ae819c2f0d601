//! Turning catalog rows into model values.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::postgres::PgRow;
use sr_schema::{
    Column, FkAction, ForeignKey, Generated, Identity, Index, IndexColumn, IndexKey, TriggerEvent,
};

/// A column from a row of the column query; `types` names its type,
/// `default` is its default or generation expression.
pub(super) fn column(
    r: &PgRow,
    types: &HashMap<(i64, i64), String>,
    default: Option<String>,
) -> Result<Column, sqlx::Error> {
    let ty = types
        .get(&(r.try_get("typid")?, r.try_get("typmod")?))
        .cloned()
        .unwrap_or_default();
    let mut c = Column::new(r.try_get::<String, _>("name")?, ty, r.try_get("nullable")?);
    match r.try_get::<String, _>("generated")?.as_str() {
        "s" => {
            c.generated = Some(Generated {
                expression: default.unwrap_or_default(),
                stored: true,
            })
        }
        "v" => {
            c.generated = Some(Generated {
                expression: default.unwrap_or_default(),
                stored: false,
            })
        }
        _ => c.default = default,
    }
    c.identity = match r.try_get::<String, _>("identity")?.as_str() {
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        _ => None,
    };
    c.collation = r.try_get("collation")?;
    c.comment = r.try_get("comment")?;
    Ok(c)
}

/// Column names by (relation oid, attribute number), for keys the catalog
/// gives as numbers.
pub(super) type ColumnNames = HashMap<(i64, i64), String>;

/// Names of the columns `nums` of relation `rel`.
pub(super) fn names(columns: &ColumnNames, rel: i64, nums: &[i64]) -> Vec<String> {
    nums.iter()
        .map(|n| columns.get(&(rel, *n)).cloned().unwrap_or_default())
        .collect()
}

pub(super) fn index(
    r: &PgRow,
    table: String,
    columns_of: &ColumnNames,
    opclasses: &HashMap<i64, String>,
) -> Result<Index, sqlx::Error> {
    let rel: i64 = r.try_get("rel")?;
    let keys = numbers(r.try_get("keys")?);
    let options = numbers(r.try_get("options")?);
    let classes = numbers(r.try_get("classes")?);
    let exprs: Option<Vec<String>> = r.try_get("exprs")?;
    let key_count = usize::try_from(r.try_get::<i64, _>("key_count")?).unwrap_or(0);
    let mut columns = Vec::new();
    let mut include = Vec::new();
    for (k, num) in keys.iter().enumerate() {
        let name = || columns_of.get(&(rel, *num)).cloned().unwrap_or_default();
        if k >= key_count {
            include.push(name());
            continue;
        }
        let key = match (*num, &exprs) {
            (0, Some(texts)) => IndexKey::Expression(texts.get(k).cloned().unwrap_or_default()),
            _ => IndexKey::Column(name()),
        };
        columns.push(IndexColumn {
            key,
            descending: options.get(k).is_some_and(|o| o & 1 == 1),
            collation: None,
            opclass: classes.get(k).and_then(|c| opclasses.get(c)).cloned(),
        });
    }
    let method: String = r.try_get("method")?;
    Ok(Index {
        name: r.try_get("name")?,
        table,
        unique: r.try_get("is_unique")?,
        columns,
        include,
        predicate: r.try_get("predicate")?,
        method: Some(method),
        comment: r.try_get("comment")?,
        version_hash: String::new(),
    })
}

/// The numbers of an `int2vector` or `oidvector` as text (`1 0 3`).
fn numbers(text: &str) -> Vec<i64> {
    text.split_ascii_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

pub(super) fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

pub(super) fn trigger_events(ty: i64, update_columns: Vec<String>) -> Vec<TriggerEvent> {
    let mut out = Vec::new();
    if ty & 4 != 0 {
        out.push(TriggerEvent::Insert);
    }
    if ty & 8 != 0 {
        out.push(TriggerEvent::Delete);
    }
    if ty & 16 != 0 {
        out.push(TriggerEvent::Update {
            columns: update_columns,
        });
    }
    if ty & 32 != 0 {
        out.push(TriggerEvent::Truncate);
    }
    out
}

/// A foreign key from a row of the constraint query.
pub(super) fn foreign_key(
    r: &PgRow,
    name: Option<String>,
    columns: Vec<String>,
    columns_of: &ColumnNames,
) -> Result<ForeignKey, sqlx::Error> {
    let ref_keys: Vec<i64> = r.try_get("ref_keys")?;
    let ref_rel: i64 = r.try_get("ref_rel")?;
    Ok(ForeignKey {
        name,
        columns,
        referenced_schema: r
            .try_get::<Option<String>, _>("ref_schema")?
            .unwrap_or_default(),
        referenced_table: r
            .try_get::<Option<String>, _>("ref_table")?
            .unwrap_or_default(),
        referenced_columns: names(columns_of, ref_rel, &ref_keys),
        on_delete: fk_action(&r.try_get::<String, _>("on_delete")?),
        on_update: fk_action(&r.try_get::<String, _>("on_update")?),
    })
}

/// The condition of `... WHEN (cond) EXECUTE ...` in a trigger definition
/// as `pg_get_triggerdef` prints it, without the parentheses.
pub(super) fn trigger_when(definition: &str) -> Option<String> {
    let start = definition.find(" WHEN (")? + " WHEN (".len();
    let mut depth = 1;
    let mut quoted = false;
    for (i, c) in definition[start..].char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some(definition[start..start + i].trim().to_owned());
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(definition: &str, expected: Option<&str>) {
        assert_eq!(
            trigger_when(definition).as_deref(),
            expected,
            "{definition}"
        );
    }

    #[test]
    fn vectors_as_text() {
        assert_eq!(numbers("1 0 3"), vec![1, 0, 3]);
        assert_eq!(numbers(""), Vec::<i64>::new());
        assert_eq!(numbers("16384"), vec![16384]);
    }

    #[test]
    fn trigger_conditions() {
        check(
            "CREATE TRIGGER t BEFORE UPDATE ON o FOR EACH ROW WHEN ((new.id > 0)) EXECUTE FUNCTION f()",
            Some("(new.id > 0)"),
        );
        check(
            "CREATE TRIGGER t AFTER INSERT ON o FOR EACH ROW WHEN (new.s = ')') EXECUTE FUNCTION f()",
            Some("new.s = ')'"),
        );
        check(
            "CREATE TRIGGER t AFTER INSERT ON o FOR EACH ROW EXECUTE FUNCTION f()",
            None,
        );
    }
}
