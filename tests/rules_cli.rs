//! `scratchrobin rules …` through the real binary: `rules test` on every
//! example event (its title is the one `events emit` then files), the
//! starter rules of a first run (written once, even by two processes at
//! once, and filing only where monitoring is on), and edits by flags and
//! JSON snippets checked like `rules check`, never lost when two processes
//! edit at once.

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
    c.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env_remove("SCRATCHROBIN_CRASH_AT")
        .env("RUST_LOG", "warn");
    c
}

/// Starts the CLI with its output captured.
fn spawn(dir: &Path, args: &[&str]) -> std::process::Child {
    command(dir, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn line<'a>(out: &'a str, prefix: &str) -> Option<&'a str> {
    out.lines().find_map(|l| l.strip_prefix(prefix))
}

fn outbox_creates(dir: &Path) -> Vec<Value> {
    let rows: Vec<Value> =
        serde_json::from_str(&ok(dir, &["outbox", "list", "--json", "--limit", "100"])).unwrap();
    rows.into_iter()
        .filter(|r| r["action"] == "create")
        .collect()
}

#[test]
fn rules_test_names_the_matching_rule_and_the_title_events_emit_then_files() {
    let example = repo_root().join("config/auto_issue_rules.example.json");
    let rules: Value = serde_json::from_str(&std::fs::read_to_string(&example).unwrap()).unwrap();
    let example = example.display().to_string();
    let mut events: Vec<PathBuf> = std::fs::read_dir(repo_root().join("config/events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    events.sort();
    assert_eq!(events.len(), 12, "one example per event kind");
    for path in &events {
        let dir = tempfile::tempdir().unwrap();
        let event: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let kind = event["event"].as_str().unwrap();
        let rule = rules["auto_issue_rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["event"] == kind)
            .unwrap();
        let file = path.display().to_string();
        let out = ok(dir.path(), &["rules", "test", &file, "--file", &example]);
        assert_eq!(
            line(&out, "matched: "),
            rule["name"].as_str(),
            "{kind}: {out}"
        );
        let resolution = kind == "drift.resolved" || kind == "health.recovered";
        let title = line(&out, "title: ");
        assert_eq!(title.is_none(), resolution, "{kind}: {out}");
        assert!(
            line(&out, "note: ").is_none(),
            "the template rendered: {out}"
        );
        // Nothing was filed by the test; emitting the event files exactly
        // the issue it showed.
        let json = ok(
            dir.path(),
            &["rules", "test", &file, "--file", &example, "--json"],
        );
        let json: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["matched"], rule["name"], "{kind}");
        assert!(outbox_creates(dir.path()).is_empty(), "{kind}: test filed");
        if let Some(title) = title {
            ok(dir.path(), &["events", "emit", &file, "--rules", &example]);
            let creates = outbox_creates(dir.path());
            assert_eq!(creates.len(), 1, "{kind}: {creates:?}");
            assert_eq!(creates[0]["title"], title, "{kind}");
            assert_eq!(creates[0]["rule"], rule["name"], "{kind}");
            assert_eq!(
                creates[0]["fingerprint"], json["rules"][0]["fingerprint"],
                "{kind}"
            );
        }
    }
}

#[test]
fn a_condition_that_matches_nothing_says_so_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        json!({"auto_issue_rules": [{"name": "Only low", "event": "drift.detected",
            "condition": "drift.severity == 'low'", "tracker": "Local", "template": "drift_detection"}]})
        .to_string(),
    )
    .unwrap();
    let event = repo_root().join("config/events/drift.detected.json");
    let out = cli(
        dir.path(),
        &[
            "rules",
            "test",
            &event.display().to_string(),
            "--file",
            &rules.display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("no enabled rule") && t.contains("Only low: condition is false"),
        "{t}"
    );
}

#[test]
fn a_first_run_writes_the_starter_rules_once_even_from_two_processes() {
    let dir = tempfile::tempdir().unwrap();
    let a = spawn(dir.path(), &["rules", "list", "--json"]);
    let b = spawn(dir.path(), &["rules", "list", "--json"]);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        text(&a),
        text(&b)
    );
    let wrote = [&a, &b]
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stderr).contains("wrote the starter rules"))
        .count();
    assert_eq!(wrote, 1, "{}{}", text(&a), text(&b));
    let listed: Vec<Value> = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(
        listed,
        serde_json::from_slice::<Vec<Value>>(&b.stdout).unwrap()
    );
    let names: Vec<&str> = listed.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Schema drift",
            "Schema drift resolved",
            "Health check critical",
            "Health recovered",
            "Performance regression"
        ]
    );
    assert!(listed.iter().all(|r| r["starter"] == true));
    assert!(ok(dir.path(), &["rules", "check"]).contains("5 rules (5 enabled), all valid"));
    let shown = ok(dir.path(), &["rules", "list"]);
    assert!(shown.contains("[starter]") && shown.contains("if regression.percentage > 20"));
    // A user who deletes the file keeps no rules: the starter set is
    // written once per data directory.
    std::fs::remove_file(dir.path().join("config/auto_issue_rules.json")).unwrap();
    let again = ok(dir.path(), &["rules", "list"]);
    assert!(again.contains("no rules in"), "{again}");
}

/// The example drift event on `connection`, written into `dir`.
fn drift_on(dir: &Path, connection: &str) -> String {
    let mut event: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("config/events/drift.detected.json")).unwrap(),
    )
    .unwrap();
    event["connection"] = json!(connection);
    let path = dir.join(format!("drift-{connection}.json"));
    std::fs::write(&path, event.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn starter_rules_file_only_where_that_monitoring_is_on() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["rules", "list"]);
    let rules = dir.path().join("config/auto_issue_rules.json");
    let rules = rules.display().to_string();
    // `shop` is named nowhere in monitoring.json: its checks are off.
    let shop = drift_on(dir.path(), "shop");
    let out = ok(dir.path(), &["events", "emit", &shop, "--rules", &rules]);
    assert!(outbox_creates(dir.path()).is_empty(), "{out}");
    // Health on, drift still off: still nothing.
    let monitoring = dir.path().join("config/monitoring.json");
    std::fs::write(
        &monitoring,
        json!({"connections": {"shop": {"drift_minutes": 0, "health_minutes": 5, "perf_minutes": 0}}}).to_string(),
    )
    .unwrap();
    ok(dir.path(), &["events", "emit", &shop, "--rules", &rules]);
    assert!(outbox_creates(dir.path()).is_empty());
    // Drift monitoring on: the starter drift rule files a P1 Local issue.
    std::fs::write(
        &monitoring,
        json!({"connections": {"shop": {"drift_minutes": 15}}}).to_string(),
    )
    .unwrap();
    ok(dir.path(), &["events", "emit", &shop, "--rules", &rules]);
    let creates = outbox_creates(dir.path());
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert_eq!(creates[0]["rule"], "Schema drift");
    assert_eq!(creates[0]["priority"], "P1");
    assert_eq!(creates[0]["tracker"], "Local");
    assert_eq!(creates[0]["status"], "done");
    // The same drift again is deduplicated into a comment, not a second issue.
    ok(dir.path(), &["events", "emit", &shop, "--rules", &rules]);
    assert_eq!(outbox_creates(dir.path()).len(), 1);
}

fn names(dir: &Path) -> Vec<String> {
    let listed: Vec<Value> = serde_json::from_str(&ok(dir, &["rules", "list", "--json"])).unwrap();
    listed
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn edits_by_flags_and_snippets_are_checked_before_they_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "rules",
            "add",
            "--name",
            "Health warning",
            "--event",
            "health.failed",
            "--condition",
            "severity == 'warning'",
            "--tracker",
            "Local",
            "--template",
            "health_check",
            "--priority",
            "P3",
            "--label",
            "health",
            "--label",
            "warning",
            "--at",
            "0",
        ],
    );
    assert_eq!(names(d)[0], "Health warning");
    let snippet = json!({"name": "Slow queries", "event": "performance.regression",
        "condition": "regression.percentage > 50", "tracker": "Local",
        "template": "performance_regression", "priority": "P1"})
    .to_string();
    ok(d, &["rules", "add", "--json", &snippet]);
    assert_eq!(names(d).last().unwrap(), "Slow queries");
    let file = d.join("config/auto_issue_rules.json");
    let before = std::fs::read_to_string(&file).unwrap();
    // An invalid CEL condition: refused with where and why, file unchanged.
    let out = cli(
        d,
        &[
            "rules",
            "edit",
            "Slow queries",
            "--condition",
            "regression.percentage >",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(
        t.contains("(not saved)")
            && t.contains("rule \"Slow queries\"")
            && t.contains("condition is not valid CEL"),
        "{t}"
    );
    // An unknown tracker and a misspelt field, likewise.
    let out = cli(d, &["rules", "edit", "Slow queries", "--tracker", "Lcal"]);
    assert!(
        text(&out).contains("did you mean \"Local\"?"),
        "{}",
        text(&out)
    );
    let out = cli(
        d,
        &[
            "rules",
            "add",
            "--json",
            r#"{"name": "x", "evnt": "drift.detected"}"#,
        ],
    );
    assert!(
        text(&out).contains("unknown field \"evnt\"; did you mean \"event\"?"),
        "{}",
        text(&out)
    );
    let out = cli(d, &["rules", "remove", "Slow querys"]);
    assert!(
        text(&out).contains("did you mean \"Slow queries\"?"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    // Valid edits: priority changed, assignee cleared, a copy, a move, a removal.
    ok(
        d,
        &[
            "rules",
            "edit",
            "Slow queries",
            "--priority",
            "P2",
            "--enabled",
            "false",
        ],
    );
    ok(
        d,
        &["rules", "duplicate", "Slow queries", "Slow queries (copy)"],
    );
    ok(d, &["rules", "move", "Slow queries (copy)", "0"]);
    ok(d, &["rules", "edit", "Health warning", "--clear", "labels"]);
    ok(d, &["rules", "remove", "Schema drift resolved"]);
    let listed: Vec<Value> = serde_json::from_str(&ok(d, &["rules", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["name"], "Slow queries (copy)");
    assert_eq!(listed[0]["priority"], "P2");
    assert_eq!(listed[0]["enabled"], false);
    assert!(listed[0].get("starter").is_none());
    assert!(listed[1].get("labels").is_none());
    assert!(!names(d).contains(&"Schema drift resolved".to_owned()));
    assert!(ok(d, &["rules", "check"]).contains("all valid"));
    // The saved file keeps the documented field order.
    let saved = std::fs::read_to_string(&file).unwrap();
    let first = &saved[saved.find('{').unwrap() + 1..];
    let first = &first[first.find('{').unwrap()..];
    assert!(first.find("\"name\"").unwrap() < first.find("\"event\"").unwrap());
}

#[test]
fn two_processes_adding_rules_at_once_both_keep_their_rule() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["rules", "list"]);
    let add = |name: &str| {
        let snippet = json!({"name": name, "event": "test.failed", "tracker": "Local",
            "template": "test_failure"})
        .to_string();
        spawn(d, &["rules", "add", "--json", &snippet])
    };
    let children: Vec<_> = (0..4).map(|i| add(&format!("Data test {i}"))).collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    let all = names(d);
    for i in 0..4 {
        assert!(all.contains(&format!("Data test {i}")), "{all:?}");
    }
    assert_eq!(all.len(), 9);
}
