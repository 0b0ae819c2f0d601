//! The throwaway Redmine answers its REST API as a real one does: the
//! admin's key is accepted and a missing or wrong one refused, the default
//! trackers and statuses are there, and a project and an issue made
//! through the API read back.

use serde_json::{Value, json};

const KEY_HEADER: &str = "X-Redmine-API-Key";

#[tokio::test]
async fn the_test_redmine_serves_rest_with_the_admin_key() {
    let rm = tokio::task::spawn_blocking(sr_testkit::redmine)
        .await
        .expect("the start-up thread")
        .unwrap_or_else(|e| panic!("{e}"));
    let http = reqwest::Client::new();

    let anonymous = http
        .get(format!("{}/users/current.json", rm.url))
        .send()
        .await
        .expect("GET /users/current.json");
    assert_eq!(anonymous.status(), 401, "without a key");
    let wrong = http
        .get(format!("{}/users/current.json", rm.url))
        .header(KEY_HEADER, "0".repeat(40))
        .send()
        .await
        .expect("GET with a wrong key");
    assert_eq!(wrong.status(), 401, "with a wrong key");

    let me: Value = http
        .get(format!("{}/users/current.json", rm.url))
        .header(KEY_HEADER, &rm.api_key)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("GET /users/current.json with the key")
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["user"]["login"], "admin");

    let trackers: Value = http
        .get(format!("{}/trackers.json", rm.url))
        .header(KEY_HEADER, &rm.api_key)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("GET /trackers.json")
        .json()
        .await
        .expect("JSON");
    let names: Vec<&str> = trackers["trackers"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"Bug"), "{names:?}");

    let ident = format!("kit{}", std::process::id());
    let project: Value = http
        .post(format!("{}/projects.json", rm.url))
        .header(KEY_HEADER, &rm.api_key)
        .json(&json!({"project": {"name": ident, "identifier": ident}}))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("POST /projects.json")
        .json()
        .await
        .expect("JSON");
    let project_id = project["project"]["id"].as_i64().expect("a project id");
    let issue: Value = http
        .post(format!("{}/issues.json", rm.url))
        .header(KEY_HEADER, &rm.api_key)
        .json(&json!({"issue": {"project_id": project_id, "subject": "drift on public.film"}}))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("POST /issues.json")
        .json()
        .await
        .expect("JSON");
    let id = issue["issue"]["id"].as_i64().expect("an issue id");
    let read: Value = http
        .get(format!("{}/issues/{id}.json", rm.url))
        .header(KEY_HEADER, &rm.api_key)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("GET the issue")
        .json()
        .await
        .expect("JSON");
    assert_eq!(read["issue"]["subject"], "drift on public.film");
    assert_eq!(read["issue"]["status"]["name"], "New");
}
