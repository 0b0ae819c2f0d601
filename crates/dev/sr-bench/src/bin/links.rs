//! `cargo xtask bench links`: a store with 1,000,000 links over 200,000
//! objects and 300,000 issues; prints insert rate and look-up latencies per
//! store, one JSON line each (PostgreSQL too when `SR_TEST_PG_URL` is set or
//! a server can be started).
//!
//! `SR_BENCH_LINKS` scales the run down for a quick check.

use std::time::{Duration, Instant};

use chrono::Utc;
use sr_bench::{percentile_ms, round3};
use sr_model::{
    Issue, IssueKey, IssueRef, IssueStatus, LinkType, ObjectKind, ObjectRef, Priority,
    SyncDirection,
};
use sr_store::{NewLink, Store};

const LOOKUPS: usize = 5_000;

#[tokio::main]
async fn main() {
    let links: usize = std::env::var("SR_BENCH_LINKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let objects = links / 5;
    let issues = links * 3 / 10;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => return eprintln!("cannot create a temporary directory: {e}"),
    };
    // SR_BENCH_SQLITE keeps the SQLite store at a path of your choice and,
    // when it already exists, measures look-ups on it without refilling it.
    let sqlite =
        std::env::var_os("SR_BENCH_SQLITE").map_or_else(|| dir.path().join("bench.db"), Into::into);
    let reuse = sqlite.exists();
    run(
        "sqlite",
        &sqlite.display().to_string(),
        links,
        objects,
        issues,
        reuse,
    )
    .await;
    if std::env::var("SR_BENCH_STORES").is_ok_and(|s| !s.contains("postgres")) {
        return;
    }
    match sr_testkit::try_postgres_db().await {
        Ok(url) => run("postgres", &url, links, objects, issues, false).await,
        Err(e) => eprintln!("PostgreSQL skipped: {e}"),
    }
}

async fn run(name: &str, url: &str, links: usize, objects: usize, issues: usize, reuse: bool) {
    let store = match Store::open(url).await {
        Ok(s) => s,
        Err(e) => return eprintln!("{name}: {e}"),
    };
    let object_refs: Vec<ObjectRef> = (0..objects)
        .map(|n| {
            ObjectRef::new(
                "bench",
                ObjectKind::Table,
                "bench",
                format!("s{}", n % 10),
                format!("table_{n}"),
            )
        })
        .collect();
    let now = Utc::now();
    let issue_rows: Vec<Issue> = (0..issues).map(|n| issue(n, now)).collect();

    // Each object gets five links; issues are spread with a stride so that
    // every issue is linked to three or four objects.
    let started = Instant::now();
    let batch = 20_000;
    let mut written = if reuse { links } else { 0 };
    let mut n = if reuse { links } else { 0 };
    while n < links {
        let end = (n + batch).min(links);
        let chunk: Vec<NewLink<'_>> = (n..end)
            .map(|i| NewLink {
                object: &object_refs[i / 5],
                issue: &issue_rows[(i * 7919) % issues],
                link_type: LinkType::Manual,
                created_by: "bench",
                sync_direction: SyncDirection::Bidirectional,
            })
            .collect();
        match store.import_links(&chunk).await {
            Ok(c) => written += c,
            Err(e) => return eprintln!("{name}: import failed: {e}"),
        }
        n = end;
        eprint!("\r{name}: {n}/{links} links");
    }
    eprintln!();
    let insert_s = started.elapsed().as_secs_f64();

    // Warm the connections' page caches on other keys than the timed ones,
    // so the figures describe a running workbench, not a cold start.
    let warm = time_lookups(LOOKUPS, |i| {
        let key = object_refs[(i * 7 + 3) % objects].key();
        let store = store.clone();
        async move { store.links_for_object(&key).await.map(|l| l.len()) }
    })
    .await;
    if warm.is_err() {
        return eprintln!("{name}: a warm-up look-up failed");
    }
    let by_object = time_lookups(LOOKUPS, |i| {
        let key = object_refs[(i * 104_729) % objects].key();
        let store = store.clone();
        async move { store.links_for_object(&key).await.map(|l| l.len()) }
    })
    .await;
    let by_issue = time_lookups(LOOKUPS, |i| {
        let key = issue_rows[(i * 104_729) % issues].key().clone();
        let store = store.clone();
        async move { store.links_for_issue(&key).await.map(|l| l.len()) }
    })
    .await;
    let (Ok(by_object), Ok(by_issue)) = (by_object, by_issue) else {
        return eprintln!("{name}: a look-up failed");
    };
    // Written by hand so that `bench` comes first (serde_json sorts keys).
    let line = format!(
        "{{\"bench\":\"links\",\"store\":\"{name}\",\"links\":{written},\"objects\":{objects},\"issues\":{issues},\
         \"insert_per_s\":{},\"linked_issues_p50_ms\":{},\"linked_issues_p99_ms\":{},\
         \"linked_objects_p50_ms\":{},\"linked_objects_p99_ms\":{}}}",
        if reuse {
            "null".to_owned()
        } else {
            format!("{:.0}", written as f64 / insert_s)
        },
        round3(percentile_ms(&by_object, 50.0)),
        round3(percentile_ms(&by_object, 99.0)),
        round3(percentile_ms(&by_issue, 50.0)),
        round3(percentile_ms(&by_issue, 99.0)),
    );
    println!("{line}");
    store.close().await;
}

/// Runs `n` look-ups one after another and returns their sorted durations;
/// every look-up must find at least one link.
async fn time_lookups<F, Fut>(n: usize, f: F) -> Result<Vec<Duration>, ()>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<usize, sr_store::StoreError>>,
{
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        match f(i).await {
            Ok(found) if found > 0 => out.push(t.elapsed()),
            Ok(_) => {
                eprintln!("look-up {i} found no links");
                return Err(());
            }
            Err(e) => {
                eprintln!("look-up {i} failed: {e}");
                return Err(());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn issue(n: usize, now: chrono::DateTime<Utc>) -> Issue {
    Issue {
        reference: IssueRef {
            key: IssueKey::new("github", "github.com/acme/db", n.to_string()),
            display_key: format!("#{n}"),
            url: format!("https://github.com/acme/db/issues/{n}"),
            title: format!("Issue number {n} about table_{}", n % 1000),
            status: IssueStatus::open(),
            priority: Some(Priority::P2),
            labels: vec!["database".into()],
            assignee: None,
            created_at: now,
            updated_at: now,
        },
        body: String::new(),
        issue_type: None,
        project: None,
    }
}
