//! The crate's integration tests as one binary: each file beside this
//! one is a module.

mod auth;
mod common;
mod pages;
mod reports;
