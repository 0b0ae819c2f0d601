//! migra, the Python schema-diff tool the drift bench compares itself with:
//! installed once into a virtual environment under the target directory
//! (`python3 -m venv`, then pip with `migra`, `SQLAlchemy<2` and
//! `psycopg2-binary`) and reused. Debian's `python3-venv` is installed when
//! `venv` is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{setup, sh, workspace_root};

/// The packages pip installs; migra breaks on SQLAlchemy 2.
const PACKAGES: &[&str] = &["migra", "SQLAlchemy<2", "psycopg2-binary"];

/// The target directory: `CARGO_TARGET_DIR` or the workspace's `target`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The `migra` program, installing it first when needed.
pub fn ensure() -> Result<PathBuf> {
    let venv = target_dir().join("migra-venv");
    let program = venv.join("bin").join("migra");
    if program.is_file() {
        return Ok(program);
    }
    if !make_venv(&venv) {
        setup::ensure_packages(&["python3-venv"])?;
        if !make_venv(&venv) {
            bail!(
                "`python3 -m venv {}` failed; install python3 and python3-venv",
                venv.display()
            );
        }
    }
    eprintln!("xtask: installing migra into {}", venv.display());
    sh::run(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(PACKAGES),
    )
    .context("installing migra with pip")?;
    if !program.is_file() {
        bail!("pip installed migra but {} is missing", program.display());
    }
    Ok(program)
}

/// Creates a virtual environment at `dir` (with pip); false on failure,
/// which leaves nothing half-made behind.
fn make_venv(dir: &Path) -> bool {
    let ok = sh::read(Command::new("python3").arg("-m").arg("venv").arg(dir)).is_some()
        && dir.join("bin").join("pip").is_file();
    if !ok && dir.exists() {
        // A venv without pip (no ensurepip) would be found next time.
        if let Err(e) = std::fs::remove_dir_all(dir) {
            eprintln!("xtask: cannot remove {}: {e}", dir.display());
        }
    }
    ok
}
