//! The traceability report over the API: every connection by default, one
//! by name, a name nobody has refused with 404 problem JSON; each answer
//! carries the token's budget headers, as the description says.

#![allow(clippy::unwrap_used)]

use sr_engine::TokenScope;

use crate::common::{Api, problem};

#[tokio::test]
async fn the_report_answers_per_connection_and_refuses_an_unknown_one() {
    let api = Api::start(1000).await;
    let token = api.token("reader", TokenScope::Read).await;
    let all = api.get("/api/v1/traceability", &token).await;
    assert_eq!(all.status(), 200);
    assert_eq!(all.headers()["ratelimit-limit"], "1000");
    let body: serde_json::Value = all.json().await.unwrap();
    let names: Vec<&str> = body["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["connection"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["demo"]);
    // Nothing linked yet: no object of the demo shop has an issue.
    let demo = &body["connections"][0];
    assert_eq!(demo["objects_error"], serde_json::Value::Null);
    assert_eq!(demo["figures"]["objects"]["linked"], 0);
    assert!(demo["figures"]["objects"]["total"].as_u64().unwrap() > 0);
    assert_eq!(demo["figures"]["schema_changes"]["total"]["total"], 0);

    let one = api
        .get("/api/v1/traceability?connection=demo", &token)
        .await;
    assert_eq!(one.status(), 200);
    problem(
        api.get("/api/v1/traceability?connection=", &token).await,
        400,
    )
    .await;
    let missing = api.get("/api/v1/traceability?connection=shp", &token).await;
    assert!(missing.headers().contains_key("ratelimit-remaining"));
    let p = problem(missing, 404).await;
    assert!(p["detail"].as_str().unwrap().contains("shp"), "{p}");
}
