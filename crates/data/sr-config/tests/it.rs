//! The crate's integration tests as one binary: each file beside this
//! one is a module (one test binary per crate keeps the test build's
//! disk footprint small).

mod channel_policy;
mod channels;
mod common;
mod connections;
mod env;
mod files;
mod paths;
mod trackers;
