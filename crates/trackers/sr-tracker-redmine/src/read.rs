//! Reading through Redmine: one issue (with its journals), the issue list
//! with Redmine's filters (`status_id`, `cf_N`, `subject`, `updated_on`)
//! paged by `offset` and `limit` until `total_count`, and the conversion
//! of Redmine's issue to sr-model's, text in the server's formatting
//! turned back into Markdown.

use sr_model::{Comment, Issue, IssueRef, IssueStatus, SearchQuery, StateFilter};
use sr_tracker::reqwest::Method;
use sr_tracker::{ApiRequest, ErrorKind, Result, TrackerError};

use crate::config::TextFormatting;
use crate::schema::Schema;
use crate::wire::{IssueEnvelope, IssuePage, WireIssue, WireJournal};
use crate::{PROVIDER, RedmineTracker, explain, textile};

/// Redmine's largest page (`limit` is capped at 100).
const PAGE: usize = 100;

/// Labels as the custom field holds them: comma-separated.
pub(crate) fn split_labels(value: &serde_json::Value) -> Vec<String> {
    let parts: Vec<String> = match value {
        serde_json::Value::String(s) => s.split(',').map(str::to_owned).collect(),
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        let p = p.trim();
        if !p.is_empty() && !out.iter().any(|x| x == p) {
            out.push(p.to_owned());
        }
    }
    out
}

impl RedmineTracker {
    /// Sends one request, with Redmine's error shapes explained.
    pub(crate) async fn send(&self, req: ApiRequest) -> Result<sr_tracker::ApiResponse> {
        self.http.send(req).await.map_err(explain)
    }

    /// Markdown as the server's formatting writes it.
    pub(crate) fn outgoing_text(&self, schema: &Schema, markdown: &str) -> String {
        match schema.formatting {
            TextFormatting::Textile => textile::markdown_to_textile(markdown),
            TextFormatting::Markdown | TextFormatting::None => markdown.to_owned(),
        }
    }

    /// Text in the server's formatting as Markdown.
    pub(crate) fn incoming_text(&self, schema: &Schema, text: &str) -> String {
        match schema.formatting {
            TextFormatting::Textile => textile::textile_to_markdown(text),
            TextFormatting::Markdown | TextFormatting::None => text.replace("\r\n", "\n"),
        }
    }

    /// The issue, with journals when asked; `None` when Redmine has no
    /// such issue or it belongs to another project.
    pub(crate) async fn wire_issue(&self, id: u64, journals: bool) -> Result<Option<WireIssue>> {
        let schema = self.schema().await?;
        let mut url = self.url(&["issues", &format!("{id}.json")]);
        if journals {
            url.query_pairs_mut().append_pair("include", "journals");
        }
        let req = ApiRequest::new(Method::GET, url, "read issue").what(self.issue_what(id));
        match self.send(req).await {
            Ok(resp) => {
                let w: IssueEnvelope = resp.json(PROVIDER)?;
                Ok((w.issue.project.id == schema.project.id).then_some(w.issue))
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Gone) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The issue or a not-found error naming it.
    pub(crate) async fn existing(&self, id: u64, journals: bool) -> Result<WireIssue> {
        self.wire_issue(id, journals)
            .await?
            .ok_or_else(|| TrackerError::not_found(PROVIDER, self.issue_what(id)))
    }

    pub(crate) fn convert(&self, schema: &Schema, w: &WireIssue) -> Issue {
        let in_progress = self.in_progress_name();
        let state = schema.state_of(w.status.id, &in_progress);
        let names = self.config.priority_names();
        let labels = schema
            .labels_field
            .and_then(|f| w.custom_fields.iter().find(|c| c.id == f))
            .map(|c| split_labels(&c.value))
            .unwrap_or_default();
        Issue {
            reference: IssueRef {
                key: self.info.key(w.id.to_string()),
                display_key: format!("#{}", w.id),
                url: format!("{}/issues/{}", self.web, w.id),
                title: w.subject.clone(),
                status: IssueStatus {
                    state,
                    name: w.status.name.clone(),
                    resolution: None,
                },
                priority: schema.priority_of(&w.priority.name, &names),
                labels,
                assignee: w.assigned_to.as_ref().map(|a| a.name.clone()),
                created_at: w.created_on,
                updated_at: w.updated_on,
            },
            body: self.incoming_text(schema, w.description.as_deref().unwrap_or_default()),
            issue_type: Some(w.tracker.name.clone()),
            project: Some(schema.project.identifier.clone()),
        }
    }

    /// A journal with notes as a comment; journals that only record
    /// field changes are Redmine's history, not comments.
    pub(crate) fn comment(&self, schema: &Schema, j: &WireJournal) -> Option<Comment> {
        let notes = j.notes.as_deref().filter(|n| !n.trim().is_empty())?;
        Some(Comment {
            id: j.id.to_string(),
            author: j.user.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
            body: self.incoming_text(schema, notes),
            created_at: j.created_on,
            updated_at: j.updated_on.filter(|u| *u != j.created_on),
        })
    }

    pub(crate) fn in_progress_name(&self) -> String {
        self.config
            .in_progress_status
            .clone()
            .unwrap_or_else(|| "In Progress".into())
    }

    /// The project's issues matching `query`. With `updated_since` (a
    /// sync) they come in id order, which a change during the paging does
    /// not reorder; otherwise newest change first.
    pub(crate) async fn list(&self, query: &SearchQuery, limit: usize) -> Result<Vec<Issue>> {
        let schema = self.schema().await?;
        let mut base = self.url(&["issues.json"]);
        {
            let mut q = base.query_pairs_mut();
            q.append_pair("project_id", &schema.project.id.to_string());
            // Issues of subprojects belong to their own project's tracker.
            q.append_pair("subproject_id", "!*");
            q.append_pair(
                "status_id",
                match query.state {
                    StateFilter::Open => "open",
                    StateFilter::Closed => "closed",
                    StateFilter::All => "*",
                },
            );
            let text = query.text.trim();
            if !text.is_empty() {
                q.append_pair("subject", &format!("~{text}"));
            }
            if let Some(since) = query.updated_since {
                q.append_pair(
                    "updated_on",
                    &format!(
                        ">={}",
                        since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    ),
                );
                q.append_pair("sort", "id");
            } else {
                q.append_pair("sort", "updated_on:desc,id:desc");
            }
        }
        // Redmine filters one value per field: the first label narrows on
        // the server ("contains"), every label is matched exactly here.
        if let Some(first) = query.labels.first() {
            let field = schema.labels_field.ok_or_else(|| self.no_labels_field())?;
            base.query_pairs_mut()
                .append_pair(&format!("cf_{field}"), &format!("~{first}"));
        }
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let mut url = base.clone();
            url.query_pairs_mut()
                .append_pair("offset", &offset.to_string())
                .append_pair("limit", &PAGE.to_string());
            let req = ApiRequest::new(Method::GET, url, "list issues")
                .what(format!("issues of {}", self.project_what()));
            let resp = self.send(req).await?;
            let page: IssuePage = resp.json(PROVIDER)?;
            let got = page.issues.len();
            for w in &page.issues {
                // Redmine's `>=` reaches back a second before the time it
                // is given; what it adds is left out here. Its times are
                // whole seconds, so the cursor is too: an edit in the same
                // second as the last sync, after it, is not lost.
                if query.updated_since.is_some_and(|since| {
                    w.updated_on < chrono::SubsecRound::trunc_subsecs(since, 0)
                }) {
                    continue;
                }
                let issue = self.convert(&schema, w);
                if query.labels.iter().all(|l| {
                    issue
                        .reference
                        .labels
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(l))
                }) {
                    out.push(issue);
                }
            }
            offset += got;
            let total = page.total_count.unwrap_or(0);
            if out.len() >= limit || got == 0 || offset >= total {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }

    pub(crate) fn no_labels_field(&self) -> TrackerError {
        TrackerError::invalid(
            PROVIDER,
            format!(
                "labels: the project {} has no issue custom field `{}`; add one (Administration → Custom fields → Issues: format Text, \"Used as a filter\", for this project and its trackers) or set config.labels_field to the field that holds labels",
                self.project,
                self.config.labels_field()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_the_custom_field() {
        assert_eq!(
            split_labels(&serde_json::json!("db, sr ,,db")),
            ["db", "sr"]
        );
        assert_eq!(split_labels(&serde_json::json!(["a", "b"])), ["a", "b"]);
        assert!(split_labels(&serde_json::Value::Null).is_empty());
    }
}
