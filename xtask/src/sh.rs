//! Running commands: echoed first in CI (`CI=true`) so a log shows what
//! ran, and, for test runners, passed through line by line while their
//! closing lines are counted.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::tally::Tally;

/// Whether this is a CI run: commands are echoed before they run.
pub fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// A command line as a person would type it.
pub fn describe(cmd: &Command) -> String {
    let envs = cmd
        .get_envs()
        .filter(|(k, _)| *k != "CARGO_TERM_COLOR")
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())));
    let words = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned());
    envs.chain(words).collect::<Vec<_>>().join(" ")
}

fn echo(cmd: &Command) {
    if in_ci() {
        eprintln!("+ {}", describe(cmd));
    }
}

/// Runs `cmd` with inherited input and output; fails when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = status(cmd)?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(cmd));
    }
    Ok(())
}

/// Runs `cmd` with inherited input and output and returns its status.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    echo(cmd);
    cmd.status()
        .with_context(|| format!("could not run `{}`", describe(cmd)))
}

/// Runs `cmd` and returns its standard output, quietly; `None` when it
/// cannot run or fails.
pub fn read(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What a test runner did.
#[derive(Debug)]
pub struct Outcome {
    pub status: ExitStatus,
    pub tally: Tally,
    pub elapsed: Duration,
}

/// Runs a test runner, copying its output through line by line and
/// counting its closing lines. Colours are kept when our output is a
/// terminal (the runner sees a pipe and would otherwise drop them).
pub fn run_tests(cmd: &mut Command) -> Result<Outcome> {
    if std::io::stderr().is_terminal() && std::env::var_os("CARGO_TERM_COLOR").is_none() {
        cmd.env("CARGO_TERM_COLOR", "always");
    }
    echo(cmd);
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not run `{}`", describe(cmd)))?;
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        bail!("the output of `{}` was not captured", describe(cmd));
    };
    let tally = std::thread::scope(|s| {
        let a = s.spawn(|| copy_lines(out, std::io::stdout()));
        let b = s.spawn(|| copy_lines(err, std::io::stderr()));
        let mut t = a.join().unwrap_or_default();
        t.add(b.join().unwrap_or_default());
        t
    });
    let status = child.wait().context("waiting for the test runner")?;
    Ok(Outcome {
        status,
        tally,
        elapsed: started.elapsed(),
    })
}

fn copy_lines(from: impl Read, mut to: impl Write) -> Tally {
    let mut tally = Tally::default();
    let mut reader = BufReader::new(from);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                // Output that cannot be written (a closed terminal) is not
                // a reason to stop counting.
                to.write_all(&line).ok();
                to.flush().ok();
                tally.scan(&String::from_utf8_lossy(&line));
            }
        }
    }
    tally
}
