//! GitHub's JSON shapes for users, labels, issues, comments and errors,
//! with every property GitHub's schemas require.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Comment, GitHubRepo, Issue, State};
use crate::server::{MockRequest, MockResponse};

pub(super) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(super) fn user(base: &str, login: &str) -> Value {
    let url = format!("{base}/users/{login}");
    json!({
        "login": login, "id": login.len(), "node_id": "MDQ6VXNlcjE=", "avatar_url": "https://github.com/images/error/octocat_happy.gif",
        "gravatar_id": "", "url": url, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{url}/followers"), "following_url": format!("{url}/following{{/other_user}}"),
        "gists_url": format!("{url}/gists{{/gist_id}}"), "starred_url": format!("{url}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{url}/subscriptions"), "organizations_url": format!("{url}/orgs"),
        "repos_url": format!("{url}/repos"), "events_url": format!("{url}/events{{/privacy}}"),
        "received_events_url": format!("{url}/received_events"), "type": "User", "site_admin": false
    })
}

pub(super) fn label_json(api: &str, l: &(u64, String, String)) -> Value {
    json!({"id": l.0, "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=", "url": format!("{api}/labels/{}", l.1), "name": l.1,
           "description": null, "color": l.2, "default": false})
}

impl GitHubRepo {
    pub(super) fn issue_json(&self, req: &MockRequest, s: &State, i: &Issue) -> Value {
        let api = self.api(req);
        let url = format!("{api}/issues/{}", i.number);
        let labels: Vec<Value> = i
            .labels
            .iter()
            .filter_map(|n| s.labels.iter().find(|l| &l.1 == n))
            .map(|l| label_json(&api, l))
            .collect();
        let assignees: Vec<Value> = i.assignees.iter().map(|a| user(&req.base_url, a)).collect();
        let mut v = json!({
            "id": 1000 + i.number, "node_id": "MDU6SXNzdWUx", "url": url, "repository_url": api,
            "labels_url": format!("{url}/labels{{/name}}"), "comments_url": format!("{url}/comments"),
            "events_url": format!("{url}/events"),
            "html_url": format!("https://github.com/{}/{}/issues/{}", self.owner, self.repo, i.number),
            "number": i.number, "state": i.state, "state_reason": i.state_reason, "title": i.title, "body": i.body,
            "user": user(&req.base_url, "octocat"), "labels": labels,
            "assignee": assignees.first().cloned().unwrap_or(Value::Null), "assignees": assignees,
            "milestone": null, "locked": false, "comments": i.comments,
            "closed_at": i.closed.map(ts), "created_at": ts(i.created), "updated_at": ts(i.updated),
            "author_association": "OWNER"
        });
        if i.pull_request {
            v["pull_request"] = json!({"url": format!("{api}/pulls/{}", i.number), "html_url": null, "diff_url": null, "patch_url": null});
        }
        v
    }

    pub(super) fn comment_json(&self, req: &MockRequest, c: &Comment) -> Value {
        let api = self.api(req);
        json!({"id": c.id, "node_id": "MDEyOklzc3VlQ29tbWVudDE=", "url": format!("{api}/issues/comments/{}", c.id),
               "html_url": format!("https://github.com/{}/{}/issues/{}#issuecomment-{}", self.owner, self.repo, c.issue, c.id),
               "body": c.body, "user": user(&req.base_url, "octocat"), "created_at": ts(c.created), "updated_at": ts(c.created),
               "issue_url": format!("{api}/issues/{}", c.issue), "author_association": "OWNER"})
    }
}

pub(super) fn message(status: u16, text: &str) -> MockResponse {
    MockResponse::json(
        status,
        &json!({"message": text, "documentation_url": "https://docs.github.com/rest", "status": status.to_string()}),
    )
}

pub(super) fn invalid(resource: &str, field: &str, code: &str) -> MockResponse {
    MockResponse::json(
        422,
        &json!({"message": "Validation Failed", "errors": [{"resource": resource, "field": field, "code": code}],
                                    "documentation_url": "https://docs.github.com/rest"}),
    )
}
