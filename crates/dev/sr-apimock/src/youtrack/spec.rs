//! The YouTrack REST operations the adapter uses, written down by hand
//! from JetBrains' REST API reference (the Developer Portal pages listed
//! in `SOURCES.md` beside this crate's manifest): every operation requires
//! the `fields` projection (YouTrack answers only `$type` and ids without
//! it), lists page with `$skip`/`$top`, searches take `query`, and issue
//! custom fields are written as `{name, $type, value}` with the
//! `IssueCustomField` subtype of the field.

use serde_json::{Value, json};

/// The query parameters of an operation; `fields` is always required.
fn query(extra: &[&str]) -> Value {
    let mut out = vec![json!({"name": "fields", "in": "query", "required": true,
        "schema": {"type": "string", "minLength": 1}})];
    for n in extra {
        let schema = match *n {
            "$skip" | "$top" => json!({"type": "integer", "minimum": 0}),
            _ => json!({"type": "string"}),
        };
        out.push(json!({"name": n, "in": "query", "required": false, "schema": schema}));
    }
    Value::Array(out)
}

fn path(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}})
}

fn op(id: &str, params: Value, body: Option<Value>) -> Value {
    let mut o = json!({"operationId": id, "parameters": params,
        "responses": {"200": {"description": "ok"}, "default": {"description": "error",
            "content": {"application/json": {"schema": {"type": "object",
                "required": ["error"], "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}}}}}}}});
    if let Some(schema) = body {
        o["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    o
}

fn with_path(mut params: Value, name: &str) -> Value {
    if let Some(a) = params.as_array_mut() {
        a.push(path(name));
    }
    params
}

/// An issue custom field as written: its name, the `$type` of the
/// field's IssueCustomField subtype, and a value named by `name` (enum
/// and state values) or `login` (users), or null to clear it.
fn custom_field() -> Value {
    json!({"type": "object", "required": ["name", "$type", "value"], "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "id": {"type": "string"},
            "$type": {"type": "string", "enum": ["StateIssueCustomField", "SingleEnumIssueCustomField",
                "SingleUserIssueCustomField", "MultiEnumIssueCustomField", "SingleOwnedIssueCustomField",
                "TextIssueCustomField", "SimpleIssueCustomField"]},
            "value": {"nullable": true, "type": "object", "additionalProperties": false, "properties": {
                "name": {"type": "string"}, "login": {"type": "string"}, "id": {"type": "string"},
                "$type": {"type": "string"}}}}})
}

fn issue(required: &[&str]) -> Value {
    json!({"type": "object", "required": required, "additionalProperties": false, "properties": {
        "project": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}, "additionalProperties": false},
        "summary": {"type": "string"},
        "description": {"type": "string", "nullable": true},
        "customFields": {"type": "array", "items": custom_field()},
        "tags": {"type": "array", "items": {"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string", "minLength": 1}}, "additionalProperties": false}}}})
}

/// `POST /api/issues/{id}/attachments`: the files as the parts of a
/// `multipart/form-data` body (a JSON body is refused).
fn attachments() -> Value {
    let mut o = op(
        "createAttachments",
        with_path(query(&["muteUpdateNotifications"]), "issueID"),
        None,
    );
    o["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {
        "schema": {"type": "object", "additionalProperties": {"type": "string", "format": "binary"}}}}});
    o
}

/// The description as a value for [`Spec::from_value`](crate::Spec::from_value).
pub fn description() -> Value {
    let paging = ["$skip", "$top"];
    json!({"openapi": "3.0.1", "info": {"title": "YouTrack REST API (the adapter's subset)", "version": "2025"},
    "paths": {
        "/api/users/me": {"get": op("getMe", query(&[]), None)},
        "/api/admin/projects": {"get": op("getProjects", query(&["query", "$skip", "$top"]), None)},
        "/api/admin/projects/{projectID}/customFields": {
            "get": op("getProjectCustomFields", with_path(query(&paging), "projectID"), None)},
        "/api/issues": {
            "get": op("getIssues", query(&["query", "$skip", "$top", "customFields"]), None),
            "post": op("createIssue", query(&["draftId", "muteUpdateNotifications"]), Some(issue(&["project", "summary"])))},
        "/api/issues/{issueID}": {
            "get": op("getIssue", with_path(query(&[]), "issueID"), None),
            "post": op("updateIssue", with_path(query(&["muteUpdateNotifications"]), "issueID"), Some(issue(&[]))),
            "delete": {"operationId": "deleteIssue", "parameters": [path("issueID")], "responses": {"200": {"description": "ok"}}}},
        "/api/issues/{issueID}/comments": {
            "get": op("getComments", with_path(query(&paging), "issueID"), None),
            "post": op("createComment", with_path(query(&["draftId", "muteUpdateNotifications"]), "issueID"),
                Some(json!({"type": "object", "required": ["text"], "additionalProperties": false,
                    "properties": {"text": {"type": "string", "minLength": 1}, "usesMarkdown": {"type": "boolean"}}})))},
        "/api/issues/{issueID}/attachments": {
            "get": op("getAttachments", with_path(query(&paging), "issueID"), None),
            "post": attachments()}
    }})
}
