//! Handlebars helpers for writing Markdown issue bodies from event data:
//!
//! - `{{code_block text "sql"}}`: a fenced code block, the fence longer than any
//!   backtick run inside so SQL with backticks (MySQL) stays one block;
//! - `{{md_table rows "key" "key:Header"}}`: a Markdown table from an array
//!   of objects (columns default to the keys of the rows, sorted), cells with
//!   `|` escaped and line breaks flattened;
//! - `{{truncate text 80}}`: at most that many characters, `…` when cut;
//! - `{{md_escape text}}`: user text with Markdown's specials escaped, so a
//!   table called `*orders*` is not shown in italics;
//! - `{{join list ", "}}`: the items of a list joined.
//!
//! The names avoid words that event data uses as keys (`table`, `code`):
//! Handlebars prefers a helper to a variable of the same name.
//!
//! Each helper is a pure function over JSON values (tested as data below)
//! wrapped so that, in strict mode, a missing argument is an error naming
//! its path like any other missing variable.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, RenderErrorReason,
    ScopedJson,
};
use serde_json::Value;

type HelperFn = fn(&[&Value]) -> Result<String, String>;

/// The helpers by name, with how many arguments each needs at least.
const HELPERS: &[(&str, usize, HelperFn)] = &[
    ("code_block", 1, code_helper),
    ("md_table", 1, table_helper),
    ("truncate", 2, truncate_helper),
    ("md_escape", 1, md_escape_helper),
    ("join", 1, join_helper),
];

/// Registers every helper on `registry`.
pub(crate) fn register(registry: &mut Handlebars<'static>) {
    for (name, min_args, f) in HELPERS {
        registry.register_helper(
            name,
            Box::new(Wrapped {
                name,
                min_args: *min_args,
                f: *f,
            }),
        );
    }
}

struct Wrapped {
    name: &'static str,
    min_args: usize,
    f: HelperFn,
}

impl HelperDef for Wrapped {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        if h.params().len() < self.min_args {
            return Err(
                RenderErrorReason::ParamNotFoundForIndex(self.name, h.params().len()).into(),
            );
        }
        let mut args = Vec::with_capacity(h.params().len());
        for p in h.params() {
            if r.strict_mode() && p.is_value_missing() {
                return Err(RenderError::strict_error(p.relative_path()));
            }
            args.push(p.value());
        }
        let text = (self.f)(&args)
            .map_err(|m| RenderErrorReason::Other(format!("helper `{}`: {m}", self.name)))?;
        Ok(ScopedJson::Derived(Value::String(text)))
    }
}

/// A value as text: strings as they are, `null` as nothing, other values
/// as JSON.
pub fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A fenced code block holding `text`, tagged with `language` (may be
/// empty). The fence is three backticks, or one longer than the longest
/// run of backticks in `text`.
pub fn code_block(text: &str, language: &str) -> String {
    let longest = longest_run(text, '`');
    let fence = "`".repeat((longest + 1).max(3));
    let body = text.strip_suffix('\n').unwrap_or(text);
    format!("{fence}{language}\n{body}\n{fence}")
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A Markdown table of `rows` (objects) with one column per entry of
/// `columns`: a key, or `key:Header` to head the column with other words.
/// An empty table is written as `_(none)_` since Markdown has no empty
/// table.
pub fn markdown_table(rows: &[Value], columns: &[String]) -> String {
    if rows.is_empty() || columns.is_empty() {
        return "_(none)_".to_owned();
    }
    let (keys, headers): (Vec<&str>, Vec<&str>) = columns
        .iter()
        .map(|c| c.split_once(':').unwrap_or((c, c)))
        .unzip();
    let mut out = String::new();
    let header: Vec<String> = headers.iter().map(|c| table_cell(c)).collect();
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(columns.len())));
    for row in rows {
        let cells: Vec<String> = keys
            .iter()
            .map(|c| match row {
                Value::Object(map) => table_cell(&plain(map.get(*c).unwrap_or(&Value::Null))),
                other => table_cell(&plain(other)),
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out.pop();
    out
}

/// A table cell: `|` escaped, line breaks turned into spaces (a line break
/// ends a Markdown table row), and an empty cell kept as a space.
fn table_cell(text: &str) -> String {
    let one_line: String = text
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
        .replace('\\', "\\\\")
        .replace('|', "\\|");
    one_line.trim().to_owned()
}

/// At most `n` characters of `text`; when cut, the last one is `…`.
pub fn truncate_chars(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_owned();
    }
    if n == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(n - 1).collect();
    out.push('…');
    out
}

/// `text` with every character Markdown could read as syntax escaped by a
/// backslash (CommonMark lets any ASCII punctuation be escaped so), and
/// line-start markers (`-`, `+`, `1.`, `=`) that would start a list or a
/// heading.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_line_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if at_line_start => {
                out.push(c);
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    out.push(d);
                }
                if let Some(p) = chars.next_if(|p| *p == '.' || *p == ')') {
                    out.push('\\');
                    out.push(p);
                }
            }
            _ => out.push(c),
        }
        at_line_start = c == '\n' || (at_line_start && c == ' ');
    }
    out
}

fn code_helper(args: &[&Value]) -> Result<String, String> {
    let language = args.get(1).map(|v| plain(v)).unwrap_or_default();
    Ok(code_block(&plain(args[0]), &language))
}

fn table_helper(args: &[&Value]) -> Result<String, String> {
    let rows = match args[0] {
        Value::Array(rows) => rows,
        // Row data that was left out is a note (see `strip_rows`): say so.
        Value::String(s) => return Ok(s.clone()),
        Value::Null => return Ok("_(none)_".to_owned()),
        other => return Err(format!("needs a list of rows, got {other}")),
    };
    let columns: Vec<String> = if args.len() > 1 {
        args[1..].iter().map(|v| plain(v)).collect()
    } else {
        let mut keys: Vec<String> = rows
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| m.keys().cloned())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    };
    Ok(markdown_table(rows, &columns))
}

fn truncate_helper(args: &[&Value]) -> Result<String, String> {
    let n = args[1]
        .as_u64()
        .ok_or_else(|| format!("the length must be a whole number, got {}", args[1]))?;
    let n = usize::try_from(n).map_err(|e| e.to_string())?;
    Ok(truncate_chars(&plain(args[0]), n))
}

fn md_escape_helper(args: &[&Value]) -> Result<String, String> {
    Ok(md_escape(&plain(args[0])))
}

fn join_helper(args: &[&Value]) -> Result<String, String> {
    let sep = args
        .get(1)
        .map(|v| plain(v))
        .unwrap_or_else(|| ", ".to_owned());
    match args[0] {
        Value::Array(items) => Ok(items.iter().map(plain).collect::<Vec<_>>().join(&sep)),
        other => Ok(plain(other)),
    }
}

#[cfg(test)]
#[path = "helpers_tests.rs"]
mod tests;
