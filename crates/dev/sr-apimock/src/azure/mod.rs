//! A stateful Azure Boards project behind the mock server, answering in
//! Azure DevOps REST 7.1's shapes: work items written with JSON Patch
//! (the patch applied operation by operation, a title required, states
//! checked against the type's), WIQL answered with ids only and capped
//! like the service (`$top`, and the 20,000-item limit as an error),
//! `workitemsbatch` of at most 200 ids, comments paged by continuation
//! token, work item types with their states, and the classification tree.
//! Errors carry Azure's `{"message", "typeKey", …}` shape and TF codes.
//! Tests program it through a clone of the handle they passed to the
//! server.

mod answer;
mod wiql;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use crate::server::{MockRequest, MockResponse, Responder};

use wiql::{eval, parse};

/// Work item types and their states with categories (the Agile process).
const TYPES: [(&str, &[(&str, &str)]); 3] = [
    (
        "Bug",
        &[
            ("New", "Proposed"),
            ("Active", "InProgress"),
            ("Resolved", "Resolved"),
            ("Closed", "Completed"),
        ],
    ),
    (
        "Task",
        &[
            ("New", "Proposed"),
            ("Active", "InProgress"),
            ("Closed", "Completed"),
            ("Removed", "Removed"),
        ],
    ),
    (
        "User Story",
        &[
            ("New", "Proposed"),
            ("Active", "InProgress"),
            ("Resolved", "Resolved"),
            ("Closed", "Completed"),
        ],
    ),
];

#[derive(Debug, Clone)]
struct Item {
    id: u64,
    rev: u64,
    fields: Map<String, Value>,
    relations: Vec<Value>,
}

#[derive(Debug, Clone)]
struct Comment {
    id: u64,
    item: u64,
    text: String,
    format: String,
    created: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    items: BTreeMap<u64, Item>,
    comments: Vec<Comment>,
    tick: i64,
    next_comment: u64,
    /// Uploaded attachments: id and bytes.
    attachments: Vec<(String, Vec<u8>)>,
}

/// One Azure DevOps organization with one project.
#[derive(Debug, Clone)]
pub struct AzureBoards {
    pub organization: String,
    pub project: String,
    /// The `Authorization` header every request must carry; `None` skips
    /// the check.
    pub authorization: Option<String>,
    /// Areas below the project root (`Backend` for `DB\Backend`).
    pub areas: Vec<String>,
    /// The most ids a WIQL answer holds (20,000 on the service).
    pub wiql_cap: usize,
    state: Arc<Mutex<State>>,
}

/// Azure DevOps's error answer.
fn error(status: u16, type_key: &str, message: &str) -> MockResponse {
    MockResponse::json(
        status,
        &json!({"$id": "1", "innerException": null, "message": message,
            "typeName": format!("Microsoft.TeamFoundation.WorkItemTracking.Server.{type_key}"),
            "typeKey": type_key, "errorCode": 0, "eventId": 3200}),
    )
}

fn missing(id: &str) -> MockResponse {
    error(
        404,
        "WorkItemUnauthorizedAccessException",
        &format!(
            "TF401232: Work item {id} does not exist, or you do not have permissions to read it."
        ),
    )
}

impl AzureBoards {
    pub fn new(organization: &str, project: &str) -> Self {
        AzureBoards {
            organization: organization.into(),
            project: project.into(),
            authorization: None,
            areas: vec!["Backend".into()],
            wiql_cap: 20_000,
            state: Arc::default(),
        }
    }

    /// Requires `Authorization: {value}` (`Basic …` or `Bearer …`).
    pub fn with_authorization(mut self, value: &str) -> Self {
        self.authorization = Some(value.into());
        self
    }

    /// Answers WIQL with at most `cap` ids, as the service does with 20,000.
    pub fn with_wiql_cap(mut self, cap: usize) -> Self {
        self.wiql_cap = cap;
        self
    }

    fn lock<T>(&self, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        self.state.lock().ok().map(|mut s| f(&mut s))
    }

    /// Adds a task directly (as someone using Azure Boards would); returns
    /// its id.
    pub fn seed(&self, title: &str, tags: &[&str]) -> u64 {
        let project = self.project.clone();
        self.lock(|s| {
            let now = now(s);
            let id = s.items.len() as u64 + 1;
            let mut fields = Map::new();
            for (k, v) in [
                ("System.TeamProject", json!(project)),
                ("System.AreaPath", json!(project)),
                ("System.IterationPath", json!(project)),
                ("System.WorkItemType", json!("Task")),
                ("System.State", json!("New")),
                ("System.Title", json!(title)),
                ("System.CreatedDate", json!(stamp(now))),
                ("System.ChangedDate", json!(stamp(now))),
                ("Microsoft.VSTS.Common.Priority", json!(2)),
            ] {
                fields.insert(k.into(), v);
            }
            if !tags.is_empty() {
                fields.insert("System.Tags".into(), json!(tags.join("; ")));
            }
            s.items.insert(
                id,
                Item {
                    id,
                    rev: 1,
                    fields,
                    relations: Vec::new(),
                },
            );
            id
        })
        .unwrap_or_default()
    }

    /// Changes a field as someone in Azure Boards would (a new revision,
    /// a new changed date).
    pub fn edit(&self, id: u64, field: &str, value: Value) {
        self.lock(|s| {
            let now = now(s);
            if let Some(i) = s.items.get_mut(&id) {
                i.fields.insert(field.into(), value);
                i.fields
                    .insert("System.ChangedDate".into(), json!(stamp(now)));
                i.rev += 1;
            }
        });
    }

    /// The bytes of every uploaded attachment, in order.
    pub fn attachments(&self) -> Vec<Vec<u8>> {
        self.lock(|s| s.attachments.iter().map(|(_, b)| b.clone()).collect())
            .unwrap_or_default()
    }

    /// The relations of a work item (attached files).
    pub fn relations(&self, id: u64) -> Vec<Value> {
        self.lock(|s| s.items.get(&id).map(|i| i.relations.clone()))
            .flatten()
            .unwrap_or_default()
    }

    /// How many work items the project holds.
    pub fn count(&self) -> usize {
        self.lock(|s| s.items.len()).unwrap_or_default()
    }

    /// A work item's fields as stored.
    pub fn fields(&self, id: u64) -> Option<Map<String, Value>> {
        self.lock(|s| s.items.get(&id).map(|i| i.fields.clone()))
            .flatten()
    }
}

/// The service's clock: a second further for every change, from a fixed
/// start, so that ordering is deterministic.
fn now(s: &mut State) -> DateTime<Utc> {
    s.tick += 1;
    DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default() + Duration::seconds(s.tick)
}

/// Azure's timestamps: RFC 3339 in UTC with milliseconds.
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// What RFC 6902 requires of each patch operation, which the description
/// leaves optional: an `op`, a `path`, a `value` for add, replace and test,
/// a `from` for move and copy. Register with [`crate::MockServer::rule`].
pub fn json_patch_rule(body: &Value) -> Vec<String> {
    let Some(ops) = body.as_array() else {
        return vec!["a JSON Patch document is an array".into()];
    };
    let mut errors = Vec::new();
    for (n, op) in ops.iter().enumerate() {
        let name = op.get("op").and_then(Value::as_str);
        if name.is_none() {
            errors.push(format!("[{n}]: `op` is required"));
        }
        if op.get("path").and_then(Value::as_str).is_none() {
            errors.push(format!("[{n}]: `path` is required"));
        }
        match name {
            Some("add" | "replace" | "test") if op.get("value").is_none() => errors.push(format!(
                "[{n}]: `value` is required for {}",
                name.unwrap_or_default()
            )),
            Some("move" | "copy") if op.get("from").and_then(Value::as_str).is_none() => errors
                .push(format!(
                    "[{n}]: `from` is required for {}",
                    name.unwrap_or_default()
                )),
            _ => {}
        }
    }
    errors
}

impl Responder for AzureBoards {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        let op = req.operation_id.clone()?;
        if let Some(want) = &self.authorization
            && req.header("authorization") != Some(want.as_str())
        {
            // No credentials: the sign-in page, with 203 (what Azure
            // DevOps answers an anonymous API call); wrong ones: 401.
            if req.header("authorization").is_none() {
                let mut page =
                    MockResponse::empty(203).header("content-type", "text/html; charset=utf-8");
                page.body =
                    b"<html><head><title>Azure DevOps Services | Sign In</title></head></html>"
                        .to_vec();
                return Some(page);
            }
            return Some(
                MockResponse::empty(401)
                    .header("www-authenticate", "Basic realm=\"https://dev.azure.com/\""),
            );
        }
        let boards = self.clone();
        self.lock(|s| boards.answer(s, &op, req)).flatten()
    }
}
