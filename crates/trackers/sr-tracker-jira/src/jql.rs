//! JQL for a [`SearchQuery`]: project, labels, text, status category and
//! last update, newest first. Every value is quoted, so a label or word
//! cannot change the query's shape.

use sr_model::{SearchQuery, StateFilter};

/// A JQL string literal: in double quotes, with `"` and `\` escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text search goes to Lucene, where `+ - & | ! ( ) { } [ ] ^ ~ * ? \ :`
/// are operators; each is escaped with a backslash (which [`quote`] then
/// doubles, as JQL wants: `text ~ "a\\-b"`), so words are searched as
/// written.
pub fn text_term(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "+-&|!(){}[]^~*?\\:".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The JQL that finds `query`'s issues in project `project`.
pub fn search(project: &str, query: &SearchQuery) -> String {
    let mut clauses = vec![format!("project = {}", quote(project))];
    for label in &query.labels {
        clauses.push(format!("labels = {}", quote(label)));
    }
    let text = query.text.trim();
    if !text.is_empty() {
        clauses.push(format!("text ~ {}", quote(&text_term(text))));
    }
    match query.state {
        StateFilter::Open => clauses.push("statusCategory != Done".into()),
        StateFilter::Closed => clauses.push("statusCategory = Done".into()),
        StateFilter::All => {}
    }
    if let Some(since) = query.updated_since {
        // JQL takes minutes; the minute of `since` is included.
        clauses.push(format!(
            "updated >= {}",
            quote(&since.format("%Y/%m/%d %H:%M").to_string())
        ));
    }
    format!("{} ORDER BY updated DESC", clauses.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: SearchQuery, expected: &str) {
        assert_eq!(search("DB", &query), expected);
    }

    #[test]
    fn queries() {
        check(
            SearchQuery::default(),
            r#"project = "DB" ORDER BY updated DESC"#,
        );
        check(
            SearchQuery {
                labels: vec!["db".into(), "needs review".into()],
                state: StateFilter::Open,
                ..SearchQuery::default()
            },
            r#"project = "DB" AND labels = "db" AND labels = "needs review" AND statusCategory != Done ORDER BY updated DESC"#,
        );
        check(
            SearchQuery {
                text: " orders ".into(),
                state: StateFilter::Closed,
                updated_since: chrono::DateTime::from_timestamp(1_705_314_600, 0),
                ..SearchQuery::default()
            },
            r#"project = "DB" AND text ~ "orders" AND statusCategory = Done AND updated >= "2024/01/15 10:30" ORDER BY updated DESC"#,
        );
        check(
            SearchQuery::text(r#"a" OR project = "X"#),
            r#"project = "DB" AND text ~ "a\" OR project = \"X" ORDER BY updated DESC"#,
        );
        check(
            SearchQuery::text("order-items (v2)"),
            r#"project = "DB" AND text ~ "order\\-items \\(v2\\)" ORDER BY updated DESC"#,
        );
    }
}
