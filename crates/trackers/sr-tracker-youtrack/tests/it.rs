//! The YouTrack adapter against the validating YouTrack mock (written
//! from JetBrains' REST reference): the contract kit, features and faults.

mod attach;
mod common;
mod contract;
mod faults;
mod features;
