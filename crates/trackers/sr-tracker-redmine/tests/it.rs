//! The Redmine adapter against a real Redmine (Debian's package, started
//! by sr-testkit on loopback): the contract kit, Redmine's particulars
//! (statuses, priorities, trackers, Textile, journals, `updated_on`) and
//! faults injected by a proxy in front of it.

mod common;
mod contract;
mod faults;
mod features;
mod sync_faults;
