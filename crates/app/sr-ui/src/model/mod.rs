//! What the panels compute from engine data, as plain functions: explorer
//! rows, object look-ups, DDL, the issue description summary, the
//! Markdown preview, the whiteboard and the connection form's URLs.

pub mod board;
pub mod connection_url;
pub mod ddl;
pub mod er_layout;
pub mod er_svg;
pub mod explorer;
pub mod object;
pub mod png;
pub mod sql;
pub mod sql_issue;
pub mod summary;
