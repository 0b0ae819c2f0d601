//! The crate's integration tests as one binary: each file beside this
//! one is a module (one test binary per crate keeps the test build's
//! disk footprint small).

mod azure_spec;
mod github_spec;
mod jira_spec;
mod linear_spec;
