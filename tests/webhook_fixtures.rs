//! Every published GitHub and GitLab example payload, signed by `openssl`,
//! through a real `scratchrobin serve`: each is acknowledged, normalised by
//! its adapter's parser and processed (an unhandled kind counts as
//! processed and ignored), none fails.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const GH_SECRET: &str = "fixtures-gh-secret";
const GL_TOKEN: &str = "fixtures-gl-token";

fn fixtures(kind: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures")
        .join(kind);
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        match serde_json::from_slice::<serde_json::Value>(&std::fs::read(&p).unwrap()).unwrap() {
            serde_json::Value::Array(items) => {
                out.extend(
                    items
                        .iter()
                        .map(|v| (stem.clone(), serde_json::to_vec(v).unwrap())),
                );
            }
            v => out.push((stem, serde_json::to_vec(&v).unwrap())),
        }
    }
    out
}

fn post(addr: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
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

/// GitLab's event header for a fixture file.
fn gitlab_event(stem: &str) -> &'static str {
    match stem {
        "issue" => "Issue Hook",
        "issue-comment" | "mr-comment" | "commit-comment" | "snippet-comment" => "Note Hook",
        "mr" => "Merge Request Hook",
        "push" => "Push Hook",
        "tag" => "Tag Push Hook",
        "pipeline" => "Pipeline Hook",
        "job" => "Job Hook",
        "wiki" => "Wiki Page Hook",
        "release" => "Release Hook",
        "deployment" => "Deployment Hook",
        "feature-flag" => "Feature Flag Hook",
        "emoji" => "Emoji Hook",
        _ => "System Hook",
    }
}

#[test]
fn every_published_payload_is_accepted_and_processed() {
    // One tracker per repository or project the fixtures come from; each
    // delivery goes to the tracker of its own repository.
    let github = fixtures("github-webhooks");
    let gitlab = fixtures("gitlab-webhooks");
    let repo_of = |body: &[u8], pointer: &str| -> String {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        v.pointer(pointer)
            .and_then(|r| r.as_str())
            .unwrap_or("Codertocat/Hello-World")
            .to_owned()
    };
    let mut entries = Vec::new();
    let mut gh_names = std::collections::BTreeMap::new();
    for (_, body) in &github {
        let repo = repo_of(body, "/repository/full_name");
        let n = gh_names.len();
        gh_names.entry(repo.clone()).or_insert_with(|| {
            let (owner, name) = repo.split_once('/').unwrap();
            entries.push(format!(
                r#"{{"name": "GH{n}", "type": "github", "config": {{"owner": "{owner}", "repo": "{name}", "base_url": "http://127.0.0.1:9",
                   "auth": {{"type": "personal_token", "token": "${{SR_FIX_TOKEN}}"}}}}, "sync": {{"webhook_secret": "${{SR_FIX_GH_SECRET}}"}}}}"#
            ));
            format!("GH{n}")
        });
    }
    let mut gl_names = std::collections::BTreeMap::new();
    for (_, body) in &gitlab {
        let project = repo_of(body, "/project/path_with_namespace");
        let n = gl_names.len();
        gl_names.entry(project.clone()).or_insert_with(|| {
            entries.push(format!(
                r#"{{"name": "GL{n}", "type": "gitlab", "config": {{"project": "{project}", "base_url": "http://127.0.0.1:9",
                   "auth": {{"type": "personal_token", "token": "${{SR_FIX_TOKEN}}"}}}}, "sync": {{"webhook_secret": "${{SR_FIX_GL_TOKEN}}"}}}}"#
            ));
            format!("GL{n}")
        });
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(
        dir.path().join("config/trackers.json"),
        format!(r#"{{"trackers": [{}]}}"#, entries.join(",")),
    )
    .unwrap();
    let envs = [
        ("SR_FIX_TOKEN", "unused"),
        ("SR_FIX_GH_SECRET", GH_SECRET),
        ("SR_FIX_GL_TOKEN", GL_TOKEN),
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_scratchrobin"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("--config-dir")
        .arg(dir.path().join("config"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .envs(envs)
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

    let mut sent = 0;
    for (i, (event, body)) in github.into_iter().enumerate() {
        let tracker = &gh_names[&repo_of(&body, "/repository/full_name")];
        let headers = [
            ("Content-Type", "application/json".to_owned()),
            ("X-GitHub-Event", event.clone()),
            ("X-GitHub-Delivery", format!("gh-{i}")),
            (
                "X-Hub-Signature-256",
                format!(
                    "sha256={}",
                    sr_testkit::openssl_hmac_sha256_hex(GH_SECRET, &body).unwrap()
                ),
            ),
        ];
        assert_eq!(
            post(
                &addr,
                &format!("/webhook/github/{tracker}"),
                &headers,
                &body
            ),
            202,
            "github {event} #{i}"
        );
        sent += 1;
    }
    for (i, (stem, body)) in gitlab.into_iter().enumerate() {
        let tracker = &gl_names[&repo_of(&body, "/project/path_with_namespace")];
        let headers = [
            ("Content-Type", "application/json".to_owned()),
            ("X-Gitlab-Event", gitlab_event(&stem).to_owned()),
            ("X-Gitlab-Event-UUID", format!("gl-{i}")),
            ("X-Gitlab-Token", GL_TOKEN.to_owned()),
        ];
        assert_eq!(
            post(
                &addr,
                &format!("/webhook/gitlab/{tracker}"),
                &headers,
                &body
            ),
            202,
            "gitlab {stem}"
        );
        sent += 1;
    }
    let mut lines = Vec::new();
    while lines.len() < sent {
        lines.push(
            finished
                .recv_timeout(Duration::from_secs(30))
                .expect("deliveries were not all processed"),
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let failed: Vec<&String> = lines
        .iter()
        .filter(|l| !l.contains("status=\"processed\"") && !l.contains("status=processed"))
        .collect();
    assert!(failed.is_empty(), "failed deliveries: {failed:#?}");
}
