//! The crate's integration tests as one binary: each file beside this
//! one is a module (one test binary per crate keeps the test build's
//! disk footprint small).

mod common;
mod connect_errors;
mod connection_diagnosis;
mod demo_file;
mod drift;
mod golden;
mod health;
mod introspect_demo;
mod introspect_snapshot;
mod outline;
mod perf;
mod query;
mod replication;
mod server_objects;
mod ssh_tunnel;
mod tls;
