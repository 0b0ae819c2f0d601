//! Bursts of genuine deliveries are never throttled; forgeries are, per
//! client address, and behind a trusted proxy the client is the address
//! the proxy names. Then `/metrics`, read by an independent Prometheus
//! text parser, counts exactly what was sent.
//!
//! Loopback has a whole /8, so the "other addresses" are real sockets
//! bound to 127.0.0.2 (a forger) and 127.0.0.3 (the reverse proxy).
//! One test in this file: the metrics are the process's own.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use crate::common;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use common::*;
use sr_webhook::TrustedProxy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GENUINE: usize = 2000;
const FORGED: usize = 100;
const LIMIT: u32 = 20;
const FORGER: [u8; 4] = [127, 0, 0, 2];
const PROXY: [u8; 4] = [127, 0, 0, 3];

/// One request from the address `from`; the status code.
async fn send_from(
    from: [u8; 4],
    to: SocketAddr,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(IpAddr::from(from), 0)).unwrap();
    let mut stream = socket.connect(to).await.unwrap();
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    String::from_utf8_lossy(&raw)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The GitHub headers with this signature and delivery id.
fn headers(signature: &str, id: &str, forwarded_for: Option<&str>) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("Content-Type", "application/json".to_owned()),
        ("X-GitHub-Event", "issues".to_owned()),
        ("X-GitHub-Delivery", id.to_owned()),
        ("X-Hub-Signature-256", signature.to_owned()),
    ];
    if let Some(f) = forwarded_for {
        h.push(("X-Forwarded-For", f.to_owned()));
    }
    h
}

/// Sends `ids` from `from`, `parallel` connections at a time; the
/// statuses in order.
async fn burst(
    parallel: usize,
    from: [u8; 4],
    to: SocketAddr,
    ids: Vec<String>,
    signature: &str,
    body: &[u8],
    forwarded_for: Option<&str>,
) -> Vec<u16> {
    let body = std::sync::Arc::new(body.to_vec());
    let mut statuses = Vec::new();
    for chunk in ids.chunks(parallel) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|id| {
                let (h, body) = (headers(signature, id, forwarded_for), body.clone());
                tokio::spawn(async move { send_from(from, to, "/webhook/github", &h, &body).await })
            })
            .collect();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
    }
    statuses
}

/// `/metrics` parsed by `prometheus-parse`: value by name and labels.
async fn scrape(addr: SocketAddr) -> BTreeMap<String, f64> {
    let r = send(addr, "GET", "/metrics", &[], b"").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let lines = r.body.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    scrape
        .samples
        .into_iter()
        .filter_map(|s| {
            let value = match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                // A histogram's count is its +Inf bucket.
                prometheus_parse::Value::Histogram(buckets) => {
                    buckets.iter().find(|b| b.less_than.is_infinite())?.count
                }
                _ => return None,
            };
            let mut labels: Vec<String> =
                s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            labels.sort();
            Some((format!("{}{{{}}}", s.metric, labels.join(",")), value))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genuine_bursts_pass_forgeries_are_throttled_and_metrics_count_them() {
    let mut h = start(|c| {
        c.limits.failed_verifications_per_minute = LIMIT;
        c.limits.trusted_proxies = vec![TrustedProxy(IpAddr::from(PROXY).into())];
    })
    .await;
    let addr = h.listener.local_addr;
    let body = fixture_bodies(&fixtures_dir("github-webhooks").join("issues.json")).remove(0);
    let good = format!("sha256={}", openssl_hmac_hex(GH_SECRET, &body));
    let forged = format!("sha256={}", openssl_hmac_hex("not-the-secret", &body));
    let started = Instant::now();

    // Forgeries from one address: the first LIMIT are 401, the rest 429.
    let ids = (0..FORGED).map(|i| format!("forged-{i}")).collect();
    let statuses = burst(1, FORGER, addr, ids, &forged, &body, None).await;
    let refused = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (refused, throttled),
        (LIMIT as usize, FORGED - LIMIT as usize),
        "{statuses:?}"
    );
    assert!(
        statuses[LIMIT as usize..].iter().all(|s| *s == 429),
        "the later ones are 429"
    );

    // Genuine deliveries: half directly from 127.0.0.1, half through the
    // trusted proxy naming one client; all accepted. Then one from the
    // forger's own address and one through the proxy naming a throttled
    // client: a verified delivery is never refused for its address.
    let direct: Vec<String> = (0..GENUINE / 2).map(|i| format!("direct-{i}")).collect();
    let proxied: Vec<String> = (0..GENUINE / 2).map(|i| format!("proxied-{i}")).collect();
    let statuses = burst(8, [127, 0, 0, 1], addr, direct, &good, &body, None).await;
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    let statuses = burst(8, PROXY, addr, proxied, &good, &body, Some("198.51.100.7")).await;
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    let statuses = burst(
        1,
        FORGER,
        addr,
        vec!["from-the-forger".into()],
        &good,
        &body,
        None,
    )
    .await;
    assert_eq!(statuses, [202]);

    // Through the proxy, forgeries count against the client it names, not
    // against the proxy: another client through it is not throttled.
    let ids = (0..=LIMIT).map(|i| format!("proxied-forged-{i}")).collect();
    let statuses = burst(1, PROXY, addr, ids, &forged, &body, Some("203.0.113.9")).await;
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let statuses = burst(
        1,
        PROXY,
        addr,
        vec!["proxied-forged-other".into()],
        &forged,
        &body,
        Some("203.0.113.10"),
    )
    .await;
    assert_eq!(statuses, [401]);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(60),
        "the scenario must fit in one throttling window; it took {elapsed:?}"
    );

    // A redelivery of an accepted delivery is acknowledged, not refused.
    let statuses = burst(
        8,
        [127, 0, 0, 1],
        addr,
        vec!["direct-7".into()],
        &good,
        &body,
        None,
    )
    .await;
    assert_eq!(statuses, [200]);

    // Every accepted delivery is processed once.
    let accepted = GENUINE + 1;
    let done = h.processed(accepted).await;
    assert_eq!(done.len(), accepted);

    let m = scrape(addr).await;
    let get = |k: &str| {
        m.get(k)
            .copied()
            .unwrap_or_else(|| panic!("no {k} in {m:#?}"))
    };
    let t = "tracker=GitHub Issues";
    let forged_total = FORGED + LIMIT as usize + 2;
    assert_eq!(
        get(&format!("sr_webhook_deliveries_received_total{{{t}}}")),
        (accepted + 1 + forged_total) as f64
    );
    assert_eq!(
        get(&format!("sr_webhook_deliveries_verified_total{{{t}}}")),
        (accepted + 1) as f64
    );
    assert_eq!(
        get(&format!("sr_webhook_deliveries_duplicate_total{{{t}}}")),
        1.0
    );
    assert_eq!(
        get(&format!(
            "sr_webhook_deliveries_refused_total{{reason=signature,{t}}}"
        )),
        (2 * LIMIT as usize + 1) as f64
    );
    assert_eq!(
        get(&format!(
            "sr_webhook_deliveries_refused_total{{reason=throttled,{t}}}"
        )),
        (FORGED - LIMIT as usize + 1) as f64
    );
    assert_eq!(
        get(&format!("sr_webhook_deliveries_processed_total{{{t}}}")),
        accepted as f64
    );
    assert_eq!(
        get(&format!("sr_webhook_processing_seconds{{{t}}}")),
        accepted as f64
    );
    assert_eq!(get("sr_webhook_deliveries_pending{}"), 0.0);
    assert_eq!(get("sr_webhook_throttled_clients{}"), 2.0);

    // The status endpoint shows the limits in force.
    let r = send(addr, "GET", "/api/webhooks/status", &[], b"").await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["listener"]["failed_verifications_per_minute"], LIMIT);
    assert_eq!(v["listener"]["trusted_proxies"][0], "127.0.0.3/32");
    assert_eq!(v["throttled_clients"], 2);
    h.listener.shutdown().await;
}
