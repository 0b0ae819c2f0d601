//! A validator for OpenAPI 3.0 schema objects: `$ref`, `type`, `nullable`,
//! `enum`, `required`, `properties`, `additionalProperties`, `items`,
//! `oneOf`/`anyOf`/`allOf`, lengths, bounds and the `date-time` format.
//!
//! `nullable: true` admits `null` and nothing more: a schema that combines
//! it with `oneOf` and no `type` (GitHub's `milestone`) still checks every
//! other value against the branches. Keywords of one JSON type apply only
//! to values of that type, as in JSON Schema. `pattern` is not checked.

use serde_json::Value;

/// Checks `value` against `schema`, resolving `$ref`s in `root`; pushes one
/// message per violation, each starting with the JSON path (`body.title`).
pub fn validate(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(schema) = resolve(root, schema, errors, path) else {
        return;
    };
    let Some(obj) = schema.as_object() else {
        return; // `true` or `{}`-like: anything goes.
    };
    if value.is_null() {
        if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        if obj.get("type").is_some() {
            errors.push(format!("{path}: null is not allowed here"));
            return;
        }
    }
    if let Some(t) = obj.get("type").and_then(Value::as_str)
        && !has_type(value, t)
    {
        errors.push(format!("{path}: expected {t}, got {}", describe(value)));
        return;
    }
    if let Some(options) = obj.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!(
            "{path}: {value} is not one of {}",
            Value::Array(options.clone())
        ));
    }
    match value {
        Value::String(s) => check_string(obj, s, path, errors),
        Value::Number(n) => check_number(obj, n.as_f64().unwrap_or(0.0), path, errors),
        Value::Array(items) => check_array(root, obj, items, path, errors),
        Value::Object(map) => check_object(root, obj, map, path, errors),
        _ => {}
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for s in all {
            validate(root, s, value, path, errors);
        }
    }
    if let Some(any) = obj.get("anyOf").and_then(Value::as_array)
        && !any.iter().any(|s| matches(root, s, value, path))
    {
        errors.push(format!(
            "{path}: {} matches none of the anyOf schemas",
            describe(value)
        ));
    }
    if let Some(one) = obj.get("oneOf").and_then(Value::as_array) {
        let n = one.iter().filter(|s| matches(root, s, value, path)).count();
        if n != 1 {
            errors.push(format!(
                "{path}: {} matches {n} of the oneOf schemas, not exactly one",
                describe(value)
            ));
        }
    }
}

/// Whether `value` satisfies `schema`, without reporting why not.
pub fn matches(root: &Value, schema: &Value, value: &Value, path: &str) -> bool {
    let mut e = Vec::new();
    validate(root, schema, value, path, &mut e);
    e.is_empty()
}

/// Follows `$ref`s (`#/components/schemas/issue`) to the schema itself.
pub fn resolve<'a>(
    root: &'a Value,
    mut schema: &'a Value,
    errors: &mut Vec<String>,
    path: &str,
) -> Option<&'a Value> {
    for _ in 0..32 {
        let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
            return Some(schema);
        };
        match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(s) => schema = s,
            None => {
                errors.push(format!("{path}: unresolvable $ref {r}"));
                return None;
            }
        }
    }
    errors.push(format!("{path}: $ref chain too deep"));
    None
}

fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let text = value.to_string();
    if text.len() > 60 {
        kind.to_owned()
    } else {
        format!("{kind} {text}")
    }
}

type Obj = serde_json::Map<String, Value>;

fn check_string(obj: &Obj, s: &str, path: &str, errors: &mut Vec<String>) {
    let len = s.chars().count() as u64;
    if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
        && len < min
    {
        errors.push(format!("{path}: shorter than {min} characters"));
    }
    if let Some(max) = obj.get("maxLength").and_then(Value::as_u64)
        && len > max
    {
        errors.push(format!("{path}: longer than {max} characters"));
    }
    if obj.get("format").and_then(Value::as_str) == Some("date-time")
        && chrono::DateTime::parse_from_rfc3339(s).is_err()
    {
        errors.push(format!("{path}: `{s}` is not an RFC 3339 date-time"));
    }
}

fn check_number(obj: &Obj, n: f64, path: &str, errors: &mut Vec<String>) {
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
        && n < min
    {
        errors.push(format!("{path}: {n} is below the minimum {min}"));
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
        && n > max
    {
        errors.push(format!("{path}: {n} is above the maximum {max}"));
    }
}

fn check_array(root: &Value, obj: &Obj, items: &[Value], path: &str, errors: &mut Vec<String>) {
    if let Some(min) = obj.get("minItems").and_then(Value::as_u64)
        && (items.len() as u64) < min
    {
        errors.push(format!("{path}: fewer than {min} items"));
    }
    if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
        && (items.len() as u64) > max
    {
        errors.push(format!("{path}: more than {max} items"));
    }
    if let Some(schema) = obj.get("items") {
        for (i, item) in items.iter().enumerate() {
            validate(root, schema, item, &format!("{path}[{i}]"), errors);
        }
    }
}

fn check_object(root: &Value, obj: &Obj, map: &Obj, path: &str, errors: &mut Vec<String>) {
    if let Some(required) = obj.get("required").and_then(Value::as_array) {
        for r in required.iter().filter_map(Value::as_str) {
            if !map.contains_key(r) {
                errors.push(format!("{path}: required property `{r}` is missing"));
            }
        }
    }
    let props = obj.get("properties").and_then(Value::as_object);
    for (k, v) in map {
        let sub = format!("{path}.{k}");
        match props.and_then(|p| p.get(k)) {
            Some(s) => validate(root, s, v, &sub, errors),
            None => match obj.get("additionalProperties") {
                Some(Value::Bool(false)) => {
                    errors.push(format!("{path}: property `{k}` is not allowed"))
                }
                Some(s @ Value::Object(_)) => validate(root, s, v, &sub, errors),
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, value: Value, expected: &[&str]) {
        let root = json!({"components": {"schemas": {"n": {"type": "integer", "minimum": 1}}}});
        let mut errors = Vec::new();
        validate(&root, &schema, &value, "body", &mut errors);
        assert_eq!(errors, expected, "{schema} / {value}");
    }

    #[test]
    fn types_and_nullable() {
        check(json!({"type": "string"}), json!("x"), &[]);
        check(
            json!({"type": "string"}),
            json!(1),
            &["body: expected string, got a number 1"],
        );
        check(
            json!({"type": "string"}),
            json!(null),
            &["body: null is not allowed here"],
        );
        check(
            json!({"type": "string", "nullable": true}),
            json!(null),
            &[],
        );
        check(
            json!({"type": "integer"}),
            json!(1.5),
            &["body: expected integer, got a number 1.5"],
        );
        check(json!({}), json!(null), &[]);
    }

    #[test]
    fn one_of_with_nullable_still_validates() {
        let milestone =
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true});
        check(milestone.clone(), json!(null), &[]);
        check(milestone.clone(), json!(3), &[]);
        check(milestone.clone(), json!("v1"), &[]);
        check(
            milestone,
            json!(true),
            &["body: a boolean true matches 0 of the oneOf schemas, not exactly one"],
        );
        let not_nullable = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        check(
            not_nullable,
            json!(null),
            &["body: null matches 0 of the oneOf schemas, not exactly one"],
        );
        // Two matching branches break oneOf.
        check(
            json!({"oneOf": [{"type": "integer"}, {"type": "number"}]}),
            json!(2),
            &["body: a number 2 matches 2 of the oneOf schemas, not exactly one"],
        );
    }

    #[test]
    fn objects_arrays_refs() {
        let s = json!({"type": "object", "required": ["title"], "properties": {"title": {"type": "string"}, "n": {"$ref": "#/components/schemas/n"}}, "additionalProperties": false});
        check(s.clone(), json!({"title": "t", "n": 2}), &[]);
        check(
            s.clone(),
            json!({"n": 0}),
            &[
                "body: required property `title` is missing",
                "body.n: 0 is below the minimum 1",
            ],
        );
        check(
            s,
            json!({"title": "t", "x": 1}),
            &["body: property `x` is not allowed"],
        );
        check(
            json!({"type": "array", "items": {"type": "string"}}),
            json!(["a", 2]),
            &["body[1]: expected string, got a number 2"],
        );
        check(
            json!({"enum": ["open", "closed"]}),
            json!("gone"),
            &[r#"body: "gone" is not one of ["open","closed"]"#],
        );
        check(
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!([]),
            &["body: an array [] matches none of the anyOf schemas"],
        );
        check(
            json!({"allOf": [{"required": ["a"]}, {"required": ["b"]}]}),
            json!({"a": 1}),
            &["body: required property `b` is missing"],
        );
        check(
            json!({"type": "string", "format": "date-time"}),
            json!("yesterday"),
            &["body: `yesterday` is not an RFC 3339 date-time"],
        );
        check(
            json!({"$ref": "#/components/schemas/missing"}),
            json!(1),
            &["body: unresolvable $ref #/components/schemas/missing"],
        );
        // Object keywords do not apply to strings.
        check(
            json!({"properties": {"a": {"type": "string"}}, "required": ["a"]}),
            json!("s"),
            &[],
        );
    }
}
