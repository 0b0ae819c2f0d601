//! Helpers the end-to-end files share: running `scratchrobin tracker test
//! NAME --json` against a one-tracker trackers.json, and checking what a
//! failing run diagnosed.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// Runs `tracker test` with a trackers.json holding only `entry`
/// (`{"name", "type", "config"}`, its token written `${VAR}`), the token in
/// the environment variable `var`: whether the run succeeded, and the JSON
/// it printed.
pub fn tracker_test(dir: &Path, entry: Value, var: &str, token: &str) -> (bool, Value) {
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    let name = entry["name"].as_str().unwrap_or_default().to_owned();
    let trackers = json!({ "trackers": [entry] });
    std::fs::write(config.join("trackers.json"), trackers.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(&config)
        .args(["tracker", "test", &name, "--json"])
        .env_remove("SCRATCHROBIN_STORE")
        .env(var, token)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), json)
}

/// What a failing `tracker test` must have diagnosed: its `kind`, words
/// the diagnosis says (what is wrong and what to do), and the tokens it
/// must never show.
pub struct Diagnosis<'a> {
    pub kind: &'a str,
    pub says: &'a [&'a str],
    pub hides: &'a [&'a str],
}

impl Diagnosis<'_> {
    /// Checks the run `case` named (`ok`, the JSON it printed); its
    /// diagnosis.
    pub fn check(&self, case: &str, (ok, json): (bool, Value)) -> String {
        assert!(!ok, "{case}: the test should fail: {json}");
        assert_eq!(json["ok"], false, "{case}: {json}");
        assert_eq!(json["kind"], self.kind, "{case}: {json}");
        let diagnosis = json["diagnosis"].as_str().unwrap_or_default().to_owned();
        for words in self.says {
            assert!(
                diagnosis.contains(words),
                "{case}: the diagnosis should say `{words}`: {diagnosis}"
            );
        }
        for token in self.hides {
            assert!(
                !diagnosis.contains(token),
                "{case}: a token leaked: {diagnosis}"
            );
        }
        diagnosis
    }
}

/// A loopback port nobody listens on: bound a moment ago, free now.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Each failure was diagnosed in its own words: `seen` holds `n` distinct
/// diagnoses.
pub fn assert_distinct(seen: &[String], n: usize) {
    let mut distinct = seen.to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), n, "{seen:#?}");
}
