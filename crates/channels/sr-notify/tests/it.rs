//! The crate's integration tests as one binary: each file beside this one
//! is a module.

mod answers;
mod group;
mod policy;
mod registry;
