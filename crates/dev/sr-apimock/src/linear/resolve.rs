//! Root fields answered from the store: the queries and mutations an
//! issue tracker uses. Filters are evaluated generically over the whole
//! JSON objects (comparators `eq`, `in`, `containsIgnoreCase`, `gte`, …;
//! `and`/`or`; nested objects; `some`/`every` over connections), and lists
//! are paged by `first`/`after` with `pageInfo`, as Linear's connections are.

use serde_json::{Map, Value, json};

use super::store::{Comment, Issue, STATES, State, Webhook};

/// A GraphQL error as Linear words it.
#[derive(Debug, Clone)]
pub(crate) struct GqlError {
    pub message: String,
    pub code: &'static str,
    pub kind: &'static str,
    pub user_message: String,
}

impl GqlError {
    pub fn not_found(entity: &str) -> Self {
        GqlError {
            message: format!("Entity not found: {entity}"),
            code: "INVALID_INPUT",
            kind: "invalid input",
            user_message: format!("Could not find referenced {entity}."),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        let message = message.into();
        GqlError {
            user_message: message.clone(),
            message,
            code: "INVALID_INPUT",
            kind: "invalid input",
        }
    }

    pub fn to_json(&self, path: &str) -> Value {
        json!({"message": self.message, "path": [path],
               "extensions": {"code": self.code, "type": self.kind, "userError": true,
                              "userPresentableMessage": self.user_message}})
    }
}

type Answer = Result<Value, GqlError>;

fn text<'a>(args: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    args.get(name).and_then(Value::as_str)
}

fn input(args: &Map<String, Value>) -> Map<String, Value> {
    args.get("input")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Answers one root field, or `None` for a field this mock does not serve.
pub(crate) fn root(s: &mut State, name: &str, args: &Map<String, Value>) -> Option<Answer> {
    Some(match name {
        "viewer" => Ok(s.user_json("user-ada")),
        "team" => {
            let id = text(args, "id").unwrap_or_default();
            if id == s.team_id || id.eq_ignore_ascii_case(&s.team_key) {
                Ok(s.team_json())
            } else {
                Err(GqlError::not_found("Team"))
            }
        }
        "teams" => Ok(page(vec![s.team_json()], args)),
        "workflowStates" => Ok(page(
            STATES.iter().map(|st| s.state_json(st.0)).collect(),
            args,
        )),
        "issueLabels" => Ok(page(
            s.labels.iter().map(|l| s.label_json(l)).collect(),
            args,
        )),
        "users" => Ok(page(
            s.users.iter().map(|u| s.user_json(&u.id)).collect(),
            args,
        )),
        "issue" => {
            let id = text(args, "id").unwrap_or_default();
            s.find_issue(id)
                .map(|n| s.issue_json(&s.issues[n]))
                .ok_or_else(|| GqlError::not_found("Issue"))
        }
        "issues" => {
            let archived = args.get("includeArchived") == Some(&Value::Bool(true));
            let mut list: Vec<&Issue> = s
                .issues
                .iter()
                .filter(|i| archived || i.trashed_at.is_none())
                .collect();
            // `orderBy: updatedAt` lists the latest change first.
            if text(args, "orderBy") == Some("updatedAt") {
                list.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.number.cmp(&a.number)));
            } else {
                list.sort_by(|a, b| b.created.cmp(&a.created).then(b.number.cmp(&a.number)));
            }
            let all = list.into_iter().map(|i| s.issue_json(i)).collect();
            Ok(page(all, args))
        }
        "comments" => {
            let all = s.comments.iter().map(|c| s.comment_json(c)).collect();
            Ok(page(all, args))
        }
        "issueCreate" => issue_create(s, &input(args)),
        "issueUpdate" => issue_update(s, text(args, "id").unwrap_or_default(), &input(args)),
        "issueDelete" => {
            let id = text(args, "id").unwrap_or_default();
            match s.find_issue(id) {
                Some(n) => {
                    let now = s.tick();
                    s.issues[n].trashed_at = Some(now);
                    s.issues[n].updated = now;
                    let entity = s.issue_json(&s.issues[n]);
                    Ok(json!({"success": true, "lastSyncId": 1.0, "entity": entity}))
                }
                None => Err(GqlError::not_found("Issue")),
            }
        }
        "issueLabelCreate" => {
            let input = input(args);
            let name = text(&input, "name").unwrap_or_default().trim().to_owned();
            if name.is_empty() {
                return Some(Err(GqlError::invalid("name must not be empty")));
            }
            if s.labels.iter().any(|l| l.name.eq_ignore_ascii_case(&name)) {
                return Some(Err(GqlError::invalid("duplicate label name")));
            }
            let id = s.label_named(&name);
            let label = s
                .labels
                .iter()
                .find(|l| l.id == id)
                .map(|l| s.label_json(l));
            Ok(json!({"success": true, "lastSyncId": 1.0, "issueLabel": label}))
        }
        "commentCreate" => {
            let input = input(args);
            let issue = text(&input, "issueId").unwrap_or_default();
            let Some(n) = s.find_issue(issue) else {
                return Some(Err(GqlError::not_found("Issue")));
            };
            let body = text(&input, "body").unwrap_or_default().to_owned();
            if body.trim().is_empty() {
                return Some(Err(GqlError::invalid("body must not be empty")));
            }
            let now = s.tick();
            let id = s.id("comment");
            let issue_id = s.issues[n].id.clone();
            s.issues[n].updated = now;
            let c = Comment {
                id,
                issue: issue_id,
                body,
                user: "user-ada".into(),
                created: now,
                updated: now,
            };
            let out = s.comment_json(&c);
            s.comments.push(c);
            Ok(json!({"success": true, "lastSyncId": 1.0, "comment": out}))
        }
        "fileUpload" => super::files::file_upload(s, args),
        "attachmentCreate" => super::files::attachment_create(s, &input(args)),
        "webhookCreate" => {
            let input = input(args);
            let id = s.id("webhook");
            let w = Webhook {
                id,
                url: text(&input, "url").unwrap_or_default().to_owned(),
                resource_types: input
                    .get("resourceTypes")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                secret: text(&input, "secret").map(str::to_owned),
            };
            let out = s.webhook_json(&w);
            s.webhooks.push(w);
            Ok(json!({"success": true, "lastSyncId": 1.0, "webhook": out}))
        }
        "webhookDelete" => {
            let id = text(args, "id").unwrap_or_default();
            let before = s.webhooks.len();
            s.webhooks.retain(|w| w.id != id);
            if s.webhooks.len() == before {
                Err(GqlError::not_found("Webhook"))
            } else {
                Ok(json!({"success": true, "lastSyncId": 1.0, "entityId": id}))
            }
        }
        _ => return None,
    })
}

/// Checks the ids an issue input names and applies its fields.
fn apply(s: &mut State, n: usize, input: &Map<String, Value>) -> Result<(), GqlError> {
    if let Some(t) = text(input, "title") {
        if t.trim().is_empty() {
            return Err(GqlError::invalid("title must not be empty"));
        }
        s.issues[n].title = t.to_owned();
    }
    if let Some(d) = input.get("description") {
        s.issues[n].description = d.as_str().map(str::to_owned);
    }
    if let Some(p) = input.get("priority").and_then(Value::as_i64) {
        if !(0..=4).contains(&p) {
            return Err(GqlError::invalid("priority must be between 0 and 4"));
        }
        s.issues[n].priority = p;
    }
    if let Some(state) = text(input, "stateId") {
        if !STATES.iter().any(|st| st.0 == state) {
            return Err(GqlError::not_found("WorkflowState"));
        }
        s.issues[n].state = state.to_owned();
    }
    if let Some(ids) = input.get("labelIds").and_then(Value::as_array) {
        let ids: Vec<String> = ids
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        if let Some(bad) = ids.iter().find(|id| !s.labels.iter().any(|l| &l.id == *id)) {
            return Err(GqlError::invalid(format!("label {bad} does not exist")));
        }
        s.issues[n].labels = ids;
    }
    match input.get("assigneeId") {
        Some(Value::String(a)) => {
            if !s.users.iter().any(|u| &u.id == a) {
                return Err(GqlError::not_found("User"));
            }
            s.issues[n].assignee = Some(a.clone());
        }
        Some(Value::Null) => s.issues[n].assignee = None,
        _ => {}
    }
    Ok(())
}

fn issue_create(s: &mut State, input: &Map<String, Value>) -> Answer {
    if text(input, "teamId") != Some(s.team_id.as_str()) {
        return Err(GqlError::not_found("Team"));
    }
    let now = s.tick();
    let id = s.id("issue");
    let number = s.issues.iter().map(|i| i.number).max().unwrap_or(0) + 1;
    s.issues.push(Issue {
        id,
        number,
        title: String::new(),
        description: None,
        priority: 0,
        state: "state-todo".into(),
        labels: Vec::new(),
        assignee: None,
        created: now,
        updated: now,
        trashed_at: None,
    });
    let n = s.issues.len() - 1;
    if let Err(e) = apply(s, n, input).and_then(|()| {
        if s.issues[n].title.is_empty() {
            Err(GqlError::invalid("title must not be empty"))
        } else {
            Ok(())
        }
    }) {
        s.issues.pop();
        return Err(e);
    }
    Ok(json!({"success": true, "lastSyncId": 1.0, "issue": s.issue_json(&s.issues[n])}))
}

fn issue_update(s: &mut State, id: &str, input: &Map<String, Value>) -> Answer {
    let n = s
        .find_issue(id)
        .ok_or_else(|| GqlError::not_found("Issue"))?;
    let before = s.issues[n].clone();
    if let Err(e) = apply(s, n, input) {
        s.issues[n] = before;
        return Err(e);
    }
    s.issues[n].updated = s.tick();
    Ok(json!({"success": true, "lastSyncId": 1.0, "issue": s.issue_json(&s.issues[n])}))
}

/// `all` filtered by `args.filter`, then one page of it by `first` (50
/// unless given, as Linear's default) and `after` (a node's id).
pub(crate) fn page(all: Vec<Value>, args: &Map<String, Value>) -> Value {
    let filter = args.get("filter").cloned().unwrap_or(Value::Null);
    let matching: Vec<Value> = all.into_iter().filter(|v| matches(v, &filter)).collect();
    let start = text(args, "after")
        .and_then(|c| matching.iter().position(|v| v["id"].as_str() == Some(c)))
        .map_or(0, |p| p + 1);
    let first = args
        .get("first")
        .and_then(Value::as_u64)
        .map_or(50, |n| usize::try_from(n).unwrap_or(50));
    let nodes: Vec<Value> = matching.iter().skip(start).take(first).cloned().collect();
    let more = start + nodes.len() < matching.len();
    json!({
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": more,
            "hasPreviousPage": start > 0,
            "startCursor": nodes.first().map(|n| n["id"].clone()),
            "endCursor": nodes.last().map(|n| n["id"].clone()),
        }
    })
}

const COMPARATORS: [&str; 16] = [
    "eq",
    "neq",
    "in",
    "nin",
    "eqIgnoreCase",
    "neqIgnoreCase",
    "contains",
    "containsIgnoreCase",
    "notContains",
    "startsWith",
    "gt",
    "gte",
    "lt",
    "lte",
    "null",
    "containsIgnoreCaseAndAccent",
];

/// Whether `value` passes `filter` (an `IssueFilter`, `TeamFilter`, …).
pub(crate) fn matches(value: &Value, filter: &Value) -> bool {
    let Some(f) = filter.as_object() else {
        return true;
    };
    f.iter().all(|(k, cond)| match k.as_str() {
        "and" => cond
            .as_array()
            .is_none_or(|a| a.iter().all(|c| matches(value, c))),
        "or" => cond
            .as_array()
            .is_none_or(|a| a.iter().any(|c| matches(value, c))),
        field => {
            let v = value.get(field).unwrap_or(&Value::Null);
            let Some(c) = cond.as_object() else {
                return true;
            };
            if c.keys().all(|k| COMPARATORS.contains(&k.as_str())) {
                compare(v, c)
            } else if let Some(nodes) = v.get("nodes").and_then(Value::as_array) {
                c.iter().all(|(op, sub)| match op.as_str() {
                    "some" => nodes.iter().any(|n| matches(n, sub)),
                    "every" => nodes.iter().all(|n| matches(n, sub)),
                    _ => true,
                })
            } else {
                !v.is_null() && matches(v, cond)
            }
        }
    })
}

fn compare(v: &Value, c: &Map<String, Value>) -> bool {
    let s = v
        .as_str()
        .map(str::to_owned)
        .or_else(|| v.as_f64().map(|n| n.to_string()));
    let lower = |x: &Value| x.as_str().map(str::to_lowercase);
    let num = |x: &Value| x.as_f64();
    c.iter().all(|(op, want)| match op.as_str() {
        "null" => want.as_bool() == Some(v.is_null()),
        "eq" => v == want || (num(v).is_some() && num(v) == num(want)),
        "neq" => v != want,
        "in" => want.as_array().is_some_and(|a| a.contains(v)),
        "nin" => want.as_array().is_none_or(|a| !a.contains(v)),
        "eqIgnoreCase" => v.as_str().map(str::to_lowercase) == lower(want),
        "neqIgnoreCase" => v.as_str().map(str::to_lowercase) != lower(want),
        "contains" => s
            .as_deref()
            .zip(want.as_str())
            .is_some_and(|(a, b)| a.contains(b)),
        "notContains" => !s
            .as_deref()
            .zip(want.as_str())
            .is_some_and(|(a, b)| a.contains(b)),
        "containsIgnoreCase" | "containsIgnoreCaseAndAccent" => s
            .as_deref()
            .zip(want.as_str())
            .is_some_and(|(a, b)| a.to_lowercase().contains(&b.to_lowercase())),
        "startsWith" => s
            .as_deref()
            .zip(want.as_str())
            .is_some_and(|(a, b)| a.starts_with(b)),
        // Timestamps are compared as instants, numbers as numbers.
        "gt" | "gte" | "lt" | "lte" => {
            let ord = match (num(v), num(want)) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => instant(v).zip(instant(want)).map(|(a, b)| a.cmp(&b)),
            };
            ord.is_some_and(|o| match op.as_str() {
                "gt" => o.is_gt(),
                "gte" => o.is_ge(),
                "lt" => o.is_lt(),
                _ => o.is_le(),
            })
        }
        _ => true,
    })
}

fn instant(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
