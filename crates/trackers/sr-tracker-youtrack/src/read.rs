//! Reads: the project's schema (entity id and custom field settings,
//! once), single issues, and searches in YouTrack's query syntax paged by
//! `$skip`/`$top`.
//!
//! A search is sorted by creation, oldest first, so a page boundary does
//! not move while issues are edited (an edit reorders by `updated`, a new
//! issue only adds at the end). `updated:` in a query is in the token
//! owner's time zone and whole seconds, so a sync asks from a day before
//! its cursor and keeps exactly the issues with `updated` (epoch ms) at
//! or after it.

use sr_model::{Issue, SearchQuery, StateFilter};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{Result, TrackerError};

use crate::wire::{ISSUE_FIELDS, PROJECT_FIELD_FIELDS, ProjectField, WireIssue, WireProject};
use crate::{PROVIDER, Schema, YouTrackTracker};

/// A value for a query: in braces, which YouTrack takes for values with
/// spaces; braces inside are dropped, as a value cannot hold them.
fn braced(value: &str) -> String {
    format!("{{{}}}", value.replace(['{', '}'], ""))
}

/// The YouTrack query for `q` in `project`.
pub fn query_text(project: &str, q: &SearchQuery) -> String {
    let mut parts = vec![format!("project: {}", braced(project))];
    for l in &q.labels {
        parts.push(format!("tag: {}", braced(l)));
    }
    match q.state {
        StateFilter::Open => parts.push("#Unresolved".into()),
        StateFilter::Closed => parts.push("#Resolved".into()),
        StateFilter::All => {}
    }
    if let Some(since) = q.updated_since {
        let from = since - chrono::Duration::days(1);
        parts.push(format!(
            "updated: {} .. *",
            from.format("%Y-%m-%dT%H:%M:%S")
        ));
    }
    let text = q.text.replace('"', " ");
    if !text.trim().is_empty() {
        parts.push(format!("\"{}\"", text.trim()));
    }
    parts.push("sort by: created asc".into());
    parts.join(" ")
}

impl YouTrackTracker {
    /// The project's entity id and custom field settings, read once.
    pub async fn schema(&self) -> Result<&Schema> {
        self.schema
            .get_or_try_init(|| async {
                let project = self.find_project().await?;
                let mut fields: Vec<ProjectField> = Vec::new();
                let mut skip = 0;
                loop {
                    let mut url = self.api(
                        &["admin", "projects", &project.id, "customFields"],
                        PROJECT_FIELD_FIELDS,
                    );
                    url.query_pairs_mut()
                        .append_pair("$skip", &skip.to_string())
                        .append_pair("$top", &self.page.to_string());
                    let req = ApiRequest::new(Method::GET, url, "list the project's custom fields")
                        .what(format!("custom fields of project {}", self.project));
                    let page: Vec<ProjectField> = self.http.send(req).await?.json(PROVIDER)?;
                    let n = page.len();
                    fields.extend(page);
                    skip += n;
                    if n < self.page {
                        break;
                    }
                }
                Ok::<_, TrackerError>(Schema {
                    project_id: project.id,
                    fields,
                })
            })
            .await
    }

    /// The project named by its short name.
    pub(crate) async fn find_project(&self) -> Result<WireProject> {
        let mut url = self.api(&["admin", "projects"], "id,shortName,name");
        url.query_pairs_mut()
            .append_pair("query", &self.project)
            .append_pair("$top", "100");
        let req = ApiRequest::new(Method::GET, url, "find the project")
            .what(format!("project {}", self.project));
        let list: Vec<WireProject> = self.http.send(req).await?.json(PROVIDER)?;
        list.into_iter()
            .find(|p| p.short_name.eq_ignore_ascii_case(&self.project))
            .ok_or_else(|| TrackerError::NotFound {
                provider: PROVIDER.into(),
                what: format!(
                    "project {} (no project with that short name is visible to the token's owner)",
                    self.project
                ),
            })
    }

    /// The custom field named `name` in the project, or a config error
    /// naming the fields there are.
    pub(crate) async fn field(&self, name: &str, key: &str) -> Result<&ProjectField> {
        let schema = self.schema().await?;
        schema
            .fields
            .iter()
            .find(|f| f.field.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<&str> = schema.fields.iter().map(|f| f.field.name.as_str()).collect();
                TrackerError::config(
                    &self.info.name,
                    format!(
                        "project {} has no custom field `{name}`; set config.fields.{key} to one of: {}",
                        self.project,
                        names.join(", ")
                    ),
                )
            })
    }

    /// One issue; a not-found error names it.
    pub(crate) async fn read_issue(&self, id: &str) -> Result<WireIssue> {
        let req = ApiRequest::new(
            Method::GET,
            self.api(&["issues", id], ISSUE_FIELDS),
            "read issue",
        )
        .what(format!("issue {id}"));
        self.http.send(req).await?.json(PROVIDER)
    }

    pub(crate) fn issue(&self, w: &WireIssue) -> Issue {
        w.to_issue(&self.info, &self.site(), &self.map)
    }

    /// A search, oldest first, page by page.
    pub(crate) async fn search(&self, q: &SearchQuery) -> Result<Vec<Issue>> {
        let limit = if q.limit == 0 { usize::MAX } else { q.limit };
        let text = query_text(&self.project, q);
        let since_ms = q.updated_since.map(|s| s.timestamp_millis());
        let mut out: Vec<Issue> = Vec::new();
        let mut skip = 0;
        loop {
            let mut url = self.api(&["issues"], ISSUE_FIELDS);
            url.query_pairs_mut()
                .append_pair("query", &text)
                .append_pair("$skip", &skip.to_string())
                .append_pair("$top", &self.page.to_string());
            let req = ApiRequest::new(Method::GET, url, "search issues")
                .what(format!("issues of project {}", self.project));
            let page: Vec<WireIssue> = self.http.send(req).await?.json(PROVIDER)?;
            let n = page.len();
            for w in &page {
                if since_ms.is_some_and(|s| w.updated < s) {
                    continue;
                }
                if !out.iter().any(|i| i.reference.key.id == w.id_readable) {
                    out.push(self.issue(w));
                }
            }
            skip += n;
            if n < self.page || out.len() >= limit {
                out.truncate(limit);
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_in_youtrack_syntax() {
        let q = SearchQuery {
            text: "orders \"drift\"".into(),
            labels: vec!["db".into(), "two words".into()],
            state: StateFilter::Open,
            updated_since: chrono::DateTime::from_timestamp(1_800_000_000, 0),
            limit: 0,
        };
        assert_eq!(
            query_text("DB", &q),
            "project: {DB} tag: {db} tag: {two words} #Unresolved updated: 2027-01-14T08:00:00 .. * \"orders  drift\" sort by: created asc"
        );
    }
}
