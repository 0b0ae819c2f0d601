//! The device flow against a loopback server described by the parameters
//! GitHub documents for its two endpoints (they are not in the REST
//! description), answering a scripted sequence of poll results.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use sr_apimock::{MockRequest, MockResponse, MockServer, Responder, Spec};
use sr_tracker::ErrorKind;

use super::*;

/// GitHub's documented parameters for the two endpoints.
fn spec() -> Arc<Spec> {
    let body = |required: Value, props: Value| {
        json!({"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": required, "properties": props, "additionalProperties": false}}}})
    };
    let root = json!({"openapi": "3.0.3", "paths": {
        "/login/device/code": {"post": {"operationId": "device-code",
            "requestBody": body(json!(["client_id"]), json!({"client_id": {"type": "string"}, "scope": {"type": "string"}})),
            "responses": {"200": {"description": "ok"}}}},
        "/login/oauth/access_token": {"post": {"operationId": "access-token",
            "requestBody": body(json!(["client_id", "device_code", "grant_type"]), json!({
                "client_id": {"type": "string"}, "device_code": {"type": "string"},
                "grant_type": {"type": "string", "enum": ["urn:ietf:params:oauth:grant-type:device_code"]}})),
            "responses": {"200": {"description": "ok"}}}}
    }});
    Arc::new(Spec::from_value(root).expect("spec"))
}

#[derive(Clone, Default)]
struct Script(Arc<Mutex<VecDeque<Value>>>);

impl Responder for Script {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let body = match req.operation_id.as_deref()? {
            "device-code" => {
                json!({"device_code": "3584d83530557fdd1f46af8289938c8ef79f9dc5", "user_code": "WDJB-MJHT",
                "verification_uri": "https://github.com/login/device", "expires_in": 900, "interval": 0})
            }
            _ => self.0.lock().ok()?.pop_front()?,
        };
        Some(MockResponse::json(200, &body))
    }
}

/// Runs the flow against the scripted poll answers; returns the token or
/// the error kind, and how many polls were made.
async fn check(polls: Vec<Value>, expected: std::result::Result<&str, ErrorKind>) {
    let script = Script(Arc::new(Mutex::new(polls.into())));
    let server = MockServer::start(spec(), script.clone())
        .await
        .expect("server");
    let web = Url::parse(server.base_url()).expect("url");
    let code = start(&web, "Iv1.abc", &["repo"])
        .await
        .expect("device code");
    assert_eq!(
        (code.user_code.as_str(), code.verification_uri.as_str()),
        ("WDJB-MJHT", "https://github.com/login/device")
    );
    let got = wait_for_token(&web, "Iv1.abc", &code).await;
    let got = got.as_ref().map(|t| t.expose()).map_err(|e| e.kind());
    assert_eq!(got, expected);
    assert_eq!(server.failures(), Vec::<String>::new());
}

#[tokio::test]
async fn polls_until_the_user_has_entered_the_code() {
    let pending = json!({"error": "authorization_pending"});
    let slow = json!({"error": "slow_down", "interval": 0});
    let token = json!({"access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a", "token_type": "bearer", "scope": "repo"});
    check(
        vec![token.clone()],
        Ok("gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    )
    .await;
    check(
        vec![pending.clone(), slow, pending, token],
        Ok("gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    )
    .await;
    check(
        vec![json!({"error": "access_denied"})],
        Err(ErrorKind::Forbidden),
    )
    .await;
    check(
        vec![json!({"error": "expired_token"})],
        Err(ErrorKind::Provider),
    )
    .await;
    check(
        vec![json!({"error": "device_flow_disabled"})],
        Err(ErrorKind::Config),
    )
    .await;
}

#[test]
fn web_roots() {
    let check =
        |api: &str, web: &str| assert_eq!(web_root(&Url::parse(api).expect("url")).as_str(), web);
    check("https://api.github.com", "https://github.com/");
    check("https://ghe.example.com/api/v3", "https://ghe.example.com/");
    check("http://127.0.0.1:9000", "http://127.0.0.1:9000/");
}

/// `slow_down` without a new interval adds the step; with one, GitHub's
/// interval is taken. The intervals waited are recorded, not slept out.
#[tokio::test]
async fn slow_down_lengthens_the_interval() {
    let ms = Duration::from_millis;
    let pending = json!({"error": "authorization_pending"});
    let token = json!({"access_token": "gho_x", "token_type": "bearer", "scope": "repo"});
    let polls = vec![
        pending.clone(),
        json!({"error": "slow_down"}),
        pending.clone(),
        json!({"error": "slow_down"}),
        json!({"error": "slow_down", "interval": 0}),
        token,
    ];
    let script = Script(Arc::new(Mutex::new(polls.into())));
    let server = MockServer::start(spec(), script).await.expect("server");
    let web = Url::parse(server.base_url()).expect("url");
    let code = start(&web, "Iv1.abc", &["repo"])
        .await
        .expect("device code");
    let mut waits = Vec::new();
    let got = wait_for_token_with(&web, "Iv1.abc", &code, ms(1), |d| waits.push(d))
        .await
        .expect("token");
    assert_eq!(got.expose(), "gho_x");
    assert_eq!(waits, [ms(0), ms(0), ms(1), ms(1), ms(2), ms(0)]);
    assert_eq!(server.failures(), Vec::<String>::new());
}
