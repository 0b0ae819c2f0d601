//! An auto-issue's title and body: the rule's template over the event
//! after secrets are redacted and (unless the rule opts in) row data is
//! removed, cut to the tracker's limit, ending with the fingerprint marker.

use serde_json::Value;
use sr_templates::{RenderedIssue, strip_rows};

use crate::fingerprint::body_marker;
use crate::rules::Rule;
use crate::{AutoError, AutoIssues, DatabaseEvent};

impl AutoIssues {
    /// The issue's title and body: the rule's template over the event with
    /// secrets redacted and (unless the rule opts in) row data removed, cut
    /// to the tracker's limit, ending with the fingerprint marker. A
    /// template that fails still gives an issue (a plain one, with the
    /// reason as the second value): an alert must not be lost to a typo.
    pub(crate) fn render(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
        previous: Option<&str>,
        fp: &str,
    ) -> Result<(RenderedIssue, Option<String>), AutoError> {
        let mut value = serde_json::to_value(event).map_err(|e| AutoError::Encode {
            what: "the event",
            message: e.to_string(),
        })?;
        if !rule.include_rows
            && let Some(data) = value.get_mut("data")
        {
            strip_rows(data);
        }
        self.redactor.redact_value(&mut value);
        let (rendered, note) = match self.templates.render_issue(&rule.template, &value) {
            Ok(r) => (r, None),
            Err(e) => {
                tracing::warn!(rule = %rule.name, template = %rule.template, error = %e, "template failed; filing a plain issue");
                let data = serde_json::to_string_pretty(value.get("data").unwrap_or(&Value::Null))
                    .unwrap_or_default();
                let title = format!(
                    "{} on {}:{}",
                    event.event,
                    event.connection,
                    event.object.as_deref().unwrap_or("-")
                );
                let body = format!(
                    "The template `{}` could not render this event ({e}).\n\n```json\n{data}\n```\n",
                    rule.template
                );
                (
                    RenderedIssue {
                        title,
                        body,
                        truncated: false,
                    },
                    Some(e.to_string()),
                )
            }
        };
        let body_limit = self
            .links
            .trackers()
            .by_name(&rule.tracker)
            .map_or(sr_tracker::DEFAULT_BODY_LIMIT, |t| t.body_limit());
        let mut tail = String::new();
        if let Some(prev) = previous {
            tail.push_str(&format!(
                "\n\nThis alert was filed before as {prev}, closed more than {} hours ago.",
                rule.reopen_window_hours
            ));
        }
        tail.push_str("\n\n");
        tail.push_str(&body_marker(fp));
        let limit = body_limit.saturating_sub(tail.chars().count());
        let mut rendered = rendered.fit(limit);
        rendered.body = format!("{}{tail}", rendered.body.trim_end());
        Ok((rendered, note))
    }
}
