//! The requests the trait methods are made of: reading an issue, the
//! fields of an edit, transitions by status category, createmeta and
//! priorities, and Jira's `startAt` pages.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use sr_model::{Issue, IssueState, IssueUpdate};
use sr_tracker::ApiRequest;
use sr_tracker::reqwest::Method;
use sr_tracker::{Result, TrackerError};

use crate::config::category_of_state;
use crate::wire::{FIELDS, Transition, WireIssue};
use crate::{JiraTracker, PROVIDER};

/// Page size for searches and lists (Jira caps most at 100).
pub(crate) const PAGE: usize = 100;

pub(crate) fn invalid(message: String) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

#[derive(Deserialize)]
pub(crate) struct Created {
    pub(crate) key: String,
}

#[derive(Deserialize)]
pub(crate) struct SearchPage {
    #[serde(default)]
    pub(crate) issues: Vec<WireIssue>,
    #[serde(default, rename = "nextPageToken")]
    pub(crate) next_page_token: Option<String>,
    #[serde(default, rename = "isLast")]
    pub(crate) is_last: Option<bool>,
}

#[derive(Deserialize)]
struct Transitions {
    #[serde(default)]
    transitions: Vec<Transition>,
}

/// The `startAt` pages Jira uses for comments, projects and labels.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned"))]
struct OffsetPage<T> {
    #[serde(default = "Vec::new", alias = "comments", alias = "issueTypes")]
    values: Vec<T>,
    #[serde(default, rename = "isLast")]
    is_last: Option<bool>,
    #[serde(default)]
    total: Option<usize>,
}

#[derive(Deserialize)]
pub(crate) struct WireAttachment {
    pub(crate) id: String,
    pub(crate) filename: String,
    #[serde(default)]
    pub(crate) size: u64,
    #[serde(default)]
    pub(crate) content: Option<String>,
}

impl JiraTracker {
    /// The description field: ADF (text on Data Center), or `null` for an
    /// empty body (an empty `doc` would read back the same, but Jira shows
    /// "Add a description…" only for `null`).
    pub(crate) fn description(&self, markdown: &str) -> Value {
        if markdown.trim().is_empty() {
            Value::Null
        } else {
            self.body_value(markdown)
        }
    }

    pub(crate) fn fields_query(&self) -> String {
        FIELDS.join(",")
    }

    pub(crate) async fn read_issue(&self, key: &str) -> Result<Issue> {
        let mut url = self.api(&["issue", key]);
        url.query_pairs_mut()
            .append_pair("fields", &self.fields_query());
        let req = ApiRequest::new(Method::GET, url, "read issue").what(Self::issue_what(key));
        let wire: WireIssue = self.http.send(req).await?.json(PROVIDER)?;
        Ok(wire.to_issue(&self.info, &self.site, &self.map))
    }

    /// The fields of an edit, or of a create (which adds project and type).
    pub(crate) fn edit_fields(&self, update: &IssueUpdate) -> Map<String, Value> {
        let mut f = Map::new();
        if let Some(t) = &update.title {
            f.insert("summary".into(), json!(t.trim()));
        }
        if let Some(b) = &update.body {
            f.insert("description".into(), self.description(b));
        }
        if let Some(p) = update.priority {
            f.insert(
                "priority".into(),
                json!({"name": self.map.priority_name(p)}),
            );
        }
        if let Some(l) = &update.labels {
            f.insert("labels".into(), json!(labels(l)));
        }
        match &update.assignee {
            Some(Some(a)) => {
                f.insert("assignee".into(), self.user_ref(a));
            }
            Some(None) => {
                f.insert("assignee".into(), Value::Null);
            }
            None => {}
        }
        f
    }

    /// Moves the issue to a status of `state`'s category through one of
    /// its transitions.
    pub(crate) async fn transition(
        &self,
        key: &str,
        state: IssueState,
        resolution: Option<&str>,
    ) -> Result<()> {
        let what = Self::issue_what(key);
        let mut url = self.api(&["issue", key, "transitions"]);
        // The screen's fields say which resolutions a close may set.
        url.query_pairs_mut()
            .append_pair("expand", "transitions.fields");
        let req = ApiRequest::new(Method::GET, url, "list transitions").what(what.clone());
        let list: Transitions = self.http.send(req).await?.json(PROVIDER)?;
        let category = category_of_state(state);
        let in_category = |t: &&Transition| {
            t.to.as_ref()
                .and_then(|s| s.category.as_ref())
                .is_some_and(|c| c.key == category)
        };
        let preferred = (state == IssueState::InProgress)
            .then_some(self.map.in_progress_status.as_deref())
            .flatten();
        let chosen = list
            .transitions
            .iter()
            .filter(in_category)
            .find(|t| {
                preferred.is_none_or(|p| {
                    t.to.as_ref()
                        .is_some_and(|s| s.name.eq_ignore_ascii_case(p))
                })
            })
            .or_else(|| list.transitions.iter().find(in_category));
        let Some(t) = chosen else {
            let offered: Vec<String> = list
                .transitions
                .iter()
                .map(|t| {
                    format!(
                        "{} → {}",
                        t.name,
                        t.to.as_ref().map(|s| s.name.as_str()).unwrap_or("?")
                    )
                })
                .collect();
            return Err(invalid(format!(
                "the workflow offers {key} no transition to a status in category `{category}` (offered: {}); add one to the workflow or change the status in Jira",
                if offered.is_empty() {
                    "none".to_owned()
                } else {
                    offered.join(", ")
                }
            )));
        };
        let req = ApiRequest::new(
            Method::POST,
            self.api(&["issue", key, "transitions"]),
            "transition issue",
        )
        .what(what)
        .json(match resolution.and_then(|r| pick_resolution(t, r)) {
            Some(name) => {
                json!({"transition": {"id": t.id}, "fields": {"resolution": {"name": name}}})
            }
            None => json!({"transition": {"id": t.id}}),
        });
        // Not resent blindly: a second POST of the same transition would
        // fail once the first took effect. When the outcome is unknown,
        // the issue's status says whether it did.
        match self.http.send(req).await {
            Ok(_) => Ok(()),
            Err(e @ TrackerError::UnknownOutcome { .. }) => match self.read_issue(key).await {
                Ok(i) if i.reference.status.state == state => Ok(()),
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// The issue types that can be created in the project (createmeta).
    pub async fn issue_types(&self) -> Result<Vec<String>> {
        let key = self.project_key.clone();
        let list: Vec<crate::wire::Named> = self
            .offset_pages(
                &["issue", "createmeta", &key, "issuetypes"],
                &[],
                &format!("issue types of project {key}"),
            )
            .await?;
        Ok(list.into_iter().map(|t| t.name).collect())
    }

    /// The site's priority names.
    pub async fn priorities(&self) -> Result<Vec<String>> {
        if self.v2 {
            return self.priorities_v2().await;
        }
        let list: Vec<crate::wire::Named> = self
            .offset_pages(&["priority", "search"], &[], "priorities")
            .await?;
        Ok(list.into_iter().map(|p| p.name).collect())
    }

    pub(crate) async fn offset_pages<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
        extra: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        loop {
            let mut url = self.api(segments);
            url.query_pairs_mut()
                .append_pair("startAt", &out.len().to_string())
                .append_pair("maxResults", &PAGE.to_string())
                .extend_pairs(extra);
            let req = ApiRequest::new(Method::GET, url, what).what(what.to_owned());
            let page: OffsetPage<T> = self.http.send(req).await?.json(PROVIDER)?;
            let n = page.values.len();
            out.extend(page.values);
            let done = n == 0
                || page.is_last == Some(true)
                || page.total.is_some_and(|t| out.len() >= t)
                || (page.is_last.is_none() && page.total.is_none() && n < PAGE);
            if done {
                return Ok(out);
            }
        }
    }
}

/// Jira labels cannot hold spaces; they become `-` (as Jira's UI does).
pub(crate) fn labels(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in list {
        let l = l.trim().replace(char::is_whitespace, "-");
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// The resolution a close sets, when the transition's screen offers one
/// for `wanted`: the product's words (`completed`, `not_planned`,
/// `duplicate`) map to Jira's usual names; anything else is matched by
/// name. `None` leaves the resolution to the workflow.
pub(crate) fn pick_resolution(t: &Transition, wanted: &str) -> Option<String> {
    let allowed: Vec<&str> = t
        .fields
        .as_ref()?
        .get("resolution")?
        .get("allowedValues")?
        .as_array()?
        .iter()
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .collect();
    let w = wanted
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-', '\''], "_");
    let candidates: Vec<&str> = match w.as_str() {
        "completed" | "done" | "fixed" | "resolved" => vec!["Done", "Fixed"],
        "not_planned" | "wont_do" | "won_t_do" | "wontfix" | "won_t_fix" => {
            vec!["Won't Do", "Won't Fix"]
        }
        "duplicate" => vec!["Duplicate"],
        _ => vec![wanted.trim()],
    };
    candidates
        .iter()
        .find_map(|c| allowed.iter().find(|a| a.eq_ignore_ascii_case(c)))
        .map(|a| (*a).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(allowed: Option<&[&str]>, wanted: &str, expected: Option<&str>) {
        let fields = allowed.map(|a| {
            let values: Vec<Value> = a.iter().map(|n| json!({"name": n})).collect();
            json!({"resolution": {"allowedValues": values}})
                .as_object()
                .cloned()
                .unwrap_or_default()
        });
        let t = Transition {
            id: "31".into(),
            name: "Done".into(),
            to: None,
            fields,
        };
        assert_eq!(pick_resolution(&t, wanted).as_deref(), expected, "{wanted}");
    }

    #[test]
    fn resolutions() {
        let jira: &[&str] = &["Done", "Won't Do", "Duplicate", "Cannot Reproduce"];
        check(Some(jira), "completed", Some("Done"));
        check(Some(jira), "not_planned", Some("Won't Do"));
        check(Some(jira), "Won't Do", Some("Won't Do"));
        check(Some(jira), "duplicate", Some("Duplicate"));
        check(Some(jira), "cannot reproduce", Some("Cannot Reproduce"));
        check(Some(jira), "obsolete", None);
        check(Some(&["Fixed", "Won't Fix"]), "completed", Some("Fixed"));
        check(
            Some(&["Fixed", "Won't Fix"]),
            "not_planned",
            Some("Won't Fix"),
        );
        check(None, "completed", None);
    }
}
