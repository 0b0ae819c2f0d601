//! Python virtual environments under the target directory, made with
//! `python3 -m venv` and filled by pip, reused while their package list is
//! unchanged (a stamp file holds the list they were made with). Two use
//! them: migra for the drift bench, and the independent checkers tests
//! run our output through (validators and readers written by others, not
//! by us), whose interpreter tests find in `SR_TEST_PYTHON`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{setup, sh, workspace_root};

/// The packages the tests' Python interpreter has. A test that checks our
/// output with a Python library adds it here and reads the interpreter's
/// path from `sr_testkit::python()`.
pub const TEST_PACKAGES: &[&str] = &[
    // Reads exported workbooks back (the export tests).
    "openpyxl",
    // Schemathesis 4 (OpenAPI 3.1): the team API's acceptance test
    // (tests/api_schemathesis.rs) runs its `schemathesis` beside python.
    "schemathesis>=4,<5",
    // The Standard Webhooks reference library verifies the outgoing
    // webhooks (sr-channel-webhook's tests); pinned, so that what the
    // tests mean does not change under them.
    "standardwebhooks==1.1.0",
    // A real SMTP server for the e-mail channel's tests
    // (sr-channel-email/tests/sink.py).
    "aiosmtpd==1.4.6",
];

/// The test interpreter: a venv with [`TEST_PACKAGES`], made when missing.
pub fn test_python() -> Result<PathBuf> {
    let venv = ensure("test-venv", TEST_PACKAGES)?;
    Ok(venv.join("bin").join("python"))
}

/// The target directory: `CARGO_TARGET_DIR` or the workspace's `target`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The venv `name` under the target directory with `packages` installed;
/// returns its directory.
pub fn ensure(name: &str, packages: &[&str]) -> Result<PathBuf> {
    let venv = target_dir().join(name);
    let stamp = venv.join("scratchrobin-packages.txt");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(venv);
    }
    if !venv.join("bin").join("pip").is_file() && !make_venv(&venv) {
        setup::ensure_packages(&["python3-venv"])?;
        if !make_venv(&venv) {
            bail!(
                "`python3 -m venv {}` failed; install python3 and python3-venv",
                venv.display()
            );
        }
    }
    if !packages.is_empty() {
        eprintln!(
            "xtask: installing {} into {}",
            packages.join(", "),
            venv.display()
        );
        sh::run(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(packages),
        )
        .with_context(|| format!("installing {} with pip", packages.join(", ")))?;
    }
    std::fs::write(&stamp, wanted).with_context(|| format!("writing {}", stamp.display()))?;
    Ok(venv)
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
