//! `cargo xtask bench webhooks`: 20,000 signed 10 KB GitHub deliveries at
//! concurrency 32 over loopback to the real listener (verify, store,
//! acknowledge, process), and the same load against a bare axum handler
//! that does nothing, in the same process, for comparison.
//!
//! The listener runs with the shipped limits. The bare handler is measured
//! before and after ours and the two averaged, so that a change of load on
//! a shared machine during the run skews the ratio less. Our time runs
//! until every delivery is processed and the store is closed (its WAL
//! checkpointed).
//!
//! `SR_BENCH_DELIVERIES` scales the run down for a quick check.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sr_bench::{percentile_ms, round3};
use sr_secrets::Secret;
use sr_store::{Delivery, Store};
use sr_webhook::{DeliveryHandler, HookTracker, ListenerConfig, WebhookError};

const CONCURRENCY: usize = 32;
const SECRET: &str = "bench-secret";

struct Nothing;

#[async_trait]
impl DeliveryHandler for Nothing {
    async fn process(&self, _: &Delivery) -> Result<(), WebhookError> {
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("SR_BENCH_DELIVERIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let body = body_of_10kb();
    let signature = sign(&body);
    let Ok(dir) = tempfile::tempdir() else {
        return eprintln!("no temporary directory");
    };
    let store = match Store::open_file(&dir.path().join("bench.db")).await {
        Ok(s) => s,
        Err(e) => return eprintln!("store: {e}"),
    };
    // GitHub's spec, from the registry as the engine hands it out.
    let webhook = sr_engine::registry(&store, "bench")
        .factory("github")
        .and_then(|f| f.webhook());
    let tracker = HookTracker {
        name: "GH".into(),
        provider: "github".into(),
        webhook,
        secret: Some(Secret::new(SECRET)),
        accept_unsigned: false,
        timestamp_tolerance_s: None,
    };
    // The shipped limits, as users run it.
    let config = ListenerConfig::new(SocketAddr::from(([127, 0, 0, 1], 0)), vec![tracker]);
    let listener = match sr_webhook::start(config, store.clone(), Arc::new(Nothing)).await {
        Ok(l) => l,
        Err(e) => return eprintln!("listener: {e}"),
    };
    let mut finished = listener.subscribe();
    let url = format!("http://{}/webhook/github", listener.local_addr);
    let bare_addr = match bare_server().await {
        Ok(a) => a,
        Err(e) => return eprintln!("bare server: {e}"),
    };
    let bare_url = format!("http://{bare_addr}/webhook/github");
    let bare_before = match timed_load(&bare_url, n, &body, &signature).await {
        Ok(s) => s,
        Err(e) => return eprintln!("bare load failed: {e}"),
    };
    let started = Instant::now();
    let ours = match load(&url, n, &body, &signature).await {
        Ok(l) => l,
        Err(e) => return eprintln!("load failed: {e}"),
    };
    let ours_s = started.elapsed().as_secs_f64();
    // Count processing in the throughput: wait until every delivery is done.
    let mut done = 0;
    while done < n {
        match tokio::time::timeout(Duration::from_secs(60), finished.recv()).await {
            Ok(Ok(_)) => done += 1,
            Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(k))) => done += k as usize,
            _ => return eprintln!("processing stalled at {done}/{n}"),
        }
    }
    listener.shutdown().await;
    // Storing includes the WAL checkpoints that fell behind during the
    // burst: the store's last connection checkpoints as it closes. Counted
    // here, they no longer run during the second bare measurement, where
    // they made the bare handler look slower.
    store.close().await;
    let total_s = started.elapsed().as_secs_f64();

    let bare_after = match timed_load(&bare_url, n, &body, &signature).await {
        Ok(s) => s,
        Err(e) => return eprintln!("bare load failed: {e}"),
    };
    let per_s = n as f64 / total_s;
    let bare_per_s = n as f64 / ((bare_before + bare_after) / 2.0);
    println!(
        "{{\"bench\":\"webhooks\",\"deliveries\":{n},\"per_s\":{:.0},\"ack_per_s\":{:.0},\"p50_ms\":{},\"p99_ms\":{},\"bare_per_s\":{:.0},\"bare_before_per_s\":{:.0},\"bare_after_per_s\":{:.0},\"ratio_to_bare\":{}}}",
        per_s,
        n as f64 / ours_s,
        round3(percentile_ms(&ours, 50.0)),
        round3(percentile_ms(&ours, 99.0)),
        bare_per_s,
        n as f64 / bare_before,
        n as f64 / bare_after,
        round3(per_s / bare_per_s),
    );
}

/// Seconds to send `n` deliveries.
async fn timed_load(
    url: &str,
    n: usize,
    body: &Arc<Vec<u8>>,
    signature: &str,
) -> Result<f64, String> {
    let started = Instant::now();
    load(url, n, body, signature).await?;
    Ok(started.elapsed().as_secs_f64())
}

/// Sends `n` deliveries from `CONCURRENCY` tasks; returns sorted latencies.
async fn load(
    url: &str,
    n: usize,
    body: &Arc<Vec<u8>>,
    signature: &str,
) -> Result<Vec<Duration>, String> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .map_err(|e| e.to_string())?;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next, body, url, signature) = (
            client.clone(),
            next.clone(),
            body.clone(),
            url.to_owned(),
            signature.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(times);
                }
                let t = Instant::now();
                let reply = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-github-event", "issues")
                    .header("x-github-delivery", format!("bench-{i}"))
                    .header("x-hub-signature-256", &signature)
                    .body(body.as_ref().clone())
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !reply.status().is_success() {
                    return Err(format!("delivery {i} answered {}", reply.status()));
                }
                times.push(t.elapsed());
            }
        }));
    }
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    all.sort();
    Ok(all)
}

async fn bare_server() -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().route(
        "/webhook/github",
        axum::routing::post(|_body: axum::body::Bytes| async { "" }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    Ok(addr)
}

/// A 10 KB issues payload.
fn body_of_10kb() -> Arc<Vec<u8>> {
    let padding = "x".repeat(10 * 1024 - 120);
    Arc::new(format!("{{\"action\":\"edited\",\"issue\":{{\"number\":1,\"title\":\"bench\",\"body\":\"{padding}\"}}}}").into_bytes())
}

fn sign(body: &[u8]) -> String {
    #[allow(clippy::expect_used)]
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}
