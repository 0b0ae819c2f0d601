//! Only the registry (sr-engine) names adapter crates (`sr-tracker-*`):
//! read from `cargo metadata`, so that a crate that starts importing an
//! adapter fails here rather than in review. Everything else reaches a
//! provider through `sr_tracker::Registry`.
//!
//! A test may name an adapter where it needs the adapter itself; each such
//! dependency is listed below with the reason, and an entry nothing needs
//! any more fails too, so the list cannot go stale.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

/// The one crate whose code names adapters: `registry.rs` registers them.
const REGISTRY: &str = "sr-engine";

/// (crate, adapter, why) for dependencies outside the registry.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "sr-auto",
        "sr-tracker-local",
        "dev: the pipeline tests file issues into the store-backed local tracker and wrap it to inject faults; the registry lives in sr-engine, above sr-auto",
    ),
    (
        "sr-templates",
        "sr-tracker-jira",
        "dev: checks that a rendered body survives Jira's Markdown-to-ADF converter, which only that adapter has",
    ),
    (
        "sr-sync",
        "sr-tracker-github",
        "dev: sync runs against the validating GitHub mock with shortened retry delays, which only GitHubTracker::new takes",
    ),
    (
        "sr-webhook",
        "sr-tracker-github",
        "dev: the listener's tests send GitHub's published example deliveries, checked with the spec GitHub's adapter hands the engine",
    ),
    (
        "sr-webhook",
        "sr-tracker-gitlab",
        "dev: the listener's tests send GitLab's published example deliveries, checked with the spec GitLab's adapter hands the engine",
    ),
    (
        "sr-webhook",
        "sr-tracker-jira",
        "dev: the listener's tests send Jira's published example deliveries, checked with the spec Jira's adapter hands the engine",
    ),
    (
        "sr-bench",
        "sr-tracker-github",
        "normal, but sr-bench holds only benchmark programs: the sync benchmarks measure the GitHub adapter itself",
    ),
];

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: String,
    kind: String,
}

/// Every dependency of a workspace crate on an adapter crate.
fn adapter_edges() -> Vec<Edge> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let is_adapter = |name: &str| name.starts_with("sr-tracker-");
    let mut edges = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        let from = package["name"].as_str().unwrap();
        for dep in package["dependencies"].as_array().unwrap() {
            let to = dep["name"].as_str().unwrap();
            if is_adapter(to) && to != from {
                edges.push(Edge {
                    from: from.to_owned(),
                    to: to.to_owned(),
                    kind: dep["kind"].as_str().unwrap_or("normal").to_owned(),
                });
            }
        }
    }
    edges.sort();
    edges.dedup();
    edges
}

#[test]
fn only_the_registry_depends_on_adapter_crates() {
    let edges = adapter_edges();
    assert!(
        edges
            .iter()
            .any(|e| e.from == REGISTRY && e.to == "sr-tracker-github"),
        "the metadata names no adapter of the registry: {edges:?}"
    );
    let allowed: BTreeSet<(&str, &str)> = ALLOWED.iter().map(|(f, t, _)| (*f, *t)).collect();
    let offending: Vec<String> = edges
        .iter()
        .filter(|e| e.from != REGISTRY && !allowed.contains(&(e.from.as_str(), e.to.as_str())))
        .map(|e| format!("{} -> {} ({})", e.from, e.to, e.kind))
        .collect();
    assert!(
        offending.is_empty(),
        "only {REGISTRY} may name adapter crates; reach providers through sr_tracker::Registry instead: {offending:?}"
    );
    let stale: Vec<String> = ALLOWED
        .iter()
        .filter(|(f, t, _)| !edges.iter().any(|e| e.from == *f && e.to == *t))
        .map(|(f, t, _)| format!("{f} -> {t}"))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed but no longer needed, remove: {stale:?}"
    );
    // Outside sr-bench, what is allowed is for tests only.
    let normal: Vec<String> = edges
        .iter()
        .filter(|e| e.from != REGISTRY && e.from != "sr-bench" && e.kind != "dev")
        .map(|e| format!("{} -> {}", e.from, e.to))
        .collect();
    assert!(
        normal.is_empty(),
        "adapters named outside tests: {normal:?}"
    );
}
