//! The SQL editor's hand-offs: "Track performance" saves a statement for
//! the monitoring jobs, "Create issue from result" opens Create Issue
//! with the query, its plan, row count and timing.

use sr_model::{ObjectKind, ObjectRef};

use super::{CreateIssueDialog, Dialog, Load, SqlAnswer, UiState};
use crate::model::object::object_ref;
use crate::model::sql_issue::{AnswerFacts, query_issue_body, query_issue_title, tables_named};
use sr_engine::TrackerCommand;

impl UiState {
    /// "Track performance" in editor `id`: `sql` (the selection or the
    /// statement under the cursor) joins the connection's tracked queries.
    pub fn track_sql(&mut self, id: u32, sql: &str) {
        let Some(editor) = self.sql.editors.get(&id) else {
            return;
        };
        let connection = editor.saved.connection.clone();
        self.track_query(&connection, sql);
    }

    /// "Create issue from result" in editor `id`: the Create Issue dialog
    /// for the statement last run (else the editor's text), linked to the
    /// table it names when it names exactly one table of the snapshot, to
    /// nothing otherwise.
    pub fn create_issue_from_sql(&mut self, id: u32) {
        let Some(editor) = self.sql.editors.get(&id) else {
            return;
        };
        let connection = editor.saved.connection.clone();
        let sql = if editor.last_sql.trim().is_empty() {
            editor.saved.text.trim().to_owned()
        } else {
            editor.last_sql.clone()
        };
        if sql.is_empty() {
            self.report_error("Nothing to file: write or run a statement first.".into());
            return;
        }
        let facts = match &editor.answer {
            None => AnswerFacts::None,
            Some(SqlAnswer::Rows(out)) => AnswerFacts::Rows {
                rows: (!out.columns.is_empty()).then(|| out.row_count()),
                affected: out.rows_affected,
                truncated: out.truncated,
                elapsed: out.elapsed,
            },
            Some(SqlAnswer::Plan(plan)) => AnswerFacts::Plan(plan),
            Some(SqlAnswer::Failed(e)) => AnswerFacts::Failed(e),
            Some(SqlAnswer::Cancelled) => AnswerFacts::Cancelled,
        };
        let title = query_issue_title(&connection, &sql);
        let body = query_issue_body(&connection, &sql, facts);
        let table = self.only_table(&connection, &sql);
        let object = table.clone().unwrap_or_else(|| {
            ObjectRef::new(&connection, ObjectKind::Database, &connection, "", "")
        });
        let mut dialog = CreateIssueDialog::new(object, self.default_tracker(), title, body);
        dialog.standalone = table.is_none();
        dialog.link = table.is_some();
        dialog.attach_ddl = false;
        dialog.labels = "database, query".into();
        self.dialog = Some(Dialog::CreateIssue(dialog));
        self.load_projects();
        if matches!(self.trackers, Load::Idle) {
            self.send(sr_engine::Command::Trackers(TrackerCommand::Load));
        }
    }

    /// The one table of `connection`'s snapshot that `sql` names, if
    /// exactly one.
    fn only_table(&self, connection: &str, sql: &str) -> Option<ObjectRef> {
        let snapshot = self.connection(connection)?.snapshot()?;
        let named = tables_named(sql, snapshot);
        let [(schema, name)] = named.as_slice() else {
            return None;
        };
        let hash = snapshot
            .schema(schema)
            .and_then(|s| s.table(name))
            .map(|t| t.version_hash.as_str())
            .unwrap_or_default();
        Some(object_ref(
            connection,
            snapshot,
            schema,
            ObjectKind::Table,
            name,
            hash,
        ))
    }
}
