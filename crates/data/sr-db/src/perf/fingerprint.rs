//! Query fingerprints: the SQL with literals replaced by `?`, keywords and
//! bare names lower-cased, whitespace and comments folded, lists of
//! literals collapsed (`IN (1, 2, 3)` and `IN (4)` are the same query), and
//! a stable hash of that. Two runs of "the same query with other values"
//! share a fingerprint, so they share a baseline.

use crate::sqlite::lexer::{Kind, tokenize};

/// The normalised text of `sql`.
pub fn normalize(sql: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for t in tokenize(sql) {
        let text = &sql[t.start..t.end];
        let word = match t.kind {
            Kind::Str | Kind::Number => "?".to_owned(),
            Kind::Word => text.to_lowercase(),
            Kind::QuotedIdent => text.to_owned(),
            Kind::Punct(c) => c.to_string(),
        };
        // `?, ?` folds into one `?`: lists of values of any length match.
        if word == "?"
            && words.len() >= 2
            && words[words.len() - 1] == ","
            && words[words.len() - 2] == "?"
        {
            words.pop();
            continue;
        }
        words.push(word);
    }
    while words.last().is_some_and(|w| w == ";") {
        words.pop();
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| words[p].as_str());
        let tight = matches!(w.as_str(), "," | ")" | "." | ";" | ":")
            || matches!(prev, Some("(" | "." | ":"))
            || prev.is_none();
        if !tight {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The fingerprint of `sql`: 16 hex digits of a 64-bit FNV-1a hash of its
/// normalised text. Stable across versions and platforms (unlike std's
/// hasher), because baselines are stored by it.
pub fn fingerprint(sql: &str) -> String {
    format!("{:016x}", fnv1a(normalize(sql).as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, expected: &str) {
        assert_eq!(normalize(sql), expected, "{sql:?}");
    }

    #[test]
    fn normalised_text() {
        check("SELECT 1", "select ?");
        check(
            "select *  from T\n where id = 42 and name = 'bob';",
            "select * from t where id = ? and name = ?",
        );
        check(
            "SELECT count(*) FROM orders WHERE id IN (1, 2, 3)",
            "select count (*) from orders where id in (?)",
        );
        check(
            "SELECT a.x FROM a WHERE a.y > 1.5e3 -- comment\n/* block */",
            "select a.x from a where a.y > ?",
        );
        check(
            "UPDATE \"Items\" SET qty = qty - 1 WHERE sku = 'a''b'",
            "update \"Items\" set qty = qty - ? where sku = ?",
        );
        check("select x::text from t;;", "select x::text from t");
        check("", "");
    }

    #[test]
    fn same_query_other_values_same_fingerprint() {
        let cases = [
            (
                "SELECT * FROM t WHERE id = 1",
                "select * from t where id=2",
                true,
            ),
            (
                "SELECT * FROM t WHERE id IN (1,2)",
                "SELECT * FROM t WHERE id IN (7)",
                true,
            ),
            (
                "SELECT * FROM t WHERE id = 1",
                "SELECT * FROM u WHERE id = 1",
                false,
            ),
            ("SELECT a FROM t", "SELECT b FROM t", false),
            ("SELECT * FROM \"T\"", "SELECT * FROM t", false),
        ];
        for (a, b, same) in cases {
            assert_eq!(fingerprint(a) == fingerprint(b), same, "{a:?} vs {b:?}");
        }
        assert_eq!(fingerprint("select ?").len(), 16);
        // Pinned: stored baselines depend on it never changing.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
