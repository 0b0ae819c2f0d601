//! The one error type of this crate. Every message names the database by
//! its URL with the password removed, and says what to do next.

use std::path::PathBuf;

use sr_model::ObjectKind;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "`{url}` is not a database URL: {reason}; write it as sqlite://PATH, \
         postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB"
    )]
    BadUrl { url: String, reason: String },

    #[error("cannot connect to {url}: {cause}; {fix}")]
    Connect {
        url: String,
        cause: String,
        fix: String,
    },

    #[error(
        "{kind} `{schema}.{name}` does not exist in {url}; check the name, or refresh the schema"
    )]
    NotFound {
        kind: ObjectKind,
        schema: String,
        name: String,
        url: String,
    },

    #[error("query on {url} failed while {doing}: {source}")]
    Query {
        url: String,
        doing: String,
        #[source]
        source: sqlx::Error,
    },

    #[error(
        "cannot read the definition of {object} in {url}: {reason}; \
         please report this with the object's CREATE statement"
    )]
    Parse {
        object: String,
        url: String,
        reason: String,
    },

    #[error(
        "statement {number} failed on {url}: {source}; the statements before it were applied, \
         fix this one and run the rest\n{statement}"
    )]
    Execute {
        url: String,
        /// 1-based position in the script.
        number: usize,
        statement: String,
        #[source]
        source: sqlx::Error,
    },

    #[error("cannot read the drift baseline {source_name}: {reason}")]
    Baseline { source_name: String, reason: String },

    #[error("cannot bench this statement on {url}: {reason}")]
    Bench { url: String, reason: String },

    #[error("the bench on {url} was cancelled")]
    Cancelled { url: String },

    #[error("the statement on {url} was cancelled")]
    StatementCancelled { url: String },

    /// Work handed to another thread never finished: the program is
    /// shutting down (a panic there is resumed, not turned into this).
    #[error("{doing} for {url} was interrupted: the program is shutting down")]
    Interrupted { url: String, doing: String },

    #[error("cannot create the demo database at {}: {reason}; check that the directory is writable", path.display())]
    Demo { path: PathBuf, reason: String },
}
