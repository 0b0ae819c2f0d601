//! Tokens at the door: every endpoint of the description refuses a request
//! without a valid token with 401 problem JSON; read tokens cannot write;
//! each token has its own budget, reported in RateLimit-* headers.

#![allow(clippy::unwrap_used)]

use sr_engine::TokenScope;

use crate::common::{Api, problem};

/// Every operation of the description, with its path parameters filled.
fn operations() -> Vec<(String, String)> {
    let doc = serde_json::to_value(sr_api::description()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.push((method.clone(), path.replace("{id}", "1")));
        }
    }
    out
}

#[tokio::test]
async fn every_endpoint_answers_401_problem_json_without_a_valid_token() {
    let api = Api::start(1000).await;
    let revoked = api.token("gone", TokenScope::Write).await;
    assert!(api.engine.revoke_api_token("gone").await.unwrap());
    // An expired token, recorded as the engine would have made it.
    let expired = "srt_0000aaaa_expired";
    api.engine
        .store()
        .insert_api_token(&sr_store::NewApiToken {
            id: "0000aaaa",
            name: "old",
            scope: "write",
            token_hash: &sr_engine::token_hash(expired),
            expires_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
        })
        .await
        .unwrap();
    let ops = operations();
    assert!(ops.len() >= 9, "{ops:?}");
    for (method, path) in &ops {
        let method: reqwest::Method = method.to_uppercase().parse().unwrap();
        for token in [
            None,
            Some("srt_nope_nope"),
            Some(revoked.as_str()),
            Some(expired),
        ] {
            let mut request = api.http.request(method.clone(), api.url(path));
            if let Some(t) = token {
                request = request.bearer_auth(t);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.headers().get("www-authenticate").unwrap(),
                "Bearer",
                "{method} {path}"
            );
            let body = problem(response, 401).await;
            let detail = body["detail"].as_str().unwrap().to_owned();
            match token {
                Some(t) if t == revoked => assert!(detail.contains("revoked"), "{detail}"),
                Some(t) if t == expired => assert!(detail.contains("expired"), "{detail}"),
                _ => assert!(detail.contains("api token create"), "{detail}"),
            }
        }
    }
    // The description itself is public: tools read it before they hold a token.
    let doc = api
        .http
        .get(api.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(doc.status(), 200);
    let doc: serde_json::Value = doc.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[tokio::test]
async fn a_read_token_cannot_start_a_sync_or_replay_a_delivery() {
    let api = Api::start(1000).await;
    let read = api.token("reader", TokenScope::Read).await;
    let write = api.token("writer", TokenScope::Write).await;
    let start = |token: &str| {
        api.http
            .post(api.url("/api/v1/sync/runs"))
            .bearer_auth(token)
            .json(&serde_json::json!({"tracker": "nowhere", "kind": "full"}))
            .send()
    };
    let refused = problem(start(&read).await.unwrap(), 403).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("--scope write")
    );
    // The write token gets past the scope check to the tracker lookup.
    problem(start(&write).await.unwrap(), 404).await;
    let replay = |token: &str| {
        api.http
            .post(api.url("/api/v1/webhooks/deliveries/77/replay"))
            .bearer_auth(token)
            .send()
    };
    problem(replay(&read).await.unwrap(), 403).await;
    problem(replay(&write).await.unwrap(), 404).await;
    // Reading is what a read token is for.
    assert_eq!(api.get("/api/v1/sync/runs", &read).await.status(), 200);
    let health: serde_json::Value = api
        .get("/api/v1/integrations/health", &read)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = health["trackers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"local"), "{health}");
    let listed = api.engine.api_tokens().await.unwrap();
    assert!(
        listed.iter().all(|t| t.last_used_at.is_some()),
        "{listed:?}"
    );
}

#[tokio::test]
async fn each_token_spends_its_own_budget_and_is_told_where_it_stands() {
    let api = Api::start(3).await;
    let a = api.token("a", TokenScope::Read).await;
    let b = api.token("b", TokenScope::Read).await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let r = api.get("/api/v1/issues", &a).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["ratelimit-limit"], "3");
        remaining.push(
            r.headers()["ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
        let reset: u64 = r.headers()["ratelimit-reset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(reset <= 60, "{reset}");
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let refused = api.get("/api/v1/issues", &a).await;
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=20).contains(&retry),
        "a request's share of a minute is 20 s: {retry}"
    );
    assert_eq!(refused.headers()["ratelimit-remaining"], "0");
    problem(refused, 429).await;
    // Another token is not held back by the first one's spending.
    assert_eq!(api.get("/api/v1/issues", &b).await.status(), 200);
}

#[test]
fn the_description_declares_the_budget_headers_on_every_answer_but_401() {
    let doc = serde_json::to_value(sr_api::description()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let headers = &response["headers"];
                for name in ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] {
                    let declared = headers.get(name).is_some();
                    assert_eq!(declared, status != "401", "{method} {path} {status} {name}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked}");
}
