//! The Linear adapter against the validating Linear mock (every document
//! checked against Linear's published schema): the contract kit,
//! features, faults, and syncs into a store under injected faults.

mod common;
mod contract;
mod faults;
mod features;
mod sync;
mod upload;
