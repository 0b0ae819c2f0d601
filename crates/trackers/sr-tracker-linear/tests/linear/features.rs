//! Features beyond the contract: workflow states by type, priorities,
//! assignees, type labels, pagination, incremental search, comments from
//! Linear, webhooks.
