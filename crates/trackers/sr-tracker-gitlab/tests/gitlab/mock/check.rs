//! What the mock checks a request against: query parameters and JSON body
//! fields as GitLab's API documentation lists them, with their types.

use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Gitlab, query_pairs, reply};

/// The allowed keys and a check for each value.
pub(super) type Rules<'a> = &'a [(&'a str, fn(&str) -> bool)];

pub(super) fn any(_: &str) -> bool {
    true
}
pub(super) fn per_page(v: &str) -> bool {
    v.parse::<u32>().is_ok_and(|n| (1..=100).contains(&n))
}
pub(super) fn page(v: &str) -> bool {
    v.parse::<u32>().is_ok_and(|n| n >= 1)
}
pub(super) fn boolean(v: &str) -> bool {
    matches!(v, "true" | "false")
}
pub(super) fn datetime(v: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(v).is_ok()
}
pub(super) fn issue_state(v: &str) -> bool {
    matches!(v, "opened" | "closed" | "all")
}
pub(super) fn order_by(v: &str) -> bool {
    matches!(
        v,
        "created_at"
            | "updated_at"
            | "priority"
            | "due_date"
            | "relative_position"
            | "label_priority"
            | "milestone_due"
            | "popularity"
            | "weight"
            | "title"
    )
}
pub(super) fn sort(v: &str) -> bool {
    matches!(v, "asc" | "desc")
}

/// JSON body field types as the docs give them.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    Str,
    Bool,
    IntArray,
    StateEvent,
}

pub(super) fn type_ok(t: Ty, v: &Value) -> bool {
    match t {
        Ty::Str => v.is_string(),
        Ty::Bool => v.is_boolean(),
        Ty::IntArray => v.as_array().is_some_and(|a| a.iter().all(Value::is_u64)),
        Ty::StateEvent => matches!(v.as_str(), Some("close" | "reopen")),
    }
}

impl Gitlab {
    pub(super) fn fail(&mut self, what: String) -> Response {
        self.failures.push(what.clone());
        reply(400, json!({"error": what}))
    }

    pub(super) fn tick(&mut self) -> String {
        self.clock += 1;
        let t = chrono::DateTime::from_timestamp(1_700_000_000 + self.clock, 0).unwrap_or_default();
        t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    pub(super) fn check_query(&mut self, uri: &Uri, rules: Rules<'_>) -> Option<Response> {
        for (k, v) in query_pairs(uri) {
            match rules.iter().find(|(n, _)| *n == k) {
                None => {
                    return Some(
                        self.fail(format!("{} {uri}: unknown query parameter `{k}`", "GET")),
                    );
                }
                Some((_, ok)) if !ok(&v) => {
                    return Some(self.fail(format!("{uri}: `{k}` does not accept `{v}`")));
                }
                _ => {}
            }
        }
        None
    }

    /// The JSON body, checked: an object with known fields of the right
    /// types, `required` present. The error is the answer to send; its size
    /// does not matter in a test server.
    #[allow(clippy::result_large_err)]
    pub(super) fn check_body(
        &mut self,
        what: &str,
        headers: &HeaderMap,
        body: &[u8],
        fields: &[(&str, Ty)],
        required: &[&str],
    ) -> Result<serde_json::Map<String, Value>, Response> {
        let ct = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !ct.starts_with("application/json") {
            return Err(self.fail(format!("{what}: content-type `{ct}` is not JSON")));
        }
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Err(self.fail(format!("{what}: the body is not a JSON object")));
        };
        for (k, v) in &map {
            match fields.iter().find(|(n, _)| n == k) {
                None => return Err(self.fail(format!("{what}: unknown field `{k}`"))),
                Some((_, t)) if !type_ok(*t, v) => {
                    return Err(self.fail(format!("{what}: `{k}` is invalid ({v})")));
                }
                _ => {}
            }
        }
        for r in required {
            if !map.contains_key(*r) {
                return Err(self.fail(format!("{what}: {r} is missing")));
            }
        }
        Ok(map)
    }
}
