//! The site's searches and the checks Jira makes on an issue's fields.

use serde_json::{Value, json};

use super::answer::is_doc;
use super::jql::{self, Clause};
use super::{ISSUE_TYPES, Issue, JiraSite, PRIORITIES, STATUSES, State, error, stamp};
use crate::server::{MockRequest, MockResponse};

impl JiraSite {
    pub(super) fn search(&self, s: &State, req: &MockRequest, body: &Value) -> MockResponse {
        let query = body.get("jql").and_then(Value::as_str).unwrap_or_default();
        let clauses = match jql::parse(query) {
            Ok(c) => c,
            Err(e) => return error(400, &[&e], &[]),
        };
        let mut hits: Vec<&Issue> = s
            .issues
            .iter()
            .filter(|i| self.matches(i, &clauses))
            .collect();
        hits.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.number.cmp(&a.number)));
        let max = body
            .get("maxResults")
            .and_then(Value::as_u64)
            .unwrap_or(50)
            .clamp(1, 5000) as usize;
        let start: usize = body
            .get("nextPageToken")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix("offset-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let page: Vec<Value> = hits
            .iter()
            .skip(start)
            .take(max)
            .map(|i| self.issue_json(req, i))
            .collect();
        let end = start + page.len();
        let mut answer = json!({"issues": page, "isLast": end >= hits.len()});
        if end < hits.len() {
            answer["nextPageToken"] = json!(format!("offset-{end}"));
        }
        MockResponse::json(200, &answer)
    }

    /// Data Center's `POST /rest/api/2/search`: `startAt` pages with a
    /// `total`.
    pub(super) fn search_from(&self, s: &State, req: &MockRequest, body: &Value) -> MockResponse {
        let query = body.get("jql").and_then(Value::as_str).unwrap_or_default();
        let clauses = match jql::parse(query) {
            Ok(c) => c,
            Err(e) => return error(400, &[&e], &[]),
        };
        let mut hits: Vec<&Issue> = s
            .issues
            .iter()
            .filter(|i| self.matches(i, &clauses))
            .collect();
        hits.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.number.cmp(&a.number)));
        // Data Center caps a page at its jira.search.views.default.max (1000).
        let max = body
            .get("maxResults")
            .and_then(Value::as_u64)
            .unwrap_or(50)
            .clamp(1, 1000) as usize;
        let start = body.get("startAt").and_then(Value::as_u64).unwrap_or(0) as usize;
        let page: Vec<Value> = hits
            .iter()
            .skip(start)
            .take(max)
            .map(|i| self.issue_json(req, i))
            .collect();
        MockResponse::json(
            200,
            &json!({"expand": "schema,names", "startAt": start, "maxResults": max, "total": hits.len(), "issues": page}),
        )
    }

    fn matches(&self, i: &Issue, clauses: &[Clause]) -> bool {
        clauses.iter().all(|c| match c {
            Clause::Project(p) => p.eq_ignore_ascii_case(&self.project_key),
            Clause::Label(l) => i.labels.iter().any(|x| x == l),
            Clause::Text(t) => {
                let hay = format!("{} {}", i.summary, i.description).to_lowercase();
                // Lucene escapes (`\-`) stand for the character itself.
                let t = t.replace('\\', "");
                t.to_lowercase().split_whitespace().all(|w| hay.contains(w))
            }
            Clause::Done(done) => (STATUSES[i.status].2 == "done") == *done,
            Clause::UpdatedSince(since) => {
                stamp(i.updated).replace('-', "/").as_str() >= since.as_str()
            }
        })
    }

    /// What Jira rejects in a create or edit's `fields`, by field.
    pub(super) fn field_errors(&self, f: &Value, create: bool) -> Vec<(&'static str, String)> {
        let mut e = Vec::new();
        if create {
            let project = f
                .pointer("/project/key")
                .or_else(|| f.pointer("/project/id"))
                .and_then(Value::as_str);
            if !project.is_some_and(|p| p.eq_ignore_ascii_case(&self.project_key) || p == "10000") {
                e.push(("project", "valid project is required".into()));
            }
            let kind = f.pointer("/issuetype/name").and_then(Value::as_str);
            if !kind.is_some_and(|k| ISSUE_TYPES.iter().any(|t| t.eq_ignore_ascii_case(k))) {
                e.push(("issuetype", "Specify a valid issue type".into()));
            }
        }
        let summary = f.get("summary");
        if (create || summary.is_some())
            && summary
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
        {
            e.push(("summary", "You must specify a summary of the issue.".into()));
        }
        if let Some(d) = f.get("description")
            && self.data_center
            && !(d.is_null() || d.is_string())
        {
            e.push((
                "description",
                "Data Center takes the description as a string (wiki markup).".into(),
            ));
        }
        if let Some(d) = f.get("description")
            && !self.data_center
            && !d.is_null()
            && !is_doc(d)
        {
            e.push(("description", "Operation value must be an Atlassian Document (see the Atlassian Document Format).".into()));
        }
        if let Some(p) = f.get("priority")
            && !p
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| PRIORITIES.contains(&n))
        {
            e.push((
                "priority",
                format!("Specify a valid priority; {p} is not one"),
            ));
        }
        if let Some(labels) = f.get("labels").and_then(Value::as_array)
            && let Some(bad) = labels
                .iter()
                .filter_map(Value::as_str)
                .find(|l| l.contains(char::is_whitespace))
        {
            e.push((
                "labels",
                format!("The label '{bad}' contains spaces which is invalid."),
            ));
        }
        if let Some(a) = f.get("assignee")
            && !a.is_null()
            && !a
                .get(self.user_field())
                .and_then(Value::as_str)
                .is_some_and(|id| self.assignable.iter().any(|u| u.0 == id))
        {
            e.push(("assignee", format!("User {a} cannot be assigned issues.")));
        }
        e
    }
}
