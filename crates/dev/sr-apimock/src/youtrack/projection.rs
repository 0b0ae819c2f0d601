//! YouTrack's `fields` projection: an answer holds `$type` and the
//! attributes asked for (`id,summary,customFields(name,value(name))`),
//! nothing else; an entity asked for without attributes comes back as
//! `$type` and `id`.

use serde_json::{Map, Value};

/// A `fields` projection: attribute → sub-projection.
#[derive(Debug, Default)]
pub(crate) struct Projection(Vec<(String, Projection)>);

/// Parses `id,summary,customFields(name,value(name))`.
pub(crate) fn parse_fields(text: &str) -> Projection {
    fn list(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Projection {
        let mut out = Vec::new();
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            match c {
                ',' => {
                    chars.next();
                    if !name.trim().is_empty() {
                        out.push((name.trim().to_owned(), Projection::default()));
                    }
                    name.clear();
                }
                '(' => {
                    chars.next();
                    let sub = list(chars);
                    out.push((name.trim().to_owned(), sub));
                    name.clear();
                }
                ')' => {
                    chars.next();
                    break;
                }
                _ => {
                    name.push(c);
                    chars.next();
                }
            }
        }
        if !name.trim().is_empty() {
            out.push((name.trim().to_owned(), Projection::default()));
        }
        Projection(out)
    }
    list(&mut text.chars().peekable())
}

/// `value` cut to `fields`: objects keep `$type` and the attributes
/// asked for (with their own projection); lists are cut item by item.
pub(crate) fn project(value: &Value, fields: &Projection) -> Value {
    match value {
        Value::Array(a) => Value::Array(a.iter().map(|v| project(v, fields)).collect()),
        Value::Object(o) => {
            let mut out = Map::new();
            if let Some(t) = o.get("$type") {
                out.insert("$type".into(), t.clone());
            }
            for (name, sub) in &fields.0 {
                if let Some(v) = o.get(name) {
                    let v = if sub.0.is_empty() {
                        // An entity asked for without attributes: `$type` (and id) only.
                        match v {
                            Value::Object(_) | Value::Array(_) => project(v, &parse_fields("id")),
                            other => other.clone(),
                        }
                    } else {
                        project(v, sub)
                    };
                    out.insert(name.clone(), v);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}
