//! The team API of a running `scratchrobin serve`, on a PostgreSQL store
//! holding issues and links, checked by an independent tester: Schemathesis
//! (installed by `cargo xtask test` into the tests' Python, beside the
//! interpreter `sr_testkit::python()` names) reads
//! /api/v1/openapi.json and sends what it generates with a read token; it
//! must find no server error and no answer that breaks the description.
//! Without a token every endpoint answers 401 problem JSON, and the read
//! token cannot start a sync.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, SyncDirection,
};

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

fn scratchrobin(dir: &Path, store: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scratchrobin"));
    cmd.arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(["--store", store])
        .env_remove("SCRATCHROBIN_STORE")
        .env("RUST_LOG", "warn");
    cmd
}

fn issue(id: u32, labels: &[&str]) -> Issue {
    let at = chrono::DateTime::from_timestamp(1_700_000_000 + i64::from(id), 0).unwrap();
    Issue {
        reference: IssueRef {
            key: IssueKey::new("github", "github.com/acme/shop", id.to_string()),
            display_key: format!("#{id}"),
            url: format!("https://github.com/acme/shop/issues/{id}"),
            title: format!("orders: issue {id}"),
            status: IssueStatus::open(),
            priority: None,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            assignee: id.is_multiple_of(2).then(|| "ana".to_owned()),
            created_at: at,
            updated_at: at,
        },
        body: "the orders table".into(),
        issue_type: None,
        project: None,
    }
}

/// Issues and links, so that lists answer rows for their schemas to check.
async fn seed(store: &str) {
    let store = sr_store::Store::open(store).await.unwrap();
    let orders = ObjectRef::new("shop", ObjectKind::Table, "shop", "public", "orders");
    for id in 1..=6 {
        let issue = issue(id, &["db"]);
        store.upsert_issue(&issue).await.unwrap();
        if id <= 3 {
            store
                .link(&sr_store::NewLink {
                    object: &orders,
                    issue: &issue,
                    link_type: LinkType::Manual,
                    created_by: "ana",
                    sync_direction: SyncDirection::Bidirectional,
                })
                .await
                .unwrap();
        }
    }
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_fault_in_the_api_of_a_running_serve() {
    let python = sr_testkit::python().unwrap();
    let program = python.with_file_name("schemathesis");
    assert!(
        program.is_file(),
        "{} is missing: `cargo xtask test` installs Schemathesis into the tests' Python",
        program.display()
    );
    let store = sr_testkit::postgres_db().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    // Schemathesis sends thousands of requests; the budget is not under test.
    std::fs::write(
        dir.path().join("config/listener.json"),
        r#"{"listener": {"api_requests_per_minute": 1000000}}"#,
    )
    .unwrap();
    seed(&store).await;
    let made = scratchrobin(dir.path(), &store)
        .args(["api", "token", "create", "schemathesis", "--scope", "read"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = String::from_utf8(made.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("srt_"), "{token}");

    let mut serve = Serve(
        scratchrobin(dir.path(), &store)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(serve.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    let base = format!("http://{addr}");

    let http = reqwest::Client::new();
    let doc: serde_json::Value = http
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let url = format!("{base}{}", path.replace("{id}", "1"));
            let response = http
                .request(method.to_uppercase().parse().unwrap(), &url)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{method} {path}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{method} {path}"
            );
            let problem: serde_json::Value = response.json().await.unwrap();
            assert_eq!(problem["status"], 401, "{method} {path}");
        }
    }
    let start = http
        .post(format!("{base}/api/v1/sync/runs"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"tracker": "local", "kind": "full"}))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 403);

    // Every check but one: positive_data_acceptance expects any string a
    // schema allows to be accepted, and the opaque `cursor` cannot be
    // described by a schema (only a `next_cursor` the API gave out is one;
    // a forged one is refused with 400, as it should be).
    // Schemathesis keeps a cache in its working directory: the test's
    // throwaway one, never the checkout.
    let workdir = dir.path().to_owned();
    let run = tokio::task::spawn_blocking(move || {
        Command::new(program)
            .current_dir(workdir)
            .args(["--no-color", "run"])
            .arg(format!("{base}/api/v1/openapi.json"))
            .args(["--exclude-checks", "positive_data_acceptance"])
            .args(["--max-examples", "40", "--seed", "2112"])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "Schemathesis found faults:\n{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // It tested every operation, not only read the description.
    assert!(out.contains(&format!("Tested: {operations}")), "{out}");
}
