//! `cargo xtask lint [-p CRATE…]`: the rules of ../shared/DESIGN.md that a
//! compiler does not check, read from `cargo metadata`, then clippy with
//! warnings denied (over the workspace, or the crates named).
//! `cargo xtask test` runs it first, clippy over the crates it tests.
//!
//! The rules, over each workspace crate's normal (not dev) dependencies:
//! - layers: core ← data ← trackers / channels ← services ← app; a crate
//!   names crates of its own layer or lower ones only;
//! - the core does no I/O: sr-model and sr-schema name no runtime,
//!   database, HTTP or file-system crate;
//! - only the engine (its registry) names adapter and channel crates;
//! - no production crate names a dev crate (sr-testkit, sr-apimock,
//!   sr-bench) except as a dev-dependency.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::{cargo, sh};

/// The layer of a crate of ours, lowest first; `None` for dev crates.
fn layer(name: &str) -> Option<(u8, &'static str)> {
    Some(match name {
        "sr-model" | "sr-schema" => (0, "core"),
        "sr-db" | "sr-store" | "sr-secrets" | "sr-config" => (1, "data"),
        n if n == "sr-tracker" || n.starts_with("sr-tracker-") => (2, "trackers"),
        n if n == "sr-notify" || n.starts_with("sr-channel-") => (2, "channels"),
        "sr-ui" | "scratchrobin" => (4, "app"),
        "sr-testkit" | "sr-apimock" | "sr-bench" | "xtask" => return None,
        // sr-templates, sr-links, sr-auto, sr-sync, sr-webhook, sr-api,
        // sr-engine and any new service.
        _ => (3, "services"),
    })
}

/// Whether `name` is an adapter or channel crate, which only the engine's
/// registry may name.
fn is_plugin(name: &str) -> bool {
    name.starts_with("sr-tracker-") || name.starts_with("sr-channel-")
}

/// Crates that mean I/O, which the core never names.
const IO_CRATES: &[&str] = &[
    "tokio",
    "sqlx",
    "reqwest",
    "hyper",
    "axum",
    "notify",
    "directories",
    "keyring",
    "tempfile",
    "russh",
];

/// One declared dependency: (crate, dependency, kind).
type Edge = (String, String, Option<String>);

/// The declared dependencies of the workspace's crates.
fn edges(metadata: &Value) -> Result<Vec<Edge>> {
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .context("cargo metadata without workspace_members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let id = package["id"].as_str().unwrap_or_default();
        if !members.contains(&id) {
            continue;
        }
        let name = package["name"].as_str().unwrap_or_default().to_owned();
        for dep in package["dependencies"].as_array().into_iter().flatten() {
            out.push((
                name.clone(),
                dep["name"].as_str().unwrap_or_default().to_owned(),
                dep["kind"].as_str().map(str::to_owned),
            ));
        }
    }
    Ok(out)
}

/// Every broken rule, one sentence each, for the declared `edges`.
pub fn violations(edges: &[Edge]) -> Vec<String> {
    let ours: Vec<&str> = edges.iter().map(|(c, _, _)| c.as_str()).collect();
    let mut out = Vec::new();
    for (krate, dep, kind) in edges {
        if kind.is_some() {
            // dev- and build-dependencies serve tests and benches only.
            continue;
        }
        let Some((from, from_name)) = layer(krate) else {
            continue;
        };
        if ours.contains(&dep.as_str()) || dep.starts_with("sr-") {
            match layer(dep) {
                None => out.push(format!(
                    "{krate} depends on the dev crate {dep}; make it a dev-dependency"
                )),
                Some((to, to_name)) if to > from => out.push(format!(
                    "{krate} ({from_name}) depends on {dep} ({to_name}), a higher layer; \
                     move what it needs down, or invert the dependency with a trait"
                )),
                Some(_) => {}
            }
            if is_plugin(dep) && krate != "sr-engine" {
                out.push(format!(
                    "{krate} depends on the adapter {dep}; only sr-engine's registry names \
                     adapters, everything else reaches them through sr-tracker's traits"
                ));
            }
        }
        if from == 0 && IO_CRATES.contains(&dep.as_str()) {
            out.push(format!(
                "{krate} is core and must do no I/O, but depends on {dep}"
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Runs the rules, then clippy over `packages` (`-p CRATE` arguments; the
/// workspace when empty); returns the exit code.
pub fn lint(packages: &[String]) -> Result<i32> {
    let text = sh::read(cargo().args(["metadata", "--format-version", "1", "--no-deps"]))
        .context("cargo metadata failed")?;
    let metadata: Value = serde_json::from_str(&text).context("cargo metadata's output")?;
    let broken = violations(&edges(&metadata)?);
    for line in &broken {
        eprintln!("xtask lint: {line}");
    }
    if !broken.is_empty() {
        bail!(
            "{} dependency rule(s) broken (see ../shared/DESIGN.md, ARCHITECTURE.md)",
            broken.len()
        );
    }
    eprintln!("xtask lint: dependency rules hold");
    let status = sh::status(&mut clippy(packages))?;
    if !status.success() {
        eprintln!("xtask lint: clippy found warnings (denied)");
        return Ok(status.code().unwrap_or(1));
    }
    Ok(0)
}

fn clippy(packages: &[String]) -> Command {
    let mut cmd = cargo();
    cmd.arg("clippy");
    if packages.is_empty() {
        cmd.arg("--workspace");
    } else {
        cmd.args(packages);
    }
    cmd.args(["--all-targets", "--", "-D", "warnings"]);
    cmd
}

/// The package selection among a test run's `args` (`-p X`, `-pX`,
/// `--package X`, `--package=X`, `--workspace`), for clippy to check what
/// the run tests; nothing after `--`.
pub fn package_args(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut words = args.iter().take_while(|a| *a != "--");
    while let Some(a) = words.next() {
        if a == "-p" || a == "--package" {
            out.push(a.clone());
            out.extend(words.next().cloned());
        } else if a == "--workspace" || a.starts_with("--package=") || a.starts_with("-p") {
            out.push(a.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(c: &str, d: &str, kind: Option<&str>) -> Edge {
        (c.into(), d.into(), kind.map(str::to_owned))
    }

    #[test]
    fn clippy_checks_what_the_tests_run() {
        let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        for (args, expected) in [
            ("", ""),
            ("-p sr-store links", "-p sr-store"),
            (
                "-psr-store --package=sr-db --package sr-ui",
                "-psr-store --package=sr-db --package sr-ui",
            ),
            ("--workspace filter", "--workspace"),
            ("-p sr-store -- -p sr-ui", "-p sr-store"),
        ] {
            assert_eq!(package_args(&words(args)), words(expected), "{args}");
        }
    }

    #[test]
    fn each_rule_is_found() {
        let edges = [
            edge("sr-store", "sr-engine", None),
            edge("sr-model", "tokio", None),
            edge("sr-ui", "sr-tracker-github", None),
            edge("sr-links", "sr-testkit", None),
            // Allowed: a lower layer, the registry, dev-dependencies.
            edge("sr-engine", "sr-tracker-github", None),
            edge("sr-engine", "sr-store", None),
            edge("sr-store", "sr-testkit", Some("dev")),
            edge("sr-ui", "sr-apimock", Some("dev")),
            edge("sr-schema", "sr-model", None),
        ];
        let found = violations(&edges);
        let starts = [
            "sr-links depends on the dev crate sr-testkit",
            "sr-model is core and must do no I/O, but depends on tokio",
            "sr-store (data) depends on sr-engine (services), a higher layer",
            "sr-ui depends on the adapter sr-tracker-github",
        ];
        assert_eq!(found.len(), starts.len(), "{found:#?}");
        for (line, start) in found.iter().zip(starts) {
            assert!(line.starts_with(start), "{line}");
        }
    }
}
