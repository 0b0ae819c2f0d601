//! Auto-issues end to end through the real binary: `events emit` on the
//! repository's example events, the built-in local tracker in a real store
//! file, a loopback GitHub that checks every request against GitHub's
//! OpenAPI description, and processes killed between the outbox commit and
//! the send. Each fingerprint ends with exactly one issue.

#![allow(clippy::unwrap_used)] // Tests: a failure is the test failing.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};
use sr_apimock::{GitHubRepo, MockServer};
use sr_model::{IssueState, IssueUpdate, SearchQuery};
use sr_tracker::IssueTracker;

const TOKEN: &str = "ghp_auto_issue_test_token";

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
        .env("SR_AUTO_TEST_TOKEN", TOKEN)
        .env_remove(CRASH_ENV)
        .env("RUST_LOG", "info");
    c
}

const CRASH_ENV: &str = "SCRATCHROBIN_CRASH_AT";

fn cli(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the CLI with a crash point, waits until it is reached, and kills
/// the process with SIGKILL.
fn killed_at(dir: &Path, at: &str, args: &[&str]) {
    let mut child = command(dir, args)
        .env(CRASH_ENV, at)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        let reached = line.contains("waiting to be killed");
        seen.push(line);
        if reached {
            child.kill().unwrap();
            let status = child.wait().unwrap();
            assert!(!status.success());
            return;
        }
    }
    child.wait().ok();
    panic!("the crash point {at} was never reached: {seen:#?}");
}

/// A config directory with `rules` (and `trackers.json` when given).
fn setup(rules: &Value, trackers: Option<String>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("auto_issue_rules.json"),
        serde_json::to_string_pretty(rules).unwrap(),
    )
    .unwrap();
    if let Some(t) = trackers {
        std::fs::write(config.join("trackers.json"), t).unwrap();
    }
    dir
}

/// The repository's example event of `kind`, written into `dir`.
fn example_event(dir: &Path, kind: &str) -> String {
    let path = repo_root().join(format!("config/events/{kind}.json"));
    let target = dir.join(format!("{kind}.json"));
    std::fs::copy(path, &target).unwrap();
    target.display().to_string()
}

fn drift_rules(tracker: &str) -> Value {
    json!({"auto_issue_rules": [
        {"name": "Schema Drift Alert", "event": "drift.detected", "condition": "drift.severity == 'high'",
         "tracker": tracker, "template": "drift_detection", "priority": "P1", "labels": ["drift"],
         "reopen_window_hours": 24},
        {"name": "Drift Resolved", "event": "drift.resolved", "tracker": tracker,
         "template": "drift_detection", "close_on_resolve": true}
    ]})
}

fn outbox(dir: &Path) -> Vec<Value> {
    let out = ok(dir, &["outbox", "list", "--json", "--limit", "1000"]);
    serde_json::from_str(&out).unwrap()
}

fn count(rows: &[Value], action: &str, status: &str) -> usize {
    rows.iter()
        .filter(|r| r["action"] == action && r["status"] == status)
        .count()
}

/// The local tracker over the test's store file, built through the
/// engine's registry as the binary builds it.
fn local(dir: &Path, rt: &tokio::runtime::Runtime) -> std::sync::Arc<dyn IssueTracker> {
    let store = rt
        .block_on(sr_store::Store::open_file(
            &dir.join("data/scratchrobin.db"),
        ))
        .unwrap();
    let entry = serde_json::from_value(json!({"name": "Local", "type": "local"})).unwrap();
    let secrets = sr_secrets::Resolver::with_env(|_| None, sr_secrets::Keyring::in_memory());
    sr_engine::registry(&store, "test")
        .build(&entry, &secrets)
        .unwrap()
}

#[test]
fn the_same_drift_fifty_times_is_one_issue_with_a_comment_trail_and_reopens_when_closed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = setup(&drift_rules("Local"), None);
    let d = dir.path();
    let drift = example_event(d, "drift.detected");
    for _ in 0..50 {
        ok(d, &["events", "emit", &drift]);
    }
    let rows = outbox(d);
    assert_eq!(count(&rows, "create", "done"), 1, "{rows:#?}");
    assert_eq!(count(&rows, "comment", "done"), 49);
    assert_eq!(rows.len(), 50);
    let tracker = local(d, &rt);
    let issues = rt
        .block_on(tracker.search_issues(&SearchQuery::default()))
        .unwrap();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let issue = &issues[0];
    assert_eq!(issue.reference.priority, Some(sr_model::Priority::P1));
    assert!(
        issue
            .reference
            .labels
            .iter()
            .any(|l| l.starts_with("sr-fp-"))
    );
    assert!(
        issue.body.contains("<!-- sr-fingerprint: "),
        "{}",
        issue.body
    );
    let id = issue.reference.key.id.clone();
    let comments = rt.block_on(tracker.comments(&id)).unwrap();
    assert_eq!(comments.len(), 49);
    assert!(
        comments[48].body.contains("(occurrence 50)"),
        "{}",
        comments[48].body
    );
    assert!(comments[0].body.contains("First seen:"));

    // Linked to its object, as auto-created, and audited.
    let key = issue.reference.key.to_string();
    let links: Vec<Value> =
        serde_json::from_str(&ok(d, &["links", "--issue", &key, "--json"])).unwrap();
    assert_eq!(links.len(), 1, "{links:#?}");
    assert_eq!(links[0]["type"], "AUTO_CREATED");
    let audit = ok(d, &["audit", "--json"]);
    assert!(audit.contains("issue_created"), "{audit}");

    // Closed by a person, then the alert comes back inside the window.
    let closed = IssueUpdate {
        state: Some(IssueState::Done),
        resolution: Some("completed".into()),
        ..IssueUpdate::default()
    };
    rt.block_on(tracker.update_issue(&id, &closed)).unwrap();
    let out = ok(d, &["events", "emit", &drift]);
    assert!(out.contains("reopen"), "{out}");
    let again = rt.block_on(tracker.get_issue(&id)).unwrap().unwrap();
    assert_eq!(again.reference.status.state, IssueState::Open);
    let comments = rt.block_on(tracker.comments(&id)).unwrap();
    assert!(
        comments.last().unwrap().body.starts_with("Reopened"),
        "{:?}",
        comments.last()
    );

    // The drift clears: a comment, and the rule closes the issue.
    let resolved = example_event(d, "drift.resolved");
    ok(d, &["events", "emit", &resolved]);
    let after = rt.block_on(tracker.get_issue(&id)).unwrap().unwrap();
    assert_eq!(after.reference.status.state, IssueState::Done);
    assert!(
        rt.block_on(tracker.comments(&id))
            .unwrap()
            .last()
            .unwrap()
            .body
            .starts_with("Resolved")
    );

    // Won't fix: the alert stays closed and nothing is sent.
    let wont = IssueUpdate {
        state: Some(IssueState::Done),
        resolution: Some("not_planned".into()),
        ..IssueUpdate::default()
    };
    rt.block_on(tracker.update_issue(&id, &wont)).unwrap();
    let before = outbox(d).len();
    let out = ok(d, &["events", "emit", &drift]);
    assert!(out.contains("wont_fix"), "{out}");
    assert_eq!(outbox(d).len(), before);
    let issues = rt
        .block_on(tracker.search_issues(&SearchQuery::default()))
        .unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].reference.status.state, IssueState::Done);
}

#[test]
fn a_process_killed_between_commit_and_send_leaves_one_issue_after_restart() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = setup(&drift_rules("Local"), None);
    let d = dir.path();
    let drift = example_event(d, "drift.detected");
    killed_at(d, "after-commit", &["events", "emit", &drift]);
    let rows = outbox(d);
    assert_eq!(count(&rows, "create", "pending"), 1, "{rows:#?}");
    let tracker = local(d, &rt);
    assert!(
        rt.block_on(tracker.search_issues(&SearchQuery::default()))
            .unwrap()
            .is_empty()
    );
    // A second sighting before anyone sent the first: it waits behind it.
    ok(d, &["events", "emit", &drift]);
    let rows = outbox(d);
    assert_eq!(count(&rows, "create", "done"), 1, "{rows:#?}");
    assert_eq!(count(&rows, "comment", "done"), 1);
    let issues = rt
        .block_on(tracker.search_issues(&SearchQuery::default()))
        .unwrap();
    assert_eq!(issues.len(), 1);
}

fn github_trackers(base_url: &str) -> String {
    format!(
        r#"{{"trackers": [{{"name": "GitHub Issues", "type": "github",
            "config": {{"owner": "acme", "repo": "db", "base_url": "{base_url}",
                       "auth": {{"type": "personal_token", "token": "${{SR_AUTO_TEST_TOKEN}}"}}}}}}]}}"#
    )
}

#[test]
fn a_create_whose_answer_is_lost_or_whose_sender_is_killed_is_found_not_repeated() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let repo = GitHubRepo::new("acme", "db").with_token(TOKEN);
    let spec = sr_apimock::spec::github().unwrap();
    let server = rt.block_on(MockServer::start(spec, repo.clone())).unwrap();
    let rules = json!({"auto_issue_rules": [
        {"name": "Drift", "event": "drift.detected", "tracker": "GitHub Issues", "template": "drift_detection"},
        {"name": "Regression", "event": "performance.regression", "condition": "regression.percentage > 20",
         "tracker": "GitHub Issues", "template": "performance_regression", "labels": ["performance"]}
    ]});
    let dir = setup(&rules, Some(github_trackers(server.base_url())));
    let d = dir.path();

    // GitHub creates the issue, then the connection breaks before the
    // answer: the outcome is unknown, the issue is found by its label.
    server.push_break_after_answer("issues/create");
    let drift = example_event(d, "drift.detected");
    let out = ok(d, &["events", "emit", &drift]);
    assert!(out.contains("1 sent, 0 failed"), "{out}");
    assert_eq!(repo.issue_count(), 1);
    let rows = outbox(d);
    assert_eq!(rows[0]["status"], "done", "{rows:#?}");
    assert!(
        rows[0]["issue_key"]
            .as_str()
            .unwrap()
            .starts_with("github:"),
        "{rows:#?}"
    );
    ok(d, &["events", "emit", &drift]);
    assert_eq!(repo.issue_count(), 1, "a second sighting comments");
    let audit = ok(d, &["audit", "--json"]);
    assert!(
        audit.contains("found by its fingerprint after an unknown outcome"),
        "{audit}"
    );

    // Killed after GitHub created the issue, before the outbox knew: the
    // next worker takes the dead claim over and finds the issue.
    let regression = example_event(d, "performance.regression");
    killed_at(d, "after-send", &["events", "emit", &regression]);
    assert_eq!(repo.issue_count(), 2);
    let out = ok(d, &["outbox", "run"]);
    assert!(out.contains("1 sent, 0 failed"), "{out}");
    assert_eq!(repo.issue_count(), 2, "the create was not sent again");
    let audit = ok(d, &["audit", "--json"]);
    assert!(
        audit.contains("found by its fingerprint after an interrupted send"),
        "{audit}"
    );
    ok(d, &["events", "emit", &regression]);
    assert_eq!(repo.issue_count(), 2);
    let rows = outbox(d);
    assert!(rows.iter().all(|r| r["status"] == "done"), "{rows:#?}");
    assert_eq!(server.failures(), Vec::<String>::new());
}

#[test]
fn rules_check_names_the_rule_and_the_position() {
    let dir = setup(&json!({"auto_issue_rules": []}), None);
    let d = dir.path();
    let cases = [
        (
            r#"{"name": "Bad CEL", "event": "drift.detected", "condition": "drift.severity == ", "tracker": "Local", "template": "drift_detection"}"#,
            ":2:80: rule \"Bad CEL\": condition is not valid CEL",
        ),
        (
            r#"{"name": "Bad event", "event": "drift.detect", "tracker": "Local", "template": "drift_detection"}"#,
            ":2:32: rule \"Bad event\": unknown event \"drift.detect\"; did you mean \"drift.detected\"?",
        ),
        (
            r#"{"name": "Bad tracker", "event": "drift.detected", "tracker": "Jira", "template": "drift_detection"}"#,
            ":2:63: rule \"Bad tracker\": unknown tracker \"Jira\"",
        ),
    ];
    for (rule, expected) in cases {
        let file = d.join("rules.json");
        std::fs::write(&file, format!("{{\"auto_issue_rules\": [\n{rule}\n]}}")).unwrap();
        let out = cli(d, &["rules", "check", &file.display().to_string()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{rule}");
        assert!(
            stderr.contains(&format!("{}{expected}", file.display())),
            "{rule}\n{stderr}"
        );
    }
    let example = repo_root().join("config/auto_issue_rules.example.json");
    let out = ok(d, &["rules", "check", &example.display().to_string()]);
    assert!(out.contains("12 rules (12 enabled), all valid"), "{out}");
}

#[test]
fn a_condition_the_event_cannot_answer_fails_the_emit_and_files_nothing() {
    let rules = json!({"auto_issue_rules": [
        {"name": "Wrong variable", "event": "drift.detected", "condition": "regression.percentage > 20",
         "tracker": "Local", "template": "drift_detection"}
    ]});
    let dir = setup(&rules, None);
    let d = dir.path();
    let drift = example_event(d, "drift.detected");
    let out = cli(d, &["events", "emit", &drift]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Wrong variable") && stdout.contains("error"),
        "{stdout}"
    );
    assert!(stdout.contains("regression"), "{stdout}");
    assert!(outbox(d).is_empty());
}
