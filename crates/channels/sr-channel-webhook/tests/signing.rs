//! Outgoing webhooks over a real loopback socket, judged by others: each
//! body is validated against config/webhook-body.schema.json by the mock
//! receiver, and each signature is verified by the Standard Webhooks
//! reference library (Python, `standardwebhooks`), which must also refuse
//! every tampered copy.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sr_apimock::{MockRequest, MockResponse, MockServer, Responder, Spec};
use sr_channel_webhook::WebhookFactory;
use sr_config::{ChannelEntry, Grouping};
use sr_notify::{
    Action, BuildContext, ChannelFactory, Link, Message, Notification, Notifier, Severity,
};
use sr_secrets::{Keyring, Resolver};

/// 32 random bytes, base64, with the specification's prefix.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+e9Jo4AKXQQ=";
const OTHER_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// Keeps every request and answers 204, as a receiver that took it.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<MockRequest>>>);

impl Responder for Capture {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        self.0.lock().ok()?.push(req.clone());
        Some(MockResponse::empty(204))
    }
}

impl Capture {
    fn taken(&self) -> Vec<MockRequest> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// A receiver whose one operation takes the documented body.
async fn receiver(capture: Capture) -> MockServer {
    let schema: Value =
        serde_json::from_str(include_str!("../../../../config/webhook-body.schema.json"))
            .expect("the documented schema is JSON");
    let spec = Spec::from_value(json!({
        "openapi": "3.0.0",
        "paths": {"/hooks/scratchrobin": {"post": {
            "operationId": "receive",
            "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
            "responses": {"204": {"description": "taken"}}
        }}}
    }))
    .expect("a description");
    MockServer::start(Arc::new(spec), capture)
        .await
        .expect("the receiver starts")
}

fn channel(url: &str) -> Arc<dyn Notifier> {
    let resolver = Resolver::with_env(
        |name| (name == "HOOK_SECRET").then(|| SECRET.to_owned()),
        Keyring::in_memory(),
    );
    let ctx = BuildContext::new(Arc::new(resolver)).expect("the HTTP client");
    let entry = ChannelEntry {
        name: "ops-hook".into(),
        kind: "webhook".into(),
        enabled: true,
        config: json!({"url": url, "secret": "${HOOK_SECRET}"}),
        grouping: Grouping::default(),
        policy: Default::default(),
        weekly_report: None,
    };
    WebhookFactory.build(&entry, &ctx).expect("built")
}

fn message(id: &str, action: Action) -> Message {
    Message {
        id: id.into(),
        action,
        notification: Notification {
            fingerprint: "drift:shop:public.film:3f9a".into(),
            severity: Severity::Critical,
            title: "Schema drift on shop: public.film changed".into(),
            body: "Column `rating` was dropped.\n\n- seen: **2 times**".into(),
            source: "shop:table:public.film".into(),
            links: vec![Link {
                text: "LOCAL-7".into(),
                url: "https://tracker.example/issues/7".into(),
            }],
            occurred_at: chrono::Utc::now(),
        },
    }
}

/// One delivery as the reference library sees it: lowercased headers and
/// the body's text.
fn delivery(req: &MockRequest) -> Value {
    let headers: serde_json::Map<String, Value> =
        ["webhook-id", "webhook-timestamp", "webhook-signature"]
            .iter()
            .map(|h| (h.to_string(), json!(req.header(h).unwrap_or_default())))
            .collect();
    json!({"headers": headers, "body": String::from_utf8_lossy(&req.raw)})
}

/// The reference library's verdict on each delivery under `secret`:
/// `Ok(type)` of the verified payload, or `Err(its error)`.
fn verify_all(secret: &str, deliveries: &[Value]) -> Vec<Result<String, String>> {
    const SCRIPT: &str = r#"
import json, sys
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
job = json.load(sys.stdin)
out = []
for d in job["deliveries"]:
    try:
        payload = Webhook(job["secret"]).verify(d["body"], d["headers"])
        out.append({"ok": payload["type"]})
    except WebhookVerificationError as e:
        out.append({"error": str(e)})
print(json.dumps(out))
"#;
    let input = json!({"secret": secret, "deliveries": deliveries}).to_string();
    let output = sr_testkit::run_python(SCRIPT, &input).expect("the reference library runs");
    let verdicts: Vec<Value> = serde_json::from_str(&output).expect("its verdicts are JSON");
    verdicts
        .iter()
        .map(|v| match v.get("ok").and_then(Value::as_str) {
            Some(kind) => Ok(kind.to_owned()),
            None => Err(v["error"].as_str().unwrap_or_default().to_owned()),
        })
        .collect()
}

#[tokio::test]
async fn every_webhook_verifies_with_the_reference_library() {
    let capture = Capture::default();
    let server = receiver(capture.clone()).await;
    let hook = channel(&format!("{}/hooks/scratchrobin", server.base_url()));
    let sent = [
        message("msg_01", Action::Trigger),
        message("msg_02", Action::Acknowledge),
        message("msg_03", Action::Resolve),
        message("msg_04", Action::Test),
    ];
    for m in &sent {
        let delivered = hook.send(m).await.expect("delivered");
        assert_eq!(delivered.status, 204);
    }
    assert!(server.failures().is_empty(), "{:?}", server.failures());
    let taken = capture.taken();
    assert_eq!(taken.len(), sent.len());
    let ids: Vec<&str> = taken
        .iter()
        .filter_map(|r| r.header("webhook-id"))
        .collect();
    assert_eq!(ids, ["msg_01", "msg_02", "msg_03", "msg_04"]);
    assert!(
        taken
            .iter()
            .all(|r| r.header("content-type") == Some("application/json"))
    );

    let deliveries: Vec<Value> = taken.iter().map(delivery).collect();
    assert_eq!(
        verify_all(SECRET, &deliveries),
        [
            Ok("alert.triggered".to_owned()),
            Ok("alert.acknowledged".to_owned()),
            Ok("alert.resolved".to_owned()),
            Ok("channel.test".to_owned()),
        ]
    );
    let body: Value = serde_json::from_slice(&taken[0].raw).expect("JSON body");
    assert_eq!(body["data"]["fingerprint"], "drift:shop:public.film:3f9a");
    assert_eq!(body["data"]["links"][0]["text"], "LOCAL-7");
}

#[tokio::test]
async fn tampered_webhooks_fail_their_verification() {
    let capture = Capture::default();
    let server = receiver(capture.clone()).await;
    let hook = channel(&format!("{}/hooks/scratchrobin", server.base_url()));
    hook.send(&message("msg_tamper", Action::Trigger))
        .await
        .expect("delivered");
    let original = delivery(&capture.taken()[0]);

    let mut body = original.clone();
    let text = body["body"]
        .as_str()
        .unwrap_or_default()
        .replace("critical", "info");
    body["body"] = json!(text);
    let mut id = original.clone();
    id["headers"]["webhook-id"] = json!("msg_other");
    let mut stamp = original.clone();
    let ts: i64 = original["headers"]["webhook-timestamp"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("a Unix timestamp in seconds");
    stamp["headers"]["webhook-timestamp"] = json!((ts + 1).to_string());
    let mut signature = original.clone();
    signature["headers"]["webhook-signature"] =
        json!("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

    let verdicts = verify_all(SECRET, &[original.clone(), body, id, stamp, signature]);
    assert_eq!(
        verdicts[0],
        Ok("alert.triggered".to_owned()),
        "the original verifies"
    );
    for (what, verdict) in ["body", "id", "timestamp", "signature"]
        .iter()
        .zip(&verdicts[1..])
    {
        assert!(verdict.is_err(), "a tampered {what} verified: {verdict:?}");
    }
    // The right delivery under another secret fails too.
    assert!(verify_all(OTHER_SECRET, &[original])[0].is_err());
}

#[tokio::test]
async fn a_retry_keeps_its_id_and_is_signed_at_its_own_time() {
    let capture = Capture::default();
    let server = receiver(capture.clone()).await;
    let hook = channel(&format!("{}/hooks/scratchrobin", server.base_url()));
    let m = message("msg_retry", Action::Trigger);
    hook.send(&m).await.expect("first attempt");
    hook.send(&m).await.expect("second attempt");
    let taken = capture.taken();
    assert_eq!(
        taken
            .iter()
            .filter_map(|r| r.header("webhook-id"))
            .collect::<Vec<_>>(),
        ["msg_retry", "msg_retry"],
        "a receiver deduplicates by webhook-id"
    );
    let deliveries: Vec<Value> = taken.iter().map(delivery).collect();
    assert!(verify_all(SECRET, &deliveries).iter().all(Result::is_ok));
}

#[tokio::test]
async fn a_gone_receiver_says_to_create_a_new_one() {
    let capture = Capture::default();
    let server = receiver(capture.clone()).await;
    server.push_fault("receive", MockResponse::empty(410));
    let hook = channel(&format!("{}/hooks/scratchrobin", server.base_url()));
    let e = hook
        .send(&message("msg_gone", Action::Trigger))
        .await
        .expect_err("410");
    assert!(!e.retryable());
    assert!(
        e.to_string()
            .contains("channel \"ops-hook\": The webhook receiver refused the message (410)")
            && e.to_string().contains("no longer exists"),
        "{e}"
    );
}
