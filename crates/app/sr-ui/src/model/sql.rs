//! SQL text as the editor sees it: tokens for highlighting, and the
//! statement under the cursor (split at `;` outside strings, quoted
//! names, comments and PostgreSQL dollar quotes).

use std::ops::Range;

/// What a stretch of SQL is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Keyword,
    Word,
    Text,
    Number,
    Comment,
    Other,
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ALL",
    "ALTER",
    "ANALYZE",
    "AND",
    "AS",
    "ASC",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASCADE",
    "CASE",
    "CHECK",
    "COLUMN",
    "COMMIT",
    "CONSTRAINT",
    "CREATE",
    "CROSS",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DROP",
    "ELSE",
    "END",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FOREIGN",
    "FROM",
    "FULL",
    "FUNCTION",
    "GROUP",
    "HAVING",
    "IF",
    "IN",
    "INDEX",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTO",
    "IS",
    "JOIN",
    "KEY",
    "LEFT",
    "LIKE",
    "LIMIT",
    "NOT",
    "NULL",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "PRIMARY",
    "REFERENCES",
    "RETURNING",
    "RIGHT",
    "ROLLBACK",
    "SELECT",
    "SET",
    "TABLE",
    "THEN",
    "TRIGGER",
    "TRUE",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VALUES",
    "VIEW",
    "WHEN",
    "WHERE",
    "WITH",
];

/// The tokens of `sql`, covering every byte in order.
pub fn tokens(sql: &str) -> Vec<(Range<usize>, TokenKind)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < sql.len() {
        let (end, kind) = token_at(sql, at);
        out.push((at..end, kind));
        at = end;
    }
    out
}

/// The token starting at byte `at`: its end and kind.
fn token_at(sql: &str, at: usize) -> (usize, TokenKind) {
    let rest = &sql[at..];
    let Some(c) = rest.chars().next() else {
        return (at, TokenKind::Other);
    };
    let until = |pat: &str, skip: usize| {
        rest.get(skip..)
            .and_then(|r| r.find(pat))
            .map_or(sql.len(), |i| at + skip + i + pat.len())
    };
    match c {
        '-' if rest.starts_with("--") => (until("\n", 2), TokenKind::Comment),
        '/' if rest.starts_with("/*") => (until("*/", 2), TokenKind::Comment),
        '\'' => (quoted_end(sql, at, '\''), TokenKind::Text),
        '"' | '`' => (quoted_end(sql, at, c), TokenKind::Word),
        '$' => match dollar_tag(rest) {
            Some(tag) => (until(tag, tag.len()), TokenKind::Text),
            None => (at + 1, TokenKind::Other),
        },
        c if c.is_ascii_digit() => {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
                .unwrap_or(rest.len());
            (at + len, TokenKind::Number)
        }
        c if c.is_alphabetic() || c == '_' => {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            let word = &rest[..len];
            let kind = if KEYWORDS.contains(&word.to_ascii_uppercase().as_str()) {
                TokenKind::Keyword
            } else {
                TokenKind::Word
            };
            (at + len, kind)
        }
        c => (at + c.len_utf8(), TokenKind::Other),
    }
}

/// The end of a quoted stretch opened by `q` at `at`; a doubled quote
/// stays inside. Unclosed quotes run to the end.
fn quoted_end(sql: &str, at: usize, q: char) -> usize {
    let mut chars = sql[at + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == q {
            if chars.peek().is_some_and(|&(_, n)| n == q) {
                chars.next();
                continue;
            }
            return at + 1 + i + 1;
        }
    }
    sql.len()
}

/// `$tag$` or `$$` at the start of `s`.
fn dollar_tag(s: &str) -> Option<&str> {
    let close = s[1..].find('$')? + 1;
    let tag = &s[1..close];
    tag.chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then(|| &s[..=close])
}

/// The statements of `sql` as byte ranges, without their `;`, trimmed;
/// empty ones left out.
pub fn statements(sql: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut push = |range: Range<usize>| {
        let text = &sql[range.clone()];
        let lead = text.len() - text.trim_start().len();
        let trimmed = text.trim();
        if !trimmed.is_empty() {
            out.push(range.start + lead..range.start + lead + trimmed.len());
        }
    };
    for (range, kind) in tokens(sql) {
        if kind == TokenKind::Other && &sql[range.clone()] == ";" {
            push(start..range.start);
            start = range.end;
        }
    }
    push(start..sql.len());
    out
}

/// The statement the cursor (a byte offset) is in or just after; the
/// last one before it when it sits in blank space between statements.
pub fn statement_at(sql: &str, cursor: usize) -> Option<Range<usize>> {
    let all = statements(sql);
    all.iter()
        .find(|r| r.start <= cursor && cursor <= r.end + 1)
        .or_else(|| all.iter().rev().find(|r| r.end <= cursor))
        .or(all.first())
        .cloned()
}

/// The byte offset of character `index` of `text` (egui cursors count
/// characters).
pub fn byte_of_char(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(byte, _)| byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sql`'s statements as text.
    fn check_statements(sql: &str, expected: &[&str]) {
        let got: Vec<&str> = statements(sql).into_iter().map(|r| &sql[r]).collect();
        assert_eq!(got, expected, "{sql:?}");
    }

    #[test]
    fn statements_split_only_at_real_semicolons() {
        check_statements("", &[]);
        check_statements(" ; ;", &[]);
        check_statements("SELECT 1", &["SELECT 1"]);
        check_statements("SELECT 1;\n\nSELECT 2;", &["SELECT 1", "SELECT 2"]);
        check_statements("SELECT ';' ; SELECT 2", &["SELECT ';'", "SELECT 2"]);
        check_statements("SELECT 'it''s;' ; x", &["SELECT 'it''s;'", "x"]);
        check_statements("SELECT \"a;b\" FROM t; x", &["SELECT \"a;b\" FROM t", "x"]);
        check_statements("SELECT 1 -- a; b\n; x", &["SELECT 1 -- a; b", "x"]);
        check_statements("SELECT /* ; */ 1; x", &["SELECT /* ; */ 1", "x"]);
        check_statements(
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; x",
            &[
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "x",
            ],
        );
        check_statements("SELECT $$a;b$$; x", &["SELECT $$a;b$$", "x"]);
        check_statements("SELECT 'unclosed; x", &["SELECT 'unclosed; x"]);
        check_statements("SELECT `a;b` FROM t", &["SELECT `a;b` FROM t"]);
    }

    fn check_at(sql: &str, cursor: usize, expected: Option<&str>) {
        let got = statement_at(sql, cursor).map(|r| &sql[r]);
        assert_eq!(got, expected, "{sql:?} at {cursor}");
    }

    #[test]
    fn the_statement_under_the_cursor() {
        let sql = "SELECT 1;\nSELECT 2;\n\nSELECT 3";
        check_at(sql, 0, Some("SELECT 1"));
        check_at(sql, 8, Some("SELECT 1"));
        check_at(sql, 9, Some("SELECT 1"));
        check_at(sql, 10, Some("SELECT 2"));
        check_at(sql, 20, Some("SELECT 2"));
        check_at(sql, sql.len(), Some("SELECT 3"));
        check_at("  \n", 1, None);
        check_at("\n\nSELECT 1", 0, Some("SELECT 1"));
    }

    #[test]
    fn tokens_cover_the_text_and_find_keywords() {
        let sql = "select name, 42 from \"T\" -- c\nwhere x = 'a''b'";
        let toks = tokens(sql);
        let joined: String = toks.iter().map(|(r, _)| &sql[r.clone()]).collect();
        assert_eq!(joined, sql);
        let of = |text: &str| {
            toks.iter()
                .find(|(r, _)| &sql[r.clone()] == text)
                .map(|(_, k)| *k)
        };
        assert_eq!(of("select"), Some(TokenKind::Keyword));
        assert_eq!(of("where"), Some(TokenKind::Keyword));
        assert_eq!(of("name"), Some(TokenKind::Word));
        assert_eq!(of("42"), Some(TokenKind::Number));
        assert_eq!(of("\"T\""), Some(TokenKind::Word));
        assert_eq!(of("-- c\n"), Some(TokenKind::Comment));
        assert_eq!(of("'a''b'"), Some(TokenKind::Text));
        assert_eq!(tokens("é;").len(), 2);
    }

    #[test]
    fn char_indices_become_byte_offsets() {
        assert_eq!(byte_of_char("aé b", 0), 0);
        assert_eq!(byte_of_char("aé b", 2), 3);
        assert_eq!(byte_of_char("aé b", 9), 5);
    }
}
