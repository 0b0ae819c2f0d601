//! A GitHub mock on a loopback port for trying the product by hand:
//! `cargo run -p sr-apimock --example github_mock -- OWNER REPO TOKEN [401|403|404]`.
//! Prints the base URL, then serves until stopped; violations of GitHub's
//! description are logged to stderr as they happen.

use serde_json::json;
use sr_apimock::{GitHubRepo, MockResponse, MockServer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (owner, repo, token) = match args.as_slice() {
        [o, r, t, ..] => (o.clone(), r.clone(), t.clone()),
        _ => return Err("usage: github_mock OWNER REPO TOKEN [401|403|404]".into()),
    };
    let spec = sr_apimock::spec::github()?;
    let server = MockServer::start(spec, GitHubRepo::new(&owner, &repo).with_token(&token)).await?;
    let faults = 1000;
    match args.get(3).map(String::as_str) {
        Some("401") => (0..faults).for_each(|_| {
            server.push_fault(
                "*",
                MockResponse::json(401, &json!({"message": "Bad credentials"})),
            )
        }),
        Some("403") => (0..faults).for_each(|_| {
            server.push_fault(
                "repos/get",
                MockResponse::json(
                    403,
                    &json!({"message": "Must have admin rights to Repository."}),
                )
                .header("x-oauth-scopes", "read:user")
                .header("x-accepted-oauth-scopes", "repo"),
            )
        }),
        Some("404") => (0..faults).for_each(|_| {
            server.push_fault(
                "repos/get",
                MockResponse::json(404, &json!({"message": "Not Found"})),
            )
        }),
        _ => {}
    }
    println!("{}", server.base_url());
    let mut seen = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let failures = server.failures();
        for f in &failures[seen..] {
            eprintln!("invalid request: {f}");
        }
        seen = failures.len();
    }
}
