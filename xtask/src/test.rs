//! `cargo xtask test [ARGS…]`: every test of the workspace, against real
//! servers, after `cargo xtask lint` (the dependency rules, then clippy over
//! the crates tested; a broken rule fails the run, and the tests still run
//! so that one report says everything). Installs what is missing, starts one PostgreSQL and one MariaDB
//! for the run (and the TLS-only pair and the SSH bastion), runs nextest (or `cargo test` without it) and the doc tests,
//! stops the servers and ends on one `summary: N passed, N failed` line.
//! ARGS go to both runners (`-p sr-store`, a test name filter, …); without
//! `-p`/`--package` the whole workspace runs.

use anyhow::Result;

use crate::servers::{Needs, Servers};
use crate::sh::{self, Outcome};
use crate::tally::Tally;
use crate::{cargo, lint, setup};

/// Whether `args` pick packages themselves.
pub fn selects_packages(args: &[String]) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| {
        a == "-p"
            || a == "--package"
            || a.starts_with("--package=")
            || (a.starts_with("-p") && a.len() > 2)
    })
}

fn has_nextest() -> bool {
    sh::read(cargo().args(["nextest", "--version"])).is_some()
}

/// One runner's command line: `base`, then `--workspace` unless `args`
/// pick packages, `--no-fail-fast`, then `args`.
pub fn runner_args(base: &[&str], args: &[String]) -> Vec<String> {
    let mut out: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    if !selects_packages(args) {
        out.push("--workspace".into());
    }
    out.push("--no-fail-fast".into());
    out.extend(args.iter().cloned());
    out
}

/// Runs the tests; returns the exit code for the process.
pub fn test(args: &[String]) -> Result<i32> {
    let lint_code = match lint::lint(&lint::package_args(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask lint: {e:#}");
            1
        }
    };
    setup::ensure_packages(setup::PACKAGES)?;
    let servers = Servers::start(Needs {
        postgres: true,
        mariadb: true,
        tls_and_ssh: true,
        redmine: true,
        python: true,
    })?;
    let mut steps: Vec<(&str, Outcome)> = Vec::new();
    let mut run = |name, base: &[&str]| -> Result<()> {
        let mut cmd = cargo();
        cmd.args(runner_args(base, args));
        servers.apply(&mut cmd);
        steps.push((name, sh::run_tests(&mut cmd)?));
        Ok(())
    };
    if has_nextest() {
        // Doc tests first, so nextest's summary stays near the end.
        run("doc tests", &["test", "--doc"])?;
        run("nextest", &["nextest", "run"])?;
    } else {
        eprintln!(
            "xtask: cargo-nextest not found, using `cargo test` (install it: cargo install cargo-nextest)"
        );
        run("cargo test", &["test"])?;
    }
    let server_lines = servers.lines.clone();
    servers.stop();

    let mut total = Tally::default();
    let mut code = lint_code;
    eprintln!("\nxtask test:");
    eprintln!(
        "  lint      {}",
        if lint_code == 0 {
            "ok"
        } else {
            "FAILED (see `xtask lint:` above)"
        }
    );
    for line in &server_lines {
        eprintln!("  server    {line}");
    }
    for (name, o) in &steps {
        if *name == "doc tests" && !o.status.success() && o.tally.no_library {
            eprintln!("  {name:<9} none: the chosen packages have no library");
            continue;
        }
        let verdict = if o.status.success() { "ok" } else { "FAILED" };
        eprintln!(
            "  {name:<9} {verdict} in {:.1}s: {} passed, {} failed, {} skipped",
            o.elapsed.as_secs_f64(),
            o.tally.passed,
            o.tally.failed,
            o.tally.skipped
        );
        if !o.status.success() {
            if o.tally.summaries == 0 {
                eprintln!("            (no test ran: see the build errors above)");
            }
            if code == 0 {
                code = o.status.code().unwrap_or(1).max(1);
            }
        }
        total.add(o.tally);
    }
    println!(
        "summary: {} passed, {} failed, {} skipped",
        total.passed, total.failed, total.skipped
    );
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str], expected: &[&str]) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            runner_args(&["nextest", "run"], &args),
            expected,
            "{args:?}"
        );
    }

    #[test]
    fn runner_args_cases() {
        check(&[], &["nextest", "run", "--workspace", "--no-fail-fast"]);
        check(
            &["-p", "sr-store"],
            &["nextest", "run", "--no-fail-fast", "-p", "sr-store"],
        );
        check(
            &["-psr-store"],
            &["nextest", "run", "--no-fail-fast", "-psr-store"],
        );
        check(
            &["--package=sr-store"],
            &["nextest", "run", "--no-fail-fast", "--package=sr-store"],
        );
        check(
            &["links"],
            &["nextest", "run", "--workspace", "--no-fail-fast", "links"],
        );
        check(
            &["--", "-p"],
            &[
                "nextest",
                "run",
                "--workspace",
                "--no-fail-fast",
                "--",
                "-p",
            ],
        );
    }
}
