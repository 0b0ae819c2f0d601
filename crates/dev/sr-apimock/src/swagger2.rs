//! Swagger 2.0 descriptions (Microsoft's Azure DevOps description) read as
//! the OpenAPI 3.0 shape the rest of the crate validates against:
//!
//! - a parameter `in: body` becomes the operation's `requestBody`, one
//!   content entry per media type the operation `consumes`
//!   (`application/json-patch+json` for work item writes);
//! - other parameters get their `type`, `format`, `enum`, `items` and
//!   bounds moved into a `schema`; shared `#/parameters/…` are inlined;
//! - a response's `schema` becomes `content.application/json.schema`,
//!   and the recorded example an operation names in `x-ms-examples` (the
//!   files beside the description) becomes that content's `example`;
//! - `x-ms-paths` (paths told apart by a query parameter,
//!   `…/comments?format={format}`) join `paths` under their full key; the
//!   matcher reads the part after `?` as the query names it requires.
//!
//! Azure DevOps answers differ from the description in two documented
//! ways, which the conversion follows: a list comes wrapped as
//! `{"count": n, "value": [...]}` (the description gives the bare array),
//! and properties a schema does not require may be `null` (AutoRest reads
//! Swagger 2.0 properties as nullable; .NET writes unset ones as `null`).
//! A HEAD answer has no body.
//!
//! Two habits of Microsoft's generator are undone, each only where its
//! output cannot mean what it says: an object whose `allOf` holds a
//! `type: array` (`JsonPatchDocument`: the body is the array) becomes that
//! array, and a bare `{"type": "object"}` (how it writes .NET's `object`,
//! "a primitive or a JToken", for a patch `value` or a field value) admits
//! any value. The `api-version` each operation takes, given only in its
//! description text ("should be set to '7.1-preview.4'"), becomes an enum.

use std::path::Path;

use serde_json::{Map, Value, json};

/// Parameter keywords that describe the value (moved into `schema`).
const VALUE_KEYWORDS: [&str; 10] = [
    "type",
    "format",
    "enum",
    "items",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "default",
];

/// Whether `root` is a Swagger 2.0 description.
pub fn is_swagger2(root: &Value) -> bool {
    root.get("swagger").and_then(Value::as_str) == Some("2.0")
}

/// The OpenAPI 3.0 shape of a Swagger 2.0 description; `examples` is the
/// folder of recorded examples (`dir/file.json` saved as `dir_file.json`).
pub fn convert(mut root: Value, examples: Option<&Path>) -> Value {
    let shared = root.get("parameters").cloned().unwrap_or(Value::Null);
    let consumes = root.get("consumes").cloned();
    let mut paths = Map::new();
    for key in ["paths", "x-ms-paths"] {
        let Some(Value::Object(p)) = root.get(key).cloned() else {
            continue;
        };
        for (template, item) in p {
            let Value::Object(item) = item else { continue };
            let mut out = Map::new();
            for (method, op) in item {
                let converted = if method == "parameters" {
                    Value::Array(params(&shared, &op).0)
                } else {
                    operation(&method, &shared, consumes.as_ref(), op, examples)
                };
                out.insert(method, converted);
            }
            paths.insert(template, Value::Object(out));
        }
    }
    root["paths"] = Value::Object(paths);
    if let Some(defs) = root.get_mut("definitions") {
        normalise(defs);
    }
    root
}

/// Inlines shared parameters and splits off the body parameter.
fn params(shared: &Value, list: &Value) -> (Vec<Value>, Option<Value>) {
    let mut out = Vec::new();
    let mut body = None;
    for p in list.as_array().into_iter().flatten() {
        let p = match p.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix("#/parameters/").and_then(|n| shared.get(n)) {
                Some(p) => p.clone(),
                None => continue,
            },
            None => p.clone(),
        };
        if p.get("in").and_then(Value::as_str) == Some("body") {
            body = Some(p);
            continue;
        }
        out.push(parameter(p));
    }
    (out, body)
}

/// A non-body parameter with its value keywords under `schema`.
fn parameter(mut p: Value) -> Value {
    let Some(obj) = p.as_object_mut() else {
        return p;
    };
    let mut schema = Map::new();
    for k in VALUE_KEYWORDS {
        if let Some(v) = obj.remove(k) {
            schema.insert(k.to_owned(), v);
        }
    }
    if obj.get("name").and_then(Value::as_str) == Some("api-version")
        && let Some(version) = obj
            .get("description")
            .and_then(Value::as_str)
            .and_then(|d| d.split('\'').nth(1))
    {
        schema.insert("enum".into(), json!([version]));
    }
    let mut schema = Value::Object(schema);
    normalise(&mut schema);
    obj.insert("schema".into(), schema);
    p
}

fn operation(
    method: &str,
    shared: &Value,
    consumes: Option<&Value>,
    op: Value,
    examples: Option<&Path>,
) -> Value {
    let Value::Object(mut op) = op else {
        return op;
    };
    let (list, body) = params(shared, op.get("parameters").unwrap_or(&Value::Null));
    op.insert("parameters".into(), Value::Array(list));
    if let Some(body) = body {
        let mut schema = body.get("schema").cloned().unwrap_or(json!({}));
        normalise(&mut schema);
        let types: Vec<String> = op
            .get("consumes")
            .or(consumes)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_else(|| vec!["application/json".into()]);
        let content: Map<String, Value> = types
            .into_iter()
            .map(|t| (t, json!({"schema": schema})))
            .collect();
        op.insert(
            "requestBody".into(),
            json!({
                "required": body.get("required").and_then(Value::as_bool).unwrap_or(false),
                "content": content,
            }),
        );
    }
    let example = examples.and_then(|dir| recorded_example(dir, &Value::Object(op.clone())));
    if method == "head" {
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for resp in responses.values_mut() {
                if let Some(obj) = resp.as_object_mut() {
                    obj.remove("schema");
                }
            }
        }
        return Value::Object(op);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (code, resp) in responses.iter_mut() {
            let Some(obj) = resp.as_object_mut() else {
                continue;
            };
            let Some(mut schema) = obj.remove("schema") else {
                continue;
            };
            normalise(&mut schema);
            if schema.get("type").and_then(Value::as_str) == Some("array") {
                schema = json!({"type": "object", "properties": {
                    "count": {"type": "integer"},
                    "value": schema,
                }});
            }
            let mut content = json!({"schema": schema});
            if let Some((c, body)) = &example
                && c == code
            {
                content["example"] = body.clone();
            }
            obj.insert("content".into(), json!({ "application/json": content }));
        }
    }
    Value::Object(op)
}

/// The status and answer body of the first recorded example the operation
/// names (`x-ms-examples: {"…": {"$ref": "./httpExamples/dir/file.json"}}`).
fn recorded_example(dir: &Path, op: &Value) -> Option<(String, Value)> {
    let examples = op.get("x-ms-examples")?.as_object()?;
    examples.values().find_map(|e| {
        let r = e.get("$ref")?.as_str()?;
        let rel = r.trim_start_matches("./").strip_prefix("httpExamples/")?;
        let text = std::fs::read(dir.join(rel.replace('/', "_"))).ok()?;
        let file: Value = serde_json::from_slice(strip_bom(&text)).ok()?;
        let (code, resp) = file.get("responses")?.as_object()?.iter().next()?;
        Some((code.clone(), resp.get("body")?.clone()))
    })
}

/// Bytes without a leading UTF-8 byte-order mark (Microsoft's files start
/// with one; JSON parsers refuse it).
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Undoes the generator's habits (see the module documentation) in every
/// schema under `v`.
fn normalise(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            if obj.get("type").and_then(Value::as_str) == Some("object") {
                let array = obj
                    .get("allOf")
                    .and_then(Value::as_array)
                    .and_then(|all| {
                        all.iter()
                            .find(|s| s.get("type").and_then(Value::as_str) == Some("array"))
                    })
                    .cloned();
                let no_props = obj
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_none_or(Map::is_empty);
                if let (Some(array), true) = (array, no_props) {
                    let description = obj.get("description").cloned();
                    *v = array;
                    if let (Some(d), Some(o)) = (description, v.as_object_mut()) {
                        o.insert("description".into(), d);
                    }
                    normalise(v);
                    return;
                }
                let bare = !["properties", "additionalProperties", "allOf", "required"]
                    .iter()
                    .any(|k| obj.contains_key(*k));
                if bare {
                    obj.remove("type");
                }
            }
            for (_, child) in obj.iter_mut() {
                normalise(child);
            }
            let required: Vec<String> = obj
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(props)) = obj.get_mut("properties") {
                for (name, prop) in props.iter_mut() {
                    if !required.contains(name) {
                        nullable(prop);
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}

/// Lets a property schema admit `null` too (a `$ref` is wrapped, since
/// keywords beside a `$ref` are not read).
fn nullable(prop: &mut Value) {
    let Some(obj) = prop.as_object_mut() else {
        return;
    };
    if obj.contains_key("$ref") {
        *prop = json!({"nullable": true, "allOf": [Value::Object(obj.clone())]});
    } else {
        obj.insert("nullable".into(), Value::Bool(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_documents_are_arrays_and_object_values_are_open() {
        let mut doc = json!({"definitions": {
            "JsonPatchDocument": {"type": "object", "allOf": [{"type": "array", "items": {"$ref": "#/definitions/Op"}}], "properties": {}},
            "Op": {"type": "object", "properties": {"op": {"enum": ["add"]}, "value": {"type": "object"}}},
        }});
        normalise(&mut doc);
        assert_eq!(
            doc["definitions"]["JsonPatchDocument"],
            json!({"type": "array", "items": {"$ref": "#/definitions/Op"}})
        );
        assert_eq!(
            doc["definitions"]["Op"]["properties"]["value"],
            json!({"nullable": true})
        );
        assert_eq!(
            doc["definitions"]["Op"]["properties"]["op"],
            json!({"enum": ["add"], "nullable": true})
        );
        assert_eq!(doc["definitions"]["Op"]["type"], "object");
    }

    #[test]
    fn body_parameters_become_request_bodies() {
        let root = json!({
            "swagger": "2.0",
            "parameters": {"v": {"name": "api-version", "in": "query", "required": true, "type": "string",
                "description": "This should be set to '7.1' to use this version of the api."}},
            "paths": {"/{org}/items": {"post": {
                "operationId": "Items_Create",
                "consumes": ["application/json-patch+json"],
                "parameters": [
                    {"in": "path", "name": "org", "required": true, "type": "string"},
                    {"in": "body", "name": "body", "required": true, "schema": {"type": "array"}},
                    {"in": "query", "name": "n", "type": "integer"},
                    {"$ref": "#/parameters/v"}
                ],
                "responses": {"200": {"description": "ok", "schema": {"type": "object"}}}
            }}},
            "x-ms-paths": {"/{org}/items?format={format}": {"post": {"operationId": "Items_Format", "parameters": []}}}
        });
        let out = convert(root, None);
        let op = &out["paths"]["/{org}/items"]["post"];
        assert_eq!(
            op["requestBody"],
            json!({"required": true, "content": {"application/json-patch+json": {"schema": {"type": "array"}}}})
        );
        assert_eq!(op["parameters"][1]["schema"], json!({"type": "integer"}));
        assert_eq!(
            op["parameters"][2]["schema"],
            json!({"type": "string", "enum": ["7.1"]})
        );
        assert_eq!(op["parameters"].as_array().map(Vec::len), Some(3));
        assert!(op["responses"]["200"]["content"]["application/json"]["schema"].is_object());
        assert!(out["paths"]["/{org}/items?format={format}"]["post"].is_object());
    }
}
