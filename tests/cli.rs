//! End-to-end tests of the `scratchrobin` command line: the real binary, a
//! real store and demo database in a throwaway data directory.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
            vars: Vec::new(),
        }
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn write_trackers(&self, text: &str) -> PathBuf {
        std::fs::create_dir_all(self.config_dir()).unwrap();
        let path = self.config_dir().join("trackers.json");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
        cmd.arg("--data-dir")
            .arg(self.data_dir())
            .arg("--config-dir")
            .arg(self.config_dir())
            .args(args);
        cmd.env_remove("SCRATCHROBIN_STORE")
            .env("USER", "tester")
            .env("RUST_LOG", "trace");
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// Runs a command that must succeed and returns its JSON output.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn fail(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should have failed");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

#[test]
fn create_link_list_and_audit_with_the_local_tracker() {
    let env = Env::new();
    let created = env.json(&[
        "issue",
        "create",
        "--tracker",
        "Local",
        "--object",
        "demo:main.orders",
        "--title",
        "Add index",
        "--json",
    ]);
    let key = created["issue"]["key"].as_str().unwrap().to_owned();
    assert_eq!(key, "local:default:1");
    assert_eq!(created["issue"]["display_key"], "LOCAL-1");
    assert_eq!(created["link"]["type"], "MANUAL");

    let by_object = env.json(&["links", "--object", "demo:main.orders", "--json"]);
    let by_object = by_object.as_array().unwrap();
    assert_eq!(by_object.len(), 1);
    assert_eq!(by_object[0]["issue"]["key"], key.as_str());
    assert_eq!(by_object[0]["issue"]["title"], "Add index");

    let by_issue = env.json(&["links", "--issue", &key, "--json"]);
    assert_eq!(by_issue[0]["object"]["name"], "orders");
    assert_eq!(by_issue[0]["object"]["type"], "TABLE");

    // A second object, then unlink the first; linking twice is idempotent.
    for _ in 0..2 {
        env.json(&[
            "link",
            "add",
            "--object",
            "demo:main.customers",
            "--issue",
            &key,
            "--json",
        ]);
    }
    assert_eq!(
        env.json(&["links", "--issue", &key, "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        env.run(&[
            "link",
            "remove",
            "--object",
            "demo:main.orders",
            "--issue",
            &key
        ])
        .status
        .success()
    );
    let err = env.fail(&[
        "link",
        "remove",
        "--object",
        "demo:main.orders",
        "--issue",
        &key,
    ]);
    assert!(err.contains("is not linked to local:default:1"), "{err}");

    let audit = env.json(&["audit", "--json"]);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["issue_created", "linked", "linked", "unlinked"]);
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "tester")
    );

    let shown = env.json(&["issue", "show", &key, "--json"]);
    assert_eq!(shown["title"], "Add index");
    let found = env.json(&[
        "issue",
        "search",
        "--tracker",
        "Local",
        "--query",
        "index",
        "--json",
    ]);
    assert_eq!(found.as_array().unwrap().len(), 1);
}

#[test]
fn objects_that_do_not_exist_are_refused() {
    let env = Env::new();
    let err = env.fail(&[
        "issue",
        "create",
        "--tracker",
        "Local",
        "--object",
        "demo:main.nope",
        "--title",
        "x",
    ]);
    assert!(
        err.contains("demo:main.nope does not exist in connection `demo`"),
        "{err}"
    );
    let err = env.fail(&["links", "--object", "nowhere:main.orders"]);
    assert!(err.contains("no connection named `nowhere`"), "{err}");
    let err = env.fail(&["links", "--object", "orders"]);
    assert!(err.contains("CONNECTION:schema.name"), "{err}");
    // Nothing was created by the failed attempt.
    assert_eq!(env.json(&["audit", "--json"]), serde_json::json!([]));
}

#[test]
fn demo_path_creates_the_demo_database_once() {
    let env = Env::new();
    let out = env.run(&["demo", "path"]);
    assert!(out.status.success());
    let path = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
    assert!(path.is_file(), "{}", path.display());
    assert!(path.starts_with(env.data_dir()));
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    env.run(&["demo", "path"]);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn a_typo_in_trackers_json_names_file_line_column_and_the_fix() {
    let env = Env::new();
    let path = env.write_trackers("{\n  \"trackers\": [\n    {\n      \"nmae\": \"Mine\",\n      \"type\": \"local\"\n    }\n  ]\n}\n");
    let err = env.fail(&["tracker", "list"]);
    let place = format!("{}:4:7", path.display());
    assert!(err.contains(&place), "{err}");
    assert!(err.contains("did you mean \"name\""), "{err}");
}

#[test]
fn an_unset_variable_is_named() {
    let env = Env::new();
    env.write_trackers(
        r#"{"trackers": [{"name": "Local", "type": "local", "sync": {"webhook_secret": "${SR_E2E_UNSET_VAR}"}}]}"#,
    );
    let list = env.json(&["tracker", "list", "--json"]);
    assert_eq!(list[0]["name"], "Local");
    let problem = list[0]["problem"].as_str().unwrap_or_default();
    assert!(problem.contains("`SR_E2E_UNSET_VAR` is not set"), "{list}");
    let out = env.run(&["tracker", "test", "Nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tracker is named `Nope`"));
    let checked = env.json(&["tracker", "test", "Local", "--json"]);
    assert_eq!(checked["ok"], true);
}

/// A known secret goes in through the environment; no output, error or log
/// file may show it.
#[test]
fn secrets_never_reach_output_errors_or_logs() {
    const SECRET: &str = "sr-e2e-s3cr3t-value-1234";
    let mut env = Env::new();
    env.vars.push(("SR_E2E_SECRET".into(), SECRET.into()));
    env.write_trackers(
        r#"{"trackers": [{"name": "Local", "type": "local", "sync": {"webhook_secret": "${SR_E2E_SECRET}"}}]}"#,
    );
    let mut seen = String::new();
    for args in [
        &["tracker", "list", "--json"][..],
        &["tracker", "list"],
        &["tracker", "test", "Local", "--json"],
        &[
            "issue",
            "create",
            "--tracker",
            "Local",
            "--object",
            "demo:main.orders",
            "--title",
            "t",
            "--json",
        ],
        &[
            "issue",
            "create",
            "--tracker",
            "Local",
            "--object",
            "demo:main.nope",
            "--title",
            "t",
        ],
        &["audit", "--json"],
    ] {
        let out = env.run(args);
        seen.push_str(&String::from_utf8_lossy(&out.stdout));
        seen.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    let list = env.json(&["tracker", "list", "--json"]);
    assert!(
        list.to_string().contains("${SR_E2E_SECRET}"),
        "the reference is shown: {list}"
    );
    for log in files_under(&env.data_dir().join("logs")) {
        seen.push_str(&std::fs::read_to_string(log).unwrap());
    }
    assert!(
        seen.len() > 1000,
        "the run produced output and logs to check"
    );
    assert!(!seen.contains(SECRET), "the secret leaked");
    assert!(
        !std::fs::read_to_string(env.config_dir().join("trackers.json"))
            .unwrap()
            .contains(SECRET)
    );
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Drift on the demo database: a snapshot, an ALTER behind the product's
/// back, `drift check` exits 2 naming the table; its migration SQL applied,
/// it exits 0.
#[test]
fn drift_check_finds_an_altered_table_and_its_migration_repairs_it() {
    let env = Env::new();
    let snapshot = env.dir.path().join("before.json");
    let out = env.run(&[
        "schema",
        "snapshot",
        "--db",
        "demo",
        "-o",
        snapshot.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let demo = String::from_utf8(env.run(&["demo", "path"]).stdout)
        .unwrap()
        .trim()
        .to_owned();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let exec = |sql: String| {
        runtime.block_on(async {
            let db = sr_db::Database::connect(&format!("sqlite://{demo}"))
                .await
                .unwrap();
            db.execute_script(&sql).await.unwrap();
            db.close().await;
        })
    };
    assert_eq!(
        env.run(&[
            "drift",
            "check",
            "--db",
            "demo",
            "--baseline",
            snapshot.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    exec("ALTER TABLE orders ADD COLUMN priority INTEGER;".into());

    let out = env.run(&[
        "drift",
        "check",
        "--db",
        "demo",
        "--baseline",
        snapshot.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["drifted"], true);
    let text = report.to_string();
    assert!(
        text.contains("orders") && text.contains("priority"),
        "{text}"
    );
    let changes = report["differences"]["changes"].as_array().unwrap();
    assert!(
        changes.iter().all(|c| c.get("destructive").is_some()),
        "every change says whether it is destructive"
    );

    exec(report["migration_sql"].as_str().unwrap().to_owned());
    let out = env.run(&[
        "drift",
        "check",
        "--db",
        "demo",
        "--baseline",
        snapshot.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn json_logs_are_one_object_per_line() {
    let env = Env::new();
    let out = env.run(&[
        "--log-format",
        "json",
        "links",
        "--object",
        "demo:main.orders",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "RUST_LOG=trace logs something");
    for line in lines {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
}

#[test]
fn issues_close_and_reopen_from_the_command_line() {
    let env = Env::new();
    let key = local_issue(&env, "Tidy");
    let state = |v: &Value| v["status"]["state"].as_str().unwrap_or_default().to_owned();
    let closed = env.json(&["issue", "close", &key, "--json"]);
    assert_eq!(state(&closed), "done", "{closed}");
    assert_eq!(state(&env.json(&["issue", "show", &key, "--json"])), "done");
    let reopened = env.json(&["issue", "reopen", &key, "--json"]);
    assert_eq!(state(&reopened), "open", "{reopened}");
    let err = env.fail(&["issue", "close", "local:default:99"]);
    assert!(err.contains("99"), "{err}");
}

#[test]
fn comments_on_a_local_issue_from_the_command_line() {
    let env = Env::new();
    let key = local_issue(&env, "Slow report");
    let none = env.run(&["issue", "comments", &key]);
    assert!(none.status.success(), "{none:?}");
    assert!(
        String::from_utf8_lossy(&none.stdout).contains("has no comments"),
        "{none:?}"
    );
    let sent = env.run(&["issue", "comment", &key, "The plan scans **orders**"]);
    assert!(sent.status.success(), "{sent:?}");
    assert!(
        String::from_utf8_lossy(&sent.stdout).starts_with(&format!("commented on {key}")),
        "{sent:?}"
    );
    let listed = env.json(&["issue", "comments", &key, "--refresh", "--json"]);
    let comments = listed["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 1, "{listed}");
    assert_eq!(comments[0]["body"], "The plan scans **orders**");
    assert_eq!(comments[0]["pending"], false);
    assert!(comments[0]["remote_id"].is_string(), "{listed}");
    assert!(listed.get("problem").is_none(), "{listed}");
    let err = env.fail(&["issue", "comment", "local:default:99", "hello"]);
    assert!(err.contains("99"), "{err}");
}

/// Creates an issue in the local tracker linked to demo's orders; its key.
fn local_issue(env: &Env, title: &str) -> String {
    let created = env.json(&[
        "issue",
        "create",
        "--tracker",
        "Local",
        "--object",
        "demo:main.orders",
        "--title",
        title,
        "--json",
    ]);
    created["issue"]["key"].as_str().unwrap().to_owned()
}
