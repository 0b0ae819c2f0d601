//! What kind of statement a bench runs, which decides what is safe:
//! only a plain SELECT is ever run by EXPLAIN ANALYZE (which executes it);
//! a write is timed inside a transaction that is rolled back; DDL and
//! several statements at once are refused.

use serde::{Deserialize, Serialize};

use crate::sqlite::lexer::{Kind, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    /// A query that reads only: `SELECT`, `VALUES`, `TABLE`, or `WITH` whose
    /// parts all read; no `FOR UPDATE`/`FOR SHARE` locks, no `SELECT INTO`.
    Select,
    /// INSERT, UPDATE, DELETE, MERGE, REPLACE, a locking SELECT, or a
    /// `WITH` that writes: timed in a rolled-back transaction, explained
    /// without ANALYZE.
    Write,
    /// CREATE, ALTER, DROP and the like: not benchmarked (MySQL commits
    /// them implicitly, so they cannot be rolled back).
    Ddl,
    /// Anything else (SET, CALL, VACUUM, …): not benchmarked.
    Other,
}

const READ_STARTS: &[&str] = &["select", "values", "table", "with"];
const WRITE_WORDS: &[&str] = &["insert", "update", "delete", "merge", "replace", "upsert"];
const DDL_STARTS: &[&str] = &[
    "create", "alter", "drop", "truncate", "rename", "comment", "grant", "revoke", "reindex",
];

/// Classifies `sql`; `Err` with the reason when it holds more than one
/// statement or none.
pub fn classify(sql: &str) -> Result<StatementKind, String> {
    let tokens = tokenize(sql);
    let mut words: Vec<String> = Vec::new();
    let mut ended = false;
    for t in &tokens {
        match t.kind {
            Kind::Punct(';') => ended = true,
            _ if ended => {
                return Err("it holds more than one statement; put one query in the file".into());
            }
            Kind::Word => words.push(sql[t.start..t.end].to_ascii_lowercase()),
            _ => words.push(String::new()),
        }
    }
    let Some(first) = words.first() else {
        return Err("it holds no statement".into());
    };
    let has = |w: &str| words.iter().any(|x| x == w);
    let pair = |a: &str, b: &str| words.windows(2).any(|p| p[0] == a && p[1] == b);
    Ok(if READ_STARTS.contains(&first.as_str()) {
        let writes = WRITE_WORDS.iter().any(|w| has(w));
        let locks = pair("for", "update")
            || pair("for", "share")
            || pair("for", "no")
            || pair("for", "key")
            || pair("lock", "in");
        let into = first == "select" && has("into");
        if writes || locks || into {
            StatementKind::Write
        } else {
            StatementKind::Select
        }
    } else if WRITE_WORDS.contains(&first.as_str()) {
        StatementKind::Write
    } else if DDL_STARTS.contains(&first.as_str()) {
        StatementKind::Ddl
    } else {
        StatementKind::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, expected: Result<StatementKind, &str>) {
        let got = classify(sql);
        match (&got, expected) {
            (Ok(k), Ok(e)) => assert_eq!(*k, e, "{sql:?}"),
            (Err(reason), Err(e)) => assert!(reason.contains(e), "{sql:?}: {reason}"),
            _ => panic!("{sql:?}: got {got:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn kinds() {
        use StatementKind::*;
        check("SELECT * FROM t WHERE id = 1", Ok(Select));
        check("  select 1;  ", Ok(Select));
        check("-- why\nSELECT 1", Ok(Select));
        check("VALUES (1), (2)", Ok(Select));
        check("WITH x AS (SELECT 1) SELECT * FROM x", Ok(Select));
        check("SELECT 'update' FROM t", Ok(Select));
        check("SELECT \"delete\" FROM t", Ok(Select));
        check(
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
            Ok(Write),
        );
        check("SELECT * FROM t FOR UPDATE", Ok(Write));
        check("SELECT * FROM t FOR NO KEY UPDATE", Ok(Write));
        check("SELECT * FROM t LOCK IN SHARE MODE", Ok(Write));
        check("SELECT * INTO copy FROM t", Ok(Write));
        check("UPDATE t SET a = 1 WHERE id = 2", Ok(Write));
        check("insert into t values (1)", Ok(Write));
        check("DELETE FROM t", Ok(Write));
        check("REPLACE INTO t VALUES (1)", Ok(Write));
        check("CREATE INDEX i ON t (a)", Ok(Ddl));
        check("DROP TABLE t", Ok(Ddl));
        check("TRUNCATE t", Ok(Ddl));
        check("VACUUM", Ok(Other));
        check("SET search_path = x", Ok(Other));
        check("SELECT 1; SELECT 2", Err("more than one statement"));
        check("", Err("no statement"));
        check("-- only a comment", Err("no statement"));
    }
}
