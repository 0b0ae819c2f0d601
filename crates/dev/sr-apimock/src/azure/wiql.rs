//! The part of WIQL the Azure Boards mock evaluates: `SELECT … FROM
//! WorkItems WHERE <condition> ORDER BY …`, conditions joined by `AND`,
//! `OR` and parentheses over `=`, `<>`, `<`, `<=`, `>`, `>=`,
//! `CONTAINS`, `NOT CONTAINS`, `IN (…)`, `NOT IN (…)` and `UNDER`, with
//! string and number literals and `@project`. Anything else is a syntax
//! error, answered as Azure DevOps answers one (400).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(String),
    Str(String),
    Num(f64),
    Word(String),
    Sym(String),
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '[' {
            let end = c[i..].iter().position(|x| *x == ']').ok_or("unclosed [")? + i;
            out.push(Tok::Field(c[i + 1..end].iter().collect()));
            i = end + 1;
        } else if ch == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                match c.get(i) {
                    None => return Err("unclosed string".into()),
                    Some('\'') if c.get(i + 1) == Some(&'\'') => {
                        text.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(x) => {
                        text.push(*x);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(text));
        } else if ch.is_ascii_digit() {
            let end = c[i..]
                .iter()
                .position(|x| !(x.is_ascii_digit() || *x == '.'))
                .map_or(c.len(), |p| p + i);
            let t: String = c[i..end].iter().collect();
            out.push(Tok::Num(t.parse().map_err(|_| format!("bad number {t}"))?));
            i = end;
        } else if ch.is_alphanumeric() || ch == '@' || ch == '_' {
            let end = c[i..]
                .iter()
                .position(|x| !(x.is_alphanumeric() || *x == '@' || *x == '_' || *x == '.'))
                .map_or(c.len(), |p| p + i);
            out.push(Tok::Word(
                c[i..end].iter().collect::<String>().to_uppercase(),
            ));
            i = end;
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["<>", "<=", ">="].contains(&two.as_str()) {
                out.push(Tok::Sym(two));
                i += 2;
            } else if "=<>(),".contains(ch) {
                out.push(Tok::Sym(ch.to_string()));
                i += 1;
            } else {
                return Err(format!("unexpected character `{ch}`"));
            }
        }
    }
    Ok(out)
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Cmp {
        field: String,
        op: String,
        values: Vec<Value>,
    },
}

/// A parsed query: its condition (none: every work item) and sort.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub cond: Option<Cond>,
    pub order: Vec<(String, bool)>,
}

struct P {
    t: Vec<Tok>,
    i: usize,
    project: String,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.i)
    }
    fn word(&mut self, w: &str) -> bool {
        if self.peek() == Some(&Tok::Word(w.into())) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn sym(&mut self, s: &str) -> bool {
        if self.peek() == Some(&Tok::Sym(s.into())) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect_word(&mut self, w: &str) -> Result<(), String> {
        if self.word(w) {
            Ok(())
        } else {
            Err(format!("expected {w} at token {}", self.i))
        }
    }
    fn or(&mut self) -> Result<Cond, String> {
        let mut left = self.and()?;
        while self.word("OR") {
            left = Cond::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Cond, String> {
        let mut left = self.atom()?;
        while self.word("AND") {
            left = Cond::And(Box::new(left), Box::new(self.atom()?));
        }
        Ok(left)
    }
    fn value(&mut self) -> Result<Value, String> {
        let v = match self.peek().cloned() {
            Some(Tok::Str(s)) => Value::from(s),
            Some(Tok::Num(n)) => Value::from(n),
            Some(Tok::Word(w)) if w == "@PROJECT" => Value::from(self.project.clone()),
            other => return Err(format!("expected a value, found {other:?}")),
        };
        self.i += 1;
        Ok(v)
    }
    fn atom(&mut self) -> Result<Cond, String> {
        if self.sym("(") {
            let c = self.or()?;
            if !self.sym(")") {
                return Err("unclosed (".into());
            }
            return Ok(c);
        }
        let Some(Tok::Field(field)) = self.peek().cloned() else {
            return Err(format!("expected a [field] at token {}", self.i));
        };
        self.i += 1;
        let op = if self.word("NOT") {
            if self.word("IN") {
                "NOT IN".to_owned()
            } else {
                self.expect_word("CONTAINS")?;
                "NOT CONTAINS".to_owned()
            }
        } else if self.word("IN") {
            "IN".into()
        } else if self.word("CONTAINS") {
            "CONTAINS".into()
        } else if self.word("UNDER") {
            "UNDER".into()
        } else if let Some(Tok::Sym(s)) = self.peek().cloned()
            && ["=", "<>", "<", "<=", ">", ">="].contains(&s.as_str())
        {
            self.i += 1;
            s
        } else {
            return Err(format!("expected an operator after [{field}]"));
        };
        let values = if op.ends_with("IN") {
            if !self.sym("(") {
                return Err("expected ( after IN".into());
            }
            let mut list = vec![self.value()?];
            while self.sym(",") {
                list.push(self.value()?);
            }
            if !self.sym(")") {
                return Err("unclosed IN list".into());
            }
            list
        } else {
            vec![self.value()?]
        };
        Ok(Cond::Cmp { field, op, values })
    }
}

/// Parses `text`; `@project` stands for `project`.
pub fn parse(text: &str, project: &str) -> Result<Query, String> {
    let mut p = P {
        t: lex(text)?,
        i: 0,
        project: project.to_owned(),
    };
    p.expect_word("SELECT")?;
    while !p.word("FROM") {
        if p.peek().is_none() {
            return Err("expected FROM".into());
        }
        p.i += 1;
    }
    p.expect_word("WORKITEMS")?;
    let cond = if p.word("WHERE") { Some(p.or()?) } else { None };
    let mut order = Vec::new();
    if p.word("ORDER") {
        p.expect_word("BY")?;
        loop {
            let Some(Tok::Field(f)) = p.peek().cloned() else {
                return Err("expected a [field] in ORDER BY".into());
            };
            p.i += 1;
            let desc = p.word("DESC");
            if !desc {
                p.word("ASC");
            }
            order.push((f, !desc));
            if !p.sym(",") {
                break;
            }
        }
    }
    if p.peek().is_some() {
        return Err(format!("unexpected {:?}", p.peek()));
    }
    Ok(Query { cond, order })
}

/// Compares a field's value with a literal: numbers as numbers, dates as
/// instants, the rest as case-insensitive text (as WIQL does).
fn compare(field: &Value, lit: &Value) -> Option<std::cmp::Ordering> {
    if let (Some(a), Some(b)) = (field.as_f64(), lit.as_f64()) {
        return a.partial_cmp(&b);
    }
    let a = field.as_str()?;
    let b = lit.as_str()?;
    if let (Ok(x), Ok(y)) = (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        return Some(x.cmp(&y));
    }
    Some(a.to_lowercase().cmp(&b.to_lowercase()))
}

/// Whether the work item whose fields are `fields` satisfies `c`.
pub fn eval(c: &Cond, fields: &serde_json::Map<String, Value>) -> bool {
    match c {
        Cond::And(a, b) => eval(a, fields) && eval(b, fields),
        Cond::Or(a, b) => eval(a, fields) || eval(b, fields),
        Cond::Cmp { field, op, values } => {
            let v = fields.get(field).cloned().unwrap_or(Value::Null);
            let text = v.as_str().unwrap_or_default().to_lowercase();
            let lit = &values[0];
            let lit_text = lit.as_str().unwrap_or_default().to_lowercase();
            use std::cmp::Ordering::*;
            match op.as_str() {
                "=" => compare(&v, lit) == Some(Equal),
                "<>" => compare(&v, lit) != Some(Equal),
                "<" => compare(&v, lit) == Some(Less),
                "<=" => matches!(compare(&v, lit), Some(Less | Equal)),
                ">" => compare(&v, lit) == Some(Greater),
                ">=" => matches!(compare(&v, lit), Some(Greater | Equal)),
                "CONTAINS" | "NOT CONTAINS" => {
                    // Tags match whole tags; text fields match substrings.
                    let hit = if field == "System.Tags" {
                        text.split(';').any(|t| t.trim() == lit_text)
                    } else {
                        text.contains(&lit_text)
                    };
                    hit == (op == "CONTAINS")
                }
                "IN" | "NOT IN" => {
                    let hit = values.iter().any(|l| compare(&v, l) == Some(Equal));
                    hit == (op == "IN")
                }
                "UNDER" => text == lit_text || text.starts_with(&format!("{lit_text}\\")),
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_evaluates() {
        let q = parse(
            "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND ([System.Title] CONTAINS 'it''s' OR [System.Tags] CONTAINS 'db') AND [System.State] NOT IN ('Closed', 'Removed') AND [System.ChangedDate] >= '2025-01-01T00:00:01Z' ORDER BY [System.ChangedDate] ASC, [System.Id] DESC",
            "DB",
        )
        .expect("parsed");
        assert_eq!(
            q.order,
            [
                ("System.ChangedDate".into(), true),
                ("System.Id".into(), false)
            ]
        );
        let item = json!({"System.TeamProject": "DB", "System.Title": "x", "System.Tags": "db; orders",
            "System.State": "Active", "System.ChangedDate": "2025-01-01T00:00:02Z"});
        let fields = item.as_object().expect("object");
        assert!(eval(q.cond.as_ref().expect("cond"), fields));
        let mut closed = fields.clone();
        closed.insert("System.State".into(), json!("Closed"));
        assert!(!eval(q.cond.as_ref().expect("cond"), &closed));
        assert!(
            parse(
                "SELECT [System.Id] FROM WorkItems WHERE [System.Title] LIKE 'x'",
                "DB"
            )
            .is_err()
        );
    }
}
