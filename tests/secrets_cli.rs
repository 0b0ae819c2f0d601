//! Secrets and unusable trackers through the real binary, with no secret
//! service (each process gets a D-Bus address nobody listens on, so the
//! keyring is the kernel's, as on a minimal desktop, WSL or a server):
//!
//! - every command that names a tracker says why it cannot be used (an
//!   unset variable, a missing keyring entry, a disabled entry, an unknown
//!   name with a did-you-mean, an unknown type) instead of "no tracker is
//!   named";
//! - a token put in the encrypted secrets file by one process is read
//!   back by the next (`tracker test` against a validating GitHub mock),
//!   and never appears in the file, the output or the logs;
//! - a secret that only the kernel keyring keeps is warned about when it is
//!   stored (`secret set`, `connection add`) and when it is tested
//!   (`tracker test`, `connection test`).

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sr_apimock::{GitHubRepo, MockServer};

const PASSPHRASE: &str = "correct horse battery staple";
const TOKEN: &str = "ghp_encrypted_store_token_1234";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn write_trackers(&self, text: &str) {
        std::fs::create_dir_all(self.config_dir()).unwrap();
        std::fs::write(self.config_dir().join("trackers.json"), text).unwrap();
    }

    /// Runs the binary with `vars`, `stdin` on its standard input.
    fn run_with(&self, args: &[&str], vars: &[(&str, &str)], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
        cmd.arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .arg("--config-dir")
            .arg(self.config_dir())
            .args(args)
            .env_remove("SCRATCHROBIN_STORE")
            .env_remove(sr_secrets::PASSPHRASE_ENV)
            // No secret service answers: the keyring is the kernel's.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", self.dir.path().join("no-bus").display()),
            )
            .env("RUST_LOG", "trace")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[], None)
    }

    /// Stderr of a command that must fail.
    fn fail(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should have failed");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Everything the process wrote to its log files.
    fn logs(&self) -> String {
        let mut all = String::new();
        if let Ok(dir) = std::fs::read_dir(self.dir.path().join("data/logs")) {
            for f in dir.flatten() {
                all.push_str(&std::fs::read_to_string(f.path()).unwrap_or_default());
            }
        }
        all
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A name no other test run uses: kernel keyring entries are shared by
/// every process of the user.
fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), fastrand::u32(..))
}

#[test]
fn every_command_names_why_a_tracker_is_unusable() {
    let env = Env::new();
    let kr = unique("kr");
    env.write_trackers(&format!(
        r#"{{"trackers": [
          {{"name": "Local", "type": "local"}},
          {{"name": "gh", "type": "github", "config": {{"owner": "acme", "repo": "db",
            "auth": {{"type": "personal_token", "token": "${{SR_CLI_UNSET_TOKEN}}"}}}}}},
          {{"name": "kr", "type": "github", "config": {{"owner": "acme", "repo": "db",
            "auth": {{"type": "personal_token", "token": {{"keyring": "{kr}"}}}}}}}},
          {{"name": "off", "type": "local", "enabled": false}}
        ]}}"#
    ));
    let unset = "tracker `gh` cannot read its secret config.auth.token: environment variable `SR_CLI_UNSET_TOKEN` is not set";
    let cases: &[(&[&str], &str)] = &[
        (&["tracker", "test", "gh"], unset),
        (
            &["issue", "create", "--tracker", "gh", "--title", "x"],
            unset,
        ),
        (&["issue", "search", "--tracker", "gh"], unset),
        (&["sync", "run", "gh"], unset),
        (
            &[
                "webhook",
                "register",
                "gh",
                "--url",
                "https://sr.example.com/webhook/github",
            ],
            unset,
        ),
        (
            &["issue", "search", "--tracker", "kr"],
            &format!("no keyring entry `{kr}`; store it with `scratchrobin secret set {kr}`"),
        ),
        (
            &["issue", "create", "--tracker", "off", "--title", "x"],
            "tracker `off` is disabled; set \"enabled\": true",
        ),
        (
            &["tracker", "test", "gj"],
            "no tracker is named `gj`; did you mean `gh`? configured trackers: Local, gh, kr, off",
        ),
        (
            &["tracker", "login", "gj", "--client-id", "x"],
            "no tracker is named `gj`; did you mean `gh`?",
        ),
    ];
    for (args, says) in cases {
        let err = env.fail(args);
        assert!(err.contains(says), "{args:?}: `{says}` missing in: {err}");
        if !says.starts_with("no tracker") {
            assert!(!err.contains("no tracker is named"), "{args:?}: {err}");
        }
    }

    let tested = json(&env.run(&["tracker", "test", "kr", "--json"]));
    assert_eq!(tested["ok"], false, "{tested}");
    assert_eq!(tested["kind"], "config", "{tested}");
    assert_eq!(tested["cause"], "keyring_missing", "{tested}");
    let listed = json(&env.run(&["tracker", "list", "--json"]));
    let causes: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["cause"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        causes,
        ["-", "env_unset", "keyring_missing", "disabled"],
        "{listed}"
    );

    // An unknown type is refused where the file is read, with a guess.
    env.write_trackers(r#"{"trackers": [{"name": "gh", "type": "githb"}]}"#);
    let err = env.fail(&["tracker", "test", "gh"]);
    assert!(
        err.contains("unknown tracker type \"githb\"") && err.contains("\"github\""),
        "{err}"
    );
}

fn github_tracker(env: &Env, base_url: &str, token: &str) {
    env.write_trackers(&format!(
        r#"{{"trackers": [{{"name": "gh", "type": "github", "config": {{"owner": "acme", "repo": "db",
            "base_url": "{base_url}", "auth": {{"type": "personal_token", "token": {token}}}}}}}]}}"#
    ));
}

#[test]
fn a_token_in_the_encrypted_file_is_read_back_by_a_new_process() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let spec = sr_apimock::spec::github().unwrap();
    let server = runtime
        .block_on(MockServer::start(
            spec,
            GitHubRepo::new("acme", "db").with_token(TOKEN),
        ))
        .unwrap();
    let env = Env::new();
    github_tracker(
        &env,
        server.base_url(),
        r#"{"encrypted": "tracker:gh:auth.token"}"#,
    );
    let with_passphrase = [(sr_secrets::PASSPHRASE_ENV, PASSPHRASE)];

    // Without the passphrase nothing can be stored, and the error says how.
    let locked = env.run_with(
        &["secret", "set", "tracker:gh:auth.token", "--encrypted"],
        &[],
        Some(TOKEN),
    );
    assert!(!locked.status.success());
    let err = String::from_utf8_lossy(&locked.stderr);
    assert!(err.contains(sr_secrets::PASSPHRASE_ENV), "{err}");

    let stored = env.run_with(
        &["secret", "set", "tracker:gh:auth.token", "--encrypted"],
        &with_passphrase,
        Some(&format!("{TOKEN}\n")),
    );
    assert!(
        stored.status.success(),
        "{}",
        String::from_utf8_lossy(&stored.stderr)
    );
    let said = String::from_utf8_lossy(&stored.stdout);
    assert!(said.contains("encrypted secrets file"), "{said}");
    // The encrypted file survives reboots: no warning.
    assert!(
        !String::from_utf8_lossy(&stored.stderr).contains("reboot"),
        "{}",
        String::from_utf8_lossy(&stored.stderr)
    );
    let file = std::fs::read_to_string(env.dir.path().join("data/secrets.enc")).unwrap();
    assert!(
        !file.contains(TOKEN) && !file.contains("tracker:gh"),
        "{file}"
    );

    // A new process reads the token back and GitHub accepts it.
    let tested = env.run_with(&["tracker", "test", "gh", "--json"], &with_passphrase, None);
    let report = json(&tested);
    assert_eq!(report["ok"], true, "{report}");
    assert!(report.get("until_reboot").is_none(), "{report}");
    assert_eq!(server.failures(), Vec::<String>::new());

    // Without the passphrase, or with a wrong one, the cause is named.
    let locked = json(&env.run(&["tracker", "test", "gh", "--json"]));
    assert_eq!(locked["cause"], "encrypted_locked", "{locked}");
    let wrong = json(&env.run_with(
        &["tracker", "test", "gh", "--json"],
        &[(sr_secrets::PASSPHRASE_ENV, "not the passphrase")],
        None,
    ));
    assert_eq!(wrong["cause"], "encrypted_passphrase", "{wrong}");
    assert!(
        wrong["diagnosis"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("in {}", sr_secrets::PASSPHRASE_ENV)),
        "{wrong}"
    );

    let status = json(&env.run(&["secret", "status", "--json"]));
    assert_eq!(status["keyring"], "until_reboot", "{status}");
    assert_eq!(status["encrypted"]["exists"], true, "{status}");
    assert_eq!(status["encrypted"]["unlocked"], false, "{status}");

    let logs = env.logs();
    assert!(!logs.is_empty());
    assert!(
        !logs.contains(TOKEN) && !logs.contains(PASSPHRASE),
        "a secret reached the logs"
    );
}

#[test]
fn secrets_only_the_kernel_keyring_keeps_are_warned_about() {
    let env = Env::new();
    let entry = unique("tracker:kg:auth.token");
    let stored = env.run_with(
        &["secret", "set", &entry],
        &[],
        Some("kernel-token-value\n"),
    );
    assert!(
        stored.status.success(),
        "{}",
        String::from_utf8_lossy(&stored.stderr)
    );
    let warning = String::from_utf8_lossy(&stored.stderr);
    assert!(
        warning.contains("is in the kernel keyring") && warning.contains("forgotten at reboot"),
        "{warning}"
    );
    assert!(warning.contains("--encrypted"), "{warning}");

    github_tracker(
        &env,
        "http://127.0.0.1:9",
        &format!(r#"{{"keyring": "{entry}"}}"#),
    );
    let tested = env.run(&["tracker", "test", "gh", "--json"]);
    let report = json(&tested);
    assert_eq!(
        report["until_reboot"],
        serde_json::json!([format!("keyring:{entry}")]),
        "{report}"
    );
    let stderr = String::from_utf8_lossy(&tested.stderr);
    assert!(stderr.contains("forgotten at reboot"), "{stderr}");
    let removed = env.run(&["secret", "delete", &entry]);
    assert!(removed.status.success());

    // A database password from the URL: warned when stored and when tested.
    let name = unique("shop");
    let added = env.run(&[
        "connection",
        "add",
        &name,
        "postgres://app:pg-secret-pw@127.0.0.1:9/shop",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let stderr = String::from_utf8_lossy(&added.stderr);
    assert!(
        stderr.contains(&format!(
            "the password of `{name}` is in the kernel keyring"
        )),
        "{stderr}"
    );
    let tested = env.run(&["connection", "test", &name, "--json"]);
    let report = json(&tested);
    assert_eq!(report["until_reboot"], true, "{report}");
    assert!(String::from_utf8_lossy(&tested.stderr).contains("forgotten at reboot"));
    let removed = env.run(&["connection", "remove", &name]);
    assert!(removed.status.success());

    // The encrypted file instead: no warning, and tested without one.
    let added = env.run_with(
        &[
            "connection",
            "add",
            &name,
            "postgres://app:pg-secret-pw@127.0.0.1:9/shop",
            "--encrypted",
        ],
        &[(sr_secrets::PASSPHRASE_ENV, PASSPHRASE)],
        None,
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(!String::from_utf8_lossy(&added.stderr).contains("reboot"));
    assert!(String::from_utf8_lossy(&added.stdout).contains("encrypted secrets file"));
    let connections = std::fs::read_to_string(env.config_dir().join("connections.json")).unwrap();
    assert!(
        connections.contains(r#""encrypted": "connection/"#)
            && !connections.contains("pg-secret-pw"),
        "{connections}"
    );
    let tested = env.run_with(
        &["connection", "test", &name, "--json"],
        &[(sr_secrets::PASSPHRASE_ENV, PASSPHRASE)],
        None,
    );
    let report = json(&tested);
    assert!(report.get("until_reboot").is_none(), "{report}");
    // The password was read from the file: the failure is the server's.
    let cause = report["cause"].as_str().unwrap_or_default();
    assert!(
        !cause.contains("encrypted") && !cause.contains("keyring"),
        "{report}"
    );
    let logs = env.logs();
    assert!(!logs.contains("pg-secret-pw") && !logs.contains("kernel-token-value"));
}
