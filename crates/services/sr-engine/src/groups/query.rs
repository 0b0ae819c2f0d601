//! The query domain: the SQL editor's statements. Its commands, the events
//! that answer them, and what the engine does for each.

use crate::query::QueryAnswer;
use crate::{Engine, EngineError, Event};

/// Commands of one domain; see [`crate::Command::Query`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum QueryCommand {
    /// Runs a statement from the SQL editor (`explain`: only its plan).
    Run {
        request: u64,
        connection: String,
        sql: String,
        explain: bool,
    },
    /// Stops the statement of `request` on the server.
    Cancel { request: u64 },
}

/// Events of one domain; see [`crate::Event::Query`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum QueryEvent {
    /// A statement's rows, or its plan as text when it was an EXPLAIN.
    Finished {
        request: u64,
        result: Result<QueryAnswer, String>,
    },
}

impl QueryCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            QueryCommand::Run { connection, .. } => {
                format!("Run a statement on {connection}")
            }
            QueryCommand::Cancel { .. } => "Cancel the statement".into(),
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: QueryCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        QueryCommand::Run {
            request,
            connection,
            sql,
            explain,
        } => {
            let result = engine
                .run_query(request, &connection, &sql, explain)
                .await
                .map_err(|e| e.to_string());
            vec![Event::Query(QueryEvent::Finished { request, result })]
        }
        QueryCommand::Cancel { request } => {
            engine.cancel_query(request);
            Vec::new()
        }
    })
}
