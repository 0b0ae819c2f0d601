//! sr-sync against a loopback GitHub that validates every request against
//! GitHub's OpenAPI description, through the real GitHub adapter, into a
//! real SQLite store. (Azure DevOps's fault run through the sync engine
//! lives with its adapter, in sr-tracker-azure.)

mod comments;
mod common;
mod faults;
mod manual;
mod polling;
mod status;
mod two_way;
