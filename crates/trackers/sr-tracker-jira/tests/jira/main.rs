//! The Jira adapter against the validating Jira mock (Atlassian's own
//! OpenAPI description): the contract kit, features and faults.

mod common;
mod contract;
mod data_center;
mod dc_faults;
mod faults;
mod features;
