//! Schema snapshots: what a database contains, as plain data.
//!
//! A [`Snapshot`] is produced by introspection (sr-db) or read from a file,
//! and is the common language of drift detection, the designer and object
//! look-ups. This crate does no I/O and knows no runtime.
//!
//! Modules:
//! - `dialect`: which SQL dialect a snapshot comes from;
//! - `model`: the snapshot types (tables, views, indexes, triggers,
//!   sequences, routines);
//! - `normalize`: canonical order and per-object version hashes;
//! - `find`: resolving a user's object name to the objects it may mean;
//! - `json`: the versioned, stable JSON file format.
//!
//! Comparing two snapshots (`diff`) and rendering the differences as a
//! migration script per dialect (`ddl`) are the next modules to come; they
//! consume the normalised model defined here.

mod ddl;
mod dialect;
mod diff;
mod error;
mod find;
mod json;
mod model;
mod normalize;

pub use ddl::{MigrationScript, Statement, render};
pub use dialect::Dialect;
pub use diff::{
    AttributeChange, ChangeKind, Object, ObjectChange, ObjectType, SchemaDiff, diff, is_widening,
};
pub use error::SchemaError;
pub use find::ObjectMatch;
pub use model::{
    CheckConstraint, Column, Domain, EnumType, Extension, FORMAT_VERSION, FkAction, ForeignKey,
    Generated, Identity, Index, IndexColumn, IndexKey, PrimaryKey, Routine, RoutineKind, Schema,
    Sequence, Snapshot, Table, Trigger, TriggerEvent, TriggerTiming, UniqueConstraint, View,
};
pub use normalize::normalize_sql;
