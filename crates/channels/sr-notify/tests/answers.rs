//! Every kind of answer a channel's service gives, over a real loopback
//! socket, classified into success or the error that names the fix.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::json;
use sr_apimock::{ExamplesOnly, MockResponse, MockServer, Spec};
use sr_notify::NotifyError;
use sr_notify::http::{Post, classify, client, parse_retry_after, send};

/// A receiver with one operation, `POST /hook` taking any JSON object.
async fn receiver() -> MockServer {
    let spec = Spec::from_value(json!({
        "openapi": "3.0.0",
        "paths": {"/hook": {"post": {
            "operationId": "hook",
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}
        }}}
    }))
    .expect("a description with paths");
    MockServer::start(Arc::new(spec), ExamplesOnly)
        .await
        .expect("the receiver starts")
}

async fn post_once(server: &MockServer, answer: MockResponse) -> Result<(), NotifyError> {
    server.push_fault("hook", answer);
    let url = format!("{}/hook", server.base_url());
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("header"));
    let post = Post {
        channel: "ops",
        service: "Receiver",
        url: &url,
        headers,
        body: br#"{"text": "hello"}"#.to_vec(),
    };
    let answer = send(&client()?, post).await?;
    classify("ops", "Receiver", answer).map(drop)
}

#[tokio::test]
async fn each_answer_is_classified_with_its_fix() {
    let server = receiver().await;
    post_once(&server, MockResponse::empty(200))
        .await
        .expect("200 is delivered");
    post_once(&server, MockResponse::empty(202))
        .await
        .expect("202 is delivered");

    let e = post_once(
        &server,
        MockResponse::json(400, &json!({"message": "Event object is invalid"})),
    )
    .await
    .expect_err("400");
    assert_eq!(e.code(), "refused");
    assert!(!e.retryable());
    let text = e.to_string();
    assert!(
        text.contains(
            "Receiver refused the message (400): {\"message\":\"Event object is invalid\"}"
        ) && text.contains("a bug in the channel"),
        "{text}"
    );

    let e = post_once(&server, MockResponse::empty(403))
        .await
        .expect_err("403");
    assert!(e.to_string().contains("wrong or was revoked"), "{e}");
    let e = post_once(&server, MockResponse::empty(410))
        .await
        .expect_err("410");
    assert!(e.to_string().contains("no longer exists"), "{e}");

    let e = post_once(&server, MockResponse::empty(429).header("retry-after", "7"))
        .await
        .expect_err("429");
    assert_eq!(e.code(), "rate_limited");
    assert!(e.retryable());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert!(e.to_string().contains("asking to wait 7 s"), "{e}");

    let e = post_once(&server, MockResponse::empty(503))
        .await
        .expect_err("503");
    assert_eq!(
        (e.code(), e.retryable(), e.status()),
        ("unavailable", true, Some(503))
    );
    assert!(server.failures().is_empty(), "{:?}", server.failures());
}

#[tokio::test]
async fn no_answer_is_unreachable_and_never_shows_the_url() {
    // A port that was free a moment ago: nothing listens on it now.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    // A Slack-like URL whose path is the credential.
    let url = format!("http://127.0.0.1:{port}/services/T000/B000/secretpart");
    let post = Post {
        channel: "ops",
        service: "Slack",
        url: &url,
        headers: HeaderMap::new(),
        body: b"{}".to_vec(),
    };
    let e = send(&client().expect("client"), post)
        .await
        .expect_err("nothing listens");
    assert_eq!(e.code(), "unreachable");
    assert!(e.retryable());
    let text = e.to_string();
    assert!(text.contains("the connection failed"), "{text}");
    assert!(!text.contains("secretpart"), "{text}");
}

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    assert_eq!(parse_retry_after("30"), Some(Duration::from_secs(30)));
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    let later = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
    let wait = parse_retry_after(&later).expect("a date");
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
    assert_eq!(parse_retry_after("soon"), None);
}
