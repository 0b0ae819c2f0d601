//! The one error type of sr-auto.

use std::fmt;
use std::path::PathBuf;

use sr_links::LinkError;
use sr_store::StoreError;
use sr_tracker::TrackerError;

/// A problem in a rules file, placed at `FILE:LINE:COLUMN` and naming the
/// rule when the problem is inside one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The rule's `name`, when the problem is inside a rule that has one.
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        if let Some(rule) = &self.rule {
            write!(f, "rule \"{rule}\": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

/// Every problem found in one rules file (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

#[derive(Debug, thiserror::Error)]
pub enum AutoError {
    #[error("{0}")]
    Rules(RuleErrors),
    #[error("cannot read {}: {message}", .file.display())]
    File { file: PathBuf, message: String },
    #[error("{}: {message}", .file.display())]
    Event { file: PathBuf, message: String },
    #[error("rule \"{rule}\": template {template} failed: {message}")]
    Template {
        rule: String,
        template: String,
        message: String,
    },
    #[error(
        "outbox row {id} ({action}) has no issue to act on: the create for fingerprint {fingerprint} has not succeeded; see `scratchrobin outbox list`"
    )]
    NoIssue {
        id: i64,
        action: &'static str,
        fingerprint: String,
    },
    #[error(
        "rule \"{rule}\": the alert's record kept changing while it was being filed (other processes file the same alert); try again"
    )]
    Busy { rule: String },
    #[error("{what} cannot be written as JSON: {message}")]
    Encode { what: &'static str, message: String },
    #[error("outbox row {id} is corrupt: {message}")]
    Corrupt { id: i64, message: String },
    #[error(transparent)]
    Tracker(#[from] TrackerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Link(#[from] LinkError),
}
