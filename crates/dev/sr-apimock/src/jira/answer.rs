//! The site's answers, one function per operation group.

use serde_json::{Value, json};

use super::{
    Comment, ISSUE_TYPES, Issue, JiraSite, PRIORITIES, RESOLUTIONS, STATUSES, State, error, now,
    rfc3339, stamp,
};
use crate::server::{MockRequest, MockResponse};

const MISSING: &str = "Issue does not exist or you do not have permission to see it.";

impl JiraSite {
    pub(super) fn answer(
        &self,
        s: &mut State,
        op: &str,
        req: &MockRequest,
    ) -> Option<MockResponse> {
        let body = req.body.clone().unwrap_or(Value::Null);
        let answer = match op {
            "getCurrentUser" => MockResponse::json(200, &self.user(req, 0)),
            "getProject" => {
                let key = req.param("projectIdOrKey");
                if key.eq_ignore_ascii_case(&self.project_key) || key == "10000" {
                    MockResponse::json(200, &self.project(req))
                } else {
                    error(
                        404,
                        &[&format!("No project could be found with key '{key}'.")],
                        &[],
                    )
                }
            }
            "searchProjects" => MockResponse::json(
                200,
                &json!({"startAt": 0, "maxResults": 50, "total": 1, "isLast": true, "values": [self.project(req)]}),
            ),
            "getCreateIssueMetaIssueTypes" => {
                let key = req.param("projectIdOrKey");
                if !(key.eq_ignore_ascii_case(&self.project_key) || key == "10000") {
                    return Some(error(
                        404,
                        &[&format!("No project could be found with key '{key}'.")],
                        &[],
                    ));
                }
                let types: Vec<Value> = ISSUE_TYPES
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        json!({"id": (10_001 + i).to_string(), "name": name, "subtask": false,
                        "self": format!("{}/issuetype/{}", self.rest(req), 10_001 + i)})
                    })
                    .collect();
                MockResponse::json(
                    200,
                    // Data Center (8.4+) pages them as `values`.
                    &json!({"startAt": 0, "maxResults": 50, "total": types.len(),
                            (if self.data_center { "values" } else { "issueTypes" }): types}),
                )
            }
            "searchPriorities" => {
                let list: Vec<Value> = PRIORITIES
                    .iter()
                    .enumerate()
                    .map(|(i, name)| json!({"id": (i + 1).to_string(), "name": name, "isDefault": *name == "Medium",
                        "self": format!("{}/priority/{}", self.rest(req), i + 1)}))
                    .collect();
                MockResponse::json(
                    200,
                    &json!({"startAt": 0, "maxResults": 50, "total": list.len(), "isLast": true, "values": list}),
                )
            }
            "createIssue" => self.create(s, req, &body),
            "searchAndReconsileIssuesUsingJqlPost" => self.search(s, req, &body),
            "searchUsingSearchRequest" => self.search_from(s, req, &body),
            "getPriorities" => {
                let list: Vec<Value> = PRIORITIES
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        json!({"id": (i + 1).to_string(), "name": name,
                        "self": format!("{}/priority/{}", self.rest(req), i + 1)})
                    })
                    .collect();
                MockResponse::json(200, &Value::Array(list))
            }
            "getAllProjects" => MockResponse::json(200, &json!([self.project(req)])),
            "getAllLabels" => {
                let mut labels: Vec<String> =
                    s.issues.iter().flat_map(|i| i.labels.clone()).collect();
                labels.sort();
                labels.dedup();
                MockResponse::json(
                    200,
                    &json!({"startAt": 0, "maxResults": 1000, "total": labels.len(), "isLast": true, "values": labels}),
                )
            }
            "findAssignableUsers" => {
                let by = if self.data_center {
                    "username"
                } else {
                    "query"
                };
                let q = req.query(by).unwrap_or_default().to_lowercase();
                let users: Vec<Value> = (0..self.assignable.len())
                    .filter(|i| {
                        let (id, name) = &self.assignable[*i];
                        name.to_lowercase().contains(&q)
                            || (self.data_center && id.to_lowercase().starts_with(&q))
                    })
                    .map(|i| self.user(req, i))
                    .collect();
                MockResponse::json(200, &Value::Array(users))
            }
            "registerWebhook" | "deleteWebhook" => return Some(self.webhook_op(s, op, req, &body)),
            _ => return self.issue_op(s, op, req, &body),
        };
        Some(answer)
    }

    /// Operations on one issue, which answer 404 for a missing one.
    fn issue_op(
        &self,
        s: &mut State,
        op: &str,
        req: &MockRequest,
        body: &Value,
    ) -> Option<MockResponse> {
        if !matches!(
            op,
            "getIssue"
                | "editIssue"
                | "deleteIssue"
                | "getTransitions"
                | "doTransition"
                | "getComments"
                | "addComment"
                | "addAttachment"
        ) {
            return None;
        }
        let Some(i) = self.find(s, req.param("issueIdOrKey")) else {
            return Some(error(404, &[MISSING], &[]));
        };
        let answer = match op {
            "getIssue" => MockResponse::json(200, &self.issue_json(req, &s.issues[i])),
            "editIssue" => {
                let fields = body.get("fields").cloned().unwrap_or(Value::Null);
                let errors = self.field_errors(&fields, false);
                if !errors.is_empty() {
                    return Some(field_error(&errors));
                }
                let t = now(s);
                apply(&mut s.issues[i], &fields, self.user_field());
                s.issues[i].updated = t;
                MockResponse::empty(204)
            }
            "deleteIssue" => {
                let gone = s.issues.remove(i);
                s.deleted.push(gone.number);
                MockResponse::empty(204)
            }
            "getTransitions" => {
                let current = s.issues[i].status;
                let list: Vec<Value> = (0..STATUSES.len())
                    .filter(|t| *t != current)
                    .map(|t| {
                        let mut tr = json!({"id": transition_id(t), "name": STATUSES[t].0, "to": status_json(&self.rest(req), t),
                               "hasScreen": false, "isGlobal": true, "isInitial": false,
                               "isAvailable": true, "isConditional": false, "looped": false});
                        if STATUSES[t].2 == "done" && req.query("expand").is_some_and(|e| e.contains("transitions.fields")) {
                            let allowed: Vec<Value> = RESOLUTIONS
                                .iter()
                                .enumerate()
                                .map(|(n, name)| json!({"id": (10_000 + n).to_string(), "name": name}))
                                .collect();
                            tr["hasScreen"] = json!(true);
                            tr["fields"] = json!({"resolution": {"required": false, "name": "Resolution", "key": "resolution",
                                "operations": ["set"], "schema": {"type": "resolution", "system": "resolution"},
                                "allowedValues": allowed}});
                        }
                        tr
                    })
                    .collect();
                MockResponse::json(200, &json!({"transitions": list}))
            }
            "doTransition" => {
                let id = body
                    .pointer("/transition/id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                match (0..STATUSES.len())
                    .find(|t| transition_id(*t) == id && *t != s.issues[i].status)
                {
                    Some(t) => {
                        let wanted = body
                            .pointer("/fields/resolution/name")
                            .and_then(Value::as_str);
                        let done = STATUSES[t].2 == "done";
                        if let Some(r) = wanted
                            && (!done || !RESOLUTIONS.contains(&r))
                        {
                            return Some(field_error(&[(
                                "resolution",
                                format!("Resolution '{r}' cannot be set here."),
                            )]));
                        }
                        s.issues[i].resolution = done.then(|| wanted.unwrap_or("Done").to_owned());
                        let stamp = now(s);
                        s.issues[i].status = t;
                        s.issues[i].updated = stamp;
                        MockResponse::empty(204)
                    }
                    None => error(
                        400,
                        &[&format!(
                            "Transition id '{id}' is not valid for this issue."
                        )],
                        &[],
                    ),
                }
            }
            "getComments" => {
                let number = s.issues[i].number;
                let all: Vec<Value> = s
                    .comments
                    .iter()
                    .filter(|c| c.issue == number)
                    .map(|c| self.comment_json(req, c))
                    .collect();
                let start: usize = req
                    .query("startAt")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let max: usize = req
                    .query("maxResults")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(50);
                let page: Vec<Value> = all.iter().skip(start).take(max).cloned().collect();
                MockResponse::json(
                    200,
                    &json!({"startAt": start, "maxResults": max, "total": all.len(), "comments": page}),
                )
            }
            "addComment" => {
                let given = body.get("body").filter(|b| {
                    if self.data_center {
                        b.as_str().is_some_and(|t| !t.trim().is_empty())
                    } else {
                        is_doc(b)
                    }
                });
                let Some(adf) = given else {
                    return Some(field_error(&[(
                        "comment",
                        "Comment body can not be empty!".into(),
                    )]));
                };
                s.next_id += 1;
                let c = Comment {
                    id: 10_000 + s.next_id,
                    issue: s.issues[i].number,
                    body: adf.clone(),
                    created: now(s),
                };
                s.comments.push(c.clone());
                MockResponse::json(201, &self.comment_json(req, &c))
            }
            _ => self.attach(s, req, i),
        };
        Some(answer)
    }

    fn attach(&self, s: &mut State, req: &MockRequest, i: usize) -> MockResponse {
        let ct = req.header("content-type").unwrap_or_default().to_owned();
        let token = req.header("x-atlassian-token").map(str::to_owned);
        s.uploads.push((ct.clone(), token.clone()));
        if token.as_deref() != Some("no-check") {
            return error(403, &["XSRF check failed"], &[]);
        }
        if !ct.starts_with("multipart/form-data; boundary=") {
            return error(
                415,
                &["Attachments are uploaded as multipart/form-data."],
                &[],
            );
        }
        s.next_id += 1;
        let id = 10_000 + s.next_id;
        let key = format!("{}-{}", self.project_key, s.issues[i].number);
        MockResponse::json(
            200,
            &json!([{
                "id": id.to_string(),
                "self": format!("{}/attachments/{id}", self.rest(req)),
                "filename": format!("{key}-attachment"),
                "author": self.user(req, 0),
                "created": rfc3339(now(s)),
                "size": 0,
                "mimeType": "application/octet-stream",
                "content": format!("{}/attachment/content/{id}", self.rest(req)),
            }]),
        )
    }

    fn create(&self, s: &mut State, req: &MockRequest, body: &Value) -> MockResponse {
        let fields = body.get("fields").cloned().unwrap_or(Value::Null);
        let errors = self.field_errors(&fields, true);
        if !errors.is_empty() {
            return field_error(&errors);
        }
        let t = now(s);
        let number = s.issues.len() as u64 + s.deleted.len() as u64 + 1;
        let mut issue = Issue {
            number,
            summary: String::new(),
            description: Value::Null,
            status: 0,
            resolution: None,
            priority: "Medium".into(),
            labels: Vec::new(),
            assignee: None,
            issue_type: fields
                .pointer("/issuetype/name")
                .and_then(Value::as_str)
                .unwrap_or("Task")
                .to_owned(),
            created: t,
            updated: t,
        };
        apply(&mut issue, &fields, self.user_field());
        s.issues.push(issue);
        let id = 10_000 + number;
        MockResponse::json(
            201,
            &json!({"id": id.to_string(), "key": format!("{}-{number}", self.project_key),
                    "self": format!("{}/issue/{id}", self.rest(req))}),
        )
    }

    fn find(&self, s: &State, id_or_key: &str) -> Option<usize> {
        let number = match id_or_key.split_once('-') {
            Some((p, n)) if p.eq_ignore_ascii_case(&self.project_key) => n.parse::<u64>().ok(),
            Some(_) => None,
            None => id_or_key
                .parse::<u64>()
                .ok()
                .and_then(|id| id.checked_sub(10_000)),
        }?;
        s.issues.iter().position(|i| i.number == number)
    }

    fn user(&self, req: &MockRequest, i: usize) -> Value {
        let (id, name) = self.assignable.get(i).cloned().unwrap_or_default();
        if self.data_center {
            return json!({"name": id, "key": format!("JIRAUSER{}", 10_000 + i), "displayName": name,
                          "emailAddress": format!("{id}@example.com"), "active": true,
                          "self": format!("{}/user?username={id}", self.rest(req))});
        }
        json!({"accountId": id, "accountType": "atlassian", "active": true, "displayName": name,
               "self": format!("{}/user?accountId={id}", self.rest(req))})
    }

    fn project(&self, req: &MockRequest) -> Value {
        json!({"id": "10000", "key": self.project_key, "name": format!("Project {}", self.project_key),
               "projectTypeKey": "software", "self": format!("{}/project/10000", self.rest(req))})
    }

    pub(super) fn issue_json(&self, req: &MockRequest, i: &Issue) -> Value {
        let id = 10_000 + i.number;
        let done = STATUSES[i.status].2 == "done";
        let assignee = match &i.assignee {
            Some(a) => {
                let idx = self.assignable.iter().position(|u| &u.0 == a).unwrap_or(0);
                self.user(req, idx)
            }
            None => Value::Null,
        };
        json!({
            "id": id.to_string(),
            "key": format!("{}-{}", self.project_key, i.number),
            "self": format!("{}/issue/{id}", self.rest(req)),
            "fields": {
                "summary": i.summary,
                "description": i.description,
                "status": status_json(&self.rest(req), i.status),
                "priority": {"name": i.priority, "id": (PRIORITIES.iter().position(|p| *p == i.priority).unwrap_or(2) + 1).to_string()},
                "labels": i.labels,
                "assignee": assignee,
                "created": stamp(i.created),
                "updated": stamp(i.updated),
                "issuetype": {"name": i.issue_type},
                "project": {"id": "10000", "key": self.project_key, "name": format!("Project {}", self.project_key)},
                "resolution": match (&i.resolution, done) {
                    (Some(r), true) => json!({"id": (10_000 + RESOLUTIONS.iter().position(|x| x == r).unwrap_or(0)).to_string(), "name": r}),
                    (None, true) => json!({"id": "10000", "name": "Done"}),
                    _ => Value::Null,
                },
            }
        })
    }

    fn comment_json(&self, req: &MockRequest, c: &Comment) -> Value {
        json!({
            "id": c.id.to_string(),
            "self": format!("{}/issue/{}/comment/{}", self.rest(req), 10_000 + c.issue, c.id),
            "author": self.user(req, 0),
            "body": c.body,
            "created": rfc3339(c.created),
            "updated": rfc3339(c.created),
        })
    }
}

fn transition_id(status: usize) -> String {
    format!("{}", (status + 1) * 10 + 1)
}

fn status_json(rest: &str, t: usize) -> Value {
    let (name, id, cat) = STATUSES[t];
    let (cat_id, cat_name) = match cat {
        "new" => (2, "To Do"),
        "indeterminate" => (4, "In Progress"),
        _ => (3, "Done"),
    };
    json!({"id": id, "name": name, "self": format!("{rest}/status/{id}"),
           "statusCategory": {"id": cat_id, "key": cat, "name": cat_name}})
}

pub(super) fn is_doc(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("doc")
        && v.get("version").and_then(Value::as_u64) == Some(1)
        && v.get("content").is_some_and(Value::is_array)
}

fn field_error(errors: &[(&str, String)]) -> MockResponse {
    let fields: Vec<(&str, &str)> = errors.iter().map(|(k, v)| (*k, v.as_str())).collect();
    error(400, &[], &fields)
}

/// Applies a create's or edit's `fields`.
fn apply(i: &mut Issue, f: &Value, user_field: &str) {
    if let Some(s) = f.get("summary").and_then(Value::as_str) {
        i.summary = s.to_owned();
    }
    if let Some(d) = f.get("description") {
        i.description = d.clone();
    }
    if let Some(p) = f.pointer("/priority/name").and_then(Value::as_str) {
        i.priority = p.to_owned();
    }
    if let Some(l) = f.get("labels").and_then(Value::as_array) {
        i.labels = l
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    if let Some(a) = f.get("assignee") {
        i.assignee = a.get(user_field).and_then(Value::as_str).map(str::to_owned);
    }
}
