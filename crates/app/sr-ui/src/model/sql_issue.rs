//! "Create issue from result" in the SQL editor: the issue's title and
//! Markdown body from a statement and its last answer, and the one table
//! of the snapshot a statement names (the object the issue is linked to).

use std::time::Duration;

use sr_schema::Snapshot;

use super::sql::{TokenKind, tokens};

/// What the editor last got for the statement, as the issue tells it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AnswerFacts<'a> {
    /// Nothing ran yet (or the answer is gone).
    None,
    Rows {
        /// `None` for statements that return no rows.
        rows: Option<usize>,
        affected: u64,
        truncated: bool,
        elapsed: Duration,
    },
    Plan(&'a str),
    Failed(&'a str),
    Cancelled,
}

/// Longest title, in characters, before it is cut with `…`.
const TITLE_CHARS: usize = 100;

/// `Query on CONNECTION: FIRST LINE OF THE SQL`, cut to a readable length.
pub fn query_issue_title(connection: &str, sql: &str) -> String {
    let line = sql.lines().map(str::trim).find(|l| !l.is_empty());
    let line = line.unwrap_or("(empty statement)");
    let mut first: String = line.chars().take(TITLE_CHARS).collect();
    if line.chars().count() > TITLE_CHARS {
        first.push('…');
    }
    format!("Query on {connection}: {first}")
}

/// The issue body: the query in a `sql` fence, the plan (when the last
/// answer was an Explain, else "not captured"), the row count and timing.
pub fn query_issue_body(connection: &str, sql: &str, answer: AnswerFacts<'_>) -> String {
    let mut body = format!(
        "Query on connection `{connection}`:\n\n```sql\n{}\n```\n\n### Plan\n\n",
        sql.trim()
    );
    match answer {
        AnswerFacts::Plan(plan) => body.push_str(&format!("```\n{}\n```\n\n", plan.trim_end())),
        _ => body.push_str("not captured (run Explain before filing to include it)\n\n"),
    }
    body.push_str("### Result\n\n");
    let line = match answer {
        AnswerFacts::Rows {
            rows: Some(n),
            truncated,
            elapsed,
            ..
        } => {
            let more = if truncated {
                " (only the first rows were fetched)"
            } else {
                ""
            };
            format!("- Rows: {n}{more}\n- Time: {}\n", millis(elapsed))
        }
        AnswerFacts::Rows {
            rows: None,
            affected,
            elapsed,
            ..
        } => format!("- Rows affected: {affected}\n- Time: {}\n", millis(elapsed)),
        AnswerFacts::Plan(_) => "- Rows: not run (Explain only)\n- Time: not captured\n".into(),
        AnswerFacts::Failed(e) => format!("- Failed: {e}\n"),
        AnswerFacts::Cancelled => "- Cancelled before it finished\n".into(),
        AnswerFacts::None => "- Rows: not captured\n- Time: not captured\n".into(),
    };
    body.push_str(&line);
    body
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The tables of `snapshot` that `sql` names, as `(schema, table)`, each
/// once, in order of first mention. Every word and quoted identifier of
/// the statement is matched against the table names (case-insensitively),
/// so a column named like a table counts too: good enough to decide
/// whether a statement is about exactly one table.
pub fn tables_named(sql: &str, snapshot: &Snapshot) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (range, kind) in tokens(sql) {
        if kind != TokenKind::Word {
            continue;
        }
        let word = unquote(&sql[range]);
        for schema in &snapshot.schemas {
            for table in &schema.tables {
                let hit = if word.quoted {
                    table.name == word.text
                } else {
                    table.name.eq_ignore_ascii_case(&word.text)
                };
                if hit
                    && !out
                        .iter()
                        .any(|(s, t)| *s == schema.name && *t == table.name)
                {
                    out.push((schema.name.clone(), table.name.clone()));
                }
            }
        }
    }
    out
}

struct Ident {
    text: String,
    quoted: bool,
}

/// `"a""b"` → `a"b` (quoted), `` `x` `` → `x` (quoted), `orders` as is.
fn unquote(word: &str) -> Ident {
    for q in ['"', '`'] {
        if let Some(inner) = word.strip_prefix(q) {
            let inner = inner.strip_suffix(q).unwrap_or(inner);
            return Ident {
                text: inner.replace(&format!("{q}{q}"), &q.to_string()),
                quoted: true,
            };
        }
    }
    Ident {
        text: word.to_owned(),
        quoted: false,
    }
}

#[cfg(test)]
mod tests {
    use sr_schema::{Dialect, Schema, Table};

    use super::*;

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new(Dialect::Postgres, "shop");
        let mut public = Schema::new("public");
        public.tables = vec![Table::new("orders"), Table::new("customers")];
        let mut audit = Schema::new("audit");
        audit.tables = vec![Table::new("Log")];
        s.schemas = vec![public, audit];
        s
    }

    #[test]
    fn tables_a_statement_names() {
        let s = snapshot();
        let check = |sql: &str, expected: &[&str]| {
            let got: Vec<String> = tables_named(sql, &s)
                .into_iter()
                .map(|(schema, t)| format!("{schema}.{t}"))
                .collect();
            assert_eq!(got, expected, "{sql}");
        };
        check("SELECT 1", &[]);
        check("select * from orders where id = 2", &["public.orders"]);
        check("SELECT * FROM public.ORDERS o", &["public.orders"]);
        check("SELECT * FROM \"orders\"", &["public.orders"]);
        check("SELECT * FROM \"ORDERS\"", &[]);
        check(
            "SELECT * FROM orders JOIN customers USING (id)",
            &["public.orders", "public.customers"],
        );
        check("UPDATE orders SET x = 1 FROM orders o2", &["public.orders"]);
        check("SELECT * FROM `audit`.`Log`", &["audit.Log"]);
        check("SELECT 'orders' -- customers", &[]);
    }

    #[test]
    fn titles_take_the_first_line() {
        let check = |sql: &str, expected: &str| {
            assert_eq!(query_issue_title("demo", sql), expected, "{sql:?}");
        };
        check("SELECT 1", "Query on demo: SELECT 1");
        check("\n  \n  SELECT *\nFROM t", "Query on demo: SELECT *");
        check("", "Query on demo: (empty statement)");
        let long = format!("SELECT {}", "x".repeat(200));
        let title = query_issue_title("demo", &long);
        assert_eq!(title.chars().count(), "Query on demo: ".len() + 101);
        assert!(title.ends_with("x…"), "{title}");
    }

    #[test]
    fn bodies_carry_query_plan_rows_and_time() {
        let check = |answer: AnswerFacts<'_>, expected: &[&str]| {
            let body = query_issue_body("demo", " SELECT * FROM orders ", answer);
            assert!(
                body.starts_with(
                    "Query on connection `demo`:\n\n```sql\nSELECT * FROM orders\n```\n"
                ),
                "{body}"
            );
            for part in expected {
                assert!(body.contains(part), "{part:?} not in\n{body}");
            }
        };
        let rows = |rows, truncated| AnswerFacts::Rows {
            rows,
            affected: 3,
            truncated,
            elapsed: Duration::from_micros(2_500),
        };
        check(
            rows(Some(100), false),
            &[
                "### Plan\n\nnot captured",
                "- Rows: 100\n",
                "- Time: 2.5 ms",
            ],
        );
        check(
            rows(Some(100), true),
            &["- Rows: 100 (only the first rows were fetched)"],
        );
        check(rows(None, false), &["- Rows affected: 3\n- Time: 2.5 ms"]);
        check(
            AnswerFacts::Plan("SCAN orders\n"),
            &["### Plan\n\n```\nSCAN orders\n```\n", "Rows: not run"],
        );
        check(
            AnswerFacts::Failed("no such column: x"),
            &["not captured", "- Failed: no such column: x"],
        );
        check(AnswerFacts::Cancelled, &["- Cancelled"]);
        check(AnswerFacts::None, &["- Rows: not captured"]);
    }
}
