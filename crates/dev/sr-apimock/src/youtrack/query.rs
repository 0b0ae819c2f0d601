//! The part of YouTrack's search query syntax the adapter sends:
//! `project: DB`, `tag: {two words}`, `#Resolved`, `#Unresolved`,
//! `updated: 2026-01-02T10:00:00 .. *` (either end may be `*`), words and
//! `"quoted phrases"` matched in summary and description, and
//! `sort by: created asc`. Anything else is a query error, as YouTrack
//! reports an attribute it does not know.

use super::Issue;

#[derive(Debug, Default)]
pub(crate) struct Query {
    project: Option<String>,
    tags: Vec<String>,
    resolved: Option<bool>,
    updated_from: Option<i64>,
    updated_to: Option<i64>,
    words: Vec<String>,
    pub sort_created_asc: bool,
}

fn date(text: &str) -> Result<Option<i64>, String> {
    if text == "*" {
        return Ok(None);
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .map(|d| Some(d.and_utc().timestamp_millis()))
        .map_err(|e| format!("`{text}` is not a date: {e}"))
}

/// Splits into tokens: `{…}` and `"…"` are one token each.
fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {}
            '{' | '"' => {
                let close = if c == '{' { '}' } else { '"' };
                let mut t = String::from(c);
                loop {
                    match chars.next() {
                        Some(x) if x == close => break,
                        Some(x) => t.push(x),
                        None => return Err(format!("unclosed {c}")),
                    }
                }
                out.push(t);
            }
            _ => {
                let mut t = String::from(c);
                while let Some(&x) = chars.peek() {
                    if x == ' ' {
                        break;
                    }
                    t.push(x);
                    chars.next();
                }
                out.push(t);
            }
        }
    }
    Ok(out)
}

fn value(t: &str) -> String {
    t.trim_start_matches(['{', '"']).to_owned()
}

pub(crate) fn parse(text: &str) -> Result<Query, String> {
    let mut q = Query::default();
    let toks = tokens(text)?;
    let mut i = 0;
    let next = |i: &mut usize| -> Result<String, String> {
        *i += 1;
        toks.get(*i)
            .cloned()
            .ok_or_else(|| "a value is missing".to_owned())
    };
    while i < toks.len() {
        let t = toks[i].clone();
        match t.as_str() {
            "project:" => q.project = Some(value(&next(&mut i)?)),
            "tag:" => q.tags.push(value(&next(&mut i)?)),
            "#Resolved" => q.resolved = Some(true),
            "#Unresolved" => q.resolved = Some(false),
            "updated:" => {
                let from = next(&mut i)?;
                if next(&mut i)? != ".." {
                    return Err("`updated:` takes a range `A .. B`".into());
                }
                let to = next(&mut i)?;
                q.updated_from = date(&from)?;
                q.updated_to = date(&to)?;
            }
            "sort" => {
                if next(&mut i)? != "by:" || next(&mut i)? != "created" || next(&mut i)? != "asc" {
                    return Err("only `sort by: created asc` is understood here".into());
                }
                q.sort_created_asc = true;
            }
            s if s.ends_with(':') => return Err(format!("unknown attribute `{s}`")),
            s => q.words.push(value(s).to_lowercase()),
        }
        i += 1;
    }
    Ok(q)
}

impl Query {
    pub(crate) fn matches(&self, i: &Issue, short_name: &str) -> bool {
        let text = format!("{} {}", i.summary, i.description).to_lowercase();
        self.project
            .as_ref()
            .is_none_or(|p| p.eq_ignore_ascii_case(short_name))
            && self
                .tags
                .iter()
                .all(|t| i.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
            && self.resolved.is_none_or(|r| r == i.resolved())
            // Dates in queries are to the second: the range covers the
            // whole last second.
            && self.updated_from.is_none_or(|f| i.updated >= f)
            && self.updated_to.is_none_or(|t| i.updated < t + 1000)
            && self.words.iter().all(|w| text.contains(w.as_str()))
    }
}
