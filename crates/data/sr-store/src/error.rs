//! The store's one error type.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {url}: {reason}")]
    Open { url: String, reason: String },
    #[error("migration {version} ({name}) failed: {reason}")]
    Migration {
        version: i64,
        name: &'static str,
        reason: String,
    },
    #[error(
        "the store holds schema version {found}, newer than this program knows ({known}); upgrade ScratchRobin"
    )]
    TooNew { found: i64, known: i64 },
    #[error("{object} is not linked to {issue}")]
    NotLinked { object: String, issue: String },
    #[error("no issue {0} in the store")]
    NoIssue(String),
    #[error(
        "the whiteboard of {connection} was saved elsewhere (version {found}, this one was made from {expected}); reload it and redo the change"
    )]
    BoardConflict {
        connection: String,
        expected: i64,
        found: i64,
    },
    #[error(
        "an API token named {0} exists already; pick another name, or revoke it first with `scratchrobin api token revoke {0}`"
    )]
    TokenNameTaken(String),
    #[error("corrupt row in {table}: {reason}")]
    Corrupt { table: &'static str, reason: String },
    #[error("store query failed: {0}")]
    Sql(#[from] sqlx::Error),
}

impl StoreError {
    pub(crate) fn corrupt(table: &'static str, reason: impl std::fmt::Display) -> Self {
        StoreError::Corrupt {
            table,
            reason: reason.to_string(),
        }
    }
}
