//! sr-sync against a loopback GitHub that validates every request against
//! GitHub's OpenAPI description, through the real GitHub adapter, into a
//! real SQLite store (and the fault run once more against Azure DevOps,
//! through its adapter and Microsoft's description).

mod azure_faults;
mod comments;
mod common;
mod faults;
mod manual;
mod polling;
mod status;
mod two_way;
