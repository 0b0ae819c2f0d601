//! migra, the Python schema-diff tool the drift bench compares itself with:
//! installed once into a virtual environment under the target directory
//! (pip with `migra`, `SQLAlchemy<2` and `psycopg2-binary`) and reused.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::python;

/// The packages pip installs; migra breaks on SQLAlchemy 2.
const PACKAGES: &[&str] = &["migra", "SQLAlchemy<2", "psycopg2-binary"];

/// The `migra` program, installing it first when needed.
pub fn ensure() -> Result<PathBuf> {
    let program = python::ensure("migra-venv", PACKAGES)?
        .join("bin")
        .join("migra");
    if !program.is_file() {
        bail!("pip installed migra but {} is missing", program.display());
    }
    Ok(program)
}
