//! Two ways an event ends other than a new issue or a comment on its own:
//! a create over the rule's hourly limit folds into one summary comment on
//! the rule's newest issue, and a resolution event (`drift.resolved`,
//! `health.recovered`) comments on, and may close, the issues of the
//! alerts it clears.

use sr_model::{EventKind, Timestamp};
use sr_store::{NewIntent, Occurrence, OutboxAction};

use crate::decide::Known;
use crate::fingerprint::label;
use crate::pipeline::Outcome;
use crate::rules::Rule;
use crate::{AutoError, AutoIssues, DatabaseEvent, comment};

impl AutoIssues {
    /// A create over the rule's hourly limit becomes a line in one summary
    /// comment on the rule's newest issue.
    pub(crate) async fn fold(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
        fp: &str,
        since: Timestamp,
        mut outcome: Outcome,
    ) -> Result<Outcome, AutoError> {
        let store = self.links.store();
        outcome.action = "folded".into();
        let target = format!(
            "{}:{}",
            event.connection,
            event.object.as_deref().unwrap_or("-")
        );
        let line =
            comment::summary_line(event.occurred_at, &target, event.event.as_str(), &label(fp));
        if let Some(pending) = store.pending_auto_issue_summary(&rule.name, since).await?
            && store
                .rewrite_pending_intent(
                    pending.id,
                    &comment::add_summary_line(&pending.intent.body, &line),
                )
                .await?
        {
            outcome.intents = vec![pending.id];
            return Ok(outcome);
        }
        let Some(last) = store.last_auto_issue_creation(&rule.name, since).await? else {
            outcome.note =
                Some("over the hourly limit, and no issue of this rule to fold it into".into());
            return Ok(outcome);
        };
        let token = comment::token(fp, "summary", chrono::Utc::now());
        let intent = NewIntent {
            purpose: "summary".into(),
            action: OutboxAction::Comment,
            title: String::new(),
            body: comment::summary(&rule.name, rule.max_per_hour, &line, &token),
            labels: Vec::new(),
            priority: None,
            assignee: None,
            object: None,
            issue_key: None,
            ..last.intent
        };
        outcome.intents = store
            .enqueue_auto_issue(&Occurrence::None, &[intent])
            .await?
            .unwrap_or_default();
        Ok(outcome)
    }

    /// A resolution comments on (and, when the rule says so, closes) the
    /// issues of the alerts it clears on the same object.
    pub(crate) async fn resolve(
        &self,
        rule: &Rule,
        event: &DatabaseEvent,
        cleared: EventKind,
    ) -> Result<Outcome, AutoError> {
        let store = self.links.store();
        let states = store
            .auto_issues_for(&event.connection, event.object.as_deref(), cleared.as_str())
            .await?;
        let mut outcome = Outcome::new(rule, "nothing_to_resolve");
        let now = chrono::Utc::now();
        let mut intents = Vec::new();
        for s in &states {
            let key = match self.known(Some(s)).await {
                Known::Issue { status, .. } if !status.state.is_open() => continue,
                Known::Nothing => continue,
                Known::Issue { key, .. } => Some(key),
                Known::Pending => None,
            };
            let token = comment::token(&s.fingerprint, "resolution", now);
            let intent = |action: OutboxAction, body: String| NewIntent {
                rule: rule.name.clone(),
                fingerprint: s.fingerprint.clone(),
                tracker: s.tracker.clone(),
                action,
                purpose: "resolution".into(),
                title: String::new(),
                body,
                labels: Vec::new(),
                priority: None,
                assignee: None,
                object: None,
                issue_key: key.clone(),
            };
            let body = comment::resolution(
                event.event.as_str(),
                event.occurred_at,
                rule.close_on_resolve,
                &token,
            );
            intents.push(intent(OutboxAction::Comment, body));
            if rule.close_on_resolve {
                intents.push(intent(OutboxAction::Close, String::new()));
            }
            outcome
                .fingerprint
                .get_or_insert_with(|| s.fingerprint.clone());
        }
        if !intents.is_empty() {
            outcome.action = "resolve".into();
            outcome.intents = store
                .enqueue_auto_issue(&Occurrence::None, &intents)
                .await?
                .unwrap_or_default();
        }
        Ok(outcome)
    }
}
