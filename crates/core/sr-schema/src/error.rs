//! The one error type of this crate.

/// What can go wrong when reading a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "the snapshot JSON is invalid at line {line}, column {column}: {message}; \
         take a new snapshot with `scratchrobin schema snapshot`"
    )]
    Parse {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "the snapshot has format version {found}, but this build reads up to version {supported}; \
         upgrade ScratchRobin or take the snapshot again with this version"
    )]
    UnsupportedVersion { found: u32, supported: u32 },
    #[error(
        "the migration SQL does not parse as {dialect}: {reason}; fix the script, or check that the connection's dialect is the one the script is written for"
    )]
    Sql {
        dialect: &'static str,
        reason: String,
    },
}
