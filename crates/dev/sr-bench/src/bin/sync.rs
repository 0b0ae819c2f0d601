//! `cargo xtask bench sync`: a full read of 10,000 issues through the real
//! GitHub adapter from a loopback GitHub (sr-apimock's repository, which
//! validates every request and answer against GitHub's OpenAPI
//! description), following `Link` headers at 100 issues per page.
//!
//! Prints `{"bench":"sync_full","issues":…,"requests":…,"local_issues_per_s":…}`.
//! `requests` is counted on the server's side (every request it received).
//! `local_issues_per_s` is issues over the time that is the client's own:
//! the wall time of the read less the time the server spent in its handler
//! ([`MockServer::busy`]: validating the request, building the page and
//! checking it against GitHub's schema). The adapter reads serially (one
//! request at a time, as GitHub asks), so the two do not overlap and the
//! difference is the client's cost: building requests, the loopback HTTP
//! exchange, JSON parsing and mapping to sr-model. The mock's validation is
//! far slower than the adapter, so the raw wall rate would mostly measure
//! the mock.
//!
//! `SR_BENCH_ISSUES` scales the run down for a quick check. The program
//! exits non-zero when the read is incomplete or costs more than one
//! request per hundred issues.

use std::process::ExitCode;
use std::time::Instant;

use sr_apimock::{GitHubRepo, MockServer};
use sr_model::{SearchQuery, StateFilter};
use sr_secrets::Secret;
use sr_tracker::IssueTracker;
use sr_tracker_github::{GitHubConfig, GitHubTracker};

const TOKEN: &str = "ghp_bench_token";

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        run().await?;
        incremental().await
    };
    match result.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench sync: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let n: usize = std::env::var("SR_BENCH_ISSUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let repo = GitHubRepo::new("acme", "db")
        .with_token(TOKEN)
        .with_scopes("repo");
    for i in 0..n {
        // A mix like a real repository's: some bugs, some prioritised.
        let labels: &[&str] = match i % 4 {
            0 => &["bug"],
            1 => &["bug", "priority: high"],
            2 => &["enhancement"],
            _ => &[],
        };
        repo.seed(&format!("Issue {i}: slow query on orders"), labels, false);
    }
    let spec = sr_apimock::spec::github().map_err(|e| format!("GitHub description: {e}"))?;
    let server = MockServer::start(spec, repo)
        .await
        .map_err(|e| format!("mock server: {e}"))?;
    let config: GitHubConfig = serde_json::from_value(serde_json::json!({
        "owner": "acme", "repo": "db", "base_url": server.base_url(),
        "auth": {"type": "personal_token", "token": "${GITHUB_TOKEN}"}
    }))
    .map_err(|e| format!("config: {e}"))?;
    // The adapter's own defaults, as a user's tracker gets them.
    let tracker = GitHubTracker::new("bench", &config, &Secret::new(TOKEN), None)
        .map_err(|e| format!("adapter: {e}"))?;
    let all = SearchQuery {
        state: StateFilter::All,
        limit: usize::MAX,
        ..SearchQuery::default()
    };
    let started = Instant::now();
    let read = tracker
        .search_issues(&all)
        .await
        .map_err(|e| format!("full read: {e}"))?;
    let wall = started.elapsed();
    let server_time = server.busy();
    let requests = server.requests().len();
    let local = wall.saturating_sub(server_time).as_secs_f64().max(1e-9);
    let failures = server.failures();
    if !failures.is_empty() {
        return Err(format!("requests GitHub would reject: {failures:?}"));
    }
    println!(
        "{{\"bench\":\"sync_full\",\"issues\":{},\"requests\":{requests},\"local_issues_per_s\":{:.0}}}",
        read.len(),
        read.len() as f64 / local
    );
    eprintln!(
        "bench sync: wall {:.1} ms, server {:.1} ms, local {:.1} ms",
        wall.as_secs_f64() * 1000.0,
        server_time.as_secs_f64() * 1000.0,
        local * 1000.0
    );
    if read.len() != n {
        return Err(format!("read {} issues of {n}", read.len()));
    }
    if requests != n.div_ceil(100).max(1) {
        return Err(format!(
            "{requests} requests for {n} issues; a full read should take one per hundred"
        ));
    }
    Ok(())
}

/// The `sync_incremental` line of issue #8 (see
/// [`sr_bench::sync_incremental`]); `SR_BENCH_INCREMENTAL_ISSUES` scales it
/// down. Fails when the sync takes more than two requests or misses a change.
async fn incremental() -> Result<(), String> {
    let n: usize = std::env::var("SR_BENCH_INCREMENTAL_ISSUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let r = sr_bench::sync_incremental::sync_incremental(n, 10).await?;
    println!("{}", r.json_line());
    eprintln!(
        "bench sync_incremental: wall {:.1} ms, local {:.1} ms, {} updated",
        r.wall_ms, r.local_ms, r.updated
    );
    if r.requests > 2 || r.updated != 10 {
        return Err(format!(
            "{} requests and {} updates for 10 changes; expected at most 2 and exactly 10",
            r.requests, r.updated
        ));
    }
    Ok(())
}
