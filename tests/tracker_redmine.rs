//! `scratchrobin tracker test NAME --json` against the real Redmine of the
//! test run (sr-testkit): a wrong API key (401), a private project the
//! key's user is no member of (403), a project that does not exist (404),
//! a port nobody listens on, TLS spoken to a plain-HTTP server, and a
//! Redmine behind a limiter answering 429 with an hour's Retry-After (a
//! fault proxy in front of it): six distinct diagnoses, each with a stable
//! `kind` and a sentence a user can act on; and the working case.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use crate::common;

use serde_json::{Value, json};
use sr_testkit::{Fault, FaultProxy, RedmineFixture};

const KEY_HEADER: &str = "X-Redmine-API-Key";

/// Runs `tracker test` for one Redmine tracker and returns the exit
/// status's success and the JSON it printed.
fn tracker_test(base_url: &str, project: &str, key: &str) -> (bool, Value) {
    let dir = tempfile::tempdir().unwrap();
    let entry = json!({"name": "rm", "type": "redmine", "config": {
        "base_url": base_url, "project": project,
        "auth": {"type": "personal_token", "token": "${SR_DIAG_REDMINE_KEY}"}
    }});
    common::tracker_test(dir.path(), entry, "SR_DIAG_REDMINE_KEY", key)
}

async fn admin(rm: &RedmineFixture, method: reqwest::Method, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .request(method, format!("{}{path}", rm.url))
        .header(KEY_HEADER, &rm.api_key)
        .json(&body)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    resp.json().await.unwrap_or(Value::Null)
}

/// A public and a private project, and a user who is a member of neither,
/// with that user's API key.
async fn setup(rm: &RedmineFixture) -> (String, String, String) {
    let n = format!("{}-{}", std::process::id(), fastrand::u32(..100_000));
    let public = format!("diag-pub-{n}");
    let private = format!("diag-priv-{n}");
    for (ident, is_public) in [(&public, true), (&private, false)] {
        admin(
            rm,
            reqwest::Method::POST,
            "/projects.json",
            json!({"project": {"name": ident, "identifier": ident, "is_public": is_public}}),
        )
        .await;
    }
    let login = format!("outsider{}", n.replace('-', ""));
    let user = admin(
        rm,
        reqwest::Method::POST,
        "/users.json",
        json!({"user": {"login": login, "firstname": "Out", "lastname": "Sider",
            "mail": format!("{login}@example.com"), "password": "long-enough-password-1"}}),
    )
    .await;
    let id = user["user"]["id"].as_u64().unwrap();
    // An administrator reads a user's key (Redmine makes it on first read).
    let shown = admin(
        rm,
        reqwest::Method::GET,
        &format!("/users/{id}.json"),
        Value::Null,
    )
    .await;
    let key = shown["user"]["api_key"].as_str().unwrap().to_owned();
    (public, private, key)
}

fn diagnosis(json: &Value, kind: &str, says: &[&str], seen: &mut Vec<String>) {
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["kind"], kind, "{json}");
    let d = json["diagnosis"].as_str().unwrap_or_default().to_owned();
    for words in says {
        assert!(d.contains(words), "{kind}: should say `{words}`: {d}");
    }
    seen.push(d);
}

#[test]
fn six_failures_give_six_distinct_diagnoses() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let rm = sr_testkit::redmine().unwrap_or_else(|e| panic!("{e}"));
    let (public, private, outsider) = runtime.block_on(setup(&rm));
    let mut seen = Vec::new();

    let (ok, json) = tracker_test(&rm.url, &public, &"0".repeat(40));
    assert!(!ok);
    diagnosis(
        &json,
        "unauthorized",
        &["401", "create a new one"],
        &mut seen,
    );

    let (ok, json) = tracker_test(&rm.url, &private, &outsider);
    assert!(!ok);
    diagnosis(
        &json,
        "forbidden",
        &["403", "lacks a permission in this project"],
        &mut seen,
    );

    let (ok, json) = tracker_test(&rm.url, "no-such-project", &rm.api_key);
    assert!(!ok);
    diagnosis(
        &json,
        "not_found",
        &["404", "project no-such-project", "check the name"],
        &mut seen,
    );

    let port = sr_testkit::free_port();
    let (ok, json) = tracker_test(&format!("http://127.0.0.1:{port}"), &public, &rm.api_key);
    assert!(!ok);
    diagnosis(
        &json,
        "refused",
        &["refused the connection", "check the base URL"],
        &mut seen,
    );

    let https = rm.url.replacen("http://", "https://", 1);
    let (ok, json) = tracker_test(&https, &public, &rm.api_key);
    assert!(!ok);
    diagnosis(&json, "tls", &["TLS handshake", "wrong scheme"], &mut seen);

    let proxy = runtime.block_on(FaultProxy::start(&rm.url)).unwrap();
    for _ in 0..4 {
        proxy.push(Fault::TooManyRequests { retry_after: 3600 });
    }
    let (ok, json) = tracker_test(&proxy.url(), &public, &rm.api_key);
    assert!(!ok);
    diagnosis(&json, "rate_limited", &["rate limit"], &mut seen);

    for d in &seen {
        assert!(
            !d.contains(&rm.api_key) && !d.contains(&outsider),
            "a key leaked: {d}"
        );
    }
    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "{seen:#?}");

    // The working case: the same server, the admin's key, a project.
    let (ok, json) = tracker_test(&rm.url, &public, &rm.api_key);
    assert!(ok, "{json}");
    assert_eq!(json["ok"], true, "{json}");
}
