//! The API's endpoints, one module per domain; each handler reads through
//! an engine service and answers a DTO of its own (the wire shape is the
//! API's contract, so domain types never serialise straight onto it).

pub mod auto;
pub mod health;
pub mod issues;
pub mod links;
pub mod sync;
pub mod traceability;
pub mod webhooks;
