//! The issue templates, pure: Handlebars templates (the built-in ones of
//! the repository's `templates/`, a user's overrides), the example events
//! they are checked against at load, the helpers they write Markdown with,
//! an object's context as data, cutting a body to a tracker's limit, and
//! taking row data out of event data ([`strip_rows`]). No I/O but reading a user's
//! template files; no store, no tracker.
//!
//! An issue about an object starts with an [`ObjectContext`] rendered
//! through the `object_context` template; the issues the workbench files
//! by itself render an event through one of the auto-issue templates
//! ([`Templates::render_issue`]), after [`strip_rows`] and
//! `sr_secrets::Redactor` have taken row data and secrets out, cut to the
//! tracker's limit ([`limits`]; each adapter knows its own).

mod conditions;
mod context;
mod error;
mod helpers;
pub mod limits;
mod rows;
pub mod samples;
mod template;

pub use context::{ColumnContext, ForeignKeyContext, IndexContext, ObjectContext};
pub use error::TemplateError;
pub use helpers::{code_block, markdown_table, md_escape, truncate_chars};
pub use limits::truncate_body;
pub use rows::{ROW_KEYS, strip_rows};
pub use samples::{event_context, event_sample, template_for_event, template_sample};
pub use template::{
    OBJECT_CONTEXT, RenderedIssue, Templates, builtin_names, builtin_text, draft_title, split_issue,
};
