//! `scratchrobin tracker login NAME` against a loopback server that plays
//! GitHub's two device-flow endpoints (checked against the parameters
//! GitHub documents for them): the code is printed, the token lands in the
//! OS keyring, and trackers.json gains only the keyring reference.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::collections::VecDeque;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sr_apimock::{MockRequest, MockResponse, MockServer, Responder, Spec};

const TOKEN: &str = "gho_16C7e42F292c6912E7710c838347Ae178B4a";

/// GitHub's documented request parameters for the two endpoints.
fn spec() -> Arc<Spec> {
    let body = |required: Value, props: Value| {
        json!({"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": required, "properties": props, "additionalProperties": false}}}})
    };
    let root = json!({"openapi": "3.0.3", "paths": {
        "/login/device/code": {"post": {"operationId": "device-code",
            "requestBody": body(json!(["client_id"]), json!({"client_id": {"type": "string"}, "scope": {"type": "string"}})),
            "responses": {"200": {"description": "ok"}}}},
        "/login/oauth/access_token": {"post": {"operationId": "access-token",
            "requestBody": body(json!(["client_id", "device_code", "grant_type"]), json!({
                "client_id": {"type": "string"}, "device_code": {"type": "string"},
                "grant_type": {"type": "string", "enum": ["urn:ietf:params:oauth:grant-type:device_code"]}})),
            "responses": {"200": {"description": "ok"}}}}
    }});
    Arc::new(Spec::from_value(root).unwrap())
}

/// Answers the device code (poll interval 0, so the test waits for
/// nothing) and then the scripted poll answers in order.
#[derive(Clone)]
struct Script(Arc<Mutex<VecDeque<Value>>>);

impl Responder for Script {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let body = match req.operation_id.as_deref()? {
            "device-code" => json!({"device_code": "3584d83530557fdd1f46af8289938c8ef79f9dc5",
                "user_code": "WDJB-MJHT", "verification_uri": "https://github.com/login/device",
                "expires_in": 900, "interval": 0}),
            _ => self.0.lock().unwrap().pop_front()?,
        };
        Some(MockResponse::json(200, &body))
    }
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env_remove("SCRATCHROBIN_STORE")
        .env_remove("SCRATCHROBIN_GITHUB_CLIENT_ID")
        .output()
        .unwrap()
}

/// A config directory with a GitHub tracker `name` at `base_url` (its
/// token an unset variable, as before a first sign-in) and a local one.
fn setup(dir: &Path, name: &str, base_url: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("config")).unwrap();
    let path = dir.join("config/trackers.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"trackers": [
                {{"name": "{name}", "type": "github", "config": {{"owner": "acme", "repo": "db", "base_url": "{base_url}",
                   "auth": {{"type": "personal_token", "token": "${{SR_LOGIN_TEST_UNSET}}"}}}}}},
                {{"name": "Local", "type": "local"}}]}}"#
        ),
    )
    .unwrap();
    path
}

struct Case {
    polls: Vec<Value>,
    /// Words stdout (success) or stderr (failure) must contain.
    ok: bool,
    says: &'static [&'static str],
}

fn check(runtime: &tokio::runtime::Runtime, case: Case) {
    let name = format!("sr-login-{}-{}", std::process::id(), case.polls.len());
    let keyring = sr_secrets::Keyring::system();
    let entry = format!("tracker:{name}:auth.token");
    let script = Script(Arc::new(Mutex::new(case.polls.into())));
    let server = runtime.block_on(MockServer::start(spec(), script)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let trackers = setup(dir.path(), &name, server.base_url());
    let before = std::fs::read_to_string(&trackers).unwrap();
    let out = cli(
        dir.path(),
        &[
            "tracker",
            "login",
            &name,
            "--client-id",
            "Iv1.8a61f9b3a7aba766",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.success(),
        case.ok,
        "stdout: {stdout}\nstderr: {stderr}"
    );
    let shown = if case.ok { &stdout } else { &stderr };
    for words in case.says {
        assert!(shown.contains(words), "`{words}` not in: {shown}");
    }
    assert!(stdout.contains("https://github.com/login/device") && stdout.contains("WDJB-MJHT"));
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "the token was shown"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
    let after = std::fs::read_to_string(&trackers).unwrap();
    assert!(
        !after.contains(TOKEN),
        "the token was written to trackers.json"
    );
    if case.ok {
        let stored = keyring.get(&entry).map(|s| s.expose().to_owned());
        keyring.delete(&entry).unwrap();
        assert_eq!(stored.ok().as_deref(), Some(TOKEN));
        let file: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(
            file["trackers"][0]["config"]["auth"],
            json!({"type": "personal_token", "token": {"keyring": entry}}),
            "{after}"
        );
        assert_eq!(file["trackers"][1]["name"], "Local", "{after}");
    } else {
        assert_eq!(after, before, "a failed sign-in changed trackers.json");
        assert!(
            keyring.get(&entry).is_err(),
            "a failed sign-in stored a token"
        );
    }
}

#[test]
fn device_sign_in_outcomes() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pending = json!({"error": "authorization_pending"});
    let token = json!({"access_token": TOKEN, "token_type": "bearer", "scope": "repo"});
    check(
        &runtime,
        Case {
            polls: vec![pending.clone(), pending.clone(), token],
            ok: true,
            says: &["signed in", "keyring"],
        },
    );
    check(
        &runtime,
        Case {
            polls: vec![pending.clone(), json!({"error": "access_denied"})],
            ok: false,
            says: &["declined"],
        },
    );
    check(
        &runtime,
        Case {
            polls: vec![json!({"error": "expired_token"})],
            ok: false,
            says: &["expired", "start the sign-in again"],
        },
    );
}

#[test]
fn only_types_with_a_sign_in_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "gh", "http://127.0.0.1:9");
    let out = cli(
        dir.path(),
        &["tracker", "login", "Local", "--client-id", "x"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is a local tracker, which has no sign-in here")
            && stderr.contains("signs in trackers of type github only"),
        "{stderr}"
    );
    // The client id: from --client-id, else the variable the type names.
    let out = cli(dir.path(), &["tracker", "login", "gh"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pass --client-id or set SCRATCHROBIN_GITHUB_CLIENT_ID"),
        "{stderr}"
    );
    let out = cli(
        dir.path(),
        &["tracker", "login", "Nope", "--client-id", "x"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no tracker is named `Nope`") && stderr.contains("gh, Local"),
        "{stderr}"
    );
}
