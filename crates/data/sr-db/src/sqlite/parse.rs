//! Parsers for the CREATE statements in `sqlite_schema`, returning what the
//! pragmas leave out. The pragmas stay the source of truth for everything
//! they do report (column types, nullability, defaults, key columns, FK
//! actions); these parsers only add to it.

use sr_schema::{IndexColumn, IndexKey, TriggerEvent, TriggerTiming};

use super::lexer::Tokens;

/// What a CREATE TABLE statement says beyond `pragma table_xinfo`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedTable {
    pub columns: Vec<ParsedColumn>,
    pub checks: Vec<(Option<String>, String)>,
    pub primary_key_name: Option<String>,
    /// Named UNIQUE constraints: (name, columns).
    pub unique_names: Vec<(String, Vec<String>)>,
    /// Named foreign keys: (name, local columns).
    pub foreign_key_names: Vec<(String, Vec<String>)>,
    pub without_rowid: bool,
    pub strict: bool,
    /// The module of a virtual table (`fts5`).
    pub virtual_module: Option<String>,
    /// What follows `USING` in a virtual table's statement, as written
    /// (`fts5(title, body, tokenize='porter')`).
    pub virtual_using: Option<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedColumn {
    pub name: String,
    pub collation: Option<String>,
    /// The generated-column expression and whether it is STORED.
    pub generated: Option<(String, bool)>,
    pub autoincrement: bool,
}

/// Words that end a column's type name and start its constraints.
const COLUMN_CONSTRAINT_START: [&str; 11] = [
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

pub fn parse_create_table(sql: &str) -> Result<ParsedTable, String> {
    let t = Tokens::new(sql);
    let mut out = ParsedTable::default();
    let Some(table_kw) = t.find_word(0, t.len(), "TABLE") else {
        return Err("no TABLE keyword".into());
    };
    if t.find_word(0, table_kw, "VIRTUAL").is_some() {
        let using = t
            .find_word(table_kw, t.len(), "USING")
            .ok_or("a virtual table without USING")?;
        out.virtual_module = Some(t.name(using + 1).to_ascii_lowercase());
        out.virtual_using = Some(t.slice(using + 1, t.len()).trim().to_owned());
        return Ok(out);
    }
    let open = (table_kw..t.len())
        .find(|&i| t.is_punct(i, '('))
        .ok_or("no column list")?;
    let close = t.closing_paren(open);
    for (from, to) in t.split_commas(open + 1, close) {
        let first = t.text(from).to_ascii_uppercase();
        let is_constraint = t.toks[from].kind == super::lexer::Kind::Word
            && matches!(
                first.as_str(),
                "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN"
            );
        if is_constraint {
            table_constraint(&t, from, to, &mut out);
        } else {
            out.columns.push(column_def(&t, from, to, &mut out.checks));
        }
    }
    for i in close + 1..t.len() {
        if t.is_word(i, "ROWID") && t.is_word(i.wrapping_sub(1), "WITHOUT") {
            out.without_rowid = true;
        }
        if t.is_word(i, "STRICT") {
            out.strict = true;
        }
    }
    Ok(out)
}

/// The names in a parenthesised column list starting at `open`, each the
/// first token of its item (`a COLLATE x DESC` → `a`).
fn column_list(t: &Tokens<'_>, open: usize) -> (Vec<String>, usize) {
    let close = t.closing_paren(open);
    let cols = t
        .split_commas(open + 1, close)
        .into_iter()
        .map(|(s, _)| t.name(s))
        .collect();
    (cols, close)
}

fn table_constraint(t: &Tokens<'_>, from: usize, to: usize, out: &mut ParsedTable) {
    let mut i = from;
    let mut name = None;
    if t.is_word(i, "CONSTRAINT") {
        name = Some(t.name(i + 1));
        i += 2;
    }
    let first = t.text(i).to_ascii_uppercase();
    let open = (i..to).find(|&k| t.is_punct(k, '('));
    match (first.as_str(), open) {
        ("CHECK", Some(open)) => {
            let close = t.closing_paren(open);
            out.checks
                .push((name, t.slice(open + 1, close).trim().to_owned()));
        }
        ("PRIMARY", _) => out.primary_key_name = name,
        ("UNIQUE", Some(open)) => {
            if let Some(name) = name {
                out.unique_names.push((name, column_list(t, open).0));
            }
        }
        ("FOREIGN", Some(open)) => {
            if let Some(name) = name {
                out.foreign_key_names.push((name, column_list(t, open).0));
            }
        }
        _ => {}
    }
}

fn column_def(
    t: &Tokens<'_>,
    from: usize,
    to: usize,
    checks: &mut Vec<(Option<String>, String)>,
) -> ParsedColumn {
    let mut col = ParsedColumn {
        name: t.name(from),
        ..ParsedColumn::default()
    };
    let mut i = from + 1;
    // Skip the type name, including any `(10, 2)`.
    while i < to && !COLUMN_CONSTRAINT_START.iter().any(|w| t.is_word(i, w)) {
        i = if t.is_punct(i, '(') {
            t.closing_paren(i) + 1
        } else {
            i + 1
        };
    }
    let mut pending_name = None;
    while i < to {
        if t.is_word(i, "CONSTRAINT") {
            pending_name = Some(t.name(i + 1));
            i += 2;
        } else if t.is_word(i, "CHECK") && t.is_punct(i + 1, '(') {
            let close = t.closing_paren(i + 1);
            checks.push((pending_name.take(), t.slice(i + 2, close).trim().to_owned()));
            i = close + 1;
        } else if t.is_word(i, "COLLATE") {
            col.collation = Some(t.name(i + 1));
            i += 2;
        } else if t.is_word(i, "AUTOINCREMENT") {
            col.autoincrement = true;
            i += 1;
        } else if t.is_word(i, "AS") && t.is_punct(i + 1, '(') {
            let close = t.closing_paren(i + 1);
            let expression = t.slice(i + 2, close).trim().to_owned();
            col.generated = Some((expression, t.is_word(close + 1, "STORED")));
            i = close + 1;
        } else if t.is_punct(i, '(') {
            i = t.closing_paren(i) + 1;
        } else {
            // A constraint name applies to the next constraint only; once
            // another constraint starts, it is used up.
            if ["PRIMARY", "UNIQUE", "REFERENCES", "DEFAULT", "NOT", "NULL"]
                .iter()
                .any(|w| t.is_word(i, w))
            {
                pending_name = None;
            }
            i += 1;
        }
    }
    col
}

/// What a CREATE INDEX statement says beyond `pragma index_xinfo`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedIndex {
    pub columns: Vec<IndexColumn>,
    pub predicate: Option<String>,
}

pub fn parse_create_index(sql: &str) -> Result<ParsedIndex, String> {
    let t = Tokens::new(sql);
    let on = t.find_word(0, t.len(), "ON").ok_or("no ON keyword")?;
    let open = (on..t.len())
        .find(|&i| t.is_punct(i, '('))
        .ok_or("no column list")?;
    let close = t.closing_paren(open);
    let mut out = ParsedIndex::default();
    for (from, to) in t.split_commas(open + 1, close) {
        let mut end = to;
        let mut descending = false;
        if t.is_word(end - 1, "DESC") || t.is_word(end - 1, "ASC") {
            descending = t.is_word(end - 1, "DESC");
            end -= 1;
        }
        let mut collation = None;
        if end >= from + 3 && t.is_word(end - 2, "COLLATE") {
            collation = Some(t.name(end - 1));
            end -= 2;
        }
        let key = if end == from + 1 && t.is_name(from) {
            IndexKey::Column(t.name(from))
        } else {
            IndexKey::Expression(t.slice(from, end).trim().to_owned())
        };
        out.columns.push(IndexColumn {
            key,
            descending,
            collation,
            opclass: None,
        });
    }
    if let Some(w) = t.find_word(close + 1, t.len(), "WHERE") {
        let mut end = t.len();
        while end > w + 1 && t.is_punct(end - 1, ';') {
            end -= 1;
        }
        out.predicate = Some(t.slice(w + 1, end).trim().to_owned());
    }
    Ok(out)
}

/// The query of a CREATE VIEW statement: the text after its top-level `AS`.
pub fn parse_view_query(sql: &str) -> Result<String, String> {
    let t = Tokens::new(sql);
    let view = t.find_word(0, t.len(), "VIEW").ok_or("no VIEW keyword")?;
    let as_kw = t.find_word(view, t.len(), "AS").ok_or("no AS keyword")?;
    let mut end = t.len();
    while end > as_kw + 1 && t.is_punct(end - 1, ';') {
        end -= 1;
    }
    Ok(t.slice(as_kw + 1, end).trim().to_owned())
}

/// The header of a CREATE TRIGGER statement. SQLite triggers always fire
/// for each row (`FOR EACH ROW` is optional syntax), so that is not parsed.
#[derive(Debug, PartialEq, Eq)]
pub struct ParsedTrigger {
    pub timing: TriggerTiming,
    pub event: TriggerEvent,
    pub when: Option<String>,
}

pub fn parse_create_trigger(sql: &str) -> Result<ParsedTrigger, String> {
    let t = Tokens::new(sql);
    let trig = t
        .find_word(0, t.len(), "TRIGGER")
        .ok_or("no TRIGGER keyword")?;
    let on = t.find_word(trig, t.len(), "ON").ok_or("no ON keyword")?;
    let begin = t
        .find_word(on, t.len(), "BEGIN")
        .ok_or("no BEGIN keyword")?;
    // SQLite fires triggers BEFORE when the statement names no time.
    let timing = if t.find_word(trig, on, "INSTEAD").is_some() {
        TriggerTiming::InsteadOf
    } else if t.find_word(trig, on, "AFTER").is_some() {
        TriggerTiming::After
    } else {
        TriggerTiming::Before
    };
    let event = if t.find_word(trig, on, "INSERT").is_some() {
        TriggerEvent::Insert
    } else if t.find_word(trig, on, "DELETE").is_some() {
        TriggerEvent::Delete
    } else if let Some(update) = t.find_word(trig, on, "UPDATE") {
        let columns = match t.find_word(update, on, "OF") {
            Some(of) => t
                .split_commas(of + 1, on)
                .into_iter()
                .map(|(s, _)| t.name(s))
                .collect(),
            None => Vec::new(),
        };
        TriggerEvent::Update { columns }
    } else {
        return Err("no INSERT, UPDATE or DELETE event".into());
    };
    let when = t
        .find_word(on, begin, "WHEN")
        .map(|w| t.slice(w + 1, begin).trim().to_owned());
    Ok(ParsedTrigger {
        timing,
        event,
        when,
    })
}
