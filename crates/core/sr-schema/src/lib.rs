//! Schema snapshots: what a database contains, as plain data.
//!
//! A [`Snapshot`] is produced by introspection (sr-db) or read from a file,
//! and is the common language of drift detection, the designer and object
//! look-ups. This crate does no I/O and knows no runtime.
//!
//! Modules:
//! - `dialect`: which SQL dialect a snapshot comes from;
//! - `model`: the snapshot types (tables, views, indexes, triggers,
//!   sequences, routines, enums, domains, extensions);
//! - `normalize`: canonical order and per-object version hashes;
//! - `find`: resolving a user's object name to the objects it may mean;
//! - `json`: the versioned, stable JSON file format;
//! - `diff`: [`diff`] compares two snapshots object by object and marks
//!   destructive changes ([`SchemaDiff`], with a JSON form for `--json`);
//! - `ddl`: [`render`] turns a diff into a [`MigrationScript`] in
//!   dependency order, per dialect (the rollback is `render(&diff(b, a))`);
//! - `infer`: dependencies read from definitions' text, where no catalog
//!   records them;
//! - `summary`: object counts of a snapshot;
//! - `sql_changes`: the tables, views and functions a migration script
//!   creates, alters or drops (sqlparser, per dialect);
//! - `outline`: the names of a schema's objects by kind, read before the
//!   full snapshot so a large database shows its tree at once.

mod ddl;
mod dialect;
mod diff;
mod error;
mod find;
mod infer;
mod json;
mod model;
mod normalize;
mod outline;
mod sql_changes;
mod summary;

pub use ddl::{MigrationScript, Statement, create_sql, render};
pub use dialect::Dialect;
pub use diff::{
    AttributeChange, ChangeKind, Object, ObjectChange, ObjectType, SchemaDiff, diff, is_widening,
};
pub use error::SchemaError;
pub use find::ObjectMatch;
pub use infer::{infer_dependencies, structural_dependencies};
pub use model::{
    CheckConstraint, Column, DefinedObject, Dependency, Domain, EnumType, Extension,
    FORMAT_VERSION, FkAction, ForeignKey, Generated, Grant, Identity, Index, IndexColumn, IndexKey,
    ObjectId, Policy, PrimaryKey, Routine, RoutineKind, Schema, Sequence, Snapshot, Table, Trigger,
    TriggerEvent, TriggerTiming, UniqueConstraint, View,
};
pub use normalize::normalize_sql;
pub use outline::{OutlineChild, OutlineRoutine, OutlineView, SchemaOutline};
pub use sql_changes::{SqlAction, SqlChange, changed_objects};
pub use summary::SnapshotSummary;
