//! The listener over real loopback sockets, fed the providers' published
//! payloads signed by independent implementations.

use crate::common;

use common::*;
use sr_store::DeliveryStatus;

#[tokio::test]
async fn every_github_fixture_is_accepted_stored_and_processed_once() {
    let mut h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let mut sent = 0;
    for entry in std::fs::read_dir(fixtures_dir("github-webhooks")).unwrap() {
        let path = entry.unwrap().path();
        let event = path.file_stem().unwrap().to_string_lossy().into_owned();
        for (i, body) in fixture_bodies(&path).iter().enumerate() {
            let id = format!("{event}-{i}");
            let r = send(
                addr,
                "POST",
                "/webhook/github",
                &github_headers(&event, &id, body),
                body,
            )
            .await;
            assert_eq!(r.status, 202, "{id}: {}", r.body);
            sent += 1;
        }
    }
    assert!(sent > 40, "the fixtures hold many bodies ({sent})");
    let done = h.processed(sent).await;
    let mut unique = done.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sent);
    assert_eq!(h.recorder.seen.lock().unwrap().len(), sent);
    let stats = h.store.delivery_stats().await.unwrap();
    assert_eq!(stats[0].processed, sent as u64);
    h.listener.shutdown().await;
}

#[tokio::test]
async fn gitlab_fixtures_with_token_and_standard_webhooks_signatures() {
    let mut h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let mut sent = 0;
    for entry in std::fs::read_dir(fixtures_dir("gitlab-webhooks")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let body = &fixture_bodies(&path)[0];
        let id = format!("gl-{}", path.file_stem().unwrap().to_string_lossy());
        let headers = if sent % 2 == 0 {
            vec![
                ("Content-Type", "application/json".to_owned()),
                ("X-Gitlab-Event", "Issue Hook".to_owned()),
                ("X-Gitlab-Event-UUID", id.clone()),
                ("X-Gitlab-Token", GL_TOKEN.to_owned()),
            ]
        } else {
            let ts = chrono::Utc::now().timestamp();
            vec![
                ("Content-Type", "application/json".to_owned()),
                ("X-Gitlab-Event", "Issue Hook".to_owned()),
                ("webhook-id", id.clone()),
                ("webhook-timestamp", ts.to_string()),
                (
                    "webhook-signature",
                    python_standard_signature(GL_TOKEN, &id, ts, body),
                ),
            ]
        };
        let r = send(addr, "POST", "/webhook/gitlab", &headers, body).await;
        assert_eq!(r.status, 202, "{id}: {}", r.body);
        sent += 1;
    }
    assert!(sent >= 20);
    h.processed(sent).await;
    h.listener.shutdown().await;
}

#[tokio::test]
async fn forgeries_are_refused_with_401_and_stored_nowhere() {
    let h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let body = fixture_bodies(&fixtures_dir("github-webhooks").join("issues.json")).remove(0);
    let good = format!("sha256={}", openssl_hmac_hex(GH_SECRET, &body));
    let mut flipped_body = body.clone();
    flipped_body[10] ^= 0x01;
    let mut flipped_sig = good.clone().into_bytes();
    let last = flipped_sig.len() - 1;
    flipped_sig[last] = if flipped_sig[last] == b'0' {
        b'1'
    } else {
        b'0'
    };
    let flipped_sig = String::from_utf8(flipped_sig).unwrap();
    let other = format!(
        "sha256={}",
        openssl_hmac_hex(GH_SECRET, b"{\"another\":\"body\"}")
    );
    let wrong_secret = format!("sha256={}", openssl_hmac_hex("not-the-secret", &body));
    let sha1 = format!("sha1={}", &good["sha256=".len()..]);
    let cases: Vec<(&str, Option<String>, &[u8])> = vec![
        (
            "one flipped bit in the body",
            Some(good.clone()),
            &flipped_body,
        ),
        ("one flipped bit in the signature", Some(flipped_sig), &body),
        ("wrong secret", Some(wrong_secret), &body),
        ("sha1= prefix", Some(sha1), &body),
        ("missing header", None, &body),
        ("empty signature", Some(String::new()), &body),
        ("a valid signature of another body", Some(other), &body),
    ];
    for (what, sig, body) in cases {
        let mut headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("X-GitHub-Event", "issues".to_owned()),
            ("X-GitHub-Delivery", what.replace(' ', "-")),
        ];
        if let Some(sig) = sig {
            headers.push(("X-Hub-Signature-256", sig));
        }
        let r = send(addr, "POST", "/webhook/github", &headers, body).await;
        assert_eq!(r.status, 401, "{what}");
        assert!(
            !r.body.contains("signature"),
            "{what}: the reply leaks detail: {}",
            r.body
        );
    }
    // An old Standard Webhooks timestamp, correctly signed.
    let ts = chrono::Utc::now().timestamp() - 3600;
    let headers = vec![
        ("Content-Type", "application/json".to_owned()),
        ("webhook-id", "old".to_owned()),
        ("webhook-timestamp", ts.to_string()),
        (
            "webhook-signature",
            python_standard_signature(GL_TOKEN, "old", ts, &body),
        ),
    ];
    assert_eq!(
        send(addr, "POST", "/webhook/gitlab", &headers, &body)
            .await
            .status,
        401,
        "old timestamp"
    );
    // A tracker without a secret refuses unsigned deliveries.
    let headers = vec![("Content-Type", "application/json".to_owned())];
    assert_eq!(
        send(addr, "POST", "/webhook/github2", &headers, &body)
            .await
            .status,
        401,
        "no secret configured"
    );
    assert!(
        h.store.deliveries(false, 100).await.unwrap().is_empty(),
        "nothing forged was stored"
    );
    h.listener.shutdown().await;
}

#[tokio::test]
async fn a_redelivery_is_acknowledged_and_processed_once() {
    let mut h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let body = br#"{"action":"opened","issue":{"number":1}}"#;
    let headers = github_headers("issues", "same-delivery-id", body);
    assert_eq!(
        send(addr, "POST", "/webhook/github", &headers, body)
            .await
            .status,
        202
    );
    let again = send(
        addr,
        "POST",
        "/webhook/github/GitHub%20Issues",
        &headers,
        body,
    )
    .await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("duplicate"));
    // A third, different delivery marks the end of what can be processed.
    let body2 = br#"{"action":"closed"}"#;
    let headers2 = github_headers("issues", "next-delivery", body2);
    assert_eq!(
        send(addr, "POST", "/webhook/github", &headers2, body2)
            .await
            .status,
        202
    );
    assert_eq!(h.processed(2).await, ["same-delivery-id", "next-delivery"]);
    assert_eq!(
        h.recorder.seen.lock().unwrap().len(),
        2,
        "the handler saw each delivery once"
    );
    assert_eq!(h.store.deliveries(false, 10).await.unwrap().len(), 2);
    h.listener.shutdown().await;
}

#[tokio::test]
async fn limits_content_types_and_malformed_json() {
    let mut h = start(|c| {
        c.limits.body_limit_bytes = 1024;
        c.limits.failed_verifications_per_minute = 2;
    })
    .await;
    let addr = h.listener.local_addr;
    // Too large: 413, nothing stored.
    let big = vec![b' '; 4096];
    let r = send(
        addr,
        "POST",
        "/webhook/github",
        &github_headers("issues", "big", &big),
        &big,
    )
    .await;
    assert_eq!(r.status, 413);
    // GitHub's form encoding: the JSON is in `payload=`, the signature covers the form body.
    let form = b"payload=%7B%22action%22%3A%22opened%22%7D".to_vec();
    let mut headers = github_headers("issues", "form", &form);
    headers[0].1 = "application/x-www-form-urlencoded".into();
    assert_eq!(
        send(addr, "POST", "/webhook/github", &headers, &form)
            .await
            .status,
        202
    );
    assert_eq!(h.processed(1).await, ["form"]);
    // Valid signature, malformed JSON: 400 and a failed row that keeps the body.
    let bad = b"{\"action\": ".to_vec();
    let r = send(
        addr,
        "POST",
        "/webhook/github",
        &github_headers("issues", "bad-json", &bad),
        &bad,
    )
    .await;
    assert_eq!(r.status, 400);
    let failed = h.store.deliveries(true, 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].status, DeliveryStatus::Failed);
    let stored = h.store.delivery(failed[0].id).await.unwrap().unwrap();
    assert_eq!(stored.body, bad, "the failed delivery keeps its body");
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("malformed JSON")
    );
    // Unsupported content type.
    let mut headers = github_headers("issues", "xml", b"<x/>");
    headers[0].1 = "application/xml".into();
    assert_eq!(
        send(addr, "POST", "/webhook/github", &headers, b"<x/>")
            .await
            .status,
        415
    );
    // Unknown tracker.
    assert_eq!(
        send(addr, "POST", "/webhook/azure", &[], b"{}")
            .await
            .status,
        404
    );
    // Signed deliveries are never limited, however many this source sends.
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for i in 0..4 {
            let body = format!("{{\"n\":{i}}}").into_bytes();
            v.push(
                send(
                    addr,
                    "POST",
                    "/webhook/github",
                    &github_headers("issues", &format!("r{i}"), &body),
                    &body,
                )
                .await
                .status,
            );
        }
        v
    };
    assert_eq!(statuses, [202, 202, 202, 202]);
    h.listener.shutdown().await;
}

#[tokio::test]
async fn status_endpoints_report_per_tracker_counts() {
    let mut h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let body = br#"{"action":"opened"}"#;
    send(
        addr,
        "POST",
        "/webhook/github",
        &github_headers("issues", "s1", body),
        body,
    )
    .await;
    h.processed(1).await;
    let r = send(addr, "GET", "/api/webhooks/status", &[], b"").await;
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let gh = v["trackers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["tracker"] == "GitHub Issues")
        .unwrap();
    assert_eq!(gh["processed"], 1);
    assert_eq!(gh["signed"], true);
    assert!(!r.body.contains(GH_SECRET));
    let r = send(addr, "GET", "/api/integrations/health", &[], b"").await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["status"], "ok");
    h.listener.shutdown().await;
}

#[tokio::test]
async fn probes_say_alive_and_ready_until_the_store_is_gone() {
    let h = start(|_| {}).await;
    let addr = h.listener.local_addr;
    let r = send(addr, "GET", "/healthz", &[], b"").await;
    assert_eq!((r.status, r.body.as_str()), (200, "ok"));
    let r = send(addr, "GET", "/readyz", &[], b"").await;
    assert_eq!((r.status, r.body.as_str()), (200, "ready"));
    h.store.close().await;
    let r = send(addr, "GET", "/readyz", &[], b"").await;
    assert_eq!(r.status, 503, "{}", r.body);
    let r = send(addr, "GET", "/healthz", &[], b"").await;
    assert_eq!(r.status, 200, "the process itself still answers");
    h.listener.shutdown().await;
}
