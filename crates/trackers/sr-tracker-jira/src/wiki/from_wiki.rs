//! Jira wiki markup → ADF: a line-by-line block reader (headings, `{code}`
//! and `{quote}` blocks, lists by marker depth, tables, rules, paragraphs)
//! and an inline reader for marks, code, links and backslash escapes.

use serde_json::{Map, Value, json};

use super::inline::{inline, unescaped_find};

/// Wiki markup as an ADF document.
pub fn wiki_to_adf(wiki: &str) -> Value {
    let lines: Vec<&str> = wiki.lines().map(str::trim_end).collect();
    json!({"type": "doc", "version": 1, "content": blocks(&lines)})
}

fn node(kind: &str, attrs: Option<Value>, content: Vec<Value>) -> Value {
    let mut n = Map::new();
    n.insert("type".into(), json!(kind));
    if let Some(a) = attrs {
        n.insert("attrs".into(), a);
    }
    n.insert("content".into(), Value::Array(content));
    Value::Object(n)
}

fn heading_level(line: &str) -> Option<(u64, &str)> {
    let b = line.as_bytes();
    if b.len() >= 3 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1]) && b[2] == b'.' {
        let rest = &line[3..];
        return Some((
            u64::from(b[1] - b'0'),
            rest.strip_prefix(' ').unwrap_or(rest),
        ));
    }
    None
}

/// The markers and text of a list line (`** text`, `#* text`, `- text`).
fn list_line(line: &str) -> Option<(&str, &str)> {
    let markers = line.len() - line.trim_start_matches(['*', '#']).len();
    if markers > 0 && line[markers..].starts_with(' ') {
        return Some((&line[..markers], line[markers + 1..].trim_start()));
    }
    line.strip_prefix("- ").map(|t| ("*", t.trim_start()))
}

/// Lines up to the one that closes a `{name}` block; returns them and the
/// index after the closing line.
fn until_closing<'a>(lines: &[&'a str], from: usize, name: &str) -> (Vec<&'a str>, usize) {
    let close = format!("{{{name}}}");
    let mut inner = Vec::new();
    let mut i = from;
    while i < lines.len() {
        if lines[i].trim() == close {
            return (inner, i + 1);
        }
        inner.push(lines[i]);
        i += 1;
    }
    (inner, i)
}

fn blocks(lines: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<Value>| {
        if !para.is_empty() {
            let mut content = Vec::new();
            for (i, l) in para.iter().enumerate() {
                if i > 0 {
                    content.push(json!({"type": "hardBreak"}));
                }
                content.extend(inline(l));
            }
            out.push(node("paragraph", None, content));
            para.clear();
        }
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            flush(&mut para, &mut out);
            i += 1;
        } else if let Some(spec) = trimmed
            .strip_prefix("{code")
            .or_else(|| trimmed.strip_prefix("{noformat"))
            .and_then(|r| r.strip_suffix('}'))
        {
            flush(&mut para, &mut out);
            let name = if trimmed.starts_with("{code") {
                "code"
            } else {
                "noformat"
            };
            // `{code:sql}` or `{code:language=sql|title=…}`.
            let lang = spec
                .strip_prefix(':')
                .and_then(|p| {
                    p.split('|').find_map(|kv| match kv.split_once('=') {
                        Some(("language", v)) => Some(v),
                        Some(_) => None,
                        None => Some(kv),
                    })
                })
                .filter(|l| !l.is_empty());
            let (inner, next) = until_closing(lines, i + 1, name);
            let text = inner.join("\n");
            let content = if text.is_empty() {
                vec![]
            } else {
                vec![json!({"type": "text", "text": text})]
            };
            out.push(node(
                "codeBlock",
                lang.map(|l| json!({"language": l})),
                content,
            ));
            i = next;
        } else if trimmed == "{quote}" {
            flush(&mut para, &mut out);
            let (inner, next) = until_closing(lines, i + 1, "quote");
            out.push(node("blockquote", None, blocks(&inner)));
            i = next;
        } else if let Some(rest) = trimmed.strip_prefix("bq. ") {
            flush(&mut para, &mut out);
            out.push(node(
                "blockquote",
                None,
                vec![node("paragraph", None, inline(rest))],
            ));
            i += 1;
        } else if let Some((level, text)) = heading_level(trimmed) {
            flush(&mut para, &mut out);
            out.push(node("heading", Some(json!({"level": level})), inline(text)));
            i += 1;
        } else if trimmed == "----" {
            flush(&mut para, &mut out);
            out.push(json!({"type": "rule"}));
            i += 1;
        } else if list_line(trimmed).is_some() {
            flush(&mut para, &mut out);
            let mut items = Vec::new();
            while let Some(item) = lines.get(i).and_then(|l| list_line(l.trim_start())) {
                items.push(item);
                i += 1;
            }
            out.extend(lists(&items, 0));
        } else if trimmed.starts_with('|') {
            flush(&mut para, &mut out);
            let mut rows = Vec::new();
            while let Some(l) = lines
                .get(i)
                .map(|l| l.trim())
                .filter(|l| l.starts_with('|'))
            {
                rows.push(row(l));
                i += 1;
            }
            out.push(node(
                "table",
                Some(json!({"isNumberColumnEnabled": false, "layout": "default"})),
                rows,
            ));
        } else {
            para.push(line);
            i += 1;
        }
    }
    flush(&mut para, &mut out);
    out
}

fn task_state(text: &str) -> Option<(&'static str, &str)> {
    if let Some(t) = text.strip_prefix("[ ] ") {
        return Some(("TODO", t));
    }
    text.strip_prefix("[x] ")
        .or_else(|| text.strip_prefix("[X] "))
        .map(|t| ("DONE", t))
}

/// The lists of `items` at marker depth `depth`: a run of items whose
/// marker at that depth is the same kind makes one list; deeper items
/// nest in the item before them.
fn lists(items: &[(&str, &str)], depth: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let ordered = items[i].0.as_bytes().get(depth) == Some(&b'#');
        let mut members: Vec<Value> = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        let mut tasks = true;
        while i < items.len()
            && items[i].0.len() > depth
            && (items[i].0.as_bytes()[depth] == b'#') == ordered
        {
            let (markers, text) = items[i];
            i += 1;
            let start = i;
            while i < items.len() && items[i].0.len() > markers.len().max(depth + 1) {
                i += 1;
            }
            let nested = lists(&items[start..i], depth + 1);
            tasks &= !ordered && nested.is_empty() && task_state(text).is_some();
            let mut content = vec![node("paragraph", None, inline(text))];
            content.extend(nested);
            members.push(node("listItem", None, content));
            texts.push(text);
        }
        if members.is_empty() {
            // Nothing at this depth (cannot happen for items from `blocks`).
            i += 1;
            continue;
        }
        if tasks {
            let task_items = texts
                .iter()
                .map(|t| {
                    let (state, rest) = task_state(t).unwrap_or(("TODO", t));
                    node("taskItem", Some(json!({"state": state})), inline(rest))
                })
                .collect();
            out.push(node("taskList", None, task_items));
        } else if ordered {
            out.push(node("orderedList", Some(json!({"order": 1})), members));
        } else {
            out.push(node("bulletList", None, members));
        }
    }
    out
}

/// `||a||b||` (header cells) or `|a|b|`.
fn row(line: &str) -> Value {
    let mut cells = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let header = rest.starts_with("||");
        rest = rest.trim_start_matches('|');
        if rest.is_empty() {
            break;
        }
        let end = unescaped_find(rest, '|').unwrap_or(rest.len());
        let text = rest[..end].trim();
        rest = &rest[end..];
        let kind = if header { "tableHeader" } else { "tableCell" };
        cells.push(node(
            kind,
            Some(json!({})),
            vec![node("paragraph", None, inline(text))],
        ));
    }
    node("tableRow", None, cells)
}
