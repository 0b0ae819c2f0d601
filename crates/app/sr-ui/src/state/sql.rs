//! The SQL editor tabs as data: each editor's connection and text (kept
//! between runs), the statement in flight and its answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sr_engine::{Command, QueryAnswer, QueryOutput};

use super::{Tab, UiState};
use sr_engine::QueryCommand;

/// What an editor keeps between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqlText {
    pub connection: String,
    pub text: String,
}

/// One SQL editor.
#[derive(Debug, Clone, Default)]
pub struct SqlEditor {
    pub saved: SqlText,
    /// The request of the statement running now, and when it started.
    pub running: Option<(u64, Instant)>,
    /// The statement last sent, as sent.
    pub last_sql: String,
    pub answer: Option<SqlAnswer>,
}

/// The last answer an editor got.
#[derive(Debug, Clone)]
pub enum SqlAnswer {
    Rows(Arc<QueryOutput>),
    Plan(String),
    Failed(String),
    Cancelled,
}

/// The editors by id (the id a [`Tab::Sql`] names).
#[derive(Debug, Clone, Default)]
pub struct SqlEditors {
    pub editors: BTreeMap<u32, SqlEditor>,
}

impl SqlEditors {
    pub fn restore(saved: BTreeMap<u32, SqlText>) -> Self {
        SqlEditors {
            editors: saved
                .into_iter()
                .map(|(id, saved)| {
                    let editor = SqlEditor {
                        saved,
                        ..SqlEditor::default()
                    };
                    (id, editor)
                })
                .collect(),
        }
    }

    pub fn saved(&self) -> BTreeMap<u32, SqlText> {
        self.editors
            .iter()
            .map(|(id, e)| (*id, e.saved.clone()))
            .collect()
    }

    fn by_request(&mut self, request: u64) -> Option<&mut SqlEditor> {
        self.editors
            .values_mut()
            .find(|e| e.running.is_some_and(|(r, _)| r == request))
    }
}

impl UiState {
    /// Opens a new SQL editor on `connection` holding `text`.
    pub fn open_sql_editor(&mut self, connection: &str, text: &str) {
        let id = self.sql.editors.keys().next_back().map_or(1, |id| id + 1);
        let saved = SqlText {
            connection: connection.to_owned(),
            text: text.to_owned(),
        };
        self.sql.editors.insert(
            id,
            SqlEditor {
                saved,
                ..SqlEditor::default()
            },
        );
        self.open_tab(Tab::Sql(id));
    }

    /// A new editor with a query of `object`'s first rows.
    pub fn query_object(&mut self, object: &sr_model::ObjectRef) {
        let mysql = self
            .connection(&object.connection)
            .is_some_and(|c| c.info.dialect == "mysql");
        let quote = |name: &str| {
            if mysql {
                format!("`{}`", name.replace('`', "``"))
            } else {
                format!("\"{}\"", name.replace('"', "\"\""))
            }
        };
        let sql = format!(
            "SELECT * FROM {}.{} LIMIT 100;\n",
            quote(&object.schema),
            quote(&object.name)
        );
        self.open_sql_editor(&object.connection, &sql);
    }

    /// The connection a new editor starts on: the selection's, else the
    /// first one.
    pub fn current_connection(&self) -> String {
        self.selection
            .as_ref()
            .map(|o| o.connection.clone())
            .or_else(|| self.connections.first().map(|c| c.info.name.clone()))
            .unwrap_or_default()
    }

    /// Runs `sql` (the statement under the cursor or the selection) in
    /// editor `id`; `explain` asks only for its plan. Ignored while the
    /// editor runs something or when `sql` is blank.
    pub fn run_sql(&mut self, id: u32, sql: &str, explain: bool) {
        let sql = sql.trim();
        let request = self.next_request();
        let Some(editor) = self.sql.editors.get_mut(&id) else {
            return;
        };
        if editor.running.is_some() || sql.is_empty() {
            return;
        }
        editor.running = Some((request, Instant::now()));
        editor.last_sql = sql.to_owned();
        let connection = editor.saved.connection.clone();
        self.send(Command::Query(QueryCommand::Run {
            request,
            connection,
            sql: sql.to_owned(),
            explain,
        }));
    }

    /// Asks the engine to stop editor `id`'s statement; the answer comes
    /// as the statement's own (cancelled) result.
    pub fn cancel_sql(&mut self, id: u32) {
        if let Some((request, _)) = self.sql.editors.get(&id).and_then(|e| e.running) {
            self.send_untracked(Command::Query(QueryCommand::Cancel { request }));
        }
    }

    pub(super) fn query_finished(&mut self, request: u64, result: Result<QueryAnswer, String>) {
        self.jobs.finish(&super::JobKind::Query(request));
        let Some(editor) = self.sql.by_request(request) else {
            return;
        };
        editor.running = None;
        editor.answer = Some(match result {
            Ok(QueryAnswer::Rows(rows)) => SqlAnswer::Rows(rows),
            Ok(QueryAnswer::Plan(plan)) => SqlAnswer::Plan(plan),
            Err(e) if e.contains("was cancelled") => SqlAnswer::Cancelled,
            Err(e) => SqlAnswer::Failed(e),
        });
    }

    /// Forgets editor `id` when its tab closes.
    pub(super) fn drop_sql_editor(&mut self, id: u32) {
        if let Some(editor) = self.sql.editors.remove(&id)
            && let Some((request, _)) = editor.running
        {
            self.send_untracked(Command::Query(QueryCommand::Cancel { request }));
        }
    }
}
