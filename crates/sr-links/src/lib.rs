//! The IssueLinkManager of the product spec: the registry of links between
//! database objects and tracker issues, and the operations that keep the
//! issue cache and the audit log in step with them.
//!
//! It works on resolved objects ([`ObjectRef`]); checking that an object
//! exists in its database is the caller's job (the engine asks sr-db).
//!
//! It also renders the Markdown an issue about an object starts with: an
//! [`ObjectContext`] through the `object_context` template ([`Templates`]),
//! and the issues the workbench files by itself: an event through one of
//! the auto-issue templates ([`Templates::render_issue`]), after
//! [`Sanitiser`] and [`strip_rows`] have taken secrets and row data out,
//! cut to the provider's limit ([`limits`]).

mod conditions;
mod context;
mod helpers;
pub mod limits;
mod manager;
pub mod samples;
mod sanitise;
mod template;

pub use context::{ColumnContext, ForeignKeyContext, IndexContext, ObjectContext};
pub use helpers::{code_block, markdown_table, md_escape, truncate_chars};
pub use limits::{body_limit, truncate_body};
pub use manager::{IssueLinkManager, LinkError, LinkOptions};
pub use samples::{event_context, event_sample, template_for_event, template_sample};
pub use sanitise::{REDACTED, ROW_KEYS, Sanitiser, strip_rows};
pub use template::{
    OBJECT_CONTEXT, RenderedIssue, Templates, builtin_names, builtin_text, draft_title, split_issue,
};

use sr_model::ObjectRef;

/// Objects are named in errors the way users type them.
pub(crate) fn object_label(o: &ObjectRef) -> String {
    format!("{}:{}.{}", o.connection, o.schema, o.name)
}
