//! The validator on Microsoft's Azure DevOps description (Swagger 2.0):
//! every recorded example request body passes it, every recorded answer
//! matches its response schema, and malformed JSON Patch bodies, wrong
//! content types, api-versions and paths are refused.

use serde_json::{Value, json};
use sr_apimock::{ExamplesOnly, MockServer};

fn examples_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../../shared/api-specs/azure-devops-wit-7.1-examples"
    ))
}

/// Each operation's recorded examples: the request body (when one was
/// sent) checked against the operation's request body schema, the answer
/// against its response schema.
#[test]
fn recorded_examples_pass_the_converted_description() {
    let spec = sr_apimock::spec::azure_devops().expect("Azure DevOps description");
    let root = &spec.root;
    let mut checked = 0;
    let mut errors = Vec::new();
    for (template, item) in root["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let Some(examples) = op.get("x-ms-examples").and_then(Value::as_object) else {
                continue;
            };
            for e in examples.values() {
                let Some(r) = e["$ref"].as_str() else {
                    continue;
                };
                let file = r.trim_start_matches("./httpExamples/").replace('/', "_");
                let Ok(text) = std::fs::read(examples_dir().join(&file)) else {
                    continue;
                };
                let ex: Value =
                    serde_json::from_slice(sr_apimock::swagger2::strip_bom(&text)).expect("json");
                let at = format!("{method} {template} ({file})");
                if let (Some(body), Some(content)) = (
                    ex["parameters"].get("body"),
                    op["requestBody"]["content"].as_object(),
                ) && let Some((_, c)) = content.iter().find(|(k, _)| k.ends_with("json"))
                {
                    sr_apimock::schema::validate(root, &c["schema"], body, &at, &mut errors);
                    checked += 1;
                }
                for (code, resp) in ex["responses"].as_object().into_iter().flatten() {
                    let Some(body) = resp.get("body") else {
                        continue;
                    };
                    if let Some(schema) =
                        op["responses"][code]["content"]["application/json"].get("schema")
                    {
                        sr_apimock::schema::validate(root, schema, body, &at, &mut errors);
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} examples checked");
    // Where Microsoft's own examples contradict the description, in
    // operations neither the adapter nor the mock uses: the reporting
    // batches' `values` (typed string, holding objects), a template's
    // `fields` (typed string), the tag list (an array without the
    // `{count, value}` wrapper), an identity's `name` written as an
    // object, and a `null` in place of a node omitted by `errorPolicy`.
    // Named by file, so any new disagreement fails this test.
    let mut files: Vec<&str> = errors
        .iter()
        .filter_map(|e| e.split_once(" (")?.1.split_once(')').map(|(f, _)| f))
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "classificationNodes_GET__wit_classificationNodes_From_Ids_ErrorPolicy.json",
            "workItemLinks_GET__wit_reporting_workItemLinks_50.json",
            "workItemRevisions_GET__wit_reporting_workItemRevisions_includeIdentityRef-true_watermark-794.json",
            "workItemRevisions_GET__wit_reporting_workItemRevisions.json",
            "workItemRevisions_POST__wit_reporting_workItemRevisions_watermark-794.json",
            "tags_GET__list_of_wit_tags.json",
            "updates_GET__list_of_workitem_updates_projectscope.json",
            "templates_GET_template.json",
        ],
        "{errors:#?}"
    );
}

async fn send(server: &MockServer, method: &str, path: &str, ct: &str, body: Value) -> u16 {
    reqwest::Client::new()
        .request(
            method.parse().expect("method"),
            format!("{}{path}", server.base_url()),
        )
        .header("content-type", ct)
        .body(body.to_string())
        .send()
        .await
        .expect("send")
        .status()
        .as_u16()
}

const CREATE: &str = "/acme/DB/_apis/wit/workitems/$Task?api-version=7.1";
const PATCH: &str = "application/json-patch+json";

#[tokio::test]
async fn malformed_json_patch_bodies_are_refused() {
    let spec = sr_apimock::spec::azure_devops().expect("Azure DevOps description");
    let server = MockServer::start(spec, ExamplesOnly).await.expect("server");
    server.refuse_invalid(true);
    let good = json!([{"op": "add", "path": "/fields/System.Title", "value": "Orders drifted"}]);
    // Answered from the recorded example of "Create work item".
    assert_eq!(
        send(&server, "POST", CREATE, PATCH, good.clone()).await,
        200
    );
    assert_eq!(server.failures(), Vec::<String>::new());

    let cases: [(&str, &str, Value, &str); 5] = [
        (
            CREATE,
            PATCH,
            json!({"op": "add", "path": "/fields/System.Title", "value": "x"}),
            "body: expected array, got an object",
        ),
        (
            CREATE,
            PATCH,
            json!([{"op": "set", "path": "/fields/System.Title", "value": "x"}]),
            r#"body[0].op: "set" is not one of"#,
        ),
        (
            CREATE,
            PATCH,
            json!([{"op": "add", "path": 7}]),
            "body[0].path: expected string",
        ),
        (
            CREATE,
            "application/json",
            good.clone(),
            "expected application/json-patch+json",
        ),
        (
            "/acme/DB/_apis/wit/workitems/$Task?api-version=6.0",
            PATCH,
            good.clone(),
            r#"query parameter `api-version`: "6.0" is not one of ["7.1"]"#,
        ),
    ];
    for (i, (path, ct, body, words)) in cases.into_iter().enumerate() {
        let status = send(&server, "POST", path, ct, body).await;
        assert_eq!(status, 400, "case {i} was not refused");
        let failures = server.failures();
        assert_eq!(failures.len(), i + 1, "case {i}: {failures:#?}");
        assert!(failures[i].contains(words), "case {i}: {}", failures[i]);
    }
    // The comment list and the comment batch share a path; `$top` says
    // which, `?format=` picks the markdown-capable add.
    let status = reqwest::Client::new()
        .get(format!(
            "{}/acme/DB/_apis/wit/workItems/1/comments?$top=200&api-version=7.1-preview.4",
            server.base_url()
        ))
        .send()
        .await
        .expect("send")
        .status();
    assert_eq!(status.as_u16(), 200);
    assert_eq!(server.failures().len(), 5);
    let ops: Vec<Option<String>> = server
        .requests()
        .into_iter()
        .map(|r| r.operation_id)
        .collect();
    assert_eq!(
        ops.last().cloned().flatten().as_deref(),
        Some("Comments_Get Comments")
    );
}
