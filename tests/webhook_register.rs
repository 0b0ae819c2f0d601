//! `scratchrobin webhook register` / `unregister` against a loopback GitHub
//! that checks every request against GitHub's OpenAPI description; the
//! secret lives in the OS keyring only, and `serve` verifies with it.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use sr_apimock::{GitHubRepo, MockServer};

const TOKEN: &str = "ghp_register_test_token";

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .arg("--config-dir")
        .arg(dir.join("config"))
        .args(args)
        .env("SR_REG_TEST_TOKEN", TOKEN)
        .env("RUST_LOG", "debug")
        .output()
        .unwrap()
}

#[test]
fn register_keeps_the_secret_in_the_keyring_and_serve_verifies_with_it() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let repo = GitHubRepo::new("acme", "db").with_token(TOKEN);
    let spec = sr_apimock::spec::github().unwrap();
    let server = runtime
        .block_on(MockServer::start(spec, repo.clone()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tracker = format!("sr-reg-{}", std::process::id());
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let trackers = dir.path().join("config/trackers.json");
    std::fs::write(
        &trackers,
        format!(
            r#"{{"trackers": [{{"name": "{tracker}", "type": "github",
                "config": {{"owner": "acme", "repo": "db", "base_url": "{}",
                           "auth": {{"type": "personal_token", "token": "${{SR_REG_TEST_TOKEN}}"}}}}}}]}}"#,
            server.base_url()
        ),
    )
    .unwrap();

    let out = cli(
        dir.path(),
        &[
            "webhook",
            "register",
            &tracker,
            "--url",
            "https://sr.example.com/webhook/github",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(repo.hook_urls(), ["https://sr.example.com/webhook/github"]);
    let keyring_name = format!("webhook/{tracker}");
    let secret = match sr_secrets::Keyring::system().get(&keyring_name) {
        Ok(s) => s.expose().to_owned(),
        Err(e) => panic!("the secret is not in the keyring: {e}"),
    };
    assert_eq!(secret.len(), 64);
    let file = std::fs::read_to_string(&trackers).unwrap();
    assert!(
        file.contains(&format!("\"keyring\": \"{keyring_name}\"")),
        "{file}"
    );
    assert!(file.contains("webhook_id"), "{file}");
    assert!(
        !file.contains(&secret),
        "the secret was written to trackers.json"
    );
    let logs =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        !logs.contains(&secret) && !logs.contains(TOKEN),
        "a secret reached the output"
    );

    // `serve` verifies deliveries with the registered secret.
    let mut child = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config-dir")
        .arg(dir.path().join("config"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SR_REG_TEST_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().trim_start_matches("listening on ").to_owned();
    let body = br#"{"zen":"Keep it logically awesome.","hook_id":1}"#;
    let good = openssl_sign(&secret, body);
    let bad = openssl_sign("another-secret", body);
    assert_eq!(post(&addr, &tracker, body, &good, "ping-1"), 202);
    assert_eq!(post(&addr, &tracker, body, &bad, "ping-2"), 401);
    child.kill().unwrap();
    child.wait().unwrap();

    let out = cli(dir.path(), &["webhook", "unregister", &tracker]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.hook_urls().is_empty());
    assert!(
        sr_secrets::Keyring::system().get(&keyring_name).is_err(),
        "the secret is removed"
    );
    let file = std::fs::read_to_string(&trackers).unwrap();
    assert!(
        !file.contains("webhook_id") && !file.contains("keyring"),
        "{file}"
    );
    let again = cli(dir.path(), &["webhook", "unregister", &tracker]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("registered no webhook"));
    assert_eq!(
        server.failures(),
        Vec::<String>::new(),
        "requests GitHub would reject"
    );
}

fn openssl_sign(key: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        sr_testkit::openssl_hmac_sha256_hex(key, body).unwrap()
    )
}

fn post(addr: &str, tracker: &str, body: &[u8], signature: &str, id: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let path = format!("/webhook/github/{}", tracker);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nX-GitHub-Event: ping\r\n\
         X-GitHub-Delivery: {id}\r\nX-Hub-Signature-256: {signature}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
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
