//! `scratchrobin tracker test NAME --json` for a Linear tracker against
//! the loopback Linear mock (every document validated against Linear's
//! published schema): a wrong API key, a team the key may not see, a team
//! that does not exist, Linear's rate limit (a 400 with `RATELIMITED`),
//! TLS spoken to a plain-HTTP port, and a port nobody listens on: six
//! distinct diagnoses, each with a stable `kind` and words a user can act
//! on; and the working case.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use sr_apimock::linear::{GraphqlSchema, rate_limited};
use sr_apimock::{LinearServer, LinearWorkspace, MockResponse};

const KEY: &str = "lin_api_diagnosis_key";

/// Runs `tracker test` for one Linear tracker and returns the exit
/// status's success and the JSON it printed.
fn tracker_test(dir: &Path, base_url: &str, team: &str, key: &str) -> (bool, Value) {
    let config = dir.join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("trackers.json"),
        format!(
            r#"{{"trackers": [{{"name": "lin", "type": "linear",
                "config": {{"team": "{team}", "base_url": "{base_url}",
                           "auth": {{"type": "api_key", "token": "${{SR_DIAG_LINEAR_KEY}}"}}}}}}]}}"#
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(&config)
        .args(["tracker", "test", "lin", "--json"])
        .env_remove("SCRATCHROBIN_STORE")
        .env("SR_DIAG_LINEAR_KEY", key)
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

fn start(runtime: &tokio::runtime::Runtime) -> LinearServer {
    let schema = GraphqlSchema::linear().unwrap();
    let ws = LinearWorkspace::new(schema.clone(), "DB").with_authorization(&[KEY]);
    runtime
        .block_on(LinearServer::start(schema, ws.authorization.clone(), ws))
        .unwrap()
}

/// Runs one failing case and returns its diagnosis after checking its kind
/// and words.
fn failing(base_url: &str, team: &str, key: &str, kind: &str, says: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), base_url, team, key);
    assert!(!ok, "{kind}: the test should fail: {json}");
    assert_eq!(json["kind"], kind, "{json}");
    let diagnosis = json["diagnosis"].as_str().unwrap_or_default().to_owned();
    for words in says {
        assert!(
            diagnosis.contains(words),
            "{kind}: should say `{words}`: {diagnosis}"
        );
    }
    assert!(
        !diagnosis.contains(KEY),
        "{kind}: the key leaked: {diagnosis}"
    );
    diagnosis
}

#[test]
fn each_linear_failure_has_its_own_diagnosis() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = start(&runtime);
    let url = server.base_url().to_owned();
    let mut seen = vec![
        failing(
            &url,
            "DB",
            "lin_api_wrong",
            "unauthorized",
            &["401", "create a new one"],
        ),
        failing(
            &url,
            "NOPE",
            KEY,
            "not_found",
            &["team NOPE", "check the name"],
        ),
    ];
    server.push_fault(
        "team",
        MockResponse::json(
            400,
            &json!({"errors": [{"message": "Forbidden", "extensions": {"code": "FORBIDDEN", "type": "forbidden", "statusCode": 403}}]}),
        ),
    );
    seen.push(failing(&url, "DB", KEY, "forbidden", &["403", "team DB"]));
    // A reset an hour away is reported at once, not waited for.
    server.push_fault("viewer", rate_limited(3_600));
    seen.push(failing(
        &url,
        "DB",
        KEY,
        "rate_limited",
        &["rate limit reached", "it resets at"],
    ));
    // TLS spoken to the mock's plain-HTTP port.
    let tls = url.replace("http://", "https://");
    seen.push(failing(
        &tls,
        "DB",
        KEY,
        "tls",
        &["TLS handshake", "config.ca_file"],
    ));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    seen.push(failing(
        &format!("http://127.0.0.1:{port}"),
        "DB",
        KEY,
        "refused",
        &["refused the connection", "check the base URL"],
    ));
    assert_eq!(server.failures(), Vec::<String>::new());
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "{seen:#?}");

    // The working case, so the failures above are the server's.
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), &url, "DB", KEY);
    assert!(ok, "{json}");
    assert_eq!(json["ok"], true, "{json}");
}
