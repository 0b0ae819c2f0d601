//! The crate's integration tests as one binary: each file beside this one
//! is a module.

mod workflow;
