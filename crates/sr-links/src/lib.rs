//! The IssueLinkManager of the product spec: the registry of links between
//! database objects and tracker issues, and the operations that keep the
//! issue cache and the audit log in step with them.
//!
//! It works on resolved objects ([`ObjectRef`]); checking that an object
//! exists in its database is the caller's job (the engine asks sr-db).
//!
//! It also renders the Markdown an issue about an object starts with: an
//! [`ObjectContext`] through the `object_context` template ([`Templates`]).

mod context;
mod manager;
mod template;

pub use context::{ColumnContext, ForeignKeyContext, IndexContext, ObjectContext};
pub use manager::{IssueLinkManager, LinkError, LinkOptions};
pub use template::{OBJECT_CONTEXT, Templates, draft_title};

use sr_model::ObjectRef;

/// Objects are named in errors the way users type them.
pub(crate) fn object_label(o: &ObjectRef) -> String {
    format!("{}:{}.{}", o.connection, o.schema, o.name)
}
