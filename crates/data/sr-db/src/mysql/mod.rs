//! MySQL and MariaDB: introspection from `information_schema` into a
//! snapshot of the connection's database (one schema).
//!
//! Counters and statistics (`AUTO_INCREMENT`, row counts, cardinality) are
//! never read, so they can never show up as drift. View definitions come
//! back qualified with the database name; the name is removed so that two
//! databases built from the same DDL compare equal.

mod introspect;
mod objects;

pub(crate) use introspect::introspect;
