//! Inline wiki markup → ADF text nodes: `*strong*`, `_emphasis_`,
//! `-strike-` (opening after a non-word character before a non-space,
//! closing after a non-space before a non-word character), `{{code}}`,
//! `[text|url]` links and backslash escapes; anything else is text.

use serde_json::{Map, Value, json};

/// Inline wiki markup as ADF text nodes.
pub(super) fn inline(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    inline_into(text, &[], &mut out);
    merge(out)
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Where the mark `d` that opens at byte `from` closes: a `d` after a
/// non-space, not followed by a letter or digit.
fn closing(text: &str, from: usize, d: char) -> Option<usize> {
    let mut escaped = false;
    let mut prev: Option<char> = None;
    for (i, c) in text[from..].char_indices() {
        let at = from + i;
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == d
            && at > from
            && prev.is_some_and(|p| !p.is_whitespace())
            && !is_word(text[at + c.len_utf8()..].chars().next())
        {
            return Some(at);
        }
        prev = Some(c);
    }
    None
}

fn inline_into(text: &str, marks: &[Value], out: &mut Vec<Value>) {
    let mut plain = String::new();
    let flush = |plain: &mut String, out: &mut Vec<Value>| {
        if !plain.is_empty() {
            out.push(text_node(plain, marks));
            plain.clear();
        }
    };
    let mut prev: Option<char> = None;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let next = rest[c.len_utf8()..].chars().next();
        if c == '\\'
            && let Some(n) = next
        {
            plain.push(n);
            i += 1 + n.len_utf8();
            prev = Some(n);
            continue;
        }
        if let Some(inner) = rest.strip_prefix("{{")
            && let Some(first) = inner.find("}}")
        {
            // `}}}}` closes at its last two braces: `{{{{x}}}}` is `{{x}}`.
            let run = inner[first..].len() - inner[first..].trim_start_matches('}').len();
            let end = first + run - 2;
            flush(&mut plain, out);
            let mut m = marks.to_vec();
            m.push(json!({"type": "code"}));
            out.push(text_node(&inner[..end], &m));
            i += 2 + end + 2;
            prev = Some('}');
            continue;
        }
        if c == '['
            && let Some(end) = unescaped_find(&rest[1..], ']')
        {
            let inside = &rest[1..1 + end];
            let (label, href) = match inside.rsplit_once('|') {
                Some((l, h)) => (l, h),
                None => (inside, inside),
            };
            if !href.is_empty() {
                flush(&mut plain, out);
                let mut m = marks.to_vec();
                m.push(json!({"type": "link", "attrs": {"href": href}}));
                inline_into(label, &m, out);
                i += 1 + end + 1;
                prev = Some(']');
                continue;
            }
        }
        let mark = match c {
            '*' => Some("strong"),
            '_' => Some("em"),
            '-' => Some("strike"),
            _ => None,
        };
        if let Some(kind) = mark
            && !is_word(prev)
            && next.is_some_and(|n| !n.is_whitespace())
            && let Some(end) = closing(text, i + 1, c)
        {
            flush(&mut plain, out);
            let mut m = marks.to_vec();
            m.push(json!({"type": kind}));
            inline_into(&text[i + 1..end], &m, out);
            i = end + 1;
            prev = Some(c);
            continue;
        }
        plain.push(c);
        prev = Some(c);
        i += c.len_utf8();
    }
    flush(&mut plain, out);
}

fn text_node(text: &str, marks: &[Value]) -> Value {
    let mut n = Map::new();
    n.insert("type".into(), json!("text"));
    n.insert("text".into(), json!(text));
    if !marks.is_empty() {
        let mut m = marks.to_vec();
        m.sort_by_key(|m| {
            crate::adf::mark_rank(m.get("type").and_then(Value::as_str).unwrap_or_default())
        });
        m.dedup();
        n.insert("marks".into(), Value::Array(m));
    }
    Value::Object(n)
}

/// Joins neighbouring text nodes with the same marks.
fn merge(nodes: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for n in nodes {
        if let Some(last) = out.last_mut()
            && last.get("type") == Some(&json!("text"))
            && n.get("type") == Some(&json!("text"))
            && last.get("marks") == n.get("marks")
        {
            let joined = format!(
                "{}{}",
                last.get("text").and_then(Value::as_str).unwrap_or_default(),
                n.get("text").and_then(Value::as_str).unwrap_or_default()
            );
            last["text"] = json!(joined);
            continue;
        }
        out.push(n);
    }
    out
}

/// The byte index of the first `c` not escaped by a backslash.
pub(super) fn unescaped_find(s: &str, c: char) -> Option<usize> {
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' {
            escaped = true;
        } else if ch == c {
            return Some(i);
        }
    }
    None
}
