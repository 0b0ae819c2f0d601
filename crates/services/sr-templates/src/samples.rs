//! The example event each built-in template is checked against at load,
//! and the shape of the data templates render.
//!
//! Events come in the `scratchrobin events emit` format:
//! `{"event": "drift.detected", "connection": "demo", "object":
//! "main.orders", "data": {…}}`. Templates and rule conditions read the
//! members of `data` at the top level (`drift.severity`, not
//! `data.drift.severity`), next to `event`, `connection` and `object`;
//! [`event_context`] does that flattening. The example files are the
//! repository's `config/events/`, compiled in, one per event kind.

use serde_json::{Map, Value};

/// The example event files, by event kind, compiled in.
pub const EVENT_SAMPLES: &[(&str, &str)] = &[
    (
        "drift.detected",
        include_str!("../../../../config/events/drift.detected.json"),
    ),
    (
        "drift.resolved",
        include_str!("../../../../config/events/drift.resolved.json"),
    ),
    (
        "performance.regression",
        include_str!("../../../../config/events/performance.regression.json"),
    ),
    (
        "health.failed",
        include_str!("../../../../config/events/health.failed.json"),
    ),
    (
        "health.recovered",
        include_str!("../../../../config/events/health.recovered.json"),
    ),
    (
        "migration.proposed",
        include_str!("../../../../config/events/migration.proposed.json"),
    ),
    (
        "migration.applied",
        include_str!("../../../../config/events/migration.applied.json"),
    ),
    (
        "migration.rolled_back",
        include_str!("../../../../config/events/migration.rolled_back.json"),
    ),
    (
        "test.failed",
        include_str!("../../../../config/events/test.failed.json"),
    ),
    (
        "design.submitted",
        include_str!("../../../../config/events/design.submitted.json"),
    ),
    (
        "decision.recorded",
        include_str!("../../../../config/events/decision.recorded.json"),
    ),
    (
        "note.promoted",
        include_str!("../../../../config/events/note.promoted.json"),
    ),
];

/// The template each event kind's issue is written with unless a rule
/// names another. `*.resolved` and `*.recovered` events share their
/// alert's template (their data has the same shape), since they comment on
/// the alert's issue rather than open their own.
pub const EVENT_TEMPLATES: &[(&str, &str)] = &[
    ("drift.detected", "drift_detection"),
    ("drift.resolved", "drift_detection"),
    ("performance.regression", "performance_regression"),
    ("health.failed", "health_check"),
    ("health.recovered", "health_check"),
    ("migration.proposed", "migration_approval"),
    ("migration.applied", "migration_result"),
    ("migration.rolled_back", "rollback_incident"),
    ("test.failed", "test_failure"),
    ("design.submitted", "design_review"),
    ("decision.recorded", "adr"),
    ("note.promoted", "sticky_note"),
];

/// The sample each built-in template is checked against at load: an event
/// kind from [`EVENT_SAMPLES`], or for `object_context` (which renders an
/// object, not an event) its own file.
pub(crate) const TEMPLATE_SAMPLES: &[(&str, Sample)] = &[
    (
        "object_context",
        Sample::File(
            "templates/samples/object_context.json",
            OBJECT_CONTEXT_SAMPLE,
        ),
    ),
    ("schema_change", Sample::Event("migration.proposed")),
    (
        "performance_regression",
        Sample::Event("performance.regression"),
    ),
    ("drift_detection", Sample::Event("drift.detected")),
    ("health_check", Sample::Event("health.failed")),
    ("migration_approval", Sample::Event("migration.proposed")),
    ("migration_result", Sample::Event("migration.applied")),
    ("rollback_incident", Sample::Event("migration.rolled_back")),
    ("test_failure", Sample::Event("test.failed")),
    ("design_review", Sample::Event("design.submitted")),
    ("adr", Sample::Event("decision.recorded")),
    ("sticky_note", Sample::Event("note.promoted")),
];

const OBJECT_CONTEXT_SAMPLE: &str =
    include_str!("../../../../templates/samples/object_context.json");

/// Where a template's sample data comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sample {
    /// An example event of this kind from `config/events/`.
    Event(&'static str),
    /// A file of plain context (repository path, text).
    File(&'static str, &'static str),
}

impl Sample {
    /// Where the sample is, for error messages.
    pub(crate) fn origin(self) -> String {
        match self {
            Sample::Event(kind) => format!("config/events/{kind}.json"),
            Sample::File(path, _) => path.to_owned(),
        }
    }

    /// The sample's text.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Sample::Event(kind) => event_sample(kind).unwrap_or("{}"),
            Sample::File(_, text) => text,
        }
    }
}

/// The example event file of `kind`, if there is one.
pub fn event_sample(kind: &str) -> Option<&'static str> {
    EVENT_SAMPLES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, t)| *t)
}

/// The sample data the built-in template `name` is checked against (the
/// text of an example event, or plain context for `object_context`).
pub fn template_sample(name: &str) -> Option<&'static str> {
    TEMPLATE_SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.text())
}

/// The default template for events of `kind`.
pub fn template_for_event(kind: &str) -> Option<&'static str> {
    EVENT_TEMPLATES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, t)| *t)
}

/// The data a template renders for `value`. An event (an object with a
/// string `event` and an object `data`) is flattened: the members of
/// `data` come up to the top level, `event`, `connection` and any other
/// top-level member stay, and `object` (`"main.orders"`) becomes
/// `{"qualified_name": "main.orders", "schema": "main", "name":
/// "orders"}` (merged with `data.object` when that is an object). Any
/// other value is used as it is.
pub fn event_context(value: &Value) -> Value {
    let Value::Object(top) = value else {
        return value.clone();
    };
    let (Some(Value::String(_)), Some(Value::Object(data))) = (top.get("event"), top.get("data"))
    else {
        return value.clone();
    };
    let mut out: Map<String, Value> = data.clone();
    for (k, v) in top {
        match k.as_str() {
            "data" => {}
            "object" => {
                let named = match v {
                    Value::String(q) => object_value(q),
                    other => other.clone(),
                };
                let merged = match (named, data.get("object")) {
                    (Value::Object(mut a), Some(Value::Object(b))) => {
                        for (bk, bv) in b {
                            a.entry(bk.clone()).or_insert_with(|| bv.clone());
                        }
                        Value::Object(a)
                    }
                    (named, _) => named,
                };
                out.insert(k.clone(), merged);
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// `"main.orders"` as `{qualified_name, schema, name}`; a name without a
/// dot has an empty schema.
fn object_value(qualified: &str) -> Value {
    let (schema, name) = qualified.rsplit_once('.').unwrap_or(("", qualified));
    serde_json::json!({"qualified_name": qualified, "schema": schema, "name": name})
}
