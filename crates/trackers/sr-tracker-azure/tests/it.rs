//! The Azure DevOps adapter against the validating Azure Boards mock
//! (Microsoft's own Swagger description): the contract kit, features,
//! windows past the WIQL cap and faults.

mod common;
mod contract;
mod faults;
mod features;
mod sync_faults;
