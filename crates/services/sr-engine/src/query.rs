//! The SQL editor's statements: run on the connection's pool off the UI
//! thread, one cancel handle per request so Cancel stops the statement on
//! the server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sr_db::QueryCancel;
pub use sr_db::QueryOutput;

use crate::{Engine, EngineError};

/// Rows beyond this are not fetched; the editor says the result was cut.
pub const MAX_ROWS: usize = 200_000;

/// Cancel handles of running statements, by request.
pub(crate) type Running = Mutex<HashMap<u64, QueryCancel>>;

/// What a statement gave back.
#[derive(Debug, Clone)]
pub enum QueryAnswer {
    Rows(Arc<QueryOutput>),
    /// The plan, as the dialect's EXPLAIN prints it.
    Plan(String),
}

impl Engine {
    /// Runs `sql` on `connection` (or explains it) for request `request`.
    pub async fn run_query(
        &self,
        request: u64,
        connection: &str,
        sql: &str,
        explain: bool,
    ) -> Result<QueryAnswer, EngineError> {
        let db = self.database(connection).await?;
        if explain {
            return Ok(QueryAnswer::Plan(db.explain(sql).await?));
        }
        let (cancel, cancelled) = QueryCancel::new();
        self.running().insert(request, cancel);
        let result = db.run_query(sql, MAX_ROWS, cancelled).await;
        self.running().remove(&request);
        Ok(QueryAnswer::Rows(Arc::new(result?)))
    }

    /// Cancels request `request`'s statement; false when none runs.
    pub fn cancel_query(&self, request: u64) -> bool {
        match self.running().get(&request) {
            Some(cancel) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, QueryCancel>> {
        // A panic while holding the map cannot leave it inconsistent.
        self.queries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
