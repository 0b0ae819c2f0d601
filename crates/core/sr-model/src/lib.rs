//! Pure domain types of ScratchRobin: database objects, tracker issues, the
//! links between them, issue drafts and updates, database events, and the
//! pull and merge requests that change objects.
//!
//! This crate does no I/O and knows no runtime; every other crate speaks in
//! these types, and adapters convert their wire formats to and from them.

mod event;
mod hash;
mod issue;
mod link;
mod object;
mod pull;

pub use event::{DatabaseEvent, EventKind};
pub use hash::content_hash;
pub use issue::{
    Attachment, AttachmentUpload, Comment, Issue, IssueDraft, IssueKey, IssueKeyError, IssueRef,
    IssueState, IssueStatus, IssueUpdate, Label, Priority, Project, SearchQuery, StateFilter, User,
};
pub use link::{IssueLink, LinkType, SyncDirection, SyncState, SyncStatus};
pub use object::{ObjectKind, ObjectName, ObjectNameError, ObjectRef};
pub use pull::{IssueMention, PullFile, PullRequest, PullState, issue_refs};

/// Timestamps everywhere are UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
