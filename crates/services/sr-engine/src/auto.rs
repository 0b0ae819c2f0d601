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

use crate::{Engine, EngineError};

/// What one event led to: each rule's outcome and what the outbox sent.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EventReport {
    pub outcomes: Vec<Outcome>,
    pub outbox: WorkReport,
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
    /// sending it; `rules_file` overrides the configured rules.
    pub async fn enqueue_event(
        &self,
        event: &DatabaseEvent,
        rules_file: Option<&Path>,
    ) -> Result<Vec<Outcome>, EngineError> {
        // Recorded for the traceability report whether or not a rule
        // files the event.
        self.record_schema_change(event).await?;
        let templates = self.templates().await?;
        let mut rules = self.rules(rules_file, &templates).await?;
        self.gate_starter_rules(&mut rules, event).await?;
        if rules.rules.is_empty() {
            return Ok(Vec::new());
        }
        let object = self.event_object(event).await;
        let auto = self.auto_issues(rules, templates)?;
        Ok(auto.handle(event, object.as_ref()).await?)
    }

    /// [`Engine::enqueue_event`], then sends the outbox; the notice
    /// [`crate::Event::AutoIssues`] tells the UI.
    pub async fn emit_event(&self, event: &DatabaseEvent) -> Result<EventReport, EngineError> {
        self.last_events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(event.event, event.clone());
        let outcomes = self.enqueue_event(event, None).await?;
        let outbox = if outcomes.iter().any(|o| !o.intents.is_empty()) {
            self.outbox_worker().run_until_idle().await?
        } else {
            WorkReport::default()
        };
        let report = EventReport { outcomes, outbox };
        self.notify(crate::Event::AutoIssues {
            event: event.event.as_str().to_owned(),
            connection: event.connection.clone(),
            report: report.clone(),
            source: Box::new(event.clone()),
        });
        Ok(report)
    }
}
