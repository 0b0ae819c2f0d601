//! Records the schema changes events report (`drift.detected`, a
//! successful `migration.applied`) in the store, for the report. Every
//! event goes through [`Engine::enqueue_event`], which calls this first,
//! whether or not a rule files it.
//!
//! A change's key is the alert fingerprint of its event (sr-auto's hash of
//! connection, object and data without times and measurements): the same
//! drift found again by the next check, or by another process, is the
//! same change; a migration's data names the migration, so two migrations
//! are two changes.

use sr_auto::DatabaseEvent;
use sr_model::EventKind;
use sr_store::{NewSchemaChange, SchemaChangeKind};

use crate::{Engine, EngineError};

impl Engine {
    /// Records `event` when it reports a schema change; `true` when it
    /// was new.
    pub(crate) async fn record_schema_change(
        &self,
        event: &DatabaseEvent,
    ) -> Result<bool, EngineError> {
        let Some((kind, summary)) = schema_change(event) else {
            return Ok(false);
        };
        let key = sr_auto::fingerprint(
            kind.as_str(),
            &event.connection,
            event.object.as_deref(),
            &event.data,
        );
        Ok(self
            .store()
            .record_schema_change(&NewSchemaChange {
                change_key: &key,
                kind,
                connection: &event.connection,
                object: event.object.as_deref(),
                summary: &summary,
                occurred_at: event.occurred_at,
            })
            .await?)
    }
}

/// The kind and a line for people, when `event` reports a schema change.
fn schema_change(event: &DatabaseEvent) -> Option<(SchemaChangeKind, String)> {
    let text = |path: &[&str]| {
        path.iter()
            .try_fold(&event.data, |v, k| v.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    match event.event {
        EventKind::DriftDetected => Some((
            SchemaChangeKind::Drift,
            text(&["drift", "summary"]).unwrap_or_else(|| "drift".to_owned()),
        )),
        // A failed migration changed nothing.
        EventKind::MigrationApplied if text(&["result", "status"]).as_deref() != Some("failed") => {
            let id = text(&["migration", "id"]).unwrap_or_default();
            let name = text(&["migration", "name"]).unwrap_or_default();
            Some((
                SchemaChangeKind::Migration,
                format!("{id} {name}").trim().to_owned(),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, data: serde_json::Value) -> DatabaseEvent {
        DatabaseEvent {
            event: kind,
            connection: "shop".into(),
            object: Some("public.orders".into()),
            data,
            occurred_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn drift_and_successful_migrations_are_changes() {
        let drift = event(
            EventKind::DriftDetected,
            serde_json::json!({"drift": {"summary": "1 column added"}}),
        );
        assert_eq!(
            schema_change(&drift),
            Some((SchemaChangeKind::Drift, "1 column added".into()))
        );
        let applied = event(
            EventKind::MigrationApplied,
            serde_json::json!({"migration": {"id": "V13", "name": "status"}, "result": {"status": "succeeded"}}),
        );
        assert_eq!(
            schema_change(&applied),
            Some((SchemaChangeKind::Migration, "V13 status".into()))
        );
        let failed = event(
            EventKind::MigrationApplied,
            serde_json::json!({"result": {"status": "failed"}}),
        );
        assert_eq!(schema_change(&failed), None);
        assert_eq!(
            schema_change(&event(EventKind::HealthFailed, serde_json::json!({}))),
            None
        );
    }
}
