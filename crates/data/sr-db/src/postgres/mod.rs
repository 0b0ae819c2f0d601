//! PostgreSQL: introspection from `pg_catalog` into a snapshot.
//!
//! Every query reads the same state: one REPEATABLE READ, read-only
//! snapshot, shared by the connections the queries run on (`fetch`).
//! System schemas and objects that belong to an extension are left out
//! (the extension itself is listed instead). `depend` reads `pg_depend`
//! into the snapshot's dependencies, `defined` the kinds kept as their
//! definition (aggregates, collations, operators, types, casts, event
//! triggers, publications). `outline` lists a schema's object names alone,
//! for a tree shown before the snapshot is read.

mod defined;
mod depend;
mod fetch;
mod introspect;
mod objects;
mod outline;
mod queries;
mod rows;

pub(crate) use introspect::introspect;
pub(crate) use outline::{outline, schema_names};
