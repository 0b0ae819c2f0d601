//! `scratchrobin tracker test NAME --json` for a Linear tracker against
//! the loopback Linear mock (every document validated against Linear's
//! published schema): a wrong API key, a team the key may not see, a team
//! that does not exist, Linear's rate limit (a 400 with `RATELIMITED`),
//! TLS spoken to a plain-HTTP port, and a port nobody listens on: six
//! distinct diagnoses, each with a stable `kind` and words a user can act
//! on; and the working case.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::path::Path;

use crate::common;

use serde_json::{Value, json};
use sr_apimock::linear::{GraphqlSchema, rate_limited};
use sr_apimock::{LinearServer, LinearWorkspace, MockResponse};

const KEY: &str = "lin_api_diagnosis_key";

/// Runs `tracker test` for one Linear tracker and returns the exit
/// status's success and the JSON it printed.
fn tracker_test(dir: &Path, base_url: &str, team: &str, key: &str) -> (bool, Value) {
    let entry = json!({"name": "lin", "type": "linear", "config": {
        "team": team, "base_url": base_url,
        "auth": {"type": "api_key", "token": "${SR_DIAG_LINEAR_KEY}"}}});
    common::tracker_test(dir, entry, "SR_DIAG_LINEAR_KEY", key)
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
    let run = tracker_test(dir.path(), base_url, team, key);
    let hides = [KEY, "lin_api_wrong"];
    common::Diagnosis {
        kind,
        says,
        hides: &hides,
    }
    .check(kind, run)
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
    seen.push(failing(
        &format!("http://127.0.0.1:{}", common::closed_port()),
        "DB",
        KEY,
        "refused",
        &["refused the connection", "check the base URL"],
    ));
    assert_eq!(server.failures(), Vec::<String>::new());
    common::assert_distinct(&seen, 6);

    // The working case, so the failures above are the server's.
    let dir = tempfile::tempdir().unwrap();
    let (ok, json) = tracker_test(dir.path(), &url, "DB", KEY);
    assert!(ok, "{json}");
    assert_eq!(json["ok"], true, "{json}");
}
