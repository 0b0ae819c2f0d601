//! Project automation, run as `cargo xtask …` (an alias in
//! .cargo/config.toml). Plain std and anyhow, plus sr-testkit's std-only
//! server code, so it builds in seconds on a fresh clone.
//!
//! - `cargo xtask test [ARGS…]`: every test, against real servers.
//! - `cargo xtask bench [NAME] [-- ARGS…]`: the benchmark programs.
//! - `cargo xtask lint [-p CRATE…]`: DESIGN.md's dependency rules, clippy.

mod bench;
mod lint;
mod migra;
mod python;
mod servers;
mod setup;
mod sh;
mod tally;
mod test;

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask test [ARGS…]             run every test (ARGS go to the runners: -p CRATE, a filter, …)
       cargo xtask bench [NAME] [-- ARGS…]  run one bench (or all) in release mode
       cargo xtask lint [-p CRATE…]         the dependency rules of DESIGN.md, then clippy (warnings denied)
       cargo xtask servers                  start the test servers, print their variables, keep them until Enter or Ctrl-C";

/// The workspace root (xtask's parent directory).
pub fn workspace_root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the process; prefer it to the
    // value compiled in, which names whichever checkout built this binary
    // (two checkouts sharing a target directory share the binary).
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// `cargo` (the one that runs us), in the workspace root.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(workspace_root());
    // A CI run builds once from scratch: incremental state would only add
    // gigabytes to a disk the test binaries already fill.
    if std::env::var_os("CI").is_some_and(|v| v == "true") {
        cmd.env("CARGO_INCREMENTAL", "0");
    }
    cmd
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            std::process::exit(2);
        }
    }
}

/// Runs the subcommand; everything it started is stopped before it returns.
fn dispatch(args: &[String]) -> Result<i32> {
    match args.first().map(String::as_str) {
        Some("test") => test::test(&args[1..]),
        Some("bench") => {
            let rest = &args[1..];
            let (name, extra) = match rest.first().map(String::as_str) {
                None => (None, rest),
                Some("--") => (None, &rest[1..]),
                Some(n) => {
                    let extra = &rest[1..];
                    (
                        Some(n),
                        extra.strip_prefix(&["--".to_string()][..]).unwrap_or(extra),
                    )
                }
            };
            bench::bench(name, extra)
        }
        Some("servers") => servers::hold(),
        Some("lint") => lint::lint(&args[1..]),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(0)
        }
        Some(other) => bail!("unknown command `{other}`\n{USAGE}"),
        None => bail!("no command given\n{USAGE}"),
    }
}
