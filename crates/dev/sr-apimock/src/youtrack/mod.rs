//! A stateful YouTrack project behind the mock server, answering in
//! YouTrack's REST shapes (see `spec` for what each request must look
//! like, and `SOURCES.md` for the pages both follow):
//!
//! - every answer is cut to the request's `fields` projection, as YouTrack
//!   does: an attribute not asked for is not sent (`$type` always is);
//! - the project's custom fields (State, Priority, Type, Assignee) are a
//!   schema read from `/api/admin/projects/{id}/customFields`; a write
//!   whose `$type` or value does not fit the field is refused with 400;
//! - searches take YouTrack's query syntax, the part the adapter uses
//!   (`project:`, `tag:`, `#Resolved`/`#Unresolved`, `updated: A .. B`,
//!   quoted or bare words, `sort by: created asc`), paged by
//!   `$skip`/`$top` (42 when `$top` is absent, as YouTrack);
//! - `updated`/`created` are epoch milliseconds, strictly increasing;
//! - files attach as multipart/form-data parts (`files`);
//! - errors carry `{"error", "error_description"}`.

mod files;
mod projection;
mod query;
pub mod spec;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::server::{MockRequest, MockResponse, Responder};

use projection::{parse_fields, project};

/// A custom field of the project: name, `fieldType.id`, its values
/// (`name`, resolved) and the default.
struct FieldDef {
    name: &'static str,
    field_type: &'static str,
    values: &'static [(&'static str, bool)],
}

const FIELDS: [FieldDef; 4] = [
    FieldDef {
        name: "State",
        field_type: "state[1]",
        values: &[
            ("Submitted", false),
            ("Open", false),
            ("In Progress", false),
            ("Fixed", true),
            ("Won't fix", true),
            ("Verified", true),
        ],
    },
    FieldDef {
        name: "Priority",
        field_type: "enum[1]",
        values: &[
            ("Show-stopper", false),
            ("Critical", false),
            ("Major", false),
            ("Normal", false),
            ("Minor", false),
        ],
    },
    FieldDef {
        name: "Type",
        field_type: "enum[1]",
        values: &[("Bug", false), ("Task", false), ("Feature", false)],
    },
    FieldDef {
        name: "Assignee",
        field_type: "user[1]",
        values: &[("root", false), ("mia", false)],
    },
];

/// The `$type` of an issue's value of a field of `field_type`.
fn issue_field_type(field_type: &str) -> &'static str {
    match field_type {
        "state[1]" => "StateIssueCustomField",
        "user[1]" => "SingleUserIssueCustomField",
        _ => "SingleEnumIssueCustomField",
    }
}

#[derive(Debug, Clone)]
struct Comment {
    id: String,
    text: String,
    author: String,
    created: i64,
    updated: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub number: u64,
    pub summary: String,
    pub description: String,
    /// Field name → value name (`None`: empty).
    pub values: Vec<(String, Option<String>)>,
    pub tags: Vec<String>,
    pub created: i64,
    pub updated: i64,
    comments: Vec<Comment>,
    files: Vec<files::File>,
}

impl Issue {
    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .and_then(|(_, v)| v.as_deref())
    }

    pub fn resolved(&self) -> bool {
        let state = self.value("State").unwrap_or_default();
        FIELDS[0].values.iter().any(|(n, r)| *n == state && *r)
    }
}

#[derive(Debug, Default)]
struct State {
    issues: Vec<Issue>,
    clock: i64,
    next_comment: u64,
    next_file: u64,
}

impl State {
    /// Now in epoch ms, strictly after every earlier tick.
    fn tick(&mut self) -> i64 {
        self.clock = (self.clock + 1).max(chrono::Utc::now().timestamp_millis());
        self.clock
    }
}

/// One YouTrack instance with one project.
#[derive(Debug, Clone)]
pub struct YouTrackProject {
    /// The project's short name (`DB`): issue ids are `DB-1`.
    pub short_name: String,
    /// The project's entity id.
    pub id: String,
    /// The `Authorization` header every request must carry; `None` skips
    /// the check.
    pub authorization: Option<String>,
    state: Arc<Mutex<State>>,
}

/// YouTrack's error answer.
pub fn error(status: u16, error: &str, description: &str) -> MockResponse {
    MockResponse::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn bad(description: impl Into<String>) -> MockResponse {
    error(400, "bad_request", &description.into())
}

fn not_found(what: &str) -> MockResponse {
    error(
        404,
        "Not Found",
        &format!("Entity with id {what} not found"),
    )
}

impl YouTrackProject {
    pub fn new(short_name: &str) -> Self {
        YouTrackProject {
            short_name: short_name.to_owned(),
            id: "0-7".into(),
            authorization: None,
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    /// Requests must carry `Authorization: {value}`.
    pub fn with_authorization(mut self, value: &str) -> Self {
        self.authorization = Some(value.to_owned());
        self
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut s)
    }

    /// Adds an issue as if someone filed it; returns its id (`DB-3`).
    pub fn seed(&self, summary: &str, tags: &[&str]) -> String {
        let short = self.short_name.clone();
        self.with(|s| {
            let now = s.tick();
            let number = s.issues.len() as u64 + 1;
            s.issues.push(Issue {
                number,
                summary: summary.to_owned(),
                description: String::new(),
                values: FIELDS
                    .iter()
                    .map(|f| (f.name.to_owned(), default_value(f)))
                    .collect(),
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                created: now,
                updated: now,
                comments: Vec::new(),
                files: Vec::new(),
            });
            format!("{short}-{number}")
        })
    }

    /// Changes an issue's summary as if someone edited it.
    pub fn edit_summary(&self, number: u64, summary: &str) -> bool {
        self.with(|s| {
            let now = s.tick();
            match s.issues.iter_mut().find(|i| i.number == number) {
                Some(i) => {
                    i.summary = summary.to_owned();
                    i.updated = now;
                    true
                }
                None => false,
            }
        })
    }

    /// A comment someone wrote in YouTrack on issue `number`.
    pub fn comment(&self, number: u64, author: &str, text: &str) -> bool {
        self.with(|s| {
            let now = s.tick();
            s.next_comment += 1;
            let id = format!("4-{}", s.next_comment);
            match s.issues.iter_mut().find(|i| i.number == number) {
                Some(i) => {
                    i.comments.push(Comment {
                        id,
                        text: text.to_owned(),
                        author: author.to_owned(),
                        created: now,
                        updated: None,
                    });
                    i.updated = now;
                    true
                }
                None => false,
            }
        })
    }

    /// How many issues the project holds.
    pub fn count(&self) -> usize {
        self.with(|s| s.issues.len())
    }

    fn number(&self, id: &str) -> Option<u64> {
        // `DB-3` or the entity id `2-3`.
        let (prefix, n) = id.rsplit_once('-')?;
        (prefix.eq_ignore_ascii_case(&self.short_name) || prefix == "2")
            .then(|| n.parse().ok())
            .flatten()
    }

    fn issue_json(&self, i: &Issue) -> Value {
        let fields: Vec<Value> = FIELDS
            .iter()
            .map(|f| {
                let value = i.value(f.name).map(|v| match f.field_type {
                    "state[1]" => json!({"$type": "StateBundleElement", "name": v,
                        "isResolved": FIELDS[0].values.iter().any(|(n, r)| *n == v && *r)}),
                    "user[1]" => json!({"$type": "User", "login": v, "fullName": v, "name": v}),
                    _ => json!({"$type": "EnumBundleElement", "name": v}),
                });
                json!({"$type": issue_field_type(f.field_type), "id": format!("92-{}", f.name.len()),
                    "name": f.name, "value": value})
            })
            .collect();
        let tags: Vec<Value> = i
            .tags
            .iter()
            .map(|t| json!({"$type": "IssueTag", "name": t}))
            .collect();
        json!({"$type": "Issue", "id": format!("2-{}", i.number),
            "idReadable": format!("{}-{}", self.short_name, i.number),
            "summary": i.summary, "description": i.description, "usesMarkdown": true,
            "created": i.created, "updated": i.updated,
            "resolved": if i.resolved() { Value::from(i.updated) } else { Value::Null },
            "project": {"$type": "Project", "id": self.id, "shortName": self.short_name, "name": self.short_name},
            "customFields": fields, "tags": tags})
    }

    fn project_fields_json(&self) -> Value {
        Value::Array(
            FIELDS
                .iter()
                .enumerate()
                .map(|(n, f)| {
                    let (ptype, btype, etype) = match f.field_type {
                        "state[1]" => ("StateProjectCustomField", "StateBundle", "StateBundleElement"),
                        "user[1]" => ("UserProjectCustomField", "UserBundle", "User"),
                        _ => ("EnumProjectCustomField", "EnumBundle", "EnumBundleElement"),
                    };
                    let values: Vec<Value> = f
                        .values
                        .iter()
                        .map(|(v, r)| {
                            if f.field_type == "user[1]" {
                                json!({"$type": etype, "login": v, "name": v})
                            } else {
                                json!({"$type": etype, "name": v, "isResolved": r})
                            }
                        })
                        .collect();
                    let key = if f.field_type == "user[1]" { "aggregatedUsers" } else { "values" };
                    json!({"$type": ptype, "id": format!("92-{n}"),
                        "canBeEmpty": f.field_type == "user[1]",
                        "field": {"$type": "CustomField", "id": format!("58-{n}"), "name": f.name,
                            "fieldType": {"$type": "FieldType", "id": f.field_type, "isMultiValue": false}},
                        "bundle": {"$type": btype, "id": format!("49-{n}"), (key): values}})
                })
                .collect(),
        )
    }

    /// Applies a create or update body to `issue`; an error answer when
    /// YouTrack would refuse it.
    fn apply(&self, issue: &mut Issue, body: &Value) -> Result<(), MockResponse> {
        if let Some(s) = body.get("summary").and_then(Value::as_str) {
            if s.trim().is_empty() {
                return Err(bad("Summary is required"));
            }
            issue.summary = s.to_owned();
        }
        if let Some(d) = body.get("description") {
            issue.description = d.as_str().unwrap_or_default().to_owned();
        }
        if let Some(tags) = body.get("tags").and_then(Value::as_array) {
            issue.tags = tags
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect();
        }
        for cf in body
            .get("customFields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = cf.get("name").and_then(Value::as_str).unwrap_or_default();
            let Some(def) = FIELDS.iter().find(|f| f.name == name) else {
                return Err(bad(format!("Unknown custom field: {name}")));
            };
            let given = cf.get("$type").and_then(Value::as_str).unwrap_or_default();
            let want = issue_field_type(def.field_type);
            if given != want {
                return Err(bad(format!(
                    "Incompatible field type: {given} given for field {name}, which is {want}"
                )));
            }
            let key = if def.field_type == "user[1]" {
                "login"
            } else {
                "name"
            };
            let value = match cf.get("value") {
                None | Some(Value::Null) if def.field_type == "user[1]" => None,
                None | Some(Value::Null) => {
                    return Err(bad(format!("Field {name} is required")));
                }
                Some(v) => {
                    let Some(n) = v.get(key).and_then(Value::as_str) else {
                        return Err(bad(format!("A value of {name} is named by `{key}`")));
                    };
                    if !def.values.iter().any(|(x, _)| *x == n) {
                        return Err(bad(format!("Unknown value for field {name}: {n}")));
                    }
                    Some(n.to_owned())
                }
            };
            if let Some(slot) = issue.values.iter_mut().find(|(f, _)| f == name) {
                slot.1 = value;
            }
        }
        Ok(())
    }

    fn answer(&self, req: &MockRequest) -> MockResponse {
        let fields = req.query("fields").unwrap_or_default();
        let ok = |v: Value| MockResponse::json(200, &project(&v, &parse_fields(fields)));
        let op = req.operation_id.as_deref().unwrap_or_default();
        match op {
            "getMe" => ok(
                json!({"$type": "Me", "id": "1-1", "login": "root", "fullName": "Root", "name": "root"}),
            ),
            "getProjects" => ok(
                json!([{"$type": "Project", "id": self.id, "shortName": self.short_name,
                "name": self.short_name, "archived": false}])
                .as_array()
                .map(|a| {
                    let q = req.query("query").unwrap_or_default();
                    Value::Array(
                        a.iter()
                            .filter(|_| q.is_empty() || q.eq_ignore_ascii_case(&self.short_name))
                            .cloned()
                            .collect(),
                    )
                })
                .unwrap_or_default(),
            ),
            "getProjectCustomFields" => {
                let id = req.param("projectID");
                if id != self.id && !id.eq_ignore_ascii_case(&self.short_name) {
                    return not_found(id);
                }
                ok(page(self.project_fields_json(), req))
            }
            "getIssues" => {
                let q = req.query("query").unwrap_or_default();
                let parsed = match query::parse(q) {
                    Ok(p) => p,
                    Err(e) => return bad(format!("Query error: {e}")),
                };
                let list = self.with(|s| {
                    let mut hits: Vec<&Issue> = s
                        .issues
                        .iter()
                        .filter(|i| parsed.matches(i, &self.short_name))
                        .collect();
                    if parsed.sort_created_asc {
                        hits.sort_by_key(|i| i.created);
                    } else {
                        // YouTrack's default order: newest first.
                        hits.sort_by_key(|i| std::cmp::Reverse(i.created));
                    }
                    Value::Array(hits.into_iter().map(|i| self.issue_json(i)).collect())
                });
                ok(page(list, req))
            }
            "createIssue" => {
                let body = req.body.clone().unwrap_or_default();
                let project = body
                    .pointer("/project/id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if project != self.id {
                    return bad(format!(
                        "Project {project} not found; the project is named by its entity id"
                    ));
                }
                let mut issue = Issue {
                    number: 0,
                    summary: String::new(),
                    description: String::new(),
                    values: FIELDS
                        .iter()
                        .map(|f| (f.name.to_owned(), default_value(f)))
                        .collect(),
                    tags: Vec::new(),
                    created: 0,
                    updated: 0,
                    comments: Vec::new(),
                    files: Vec::new(),
                };
                if let Err(e) = self.apply(&mut issue, &body) {
                    return e;
                }
                if issue.summary.trim().is_empty() {
                    return bad("Summary is required");
                }
                let json = self.with(|s| {
                    let now = s.tick();
                    issue.number = s.issues.len() as u64 + 1;
                    issue.created = now;
                    issue.updated = now;
                    s.issues.push(issue.clone());
                    self.issue_json(&issue)
                });
                ok(json)
            }
            "createAttachments" | "getAttachments" => self.files(req),
            "getIssue" | "updateIssue" | "deleteIssue" | "getComments" | "createComment" => {
                let id = req.param("issueID").to_owned();
                let Some(n) = self.number(&id) else {
                    return not_found(&id);
                };
                let this = self.clone();
                let result = self.with(|s| {
                    let now = s.tick();
                    let next_comment = s.next_comment + 1;
                    let Some(pos) = s.issues.iter().position(|i| i.number == n) else {
                        return Err(not_found(&id));
                    };
                    let answer = match op {
                        "getIssue" => this.issue_json(&s.issues[pos]),
                        "deleteIssue" => {
                            s.issues.remove(pos);
                            return Ok(None);
                        }
                        "updateIssue" => {
                            let mut copy = s.issues[pos].clone();
                            this.apply(&mut copy, &req.body.clone().unwrap_or_default())?;
                            copy.updated = now;
                            s.issues[pos] = copy;
                            this.issue_json(&s.issues[pos])
                        }
                        "getComments" => {
                            Value::Array(s.issues[pos].comments.iter().map(comment_json).collect())
                        }
                        _ => {
                            let text = req
                                .body
                                .as_ref()
                                .and_then(|b| b.get("text"))
                                .and_then(Value::as_str)
                                .unwrap_or_default();
                            let c = Comment {
                                id: format!("4-{next_comment}"),
                                text: text.to_owned(),
                                author: "root".into(),
                                created: now,
                                updated: None,
                            };
                            s.next_comment = next_comment;
                            s.issues[pos].comments.push(c.clone());
                            s.issues[pos].updated = now;
                            comment_json(&c)
                        }
                    };
                    Ok(Some(answer))
                });
                match result {
                    Ok(None) => MockResponse::empty(200),
                    Ok(Some(v)) if op == "getComments" => ok(page(v, req)),
                    Ok(Some(v)) => ok(v),
                    Err(e) => e,
                }
            }
            other => error(404, "Not Found", &format!("no resource for {other}")),
        }
    }
}

fn default_value(f: &FieldDef) -> Option<String> {
    match f.name {
        "State" => Some("Submitted".into()),
        "Priority" => Some("Normal".into()),
        "Type" => Some("Bug".into()),
        _ => None,
    }
}

fn comment_json(c: &Comment) -> Value {
    json!({"$type": "IssueComment", "id": c.id, "text": c.text, "usesMarkdown": true,
        "author": {"$type": "User", "login": c.author, "fullName": c.author, "name": c.author},
        "created": c.created, "updated": c.updated, "deleted": false})
}

/// The `$skip`/`$top` page of a list (42 items when `$top` is absent).
fn page(list: Value, req: &MockRequest) -> Value {
    let skip: usize = req.query("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let top: usize = req.query("$top").and_then(|s| s.parse().ok()).unwrap_or(42);
    match list {
        Value::Array(a) => Value::Array(a.into_iter().skip(skip).take(top).collect()),
        other => other,
    }
}

impl Responder for YouTrackProject {
    fn respond(&mut self, req: &MockRequest) -> Option<MockResponse> {
        if let Some(want) = &self.authorization
            && req.header("authorization") != Some(want.as_str())
        {
            return Some(error(
                401,
                "Unauthorized",
                "You are not logged in or your token has expired",
            ));
        }
        Some(self.answer(req))
    }
}
