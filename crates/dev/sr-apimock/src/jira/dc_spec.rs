//! The Jira Data Center REST v2 operations the adapter uses, written down
//! by hand: Atlassian publishes no OpenAPI description for Data Center, so
//! this is the part of its REST reference (docs.atlassian.com, "Jira
//! Server platform REST API" 9.x) the adapter relies on, with what that
//! reference says a request must look like:
//!
//! - descriptions and comment bodies are plain strings (wiki markup), not
//!   Atlassian Document Format;
//! - users are named by `name` (the username), not `accountId`;
//! - `POST /rest/api/2/search` pages with `startAt`/`maxResults` and takes
//!   `jql`, `startAt`, `maxResults`, `fields`, `expand`, `validateQuery`;
//! - `GET /rest/api/2/priority` and `GET /rest/api/2/project` are plain
//!   arrays (no `/search` pages, which are Cloud's);
//! - `/user/assignable/search` finds users by `username`;
//! - admin webhooks are registered at `POST /rest/webhooks/1.0/webhook`
//!   (name, url, events, a JQL filter, and the optional secret Data Center
//!   signs deliveries with) and removed with `DELETE …/webhook/{id}`.
//!
//! `SOURCES.md` beside this file lists the documentation pages followed.
//!
//! Operation ids are those of the Cloud description where the operation is
//! the same, so [`JiraSite`](super::JiraSite) answers both.

use serde_json::{Value, json};

fn query(names: &[&str]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| {
                let schema = match *n {
                    "startAt" | "maxResults" => json!({"type": "integer", "minimum": 0}),
                    _ => json!({"type": "string"}),
                };
                json!({"name": n, "in": "query", "required": false, "schema": schema})
            })
            .collect(),
    )
}

fn path(name: &str) -> Value {
    json!([{"name": name, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}])
}

fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// An operation answering `status` with a JSON body of `schema` (`None`:
/// no body), or Jira's error shape.
fn op(id: &str, status: u16, schema: Option<Value>) -> Value {
    let ok = match schema {
        Some(s) => json!({"description": "ok", "content": {"application/json": {"schema": s}}}),
        None => json!({"description": "ok"}),
    };
    let error =
        json!({"description": "error", "content": {"application/json": {"schema": r("Error")}}});
    json!({"operationId": id, "responses": {status.to_string(): ok, "default": error}})
}

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn array(of: Value) -> Value {
    json!({"type": "array", "items": of})
}

/// The answers' shapes, from the reference's examples: users have a
/// `name` and no `accountId`, descriptions and comment bodies are strings.
fn components() -> Value {
    let string = json!({"type": "string"});
    json!({"schemas": {
        "Error": {"type": "object", "properties": {"errorMessages": array(string.clone()), "errors": {"type": "object"}}},
        "User": {"type": "object", "required": ["name", "displayName"], "properties": {
            "name": string, "key": string, "displayName": string, "emailAddress": string, "active": {"type": "boolean"}, "self": string}},
        "Project": {"type": "object", "required": ["id", "key", "name"], "properties": {"id": string, "key": string, "name": string}},
        "Named": {"type": "object", "required": ["id", "name"], "properties": {"id": string, "name": string}},
        "Issue": {"type": "object", "required": ["id", "key", "fields"], "properties": {"id": string, "key": string, "self": string,
            "fields": {"type": "object", "properties": {
                "summary": string, "description": {"type": "string", "nullable": true},
                "assignee": {"allOf": [r("User")], "nullable": true}, "labels": array(string.clone()),
                "created": string, "updated": string}}}},
        "Comment": {"type": "object", "required": ["id", "body"], "properties": {"id": string, "body": string, "author": r("User"),
            "created": string, "updated": string}}
    }})
}

fn with(mut op: Value, key: &str, value: Value) -> Value {
    op[key] = value;
    op
}

/// The issue fields the adapter writes, as v2 takes them.
fn fields() -> Value {
    json!({"type": "object", "properties": {
        "project": {"type": "object", "properties": {"key": {"type": "string"}, "id": {"type": "string"}}, "additionalProperties": false},
        "issuetype": {"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"}}, "additionalProperties": false},
        "summary": {"type": "string"},
        "description": {"type": "string", "nullable": true},
        "priority": {"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"}}, "additionalProperties": false},
        "labels": {"type": "array", "items": {"type": "string"}},
        "assignee": {"type": "object", "nullable": true, "required": ["name"],
                     "properties": {"name": {"type": "string", "nullable": true}}, "additionalProperties": false},
        "resolution": {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": false}
    }})
}

fn issue_body() -> Value {
    body(
        json!({"type": "object", "required": ["fields"], "properties": {"fields": fields(), "update": {"type": "object"}},
                "additionalProperties": false}),
    )
}

/// An admin webhook as the webhooks REST resource takes it: the events
/// are those the Data Center webhook page lists for issues and comments.
fn webhook_body() -> Value {
    let events = [
        "jira:issue_created",
        "jira:issue_updated",
        "jira:issue_deleted",
        "jira:worklog_updated",
        "comment_created",
        "comment_updated",
        "comment_deleted",
    ];
    json!({"type": "object", "required": ["name", "url", "events"], "additionalProperties": false, "properties": {
        "name": {"type": "string", "minLength": 1}, "url": {"type": "string", "minLength": 1},
        "events": {"type": "array", "minItems": 1, "items": {"enum": events}},
        "filters": {"type": "object", "additionalProperties": false, "properties": {"issue-related-events-section": {"type": "string"}}},
        "excludeBody": {"type": "boolean"}, "enabled": {"type": "boolean"},
        "sslVerificationRequired": {"type": "boolean"}, "configuration": {"type": "object"},
        "secret": {"type": "string", "nullable": true}}})
}

/// The description as a value for [`Spec::from_value`](crate::Spec::from_value).
pub fn description() -> Value {
    let issue = path("issueIdOrKey");
    let page = |key: &str, of: Value| {
        json!({"type": "object", "required": ["startAt", "maxResults", "total", key], "properties": {
            "startAt": {"type": "integer"}, "maxResults": {"type": "integer"}, "total": {"type": "integer"}, (key): array(of)}})
    };
    json!({"openapi": "3.0.1", "components": components(), "info": {"title": "Jira Data Center REST v2 (the adapter's subset)", "version": "9"},
    "paths": {
        "/rest/api/2/myself": {"get": op("getCurrentUser", 200, Some(r("User")))},
        "/rest/api/2/project": {"get": with(op("getAllProjects", 200, Some(array(r("Project")))), "parameters", query(&["expand", "recent", "includeArchived"]))},
        "/rest/api/2/project/{projectIdOrKey}": {"parameters": path("projectIdOrKey"), "get": with(op("getProject", 200, Some(r("Project"))), "parameters", query(&["expand"]))},
        "/rest/api/2/issue/createmeta/{projectIdOrKey}/issuetypes": {"parameters": path("projectIdOrKey"),
            "get": with(op("getCreateIssueMetaIssueTypes", 200, Some(page("values", r("Named")))), "parameters", query(&["startAt", "maxResults"]))},
        "/rest/api/2/priority": {"get": op("getPriorities", 200, Some(array(r("Named"))))},
        "/rest/api/2/issue": {"post": with(with(op("createIssue", 201, Some(json!({"type": "object", "required": ["id", "key"]}))), "requestBody", issue_body()), "parameters", query(&["updateHistory"]))},
        "/rest/api/2/issue/{issueIdOrKey}": {"parameters": issue.clone(),
            "get": with(op("getIssue", 200, Some(r("Issue"))), "parameters", query(&["fields", "expand", "properties", "updateHistory"])),
            "put": with(with(op("editIssue", 204, None), "requestBody", issue_body()), "parameters", query(&["notifyUsers"])),
            "delete": with(op("deleteIssue", 204, None), "parameters", query(&["deleteSubtasks"]))},
        "/rest/api/2/issue/{issueIdOrKey}/transitions": {"parameters": issue.clone(),
            "get": with(op("getTransitions", 200, Some(json!({"type": "object", "required": ["transitions"]}))), "parameters", query(&["expand", "transitionId"])),
            "post": with(op("doTransition", 204, None), "requestBody", body(json!({"type": "object", "required": ["transition"], "properties": {
                "transition": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "fields": {"type": "object"}, "update": {"type": "object"}}, "additionalProperties": false})))},
        "/rest/api/2/issue/{issueIdOrKey}/comment": {"parameters": issue.clone(),
            "get": with(op("getComments", 200, Some(page("comments", r("Comment")))), "parameters", query(&["startAt", "maxResults", "orderBy", "expand"])),
            "post": with(with(op("addComment", 201, Some(r("Comment"))), "parameters", query(&["expand"])), "requestBody", body(json!({"type": "object", "required": ["body"],
                "properties": {"body": {"type": "string", "minLength": 1}, "visibility": {"type": "object"}}, "additionalProperties": false})))},
        // Files as the parts of a multipart/form-data body, field `file`.
        "/rest/api/2/issue/{issueIdOrKey}/attachments": {"parameters": issue, "post": with(op("addAttachment", 200, Some(array(json!({"type": "object"})))), "requestBody",
            json!({"required": true, "content": {"multipart/form-data": {"schema": {"type": "object",
                "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}))},
        "/rest/api/2/search": {"post": with(op("searchUsingSearchRequest", 200, Some(page("issues", r("Issue")))), "requestBody", body(json!({"type": "object", "required": ["jql"], "properties": {
            "jql": {"type": "string"}, "startAt": {"type": "integer", "minimum": 0}, "maxResults": {"type": "integer", "minimum": 1},
            "fields": {"type": "array", "items": {"type": "string"}}, "expand": {"type": "array", "items": {"type": "string"}},
            "validateQuery": {"type": "boolean"}}, "additionalProperties": false})))},
        "/rest/webhooks/1.0/webhook": {"post": with(op("registerWebhook", 201, Some(json!({"type": "object", "required": ["self", "name", "url", "events"]}))),
            "requestBody", body(webhook_body()))},
        "/rest/webhooks/1.0/webhook/{id}": {"parameters": path("id"), "delete": op("deleteWebhook", 204, None)},
        "/rest/api/2/user/assignable/search": {"get": with(op("findAssignableUsers", 200, Some(array(r("User")))), "parameters",
            query(&["username", "project", "issueKey", "startAt", "maxResults", "actionDescriptorId"]))}
    }})
}
