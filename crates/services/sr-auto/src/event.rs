//! The event file format of `scratchrobin events emit`: one database event
//! as JSON, `{"event": "drift.detected", "connection": "demo", "object":
//! "main.orders", "data": {…}}`, read strictly.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sr_model::{EventKind, ObjectKind, ObjectRef, Timestamp};

use crate::AutoError;

/// Something that happened in a database or the workbench, as rules see
/// it. `object` is `schema.name` (or a bare name) within `connection`;
/// `data` holds what conditions and templates read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseEvent {
    pub event: EventKind,
    pub connection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    #[serde(default)]
    pub data: serde_json::Value,
    #[serde(default = "chrono::Utc::now")]
    pub occurred_at: Timestamp,
}

impl DatabaseEvent {
    /// The object as a table reference when nobody resolved it against the
    /// live schema (the CLI resolves first and falls back to this).
    pub fn fallback_object(&self) -> Option<ObjectRef> {
        let object = self.object.as_deref()?;
        let (schema, name) = object.rsplit_once('.').unwrap_or(("main", object));
        Some(ObjectRef::new(
            &self.connection,
            ObjectKind::Table,
            &self.connection,
            schema,
            name,
        ))
    }

    /// The same event from the engine's model type.
    pub fn from_model(e: &sr_model::DatabaseEvent) -> Self {
        DatabaseEvent {
            event: e.kind,
            connection: e.connection.clone(),
            object: e
                .object
                .as_ref()
                .map(|o| format!("{}.{}", o.schema, o.name)),
            data: e.data.clone(),
            occurred_at: e.occurred_at,
        }
    }
}

/// Reads an event file; errors say where and what to write.
pub fn parse_event(path: &Path, text: &str) -> Result<DatabaseEvent, AutoError> {
    serde_json::from_str(text).map_err(|e| AutoError::Event {
        file: path.to_path_buf(),
        message: format!(
            "line {} column {}: {e}; an event file is {{\"event\": \"drift.detected\", \"connection\": \"demo\", \"object\": \"main.orders\", \"data\": {{…}}}}",
            e.line(),
            e.column()
        ),
    })
}

/// Reads and parses an event file.
pub fn load_event(path: &Path) -> Result<DatabaseEvent, AutoError> {
    let text = std::fs::read_to_string(path).map_err(|e| AutoError::File {
        file: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse_event(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<(&str, Option<&str>), &str>) {
        match (parse_event(Path::new("e.json"), text), expected) {
            (Ok(e), Ok((kind, object))) => {
                assert_eq!(e.event.as_str(), kind);
                assert_eq!(e.object.as_deref(), object);
            }
            (Err(e), Err(fragment)) => assert!(e.to_string().contains(fragment), "{e}"),
            (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn event_files() {
        check(
            r#"{"event": "drift.detected", "connection": "demo", "object": "main.orders", "data": {}}"#,
            Ok(("drift.detected", Some("main.orders"))),
        );
        check(
            r#"{"event": "health.failed", "connection": "demo"}"#,
            Ok(("health.failed", None)),
        );
        check(
            r#"{"event": "drift.detcted", "connection": "demo"}"#,
            Err("unknown event `drift.detcted`"),
        );
        check(
            r#"{"event": "drift.detected", "connection": "demo", "extra": 1}"#,
            Err("unknown field `extra`"),
        );
        check(
            r#"{"event": "drift.detected"}"#,
            Err("missing field `connection`"),
        );
    }
}
