//! ADF → Jira wiki markup: blocks separated by blank lines, lists by
//! repeated markers, marks written as runs with the whitespace at a run's
//! edge kept outside its delimiters (wiki markup, like Markdown, only
//! opens a mark before a non-space).

use serde_json::Value;

fn kind(v: &Value) -> &str {
    v.get("type").and_then(Value::as_str).unwrap_or_default()
}

fn children(v: &Value) -> &[Value] {
    v.get("content")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn attr<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get("attrs").and_then(|a| a.get(name))
}

/// An ADF document as wiki markup.
pub fn adf_to_wiki(doc: &Value) -> String {
    blocks(children(doc))
}

fn blocks(nodes: &[Value]) -> String {
    nodes
        .iter()
        .map(block)
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn block(n: &Value) -> String {
    match kind(n) {
        "heading" => {
            let level = attr(n, "level")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .clamp(1, 6);
            format!("h{level}. {}", inline(children(n), false))
        }
        "codeBlock" => {
            let text: String = children(n)
                .iter()
                .filter_map(|t| t.get("text").and_then(Value::as_str))
                .collect();
            match attr(n, "language").and_then(Value::as_str) {
                Some(lang) if !lang.is_empty() => format!("{{code:{lang}}}\n{text}\n{{code}}"),
                _ => format!("{{code}}\n{text}\n{{code}}"),
            }
        }
        "blockquote" | "panel" => format!("{{quote}}\n{}\n{{quote}}", blocks(children(n))),
        "rule" => "----".into(),
        "bulletList" | "orderedList" => list(n, ""),
        "taskList" => children(n)
            .iter()
            .map(|item| {
                let done = attr(item, "state").and_then(Value::as_str) == Some("DONE");
                let mark = if done { "[x]" } else { "[ ]" };
                format!("* {mark} {}", inline(children(item), false))
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "table" => children(n)
            .iter()
            .map(|row| {
                let mut line = String::new();
                let mut closing = "|";
                for cell in children(row) {
                    let sep = if kind(cell) == "tableHeader" {
                        "||"
                    } else {
                        "|"
                    };
                    let text: Vec<String> = children(cell)
                        .iter()
                        .map(|p| inline(children(p), false))
                        .collect();
                    line.push_str(sep);
                    line.push_str(&text.join(" "));
                    closing = sep;
                }
                line.push_str(closing);
                line
            })
            .collect::<Vec<_>>()
            .join("\n"),
        "paragraph" => escape_line_starts(&inline(children(n), true)),
        _ if children(n).iter().all(|c| is_inline(kind(c))) => {
            escape_line_starts(&inline(children(n), true))
        }
        _ => blocks(children(n)),
    }
}

fn is_inline(k: &str) -> bool {
    matches!(
        k,
        "text" | "hardBreak" | "mention" | "emoji" | "inlineCard" | "status" | "date"
    )
}

/// One line per item, its marker the parents' markers plus its own.
fn list(n: &Value, parents: &str) -> String {
    let marker = format!(
        "{parents}{}",
        if kind(n) == "orderedList" { "#" } else { "*" }
    );
    let mut lines = Vec::new();
    for item in children(n) {
        let mut text = Vec::new();
        let mut nested = Vec::new();
        for b in children(item) {
            match kind(b) {
                "bulletList" | "orderedList" => nested.push(list(b, &marker)),
                _ => text.push(inline(children(b), false)),
            }
        }
        lines.push(format!("{marker} {}", text.join(" ")));
        lines.extend(nested);
    }
    lines.join("\n")
}

const MARKS: [&str; 5] = ["link", "strong", "em", "strike", "code"];

/// A node's marks, by rank (links outermost, code innermost).
fn marks_of(n: &Value) -> Vec<Value> {
    let mut m: Vec<Value> = n
        .get("marks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| MARKS.contains(&kind(m)))
        .collect();
    m.sort_by_key(|m| crate::adf::mark_rank(kind(m)));
    m
}

fn open(m: &Value) -> &'static str {
    match kind(m) {
        "link" => "[",
        "strong" => "*",
        "em" => "_",
        "strike" => "-",
        _ => "{{",
    }
}

fn close(m: &Value) -> String {
    match kind(m) {
        "link" => {
            let href = attr(m, "href").and_then(Value::as_str).unwrap_or_default();
            format!("|{href}]")
        }
        "code" => "}}".into(),
        k => open(&serde_json::json!({"type": k})).to_owned(),
    }
}

/// Marks on the stack that `marks` keeps stay first, in the stack's
/// order, so a run continues (`_a *b* c_`); the new ones follow by rank.
fn ordered(marks: Vec<Value>, stack: &[Value]) -> (Vec<Value>, usize) {
    let same = stack.iter().take_while(|m| marks.contains(m)).count();
    let mut out: Vec<Value> = stack[..same].to_vec();
    out.extend(marks.into_iter().filter(|m| !stack[..same].contains(m)));
    (out, same)
}

/// Inline nodes; `breaks` says whether a `hardBreak` starts a new line.
/// Whitespace at the edge of a run is held back and written outside the
/// delimiters once it is known whether the run goes on.
fn inline(nodes: &[Value], breaks: bool) -> String {
    let mut out = String::new();
    let mut stack: Vec<Value> = Vec::new();
    let mut pending = String::new();
    let close_to = |out: &mut String, stack: &mut Vec<Value>, keep: usize| {
        while stack.len() > keep {
            if let Some(m) = stack.pop() {
                out.push_str(&close(&m));
            }
        }
    };
    for n in nodes {
        match kind(n) {
            "text" => {
                let text = n.get("text").and_then(Value::as_str).unwrap_or_default();
                let body = text.trim_start();
                let lead = &text[..text.len() - body.len()];
                let trimmed = body.trim_end();
                let trail = &body[trimmed.len()..];
                if trimmed.is_empty() {
                    pending.push_str(text);
                    continue;
                }
                let (marks, same) = ordered(marks_of(n), &stack);
                close_to(&mut out, &mut stack, same);
                out.push_str(&pending);
                pending.clear();
                out.push_str(lead);
                for m in &marks[same..] {
                    out.push_str(open(m));
                    stack.push(m.clone());
                }
                let in_code = marks.iter().any(|m| kind(m) == "code");
                out.push_str(&if in_code {
                    trimmed.to_owned()
                } else {
                    escape(trimmed)
                });
                pending.push_str(trail);
            }
            "hardBreak" => {
                close_to(&mut out, &mut stack, 0);
                out.push_str(&pending);
                pending.clear();
                out.push(if breaks { '\n' } else { ' ' });
            }
            _ => {
                close_to(&mut out, &mut stack, 0);
                out.push_str(&pending);
                pending.clear();
                let text = n
                    .pointer("/attrs/text")
                    .or_else(|| n.pointer("/attrs/shortName"))
                    .or_else(|| n.pointer("/attrs/url"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                out.push_str(&escape(text));
            }
        }
    }
    close_to(&mut out, &mut stack, 0);
    out.push_str(&pending);
    out
}

/// Backslash-escapes what wiki markup would read as a mark, a link, a
/// macro or an image; a `-` only where it could open or close a strike.
fn escape(t: &str) -> String {
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let dash = c == '-' && !(word(before) && word(after));
        if dash || matches!(c, '\\' | '*' | '_' | '{' | '}' | '[' | ']' | '|' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes what would start a heading, list, quote or table at the start
/// of a paragraph line (`*`, `-`, `|` and `{` are escaped everywhere).
fn escape_line_starts(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.starts_with('#') {
                return format!("\\{line}");
            }
            let b = line.as_bytes();
            let heading =
                b.len() >= 3 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1]) && b[2] == b'.';
            if heading {
                return format!("{}\\{}", &line[..2], &line[2..]);
            }
            if let Some(rest) = line.strip_prefix("bq.") {
                return format!("bq\\.{rest}");
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
