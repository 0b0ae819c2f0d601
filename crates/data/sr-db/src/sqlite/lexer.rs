//! A small SQLite tokenizer, enough to take apart the CREATE statements
//! SQLite keeps in `sqlite_schema` (pragmas do not report CHECK constraints,
//! constraint names, collations, generated-column expressions, index
//! expressions or partial-index predicates).
//!
//! Tokens carry byte spans into the source, so expressions are cut out of
//! the original text exactly as the user wrote them.

/// What a token is; punctuation is one character each (`>=` is two
/// tokens), which is all the statement parsers need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bare word: a keyword or an unquoted identifier.
    Word,
    /// `"x"`, `[x]` or `` `x` ``.
    QuotedIdent,
    /// `'text'`, or a blob `x'00'`.
    Str,
    Number,
    Punct(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// Splits `sql` into tokens, skipping whitespace and comments. An
/// unterminated quote or comment runs to the end of the text; SQLite has
/// already accepted every statement we read, so that only happens on input
/// SQLite would have refused.
pub fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => i += 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
            }
            b'\'' => {
                i = skip_quoted(bytes, i, b'\'');
                out.push(Token {
                    kind: Kind::Str,
                    start,
                    end: i,
                });
            }
            b'"' | b'`' => {
                i = skip_quoted(bytes, i, c);
                out.push(Token {
                    kind: Kind::QuotedIdent,
                    start,
                    end: i,
                });
            }
            b'[' => {
                while i < bytes.len() && bytes[i] != b']' {
                    i += 1;
                }
                i = (i + 1).min(bytes.len());
                out.push(Token {
                    kind: Kind::QuotedIdent,
                    start,
                    end: i,
                });
            }
            b'x' | b'X' if bytes.get(i + 1) == Some(&b'\'') => {
                i = skip_quoted(bytes, i + 1, b'\'');
                out.push(Token {
                    kind: Kind::Str,
                    start,
                    end: i,
                });
            }
            c if c.is_ascii_digit()
                || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                out.push(Token {
                    kind: Kind::Number,
                    start,
                    end: i,
                });
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                out.push(Token {
                    kind: Kind::Word,
                    start,
                    end: i,
                });
            }
            _ => {
                // Step over a whole UTF-8 character so spans stay on
                // character boundaries.
                let ch = sql[i..].chars().next().unwrap_or(' ');
                i += ch.len_utf8();
                out.push(Token {
                    kind: Kind::Punct(ch),
                    start,
                    end: i,
                });
            }
        }
    }
    out
}

/// Index just past the closing quote, honouring doubled quotes inside.
fn skip_quoted(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// A token list over its source, with the helpers the parsers share.
pub struct Tokens<'a> {
    pub sql: &'a str,
    pub toks: Vec<Token>,
}

impl<'a> Tokens<'a> {
    pub fn new(sql: &'a str) -> Self {
        Tokens {
            sql,
            toks: tokenize(sql),
        }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    pub fn text(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.sql[t.start..t.end])
    }

    /// Whether token `i` is the keyword `word` (any case).
    pub fn is_word(&self, i: usize, word: &str) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == Kind::Word && self.text(i).eq_ignore_ascii_case(word))
    }

    pub fn is_punct(&self, i: usize, c: char) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Kind::Punct(c))
    }

    /// Whether token `i` can name something (a word or a quoted name; SQLite
    /// also accepts a string literal there).
    pub fn is_name(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::QuotedIdent | Kind::Str))
    }

    /// The name token `i` spells, without quotes.
    pub fn name(&self, i: usize) -> String {
        unquote(self.text(i))
    }

    /// The source text from the start of token `from` to the end of token
    /// `to - 1`; empty when the range is.
    pub fn slice(&self, from: usize, to: usize) -> &'a str {
        if from >= to || to > self.toks.len() {
            return "";
        }
        &self.sql[self.toks[from].start..self.toks[to - 1].end]
    }

    /// The index of the `)` that closes the `(` at `open`, or the end when
    /// it is never closed.
    pub fn closing_paren(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for i in open..self.toks.len() {
            match self.toks[i].kind {
                Kind::Punct('(') => depth += 1,
                Kind::Punct(')') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        self.toks.len()
    }

    /// Token index ranges of the comma-separated items in `from..to`,
    /// splitting only at commas outside parentheses.
    pub fn split_commas(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut item = from;
        for i in from..to {
            match self.toks[i].kind {
                Kind::Punct('(') => depth += 1,
                Kind::Punct(')') => depth = depth.saturating_sub(1),
                Kind::Punct(',') if depth == 0 => {
                    out.push((item, i));
                    item = i + 1;
                }
                _ => {}
            }
        }
        if item < to {
            out.push((item, to));
        }
        out
    }

    /// The first token in `from..to` at parenthesis depth 0 that is the
    /// keyword `word`.
    pub fn find_word(&self, from: usize, to: usize, word: &str) -> Option<usize> {
        let mut depth = 0usize;
        for i in from..to.min(self.toks.len()) {
            match self.toks[i].kind {
                Kind::Punct('(') => depth += 1,
                Kind::Punct(')') => depth = depth.saturating_sub(1),
                Kind::Word if depth == 0 && self.is_word(i, word) => return Some(i),
                _ => {}
            }
        }
        None
    }
}

/// `"a""b"` → `a"b`, `[x]` → `x`, `` `x` `` → `x`, `'x'` → `x`; other text as is.
pub fn unquote(text: &str) -> String {
    let b = text.as_bytes();
    if b.len() >= 2 {
        let (first, last) = (b[0], b[b.len() - 1]);
        if first == b'[' && last == b']' {
            return text[1..text.len() - 1].to_owned();
        }
        if matches!(first, b'"' | b'`' | b'\'') && last == first {
            let q = first as char;
            return text[1..text.len() - 1].replace(&format!("{q}{q}"), &q.to_string());
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, expected: &[&str]) {
        let t = Tokens::new(sql);
        let got: Vec<&str> = (0..t.len()).map(|i| t.text(i)).collect();
        assert_eq!(got, expected, "{sql:?}");
    }

    #[test]
    fn tokens() {
        check(
            "CREATE TABLE t(a)",
            &["CREATE", "TABLE", "t", "(", "a", ")"],
        );
        check("x >= 1.5e3 -- note\n", &["x", ">", "=", "1.5e3"]);
        check(
            "'it''s' \"a \"\"b\" [c d] `e`",
            &["'it''s'", "\"a \"\"b\"", "[c d]", "`e`"],
        );
        check("/* skip */ x'00ff' y", &["x'00ff'", "y"]);
        check("é_col<>2", &["é_col", "<", ">", "2"]);
        check("'open", &["'open"]);
    }

    #[test]
    fn names_lose_their_quotes() {
        for (quoted, plain) in [
            ("\"a\"\"b\"", "a\"b"),
            ("[x y]", "x y"),
            ("`z`", "z"),
            ("'s'", "s"),
            ("bare", "bare"),
        ] {
            assert_eq!(unquote(quoted), plain);
        }
    }

    #[test]
    fn commas_split_only_at_the_top_level() {
        let t = Tokens::new("a, f(b, c), d");
        let items: Vec<&str> = t
            .split_commas(0, t.len())
            .into_iter()
            .map(|(s, e)| t.slice(s, e))
            .collect();
        assert_eq!(items, ["a", "f(b, c)", "d"]);
    }
}
