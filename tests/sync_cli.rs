//! `scratchrobin sync run|status` against a loopback GitHub that checks
//! every request against GitHub's OpenAPI description: a first sync fills
//! the cache, a second reads only changes, status shows the tracker's
//! health and webhook state, and an unknown tracker is named.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use sr_apimock::{GitHubRepo, MockServer};

const TOKEN: &str = "ghp_sync_cli_token";

fn scratchrobin(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env_remove("SCRATCHROBIN_STORE")
        .env("SR_SYNC_TEST_TOKEN", TOKEN)
        .output()
        .expect("run scratchrobin")
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

/// A loopback GitHub with `issues` issues, and a data and config directory
/// whose trackers.json names it `gh` (polled every 10 minutes).
fn setup(
    issues: usize,
) -> (
    tokio::runtime::Runtime,
    GitHubRepo,
    MockServer,
    tempfile::TempDir,
) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let repo = GitHubRepo::new("acme", "db").with_token(TOKEN);
    for n in 0..issues {
        repo.seed(&format!("issue {n}"), &[], false);
    }
    let spec = sr_apimock::spec::github().expect("spec");
    let server = runtime
        .block_on(MockServer::start(spec, repo.clone()))
        .expect("server");
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
    std::fs::write(
        dir.path().join("config/trackers.json"),
        format!(
            r#"{{"trackers": [{{"name": "gh", "type": "github",
                "config": {{"owner": "acme", "repo": "db", "base_url": "{}",
                           "auth": {{"type": "personal_token", "token": "${{SR_SYNC_TEST_TOKEN}}"}}}},
                "sync": {{"poll_interval_minutes": 10}}}}]}}"#,
            server.base_url()
        ),
    )
    .expect("trackers.json");
    (runtime, repo, server, dir)
}

#[test]
fn sync_run_and_status() {
    let (_runtime, repo, server, dir) = setup(120);

    let first = scratchrobin(dir.path(), &["sync", "run", "gh", "--json"]);
    assert!(first.status.success(), "{first:?}");
    let op = json(&first);
    assert_eq!(op["status"], "completed", "{op}");
    assert_eq!(op["results"]["created"], 120, "{op}");
    assert_eq!(op["requested_by"].as_str().map(str::is_empty), Some(false));

    repo.edit_title(7, "renamed");
    let second = json(&scratchrobin(dir.path(), &["sync", "run", "gh", "--json"]));
    assert_eq!(second["kind"], "incremental", "{second}");
    assert_eq!(
        (&second["results"]["created"], &second["results"]["updated"]),
        (&Value::from(0), &Value::from(1)),
        "{second}"
    );

    let status = json(&scratchrobin(dir.path(), &["sync", "status", "--json"]));
    let gh = &status[0];
    assert_eq!(gh["tracker"], "gh", "{status}");
    assert_eq!(gh["health"], "ok", "{status}");
    assert_eq!(gh["webhook"]["state"], "inactive", "{status}");
    assert_eq!(gh["webhook"]["reason"]["why"], "not_registered", "{status}");
    // Inactive webhook: polled twice as often as configured.
    assert_eq!(gh["poll_every_minutes"], 5, "{status}");
    assert_eq!(gh["last"]["id"], second["id"], "{status}");

    let text = scratchrobin(dir.path(), &["sync", "status"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("gh: ok"), "{text}");
    assert!(text.contains("webhook inactive"), "{text}");

    let unknown = scratchrobin(dir.path(), &["sync", "run", "nope"]);
    assert!(!unknown.status.success());
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("no tracker is named `nope`; configured trackers: gh"),
        "{err}"
    );
    assert_eq!(server.failures(), Vec::<String>::new());
}

/// `issue comment` keeps a comment the tracker refused and says the next
/// sync sends it; `sync run` does, once; `issue comments --refresh` shows
/// GitHub's comments and ours.
#[test]
fn comments_from_the_command_line_survive_a_refusal() {
    let (_runtime, repo, server, dir) = setup(3);
    let first = scratchrobin(dir.path(), &["sync", "run", "gh", "--json"]);
    assert!(first.status.success(), "{first:?}");
    let instance = server.base_url().trim_start_matches("http://").to_owned();
    let key = format!("github:{instance}/acme/db:2");
    assert!(repo.comment(2, "Seen on GitHub"));

    refuse_next_comment(&server, 403);
    let refused = scratchrobin(dir.path(), &["issue", "comment", &key, "Needs an index"]);
    assert!(!refused.status.success(), "{refused:?}");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("is kept and the next sync (`scratchrobin sync run`) sends it"),
        "{err}"
    );
    assert_eq!(repo.comment_bodies(2), vec!["Seen on GitHub"]);
    let listed = json(&scratchrobin(
        dir.path(),
        &["issue", "comments", &key, "--json"],
    ));
    let pending: Vec<bool> = listed["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| c["pending"].as_bool().unwrap_or_default())
        .collect();
    assert_eq!(pending, vec![false, true], "{listed}");

    // A second comment, rejected for good and taken back (the send tries
    // the first one again too, still without access).
    refuse_next_comment(&server, 403);
    refuse_next_comment(&server, 422);
    let typo = scratchrobin(dir.path(), &["issue", "comment", &key, "Neds an idx"]);
    assert!(!typo.status.success(), "{typo:?}");
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("the tracker refused the comment") && err.contains("is not sent again"),
        "{err}"
    );
    let text = scratchrobin(dir.path(), &["issue", "comments", &key]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("(not sent yet, id "), "{text}");
    let id = text
        .lines()
        .filter_map(|l| {
            l.split("(refused by the tracker, not sent again, id ")
                .nth(1)
        })
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .next_back()
        .expect("the pending comment's id")
        .to_owned();
    let back = scratchrobin(dir.path(), &["issue", "take-back", &key, &id]);
    assert!(back.status.success(), "{back:?}");
    assert_eq!(String::from_utf8_lossy(&back.stdout), "Neds an idx\n");
    let again = scratchrobin(dir.path(), &["issue", "take-back", &key, &id]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("can no longer be taken back"),
        "{again:?}"
    );

    let run = scratchrobin(dir.path(), &["sync", "run", "gh"]);
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(said.contains("; comments: 1 sent, "), "{said}");
    assert_eq!(
        repo.comment_bodies(2),
        vec!["Seen on GitHub", "Needs an index"]
    );
    let empty = scratchrobin(dir.path(), &["issue", "comment", &key, "  "]);
    assert!(!empty.status.success());
    assert!(
        String::from_utf8_lossy(&empty.stderr).contains("is empty; write some text"),
        "{empty:?}"
    );
    let text = scratchrobin(dir.path(), &["issue", "comments", &key, "--refresh"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("  Seen on GitHub\n"), "{text}");
    assert!(text.contains("  Needs an index\n"), "{text}");
    assert!(!text.contains("not sent yet"), "{text}");
    assert_eq!(server.failures(), Vec::<String>::new());
}

/// The next comment sent is refused: 403 as GitHub answers a token that
/// lacks access (worth sending again once fixed), or 422 as it rejects a
/// body for good.
fn refuse_next_comment(server: &MockServer, status: u16) {
    let message = if status == 403 {
        "Resource not accessible by personal access token"
    } else {
        "Validation Failed"
    };
    server.push_fault(
        "issues/create-comment",
        sr_apimock::MockResponse::json(
            status,
            &serde_json::json!({"message": message,
                                "documentation_url": "https://docs.github.com/rest"}),
        ),
    );
}
