//! Auto-issues inside the engine: database and workbench events (drift,
//! health, migrations, …) go through the rules of
//! `CONFIG_DIR/auto_issue_rules.json`, are committed to the outbox, and
//! the outbox is sent. The CLI's `events emit`, the scheduler's database
//! jobs and the workbench's migrations all come through here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sr_auto::{AutoIssues, DatabaseEvent, KnownNames, OutboxWorker, Outcome, RuleSet, WorkReport};
use sr_secrets::Redactor;
use sr_templates::Templates;

use sr_notify::outbox::NotifyReport;

use crate::{Engine, EngineError, Notified};

/// What one event led to: each rule's outcome and what the outbox sent,
/// and what grouping decided for each channel alert and what was sent.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EventReport {
    pub outcomes: Vec<Outcome>,
    pub outbox: WorkReport,
    pub notifications: Vec<Notified>,
    pub notify: NotifyReport,
}

/// The names rules may refer to; reads channels.json (blocking).
fn known_names(
    trackers: Vec<String>,
    templates: Vec<String>,
    channels_file: &Path,
) -> Result<KnownNames, EngineError> {
    let channels = sr_config::load_channels(channels_file, &crate::channels())?;
    Ok(KnownNames {
        trackers,
        templates,
        channels: channels.channels.into_iter().map(|c| c.name).collect(),
    })
}

impl Engine {
    /// The issue templates: built-in ones with the user's overrides from
    /// `CONFIG_DIR/templates/`.
    pub async fn templates(&self) -> Result<Arc<Templates>, EngineError> {
        let dir = self.paths().templates_dir();
        let loaded = tokio::task::spawn_blocking(move || Templates::load(Some(&dir)))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))??;
        Ok(Arc::new(loaded))
    }

    /// The names rules may refer to: configured trackers, templates and
    /// channels (channels.json is read and checked on a blocking thread).
    pub async fn known_names(&self, templates: &Templates) -> Result<KnownNames, EngineError> {
        let trackers = self.tracker_entries().into_iter().map(|e| e.name).collect();
        let names = templates.names().into_iter().map(str::to_owned).collect();
        let channels_file = self.paths().channels_file();
        tokio::task::spawn_blocking(move || known_names(trackers, names, &channels_file))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))?
    }

    /// The rules of `file` (default `CONFIG_DIR/auto_issue_rules.json`);
    /// no file means no rules.
    pub async fn rules(
        &self,
        file: Option<&Path>,
        templates: &Templates,
    ) -> Result<RuleSet, EngineError> {
        let path: PathBuf = file.map_or_else(|| self.paths().rules_file(), Path::to_path_buf);
        if file.is_none() && !path.exists() {
            return Ok(RuleSet {
                file: path,
                rules: Vec::new(),
                secret_patterns: Vec::new(),
            });
        }
        let known = self.known_names(templates).await?;
        Ok(
            tokio::task::spawn_blocking(move || sr_auto::load_rules(&path, &known))
                .await
                .map_err(|e| EngineError::Background(e.to_string()))??,
        )
    }

    /// The rules pipeline over this engine's links, with `rules`.
    pub fn auto_issues(
        &self,
        rules: RuleSet,
        templates: Arc<Templates>,
    ) -> Result<AutoIssues, EngineError> {
        // The built-in patterns always apply; the rules file may add more.
        let redactor = Redactor::new(&rules.secret_patterns)?;
        Ok(AutoIssues::new(
            self.links().clone(),
            rules,
            templates,
            redactor,
        ))
    }

    /// The last event of `kind` this engine ran through the rules.
    pub fn last_event(&self, kind: sr_model::EventKind) -> Option<DatabaseEvent> {
        self.last_events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&kind)
            .cloned()
    }

    /// The worker that sends committed outbox rows.
    pub fn outbox_worker(&self) -> OutboxWorker {
        OutboxWorker::new(self.links().clone(), self.actor())
    }

    /// Commits what the rules ask for `event` to the outbox without
    /// sending it; `rules_file` overrides the configured rules. The
    /// channel alerts are committed too ([`Engine::commit_event`]).
    pub async fn enqueue_event(
        &self,
        event: &DatabaseEvent,
        rules_file: Option<&Path>,
    ) -> Result<Vec<Outcome>, EngineError> {
        Ok(self.commit_event(event, rules_file).await?.0)
    }

    /// Commits what `event` asks for: the issues its rules file (the
    /// auto-issue outbox), the alerts they send to channels, and the
    /// resolves of the alerts it clears (the notification outbox).
    pub async fn commit_event(
        &self,
        event: &DatabaseEvent,
        rules_file: Option<&Path>,
    ) -> Result<(Vec<Outcome>, Vec<Notified>), EngineError> {
        let now = chrono::Utc::now();
        // Recorded for the traceability report whether or not a rule
        // files the event.
        self.record_schema_change(event).await?;
        // Before the rules are read: what was triggered is resolved even
        // when the rules changed or broke since.
        let mut notified = self.clear_alerts_of(event, now).await?;
        let templates = self.templates().await?;
        let mut rules = self.rules(rules_file, &templates).await?;
        self.gate_starter_rules(&mut rules, event).await?;
        if rules.rules.is_empty() {
            return Ok((Vec::new(), notified));
        }
        let object = self.event_object(event).await;
        let auto = self.auto_issues(rules, templates)?;
        let outcomes = auto.handle(event, object.as_ref()).await?;
        let alerts = auto.alerts(event)?;
        if !alerts.is_empty() {
            notified.extend(self.observe_alerts(event, &alerts, now).await?);
        }
        Ok((outcomes, notified))
    }

    /// [`Engine::commit_event`], then sends both outboxes; the notice
    /// [`crate::Event::AutoIssues`] tells the UI.
    pub async fn emit_event(&self, event: &DatabaseEvent) -> Result<EventReport, EngineError> {
        self.last_events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(event.event, event.clone());
        let (outcomes, notifications) = self.commit_event(event, None).await?;
        let outbox = if outcomes.iter().any(|o| !o.intents.is_empty()) {
            self.outbox_worker().run_until_idle().await?
        } else {
            WorkReport::default()
        };
        let notify = if notifications.iter().any(|n| n.decision.ends_with("queued")) {
            self.send_notifications().await?
        } else {
            NotifyReport::default()
        };
        let report = EventReport {
            outcomes,
            outbox,
            notifications,
            notify,
        };
        self.notify(crate::Event::AutoIssues {
            event: event.event.as_str().to_owned(),
            connection: event.connection.clone(),
            report: report.clone(),
            source: Box::new(event.clone()),
        });
        Ok(report)
    }
}
