//! Bursts through the group commit and the in-memory hand-off: many
//! concurrent signed deliveries with redeliveries sent at the same moment
//! as the first, to one listener and to two listeners sharing one store
//! (as two processes do). Every delivery is acknowledged, stored once and
//! processed exactly once.

#![allow(clippy::unwrap_used)] // helpers unwrap like the tests they serve

use crate::common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use common::*;
use sr_store::Store;

/// Distinct deliveries per burst.
const N: usize = 600;
/// Of them, how many are sent twice at once.
const TWICE: usize = 200;
/// Requests in flight at once.
const PARALLEL: usize = 32;

/// Sends each `(listener, id)` with the same signed body, `PARALLEL` at a
/// time, a delivery and its redelivery next to each other; the replies by
/// id.
async fn burst(sends: Vec<(SocketAddr, String)>) -> BTreeMap<String, Vec<Reply>> {
    let body =
        Arc::new(fixture_bodies(&fixtures_dir("github-webhooks").join("issues.json")).remove(0));
    // GitHub signs the body alone, so one signature serves every id.
    let signature = format!("sha256={}", openssl_hmac_hex(GH_SECRET, &body));
    let sends = Arc::new(sends);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..PARALLEL {
        let (sends, next, body, signature) =
            (sends.clone(), next.clone(), body.clone(), signature.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((addr, id)) = sends.get(i) else {
                    return out;
                };
                let headers = vec![
                    ("Content-Type", "application/json".to_owned()),
                    ("X-GitHub-Event", "issues".to_owned()),
                    ("X-GitHub-Delivery", id.clone()),
                    ("X-Hub-Signature-256", signature.clone()),
                ];
                let reply = send(*addr, "POST", "/webhook/github", &headers, &body).await;
                out.push((id.clone(), reply));
            }
        }));
    }
    let mut by_id: BTreeMap<String, Vec<Reply>> = BTreeMap::new();
    for t in tasks {
        for (id, reply) in t.await.unwrap() {
            by_id.entry(id).or_default().push(reply);
        }
    }
    by_id
}

/// The ids `0..N`, the first `TWICE` of them twice in a row, each send to
/// the listener `to(i, copy)` picks.
fn sends(to: impl Fn(usize, usize) -> SocketAddr) -> Vec<(SocketAddr, String)> {
    let mut out = Vec::new();
    for i in 0..N {
        let copies = if i < TWICE { 2 } else { 1 };
        for copy in 0..copies {
            out.push((to(i, copy), format!("burst-{i}")));
        }
    }
    out
}

/// Every id was answered once 202 (stored) and any other time 200
/// (a redelivery, not processed again).
fn check_replies(by_id: &BTreeMap<String, Vec<Reply>>) {
    assert_eq!(by_id.len(), N);
    for (id, replies) in by_id {
        let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
        statuses.sort();
        let expected: &[u16] = if replies.len() == 2 {
            &[200, 202]
        } else {
            &[202]
        };
        assert_eq!(statuses, expected, "{id}: {replies:?}");
        for r in replies.iter().filter(|r| r.status == 200) {
            assert!(r.body.contains("\"duplicate\":true"), "{id}: {}", r.body);
        }
    }
}

#[tokio::test]
async fn a_burst_with_simultaneous_redeliveries_is_processed_exactly_once() {
    let mut h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let replies = burst(sends(|_, _| addr)).await;
    check_replies(&replies);
    let mut done = h.processed(N).await;
    done.sort();
    done.dedup();
    assert_eq!(done.len(), N, "every delivery finished once");
    // The shutdown finishes anything left; nothing is processed twice.
    h.listener.shutdown().await;
    let mut seen = h.recorder.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), N, "handled exactly once each");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), N);
    let stats = h.store.delivery_stats().await.unwrap();
    assert_eq!(
        (stats[0].pending, stats[0].processed, stats[0].failed),
        (0, N as u64, 0)
    );
}

#[tokio::test]
async fn two_listeners_on_one_store_process_each_delivery_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_file(&dir.path().join("store.db"))
        .await
        .unwrap();
    let a = start_on(store.clone(), |_| {}).await;
    let b = start_on(store.clone(), |_| {}).await;
    let (to_a, to_b) = (a.listener.local_addr, b.listener.local_addr);
    // Alternate listeners; a redelivery goes to the other one at once.
    let pick = |i: usize, copy: usize| {
        if (i + copy).is_multiple_of(2) {
            to_a
        } else {
            to_b
        }
    };
    let replies = burst(sends(pick)).await;
    check_replies(&replies);
    // Each shutdown finishes what its listener acknowledged.
    tokio::join!(a.listener.shutdown(), b.listener.shutdown());
    let seen_a = a.recorder.seen.lock().unwrap().clone();
    let seen_b = b.recorder.seen.lock().unwrap().clone();
    assert!(!seen_a.is_empty() && !seen_b.is_empty(), "both processed");
    let mut all: Vec<String> = seen_a.into_iter().chain(seen_b).collect();
    assert_eq!(all.len(), N, "handled exactly once each");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), N);
    let stats = store.delivery_stats().await.unwrap();
    assert_eq!(
        (stats[0].pending, stats[0].processed, stats[0].failed),
        (0, N as u64, 0)
    );
}
