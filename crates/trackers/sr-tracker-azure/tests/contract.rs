//! The contract kit every adapter passes, against the validating mock, and
//! the validator's own proof that it refuses a malformed JSON Patch.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn contract_kit_passes_with_no_validation_failures() {
    let f = fixture().await;
    sr_tracker::contract::check_tracker(&f.tracker, "999999")
        .await
        .expect("contract");
    for op in [
        "Work Item Types_List",
        "Work Items_Create",
        "Work Items_Update",
        "Work Items_Get Work Item",
        "Wiql_Query By Wiql",
        "Work Items_Get Work Items Batch",
        "Comments_Add Work Item Comment",
        "Comments_Get Comments",
    ] {
        assert!(
            f.server.count(op) > 0,
            "{op} not used: {:?}",
            f.server.requests()
        );
    }
}

/// The mock is not vacuous: a patch that is not an array, an operation
/// RFC 6902 does not know, a missing `path`, and a patch sent as plain
/// JSON are each refused with 400 and recorded.
#[tokio::test]
async fn the_validator_refuses_malformed_json_patches() {
    let boards = sr_apimock::AzureBoards::new(ORG, PROJECT);
    let server = server(boards.clone()).await;
    let url = format!(
        "{}/{ORG}/{PROJECT}/_apis/wit/workitems/$Task?api-version=7.1",
        server.base_url()
    );
    let send = |ct: &'static str, body: serde_json::Value| {
        let url = url.clone();
        async move {
            sr_tracker::reqwest::Client::new()
                .post(url)
                .header("authorization", BASIC)
                .header("content-type", ct)
                .body(body.to_string())
                .send()
                .await
                .expect("send")
                .status()
                .as_u16()
        }
    };
    let patch = "application/json-patch+json";
    let good = json!([{"op": "add", "path": "/fields/System.Title", "value": "Orders drifted"}]);
    assert_eq!(send(patch, good.clone()).await, 200);
    assert_eq!(server.failures(), Vec::<String>::new());
    assert_eq!(boards.count(), 1);
    let bad = [
        (
            patch,
            json!({"op": "add", "path": "/fields/System.Title", "value": "x"}),
            "body: expected array",
        ),
        (
            patch,
            json!([{"op": "upsert", "path": "/fields/System.Title", "value": "x"}]),
            "body[0].op",
        ),
        (
            patch,
            json!([{"op": "add", "value": "x"}]),
            "[0]: `path` is required",
        ),
        (
            patch,
            json!([{"op": "replace", "path": "/fields/System.Title"}]),
            "[0]: `value` is required for replace",
        ),
        (
            "application/json",
            good,
            "expected application/json-patch+json",
        ),
    ];
    for (i, (ct, body, words)) in bad.into_iter().enumerate() {
        assert_eq!(send(ct, body).await, 400, "case {i} was accepted");
        let failures = server.failures();
        assert!(
            failures.iter().any(|f| f.contains(words)),
            "case {i}: no failure says `{words}`: {failures:#?}"
        );
    }
    // None of them reached the project.
    assert_eq!(boards.count(), 1);
}
