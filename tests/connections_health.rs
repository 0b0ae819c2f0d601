//! End-to-end tests of `connection add|list|test|remove` and `health`: the
//! real binary with a throwaway config directory, the real OS keyring (the
//! kernel keyring where no secret service runs), the demo database and a
//! real PostgreSQL server on loopback.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .arg("--config-dir")
            .arg(self.config_dir())
            .args(args)
            .env_remove("SCRATCHROBIN_STORE")
            .env_remove("SHOP_PW")
            .env("RUST_LOG", "trace")
            .output()
            .expect("the binary runs")
    }

    /// Runs a command, checks its exit code and returns its output as JSON.
    fn json(&self, args: &[&str], code: i32) -> Value {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn connections_file(&self) -> String {
        std::fs::read_to_string(self.config_dir().join("connections.json"))
            .expect("connections.json exists")
    }

    /// Everything the process wrote to the log directory.
    fn logs(&self) -> String {
        let mut text = String::new();
        if let Ok(entries) = std::fs::read_dir(self.dir.path().join("data").join("logs")) {
            for e in entries.flatten() {
                text.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        text
    }
}

fn checks(report: &Value) -> Vec<&str> {
    report["checks"]
        .as_array()
        .expect("a list of checks")
        .iter()
        .map(|c| c["check"].as_str().expect("a check name"))
        .collect()
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("a list of checks")
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

#[test]
fn health_of_the_demo_database() {
    let env = Env::new();
    let report = env.json(&["health", "--db", "demo", "--json"], 0);
    assert_eq!(report["status"], "ok", "{report}");
    assert_eq!(report["connection"], "demo");
    assert_eq!(checks(&report), ["connectivity", "integrity", "file_size"]);
    assert!(check(&report, "connectivity")["evidence"]["latency_ms"].is_number());

    let text = env.ok(&["health", "--db", "demo"]);
    assert!(text.starts_with("health of demo: ok"), "{text}");

    // An old backup file and a failing backup command are findings: exit 2.
    let backup = env.dir.path().join("shop.dump");
    std::fs::write(&backup, b"dump").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&backup)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let backup = backup.to_str().unwrap();
    let report = env.json(
        &[
            "health",
            "--db",
            "demo",
            "--json",
            "--backup-file",
            backup,
            "--backup-max-age-hours",
            "2",
        ],
        2,
    );
    assert_eq!(report["status"], "critical");
    assert_eq!(check(&report, "backup")["severity"], "critical");
    let report = env.json(
        &[
            "health",
            "--db",
            "demo",
            "--json",
            "--backup-file",
            backup,
            "--backup-max-age-hours",
            "4",
        ],
        0,
    );
    assert_eq!(check(&report, "backup")["severity"], "ok");
    let report = env.json(
        &[
            "health",
            "--db",
            "demo",
            "--json",
            "--backup-command",
            "exit 4",
        ],
        2,
    );
    assert_eq!(check(&report, "backup")["evidence"]["exit_code"], 4);

    // A name that is nothing is an error: exit 1.
    let out = env.run(&["health", "--db", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`nowhere` is neither a connection (demo)"),
        "{err}"
    );
}

#[test]
fn profiles_keep_passwords_in_the_keyring_and_work_everywhere() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = runtime.block_on(sr_testkit::postgres_db());
    // The test server trusts loopback: it accepts any password, so the one
    // in the URL only has to travel through the keyring.
    let secret = format!("pw-{}-Zq9", std::process::id());
    let with_password = url.replacen(
        "postgres://postgres@",
        &format!("postgres://postgres:{secret}@"),
        1,
    );
    assert_ne!(with_password, url);
    let name = format!("pg-{}", std::process::id());
    let env = Env::new();
    let added = env.ok(&[
        "connection",
        "add",
        &name,
        &with_password,
        "--env",
        "production",
    ]);
    let entry = format!("connection/{name}");
    assert!(
        added.contains(&format!("password in the keyring as {entry}")),
        "{added}"
    );
    let file = env.connections_file();
    assert!(
        !file.contains(&secret),
        "the password reached connections.json:\n{file}"
    );
    assert!(
        file.contains(&format!("\"keyring\": \"{entry}\"")),
        "{file}"
    );
    assert!(file.contains("\"environment\": \"production\""), "{file}");
    assert_eq!(
        sr_secrets::Keyring::system().get(&entry).unwrap().expose(),
        secret
    );

    // A second profile reads its password from the environment; a third
    // points where nothing listens.
    env.ok(&[
        "connection",
        "add",
        "shop-stage",
        "mariadb://app@127.0.0.1:1/shop",
        "--password-env",
        "SHOP_PW",
    ]);
    assert!(
        env.connections_file()
            .contains("\"password\": \"${SHOP_PW}\"")
    );
    let port = sr_testkit::free_port().to_string();
    env.ok(&[
        "connection",
        "add",
        "refused",
        &format!("postgres://u@127.0.0.1:{port}/x"),
    ]);

    let listed = env.json(&["connection", "list", "--json"], 0);
    let listed: Vec<(String, Value)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["password"].clone(),
            )
        })
        .collect();
    assert_eq!(listed[0], ("demo".to_owned(), Value::Null));
    assert!(listed.contains(&(name.clone(), Value::from(format!("keyring:{entry}")))));
    assert!(listed.contains(&("shop-stage".to_owned(), Value::from("${SHOP_PW}"))));

    let tested = env.json(&["connection", "test", &name, "--json"], 0);
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(tested["environment"], "production");
    assert!(
        tested["server_version"]
            .as_str()
            .unwrap()
            .starts_with("PostgreSQL")
    );
    let failed = env.json(&["connection", "test", "refused", "--json"], 1);
    assert_eq!(failed["ok"], false);
    assert!(
        failed["cause"].as_str().unwrap().contains("refused"),
        "{failed}"
    );
    assert!(
        failed["fix"]
            .as_str()
            .unwrap()
            .contains("start the database server"),
        "{failed}"
    );
    let unset = env.json(&["connection", "test", "shop-stage", "--json"], 1);
    assert_eq!(
        unset["cause"],
        "the environment variable SHOP_PW that holds the password is not set"
    );
    assert_eq!(
        unset["fix"],
        "export SHOP_PW=... before running scratchrobin"
    );
    let out = env.run(&["connection", "test", "refused"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("cause:") && text.contains("fix:"), "{text}");

    // The profile works wherever a --db goes.
    let report = health_report(&env, &name);
    assert_eq!(report["connection"], format!("{name} (production)"));
    assert_eq!(report["environment"], "production");
    assert_eq!(
        checks(&report),
        [
            "connectivity",
            "long_running_queries",
            "blocked_locks",
            "connection_saturation",
            "replication_lag"
        ]
    );
    assert_eq!(check(&report, "connectivity")["severity"], "ok");
    assert_eq!(check(&report, "replication_lag")["severity"], "ok");
    let unreachable = env.json(&["health", "--db", "refused", "--json"], 2);
    assert_eq!(check(&unreachable, "connectivity")["severity"], "critical");
    let snapshot = env.ok(&["schema", "snapshot", "--db", &name]);
    assert!(snapshot.contains("\"dialect\""), "{snapshot}");
    let baseline = env.dir.path().join("baseline.json");
    std::fs::write(&baseline, &snapshot).unwrap();
    let drift = env.json(
        &[
            "drift",
            "check",
            "--db",
            &name,
            "--baseline",
            baseline.to_str().unwrap(),
            "--json",
        ],
        0,
    );
    assert_eq!(
        drift["environment"],
        format!("{name} (production)"),
        "{drift}"
    );

    env.ok(&["connection", "remove", &name]);
    assert!(
        sr_secrets::Keyring::system().get(&entry).is_err(),
        "the keyring entry stays"
    );
    assert!(!env.connections_file().contains(&name));
    let out = env.run(&["connection", "remove", &name]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !env.logs().contains(&secret),
        "the password reached the logs"
    );
}

/// `health --json` on `name`, checking that it exits 0 when every check is
/// ok and 2 otherwise: other tests on the same server may hold locks or
/// run long, so the status is read from the report itself.
fn health_report(env: &Env, name: &str) -> Value {
    let out = env.run(&["health", "--db", name, "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let expected = if report["status"] == "ok" { 0 } else { 2 };
    assert_eq!(out.status.code(), Some(expected), "{report}");
    report
}
