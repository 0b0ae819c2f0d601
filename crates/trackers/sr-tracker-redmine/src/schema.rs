//! What the server says about itself, read once per tracker: the project
//! (its trackers and issue custom fields), the statuses with their
//! `is_closed` flag, the priorities, the key's user and the text
//! formatting. Transitions, levels and types map onto these by name, so a
//! Redmine with renamed or extra statuses works once the names are set.

use sr_tracker::ApiRequest;
use std::sync::Arc;

use sr_model::{IssueState, Priority};
use sr_tracker::reqwest::Method;
use sr_tracker::{Result, TrackerError};

use crate::config::TextFormatting;
use crate::wire::{
    CustomFields, IssuePage, Named, Priorities, ProjectEnvelope, Statuses, Trackers, UserEnvelope,
    WirePriority, WireProject, WireStatus, WireTracker, WireUser,
};
use crate::{PROVIDER, RedmineTracker};

/// A word no text contains by chance, rendered by the server's formatter.
const PROBE: &str = "srprobe";

#[derive(Debug)]
pub(crate) struct Schema {
    pub project: WireProject,
    pub statuses: Vec<WireStatus>,
    /// The project's trackers, with their default status.
    pub trackers: Vec<WireTracker>,
    pub priorities: Vec<WirePriority>,
    /// The custom field holding labels, when the project has it.
    pub labels_field: Option<u64>,
    pub user: WireUser,
    pub formatting: TextFormatting,
    /// False when the formatting was assumed (previews need a login).
    pub formatting_detected: bool,
}

fn invalid(message: String) -> TrackerError {
    TrackerError::invalid(PROVIDER, message)
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Schema {
    pub fn state_of(&self, status_id: u64, in_progress: &str) -> IssueState {
        match self.statuses.iter().find(|s| s.id == status_id) {
            Some(s) if s.is_closed => IssueState::Done,
            Some(s) if same(&s.name, in_progress) => IssueState::InProgress,
            _ => IssueState::Open,
        }
    }

    fn names(list: impl Iterator<Item = String>) -> String {
        list.collect::<Vec<_>>().join(", ")
    }

    /// The status an issue of tracker `tracker_id` moves to for `state`.
    pub fn status_for(
        &self,
        state: IssueState,
        tracker_id: u64,
        in_progress: &str,
        done: &str,
    ) -> Result<u64> {
        let open = || self.statuses.iter().filter(|s| !s.is_closed);
        let closed = || self.statuses.iter().filter(|s| s.is_closed);
        let found = match state {
            IssueState::Done => closed()
                .find(|s| same(&s.name, done))
                .or_else(|| closed().next()),
            IssueState::InProgress => open().find(|s| same(&s.name, in_progress)),
            IssueState::Open => self
                .trackers
                .iter()
                .find(|t| t.id == tracker_id)
                .and_then(|t| t.default_status.as_ref())
                .and_then(|d| open().find(|s| s.id == d.id))
                .or_else(|| open().find(|s| !same(&s.name, in_progress)))
                .or_else(|| open().next()),
        };
        found.map(|s| s.id).ok_or_else(|| {
            invalid(format!(
                "status: Redmine has no {} status for {state:?} (open: {}; closed: {}); set config.{} to one of them",
                if state == IssueState::Done { "closed" } else { "open" },
                Self::names(open().map(|s| s.name.clone())),
                Self::names(closed().map(|s| s.name.clone())),
                if state == IssueState::Done { "done_status" } else { "in_progress_status" },
            ))
        })
    }

    pub fn priority_id(&self, p: Priority, names: &[(Priority, String)]) -> Result<u64> {
        let Some(name) = names.iter().find(|(level, _)| *level == p).map(|(_, n)| n) else {
            return Err(invalid(format!(
                "priority: {p:?} has no Redmine priority (config.priorities gives its default name to another level); set config.priorities.{p:?}"
            )));
        };
        self.priorities
            .iter()
            .find(|x| x.active && same(&x.name, name))
            .map(|x| x.id)
            .ok_or_else(|| {
                invalid(format!(
                    "priority: Redmine has no priority `{name}` for {p:?} (it has {}); set config.priorities.{p:?}",
                    Self::names(self.priorities.iter().map(|x| x.name.clone()))
                ))
            })
    }

    pub fn priority_of(&self, name: &str, names: &[(Priority, String)]) -> Option<Priority> {
        names
            .iter()
            .find(|(_, n)| same(n, name))
            .map(|(level, _)| *level)
    }

    /// The tracker for an issue type: configured, else the one of the
    /// same name; no type takes the project's first tracker.
    pub fn tracker_for(
        &self,
        issue_type: Option<&str>,
        configured: &std::collections::BTreeMap<String, String>,
    ) -> Result<u64> {
        let Some(t) = issue_type.filter(|t| !t.trim().is_empty()) else {
            return self.trackers.first().map(|t| t.id).ok_or_else(|| {
                invalid(format!(
                    "the project {} has no tracker enabled; enable one in its settings (Issue tracking)",
                    self.project.identifier
                ))
            });
        };
        let name = configured
            .iter()
            .find(|(k, _)| same(k, t))
            .map_or(t, |(_, v)| v.as_str());
        self.trackers
            .iter()
            .find(|x| same(&x.name, name))
            .map(|x| x.id)
            .ok_or_else(|| {
                invalid(format!(
                    "type: the project has no tracker `{name}` (it has {}); set config.type_trackers.{t}",
                    Self::names(self.trackers.iter().map(|x| x.name.clone()))
                ))
            })
    }
}

impl RedmineTracker {
    /// The schema, read on first use and kept.
    pub(crate) async fn schema(&self) -> Result<Arc<Schema>> {
        let mut slot = self.schema.lock().await;
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let s = Arc::new(self.load_schema().await?);
        *slot = Some(s.clone());
        Ok(s)
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        segments: &[&str],
        query: &[(&str, &str)],
        what: String,
    ) -> Result<T> {
        let mut url = self.url(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let req = ApiRequest::new(Method::GET, url, "read").what(what);
        self.send(req).await?.json(PROVIDER)
    }

    pub(crate) async fn current_user(&self, attempts: Option<u32>) -> Result<WireUser> {
        let mut req = ApiRequest::new(
            Method::GET,
            self.url(&["users", "current.json"]),
            "read the key's user",
        )
        .what("the key's user");
        if let Some(n) = attempts {
            req = req.attempts(n);
        }
        let u: UserEnvelope = self.send(req).await?.json(PROVIDER)?;
        Ok(u.user)
    }

    pub(crate) async fn project_info(&self) -> Result<WireProject> {
        let p: ProjectEnvelope = self
            .get(
                &["projects", &format!("{}.json", self.project)],
                &[("include", "trackers,issue_custom_fields")],
                self.project_what(),
            )
            .await?;
        Ok(p.project)
    }

    async fn load_schema(&self) -> Result<Schema> {
        let user = self.current_user(None).await?;
        let project = self.project_info().await?;
        let statuses: Statuses = self
            .get(&["issue_statuses.json"], &[], "issue statuses".into())
            .await?;
        let all: Trackers = self.get(&["trackers.json"], &[], "trackers".into()).await?;
        let priorities: Priorities = self
            .get(
                &["enumerations", "issue_priorities.json"],
                &[],
                "issue priorities".into(),
            )
            .await?;
        // The project's trackers, in its order, with the default status
        // only the global list carries.
        let trackers = project
            .trackers
            .iter()
            .map(|t| {
                all.trackers
                    .iter()
                    .find(|g| g.id == t.id)
                    .cloned()
                    .unwrap_or_else(|| WireTracker {
                        id: t.id,
                        name: t.name.clone(),
                        default_status: None,
                    })
            })
            .collect();
        let labels_field = self.find_labels_field(&project).await?;
        let (formatting, formatting_detected) = match self.config.text_formatting {
            Some(f) => (f, true),
            None => match self.detect_formatting().await {
                Some(f) => (f, true),
                // Redmine's default, said in the connection test.
                None => (TextFormatting::Textile, false),
            },
        };
        Ok(Schema {
            project,
            statuses: statuses.issue_statuses,
            trackers,
            priorities: priorities.issue_priorities,
            labels_field,
            user,
            formatting,
            formatting_detected,
        })
    }

    /// The labels custom field's id. A project lists only the fields
    /// enabled on it one by one, not those "for all projects"; those are
    /// in the list of custom fields (administrators only) and on every
    /// issue of the project.
    async fn find_labels_field(&self, project: &WireProject) -> Result<Option<u64>> {
        let field = self.config.labels_field();
        let named = |list: &[Named]| list.iter().find(|f| same(&f.name, field)).map(|f| f.id);
        if let Some(id) = named(&project.issue_custom_fields) {
            return Ok(Some(id));
        }
        let req = ApiRequest::new(
            Method::GET,
            self.url(&["custom_fields.json"]),
            "list custom fields",
        )
        .what("custom fields");
        if let Ok(resp) = self.send(req).await
            && let Ok(list) = resp.json::<CustomFields>(PROVIDER)
        {
            let issue_fields: Vec<Named> = list
                .custom_fields
                .into_iter()
                .filter(|f| f.customized_type == "issue")
                .map(|f| Named {
                    id: f.id,
                    name: f.name,
                })
                .collect();
            if let Some(id) = named(&issue_fields) {
                return Ok(Some(id));
            }
        }
        let page: IssuePage = self
            .get(
                &["issues.json"],
                &[
                    ("project_id", &project.id.to_string()),
                    ("status_id", "*"),
                    ("limit", "1"),
                ],
                format!("issues of {}", self.project_what()),
            )
            .await?;
        Ok(page.issues.first().and_then(|i| {
            i.custom_fields
                .iter()
                .find(|c| same(&c.name, field))
                .map(|c| c.id)
        }))
    }

    /// Asks the server to render a probe through its text preview, which
    /// uses the configured formatter: Textile makes `*w*` strong, Markdown
    /// makes it emphasis, no formatting leaves it. `None` when the preview
    /// is closed (the server requires a login for it).
    async fn detect_formatting(&self) -> Option<TextFormatting> {
        let mut url = self.url(&["preview", "text"]);
        url.query_pairs_mut()
            .append_pair("text", &format!("*{PROBE}*"));
        let req = ApiRequest::new(Method::GET, url, "detect the text formatting")
            .what("the text preview")
            // The preview is a page, not an API answer: asked for JSON,
            // Rails finds no template.
            .header("accept", "text/html")
            .attempts(2);
        let html = self.send(req).await.ok()?.body;
        detect(&String::from_utf8_lossy(&html))
    }
}

/// The formatting a rendered probe shows.
pub(crate) fn detect(html: &str) -> Option<TextFormatting> {
    if html.contains(&format!("<strong>{PROBE}</strong>")) {
        Some(TextFormatting::Textile)
    } else if html.contains(&format!("<em>{PROBE}</em>")) {
        Some(TextFormatting::Markdown)
    } else if html.contains(&format!("*{PROBE}*")) && !html.contains("<form") {
        Some(TextFormatting::None)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_probes_tell_the_formatting() {
        assert_eq!(
            detect("<p><strong>srprobe</strong></p>"),
            Some(TextFormatting::Textile)
        );
        assert_eq!(
            detect("<div class=\"wiki\"><p><em>srprobe</em></p></div>"),
            Some(TextFormatting::Markdown)
        );
        assert_eq!(detect("<p>*srprobe*</p>"), Some(TextFormatting::None));
        // A login page instead of a preview.
        assert_eq!(
            detect("<form action=\"/login\"><input name=\"username\"></form>"),
            None
        );
    }
}
