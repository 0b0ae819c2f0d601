//! Issue #21's acceptance for pull requests: GitHub's own example pull
//! request, delivered to a real `scratchrobin serve` and signed as GitHub
//! signs (by `openssl`), that adds `migrations/0042.sql` altering
//! `public.orders` links the request to that table of a real PostgreSQL
//! profile; `links --object` lists it. The files are read from a mock
//! that checks every request against GitHub's description. The same
//! delivery again (a redelivery) leaves one request.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};
use sr_apimock::{GitHubRepo, MockServer};

const SECRET: &str = "pulls-e2e-secret";
const TOKEN: &str = "ghp_pulls_e2e";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env_remove("SCRATCHROBIN_STORE")
        .env("GH_TOKEN", TOKEN)
        .env("GH_SECRET", SECRET)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn post(addr: &str, headers: &[(&str, String)], body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "POST /webhook/github/GH HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// GitHub's example pull request (its REST description's
/// `components/examples/pull-request`) as a `pull_request` delivery.
fn example_delivery(number: u64) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/api-specs/github-rest-api.json");
    let spec: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut pull = spec["components"]["examples"]["pull-request"]["value"].clone();
    // The mock numbers its pull requests itself.
    pull["number"] = json!(number);
    serde_json::to_vec(&json!({
        "action": "closed",
        "number": number,
        "pull_request": pull,
        "repository": {"full_name": "octocat/Hello-World"},
    }))
    .unwrap()
}

#[test]
fn a_github_pull_request_altering_orders_is_linked_to_the_table() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(sr_testkit::postgres_db());
    runtime.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&db).await.unwrap();
        sqlx::raw_sql("CREATE TABLE public.orders (id bigint PRIMARY KEY)")
            .execute(&mut c)
            .await
            .unwrap();
    });
    let repo = GitHubRepo::new("octocat", "Hello-World").with_token(TOKEN);
    let number = repo.seed("Amazing new feature", &[], true);
    assert!(repo.set_pull_files(
        number,
        &[
            (
                "migrations/0042.sql",
                "added",
                Some("@@ -0,0 +1,2 @@\n+-- orders get a note\n+ALTER TABLE public.orders ADD COLUMN note text;"),
            ),
            ("README.md", "modified", Some("@@ -1 +1 @@\n-a\n+b")),
        ],
    ));
    let spec = sr_apimock::spec::github().unwrap();
    let server = runtime.block_on(MockServer::start(spec, repo)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::create_dir_all(dir.join("config")).unwrap();
    std::fs::write(
        dir.join("config/trackers.json"),
        format!(
            r#"{{"trackers": [{{"name": "GH", "type": "github",
                "config": {{"owner": "octocat", "repo": "Hello-World", "base_url": "{}",
                           "auth": {{"type": "personal_token", "token": "${{GH_TOKEN}}"}}}},
                "sync": {{"webhook_secret": "${{GH_SECRET}}"}}}}]}}"#,
            server.base_url()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("config/pulls.json"),
        r#"{"connections": {"GH": ["shop"]}}"#,
    )
    .unwrap();
    ok(dir, &["connection", "add", "shop", &db]);

    let mut child = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("SCRATCHROBIN_STORE")
        .env("GH_TOKEN", TOKEN)
        .env("GH_SECRET", SECRET)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().trim_start_matches("listening on ").to_owned();
    let (tx, finished) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(stderr).lines().map_while(Result::ok) {
            if l.contains("delivery finished") {
                tx.send(l).ok();
            }
        }
    });
    let body = example_delivery(number);
    let signature = format!(
        "sha256={}",
        sr_testkit::openssl_hmac_sha256_hex(SECRET, &body).unwrap()
    );
    for id in ["pr-1", "pr-1-redelivered"] {
        let headers = [
            ("Content-Type", "application/json".to_owned()),
            ("X-GitHub-Event", "pull_request".to_owned()),
            ("X-GitHub-Delivery", id.to_owned()),
            ("X-Hub-Signature-256", signature.clone()),
        ];
        assert_eq!(post(&addr, &headers, &body), 202);
        let done = finished.recv_timeout(Duration::from_secs(60)).unwrap();
        assert!(done.contains(id) && done.contains("processed"), "{done}");
    }
    child.kill().ok();
    child.wait().ok();

    let text = ok(dir, &["links", "--object", "shop:public.orders"]);
    assert!(text.contains("pull requests:"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("octocat/Hello-World#{number} ")))
        .unwrap_or_else(|| panic!("{text}"));
    for part in [
        "merged",
        "checks: clean",
        "alter migrations/0042.sql",
        "https://github.com/octocat/Hello-World/pull/1347",
        "Amazing new feature",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    let listed: Value = serde_json::from_str(&ok(
        dir,
        &[
            "links",
            "--object",
            "shop:public.orders",
            "--pulls",
            "--json",
        ],
    ))
    .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(
        listed.len(),
        1,
        "one request after a redelivery: {listed:?}"
    );
    assert_eq!(listed[0]["pull"]["number"], number);
    assert_eq!(listed[0]["pull"]["state"], "merged");
    assert_eq!(listed[0]["action"], "alter");
    assert_eq!(listed[0]["migrations"], true);
    // The files were read once per delivery, each request as GitHub takes it.
    let reads = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(&format!("/pulls/{number}/files")))
        .count();
    assert_eq!(reads, 2);
    server.assert_clean("GitHub", true);
}
