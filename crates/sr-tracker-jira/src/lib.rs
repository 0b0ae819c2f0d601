//! The Jira Cloud adapter.

pub mod adf;
