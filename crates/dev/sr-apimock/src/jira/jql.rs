//! The part of JQL the mock understands: clauses joined by `AND` over
//! project, labels, text, statusCategory and updated, and `ORDER BY`
//! (ignored: answers are newest first). Anything else is a 400, as Jira
//! answers a query it cannot parse.

/// One condition on an issue.
#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Project(String),
    Label(String),
    Text(String),
    /// `statusCategory = Done` (true) or `!= Done` (false).
    Done(bool),
    /// `updated >= "yyyy/MM/dd HH:mm"`.
    UpdatedSince(String),
}

/// Parses `query`, or says what it cannot read.
pub fn parse(query: &str) -> Result<Vec<Clause>, String> {
    let body = match query.find(" ORDER BY ") {
        Some(i) => &query[..i],
        None => query,
    };
    let mut out = Vec::new();
    for part in split_and(body) {
        let part = part.trim();
        let clause = if let Some(v) = part.strip_prefix("project = ") {
            Clause::Project(unquote(v)?)
        } else if let Some(v) = part.strip_prefix("labels = ") {
            Clause::Label(unquote(v)?)
        } else if let Some(v) = part.strip_prefix("text ~ ") {
            Clause::Text(unquote(v)?)
        } else if part == "statusCategory = Done" {
            Clause::Done(true)
        } else if part == "statusCategory != Done" {
            Clause::Done(false)
        } else if let Some(v) = part.strip_prefix("updated >= ") {
            Clause::UpdatedSince(unquote(v)?)
        } else {
            return Err(format!("Error in the JQL Query: cannot read `{part}`."));
        };
        out.push(clause);
    }
    Ok(out)
}

/// Splits on ` AND ` outside quotes.
fn split_and(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if !quoted && rest.starts_with(" AND ") {
            parts.push(std::mem::take(&mut cur));
            rest = &rest[5..];
            continue;
        }
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        }
        cur.push(c);
        rest = &rest[c.len_utf8()..];
    }
    parts.push(cur);
    parts
}

fn unquote(v: &str) -> Result<String, String> {
    let v = v.trim();
    let inner = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .ok_or_else(|| format!("Error in the JQL Query: `{v}` is not a quoted string."))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses() {
        assert_eq!(
            parse(
                r#"project = "DB" AND labels = "a AND b" AND text ~ "x\"y" AND statusCategory != Done ORDER BY updated DESC"#
            ),
            Ok(vec![
                Clause::Project("DB".into()),
                Clause::Label("a AND b".into()),
                Clause::Text("x\"y".into()),
                Clause::Done(false),
            ])
        );
        assert!(parse("assignee = currentUser()").is_err());
        assert!(parse("project = DB").is_err());
    }
}
