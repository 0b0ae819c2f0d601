//! ADF to Markdown: each block rendered to lines, containers (lists,
//! quotes) indenting or prefixing their children's lines. Text is escaped
//! so that the Markdown parses back to the same tree.

use serde_json::Value;

/// Converts an ADF node (normally a `doc`) to Markdown, without a trailing
/// newline. Anything that is not an ADF object gives the empty string.
pub fn adf_to_markdown(doc: &Value) -> String {
    match kind(doc) {
        "doc" => blocks(children(doc)),
        "" => String::new(),
        _ => blocks(std::slice::from_ref(doc)),
    }
}

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

/// Blocks separated by blank lines.
fn blocks(nodes: &[Value]) -> String {
    nodes
        .iter()
        .map(block)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn block(n: &Value) -> String {
    match kind(n) {
        "paragraph" => escape_line_starts(&inline(children(n), true)),
        "heading" => {
            let level = attr(n, "level")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .clamp(1, 6);
            format!(
                "{} {}",
                "#".repeat(level as usize),
                inline(children(n), false)
            )
        }
        "codeBlock" => code_block(n),
        "blockquote" | "panel" => prefix_lines(&blocks(children(n)), "> ", ">"),
        "rule" => "---".into(),
        "bulletList" => list(n, |_| "- ".to_owned()),
        "orderedList" => {
            let start = attr(n, "order").and_then(Value::as_u64).unwrap_or(1);
            list(n, |i| format!("{}. ", start + i as u64))
        }
        "taskList" => task_list(n),
        "table" => table(n),
        "mediaSingle" | "mediaGroup" | "media" => String::new(),
        _ if children(n).iter().any(|c| is_inline(kind(c))) => {
            escape_line_starts(&inline(children(n), true))
        }
        _ => blocks(children(n)),
    }
}

fn is_inline(k: &str) -> bool {
    matches!(
        k,
        "text" | "hardBreak" | "mention" | "emoji" | "inlineCard" | "date" | "status"
    )
}

fn code_block(n: &Value) -> String {
    let text: String = children(n)
        .iter()
        .filter_map(|t| t.get("text").and_then(Value::as_str))
        .collect();
    let mut fence = "```".to_owned();
    while text.contains(&fence) {
        fence.push('`');
    }
    let lang = attr(n, "language")
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("{fence}{lang}\n{text}\n{fence}")
}

/// Items on consecutive lines (a tight list); an item's later lines are
/// indented under its first.
fn list(n: &Value, marker: impl Fn(usize) -> String) -> String {
    children(n)
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let m = marker(i);
            let body = item_blocks(children(item));
            indent_after_first(&format!("{m}{body}"), m.len())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An item's blocks: a list right after text stays on the next line (tight).
fn item_blocks(nodes: &[Value]) -> String {
    let mut out = String::new();
    for (i, b) in nodes.iter().enumerate() {
        if i > 0 {
            let nested = kind(b).ends_with("List");
            out.push_str(if nested { "\n" } else { "\n\n" });
        }
        out.push_str(&block(b));
    }
    out
}

fn task_list(n: &Value) -> String {
    let mut lines = Vec::new();
    for item in children(n) {
        match kind(item) {
            "taskItem" => {
                let done = attr(item, "state").and_then(Value::as_str) == Some("DONE");
                let mark = if done { "- [x] " } else { "- [ ] " };
                let text = escape_line_starts(&inline(children(item), true));
                lines.push(indent_after_first(&format!("{mark}{text}"), 2));
            }
            _ => lines.push(prefix_lines(&block(item), "  ", "")),
        }
    }
    lines.join("\n")
}

fn table(n: &Value) -> String {
    let rows: Vec<Vec<String>> = children(n)
        .iter()
        .map(|row| {
            children(row)
                .iter()
                .map(|cell| {
                    children(cell)
                        .iter()
                        .map(|p| inline(children(p), false))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let line = |cells: &[String]| {
        let mut cells = cells.to_vec();
        cells.resize(width, String::new());
        format!("| {} |", cells.join(" | "))
    };
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        out.push(line(row));
        if i == 0 {
            out.push(line(&vec!["---".to_owned(); width]));
        }
    }
    out.join("\n")
}

fn indent_after_first(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_owned()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.split('\n')
        .map(|l| {
            if l.is_empty() {
                empty.to_owned()
            } else {
                format!("{prefix}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Inline nodes; `breaks` says whether a `hardBreak` may start a new line
/// (not in headings and table cells).
///
/// Marks are written as runs, not per node: a mark that continues from
/// one text node to the next stays open (`*a **b** c*`), marks close in
/// the reverse of the order they opened, and whitespace at the edge of a
/// run is written outside its delimiters, where Markdown needs it.
fn inline(nodes: &[Value], breaks: bool) -> String {
    let mut w = Runs::default();
    for (i, n) in nodes.iter().enumerate() {
        match kind(n) {
            "text" => w.text(n, breaks),
            "hardBreak" => {
                // Marks the next text node does not carry close before the
                // break: a closing delimiter cannot start a line.
                let next = nodes[i + 1..]
                    .iter()
                    .find(|x| kind(x) == "text")
                    .map(span_marks)
                    .unwrap_or_default();
                w.close_to(&next);
                w.plain(if breaks { "\n" } else { " " });
            }
            "mention" | "emoji" | "status" => {
                let t = attr(n, "text")
                    .or_else(|| attr(n, "shortName"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                w.close_to(&[]);
                w.plain(&escape(t));
            }
            "inlineCard" => {
                if let Some(url) = attr(n, "url").and_then(Value::as_str) {
                    w.close_to(&[]);
                    w.plain(&format!("<{url}>"));
                }
            }
            _ => {
                w.close_to(&[]);
                w.plain(&inline(children(n), breaks));
            }
        }
    }
    w.close_to(&[]);
    w.flush();
    w.out
}

/// The marks a run can span (all but `code`, which belongs to one node),
/// in the order they nest: link outermost, then strong, em, strike.
fn span_marks(n: &Value) -> Vec<Value> {
    let mut marks: Vec<Value> = n
        .get("marks")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter(|m| kind(m) != "code").cloned().collect())
        .unwrap_or_default();
    marks.sort_by_key(|m| super::mark_rank(kind(m)));
    marks
}

#[derive(Default)]
struct Runs {
    out: String,
    /// Open marks, outermost first.
    active: Vec<Value>,
    /// Whitespace that ended the last text, held back until it is known
    /// whether a closing delimiter comes first.
    pending: String,
}

impl Runs {
    fn flush(&mut self) {
        self.out.push_str(&std::mem::take(&mut self.pending));
    }

    fn plain(&mut self, s: &str) {
        self.flush();
        self.out.push_str(s);
    }

    /// Closes the open marks from the first one `marks` lacks inward.
    fn close_to(&mut self, marks: &[Value]) {
        let keep = self.active.iter().take_while(|m| marks.contains(m)).count();
        while self.active.len() > keep {
            if let Some(m) = self.active.pop() {
                self.out.push_str(&closing(&m));
            }
        }
    }

    fn text(&mut self, n: &Value, breaks: bool) {
        let raw = n.get("text").and_then(Value::as_str).unwrap_or_default();
        let raw = if breaks {
            raw.to_owned()
        } else {
            raw.replace('\n', " ")
        };
        let code = n
            .get("marks")
            .and_then(Value::as_array)
            .is_some_and(|m| m.iter().any(|m| kind(m) == "code"));
        if !code && raw.trim().is_empty() {
            // Whitespace alone changes no marks.
            self.pending.push_str(&escape(&raw));
            return;
        }
        let marks = span_marks(n);
        self.close_to(&marks);
        let (lead, core, trail) = if code {
            (String::new(), code_span(&raw), String::new())
        } else {
            let t = raw.trim();
            let lead = raw[..raw.len() - raw.trim_start().len()].to_owned();
            let trail = raw[raw.trim_end().len()..].to_owned();
            (lead, escape(t), trail)
        };
        self.flush();
        self.out.push_str(&lead);
        for m in marks
            .iter()
            .filter(|m| !self.active.contains(m))
            .cloned()
            .collect::<Vec<_>>()
        {
            self.out.push_str(opening(&m));
            self.active.push(m);
        }
        self.out.push_str(&core);
        self.pending = trail;
    }
}

fn opening(m: &Value) -> &'static str {
    match kind(m) {
        "link" => "[",
        "strong" => "**",
        "em" => "*",
        "strike" => "~~",
        _ => "",
    }
}

fn closing(m: &Value) -> String {
    match kind(m) {
        "link" => {
            let href = attr(m, "href").and_then(Value::as_str).unwrap_or_default();
            format!("]({})", link_destination(href))
        }
        k => opening(&serde_json::json!({"type": k})).to_owned(),
    }
}

fn code_span(t: &str) -> String {
    let mut ticks = "`".to_owned();
    while t.contains(&ticks) {
        ticks.push('`');
    }
    // One space each side is stripped when read back, so text that
    // starts or ends with a backtick, or with a space at both ends, gets
    // one more; text of spaces only is kept as it is.
    let padded = t.starts_with(' ') && t.ends_with(' ') && !t.trim().is_empty();
    if t.starts_with('`') || t.ends_with('`') || padded {
        format!("{ticks} {t} {ticks}")
    } else {
        format!("{ticks}{t}{ticks}")
    }
}

fn link_destination(href: &str) -> String {
    if href.is_empty() || href.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", href.replace('<', "%3C").replace('>', "%3E"))
    } else {
        href.to_owned()
    }
}

/// Backslash-escapes the characters that are Markdown syntax anywhere in
/// a line.
fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        // `&` only starts an entity before a letter or `#`.
        let entity = c == '&'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#');
        if entity || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes what would start a heading, list, rule or setext underline at
/// the start of a paragraph line.
fn escape_line_starts(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let lead = &line[..line.len() - trimmed.len()];
            if trimmed.starts_with(['#', '+', '-', '=', '>']) {
                return format!("{lead}\\{trimmed}");
            }
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
                return format!("{lead}{}\\{}", &trimmed[..digits], &trimmed[digits..]);
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
