//! Running the independent checkers (the Standard Webhooks reference
//! library, and other Python packages xtask installs) in the tests' Python
//! ([`crate::python`]): a test hands a script its input on standard input
//! and reads its answer from standard output.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

/// Runs `script` in the tests' Python with `input` on standard input;
/// its standard output when it exits 0.
pub fn run_python(script: &str, input: &str) -> Result<String> {
    let python = crate::python()?;
    let command = format!("{} -c SCRIPT", python.display());
    let spawn_failed = |source| Error::Spawn {
        command: command.clone(),
        source,
    };
    let mut child = Command::new(&python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_failed)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).map_err(spawn_failed)?;
    }
    let out = child.wait_with_output().map_err(spawn_failed)?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(Error::CommandFailed {
            command,
            status: out.status.to_string(),
            output: format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)),
        })
    }
}
