//! The rules of Atlassian Document Format that Jira Cloud enforces when it
//! takes a description, written as a checker for the documents the Jira
//! adapter's Markdown converter produces. Jira's OpenAPI description types
//! the field only as an object, so the rules here follow Atlassian's ADF
//! structure reference (node kinds, which nodes each may hold, required
//! attributes, marks and their combinations, non-empty text).

use serde_json::{Map, Value};

const BLOCKS: &[&str] = &[
    "paragraph",
    "heading",
    "bulletList",
    "orderedList",
    "codeBlock",
    "blockquote",
    "rule",
    "table",
    "panel",
    "taskList",
    "decisionList",
    "mediaGroup",
    "mediaSingle",
    "expand",
];
const INLINES: &[&str] = &[
    "text",
    "hardBreak",
    "mention",
    "emoji",
    "date",
    "status",
    "inlineCard",
];
const MARKS: &[&str] = &[
    "code",
    "em",
    "link",
    "strike",
    "strong",
    "subsup",
    "textColor",
    "underline",
];

/// Checks `doc` and says where the first broken rule is.
pub fn validate(doc: &Value) -> Result<(), String> {
    let map = doc.as_object().ok_or("the document is not an object")?;
    if map.get("type").and_then(Value::as_str) != Some("doc") {
        return Err("the root is not of type doc".into());
    }
    if map.get("version").and_then(Value::as_u64) != Some(1) {
        return Err("doc.version is not 1".into());
    }
    keys(map, &["type", "version", "content"], "doc")?;
    children(map, "doc", BLOCKS, 0)
}

fn keys(map: &Map<String, Value>, allowed: &[&str], at: &str) -> Result<(), String> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("{at}: unexpected property `{k}`")),
        None => Ok(()),
    }
}

fn kind(v: &Value) -> &str {
    v.get("type").and_then(Value::as_str).unwrap_or("")
}

fn children(
    map: &Map<String, Value>,
    at: &str,
    allowed: &[&str],
    min: usize,
) -> Result<(), String> {
    let content = match map.get("content") {
        None if min == 0 => return Ok(()),
        None => return Err(format!("{at}: content is missing")),
        Some(Value::Array(c)) => c,
        Some(_) => return Err(format!("{at}: content is not an array")),
    };
    if content.len() < min {
        return Err(format!("{at}: needs at least {min} child node(s)"));
    }
    for (i, child) in content.iter().enumerate() {
        let k = kind(child);
        let here = format!("{at}/{i}:{k}");
        if !allowed.contains(&k) {
            return Err(format!("{here}: a {k} node is not allowed here"));
        }
        node(child, &here)?;
    }
    Ok(())
}

fn node(v: &Value, at: &str) -> Result<(), String> {
    let map = v.as_object().ok_or(format!("{at}: not an object"))?;
    let attrs = map.get("attrs").cloned().unwrap_or(Value::Null);
    match kind(v) {
        "paragraph" => {
            keys(map, &["type", "content", "attrs"], at)?;
            children(map, at, INLINES, 0)
        }
        "heading" => {
            keys(map, &["type", "content", "attrs"], at)?;
            let level = attrs.get("level").and_then(Value::as_u64).unwrap_or(0);
            if !(1..=6).contains(&level) {
                return Err(format!("{at}: heading level {level} is not 1 to 6"));
            }
            children(map, at, INLINES, 0)
        }
        "bulletList" => {
            keys(map, &["type", "content"], at)?;
            children(map, at, &["listItem"], 1)
        }
        "orderedList" => {
            keys(map, &["type", "content", "attrs"], at)?;
            if let Some(order) = attrs.get("order") {
                order
                    .as_u64()
                    .ok_or(format!("{at}: order is not a whole number"))?;
            }
            children(map, at, &["listItem"], 1)
        }
        "listItem" => {
            keys(map, &["type", "content"], at)?;
            children(
                map,
                at,
                &[
                    "paragraph",
                    "bulletList",
                    "orderedList",
                    "codeBlock",
                    "taskList",
                    "mediaSingle",
                ],
                1,
            )
        }
        "codeBlock" => {
            keys(map, &["type", "content", "attrs"], at)?;
            if let Some(lang) = attrs.get("language") {
                lang.as_str()
                    .ok_or(format!("{at}: language is not a string"))?;
            }
            children(map, at, &["text"], 0)?;
            let marked = map
                .get("content")
                .and_then(Value::as_array)
                .is_some_and(|c| c.iter().any(|t| t.get("marks").is_some()));
            if marked {
                return Err(format!("{at}: text in a code block cannot have marks"));
            }
            Ok(())
        }
        "blockquote" => {
            keys(map, &["type", "content"], at)?;
            children(
                map,
                at,
                &["paragraph", "bulletList", "orderedList", "codeBlock"],
                1,
            )
        }
        "rule" | "hardBreak" => keys(map, &["type"], at),
        "table" => {
            keys(map, &["type", "content", "attrs"], at)?;
            children(map, at, &["tableRow"], 1)
        }
        "tableRow" => {
            keys(map, &["type", "content"], at)?;
            children(map, at, &["tableHeader", "tableCell"], 1)
        }
        "tableHeader" | "tableCell" => {
            keys(map, &["type", "content", "attrs"], at)?;
            children(map, at, BLOCKS, 1)
        }
        "taskList" => {
            keys(map, &["type", "content", "attrs"], at)?;
            attrs
                .get("localId")
                .and_then(Value::as_str)
                .ok_or(format!("{at}: localId is missing"))?;
            children(map, at, &["taskItem", "taskList"], 1)
        }
        "taskItem" => {
            keys(map, &["type", "content", "attrs"], at)?;
            attrs
                .get("localId")
                .and_then(Value::as_str)
                .ok_or(format!("{at}: localId is missing"))?;
            match attrs.get("state").and_then(Value::as_str) {
                Some("TODO" | "DONE") => children(map, at, INLINES, 0),
                other => Err(format!("{at}: state {other:?} is not TODO or DONE")),
            }
        }
        "text" => text(map, at),
        other => Err(format!(
            "{at}: the converter should not produce {other} nodes"
        )),
    }
}

fn text(map: &Map<String, Value>, at: &str) -> Result<(), String> {
    keys(map, &["type", "text", "marks"], at)?;
    let text = map
        .get("text")
        .and_then(Value::as_str)
        .ok_or(format!("{at}: text is missing"))?;
    if text.is_empty() {
        return Err(format!("{at}: text nodes cannot be empty"));
    }
    let Some(marks) = map.get("marks") else {
        return Ok(());
    };
    let marks = marks
        .as_array()
        .ok_or(format!("{at}: marks is not an array"))?;
    let mut seen = Vec::new();
    for m in marks {
        let k = kind(m);
        if !MARKS.contains(&k) {
            return Err(format!("{at}: mark {k:?} is not an ADF mark"));
        }
        if seen.contains(&k) {
            return Err(format!("{at}: mark {k} given twice"));
        }
        if k == "link" && m.pointer("/attrs/href").and_then(Value::as_str).is_none() {
            return Err(format!("{at}: a link mark needs attrs.href"));
        }
        seen.push(k);
    }
    if seen.contains(&"code") && seen.iter().any(|k| *k != "code" && *k != "link") {
        return Err(format!(
            "{at}: the code mark combines only with link, not {seen:?}"
        ));
    }
    Ok(())
}
