//! The IssueLinkManager of the product spec: the registry of links between
//! database objects and tracker issues, and the operations that keep the
//! issue cache and the audit log in step with them.
//!
//! It works on resolved objects ([`ObjectRef`]); checking that an object
//! exists in its database is the caller's job (the engine asks sr-db).
//! Issue templates are sr-templates'.

mod manager;

pub use manager::{IssueLinkManager, LinkError, LinkOptions};

use sr_model::ObjectRef;

/// Objects are named in errors the way users type them.
pub(crate) fn object_label(o: &ObjectRef) -> String {
    format!("{}:{}.{}", o.connection, o.schema, o.name)
}
