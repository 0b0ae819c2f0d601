//! Whiteboards for the GUI: load and save a connection's board document
//! (the store checks the version), and render the issue templates a
//! board files from (`sticky_note`, `adr`, `design_review`).

use serde_json::{Value, json};
use sr_store::StoredBoard;
use sr_templates::Templates;

use crate::{Engine, EngineError, IssueDraftText};

impl Engine {
    /// The whiteboard saved for `connection`, if any.
    pub async fn load_board(&self, connection: &str) -> Result<Option<StoredBoard>, EngineError> {
        Ok(self.store().board(connection).await?)
    }

    /// Saves the whiteboard of `connection` made from `version` (0 when
    /// none was stored); returns the new version. A board saved elsewhere
    /// in between is refused (`StoreError::BoardConflict`).
    pub async fn save_board(
        &self,
        connection: &str,
        document: &str,
        version: i64,
    ) -> Result<i64, EngineError> {
        Ok(self
            .store()
            .save_board(connection, document, version)
            .await?)
    }

    /// The title and body of template `name` over `event` (an event in
    /// the `events emit` form: `event`, `connection`, `object`, `data`).
    /// `data.user.name` defaults to the engine's actor and
    /// `data.timestamp` to now; the user's template overrides apply.
    pub async fn render_template(
        &self,
        name: &str,
        event: &Value,
    ) -> Result<IssueDraftText, EngineError> {
        let event = with_defaults(event.clone(), self.actor(), chrono::Utc::now());
        let dir = self.paths().templates_dir();
        let templates = tokio::task::spawn_blocking(move || Templates::load(Some(&dir)))
            .await
            .map_err(|_| EngineError::Stopped)??;
        let rendered = templates.render_issue(name, &event)?;
        Ok(IssueDraftText {
            title: rendered.title,
            body: rendered.body,
        })
    }
}

/// `event` with `data.user.name` and `data.timestamp` filled in where absent.
fn with_defaults(mut event: Value, actor: &str, now: chrono::DateTime<chrono::Utc>) -> Value {
    if let Some(top) = event.as_object_mut() {
        let data = top.entry("data").or_insert_with(|| json!({}));
        if let Some(data) = data.as_object_mut() {
            data.entry("user")
                .or_insert_with(|| json!({ "name": actor }));
            data.entry("timestamp")
                .or_insert_with(|| json!(now.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
        }
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_only_what_is_missing() {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let check = |event: Value, expected: Value| {
            assert_eq!(
                with_defaults(event.clone(), "tester", now),
                expected,
                "{event}"
            );
        };
        check(
            json!({"event": "note.promoted"}),
            json!({"event": "note.promoted", "data": {"user": {"name": "tester"}, "timestamp": "2023-11-14T22:13:20Z"}}),
        );
        check(
            json!({"event": "e", "data": {"user": {"name": "dave"}, "timestamp": "t", "x": 1}}),
            json!({"event": "e", "data": {"user": {"name": "dave"}, "timestamp": "t", "x": 1}}),
        );
        check(json!("not an event"), json!("not an event"));
    }
}
