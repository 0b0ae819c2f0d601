//! The rules domain: the auto-issue rules file as the rules window edits
//! it. Its commands, the events that answer them, and what the engine does
//! for each (the file work itself is `rules_file.rs`, shared with the
//! CLI); and "File issue…" on an alert (`alert_issue.rs`), which files
//! the issue a rule would.

use serde_json::Value;
use sr_auto::{DatabaseEvent, HandIssue, Preview};

use crate::{Alert, AlertDraft, AlertFiled, Engine, EngineError, Event};

/// Commands of one domain; see [`crate::Command::Rules`].
#[derive(Debug, Clone)]
pub enum RulesCommand {
    /// The rules file and the names rules may use; answered by
    /// [`RulesEvent::Loaded`].
    Load,
    /// Replaces the rules (the file's `auto_issue_rules` list) when they
    /// pass the checks of `rules check` and, given `hash` (the one
    /// [`RulesEvent::Loaded`] or [`RulesEvent::Saved`] brought), when the
    /// file is still as it was read; answered by [`RulesEvent::Saved`],
    /// or a failure of kind `Conflict` when the file changed meanwhile.
    Save {
        rules: Vec<Value>,
        hash: Option<String>,
    },
    /// One rule, as edited and unsaved, over the last event of its kind
    /// (or the example event when none happened yet); answered by
    /// [`RulesEvent::Tried`].
    Try { rule: Value },
    /// "File issue…" on an alert: the issue the rules would file and what
    /// its fingerprint has; answered by [`RulesEvent::AlertDrafted`].
    DraftAlert { request: u64, alert: Alert },
    /// Files the alert `event` with the issue as the user edited it, unless
    /// its fingerprint has an open issue by now; answered by
    /// [`RulesEvent::AlertFiled`].
    FileAlert {
        request: u64,
        event: Box<DatabaseEvent>,
        issue: HandIssue,
    },
}

/// Events of one domain; see [`crate::Event::Rules`].
// A few a minute at most, moved once: as for the engine's other events.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum RulesEvent {
    Loaded {
        file: String,
        rules: Vec<Value>,
        trackers: Vec<String>,
        templates: Vec<String>,
        /// The file's content hash as read (`""`: no file).
        hash: String,
    },
    Saved {
        rules: Vec<Value>,
        hash: String,
    },
    Tried {
        /// `true` when the event is the last one of its kind; `false` for
        /// the example event.
        last: bool,
        event: DatabaseEvent,
        preview: Preview,
    },
    AlertDrafted {
        request: u64,
        draft: Box<AlertDraft>,
    },
    AlertFiled {
        request: u64,
        filed: AlertFiled,
    },
}

impl RulesCommand {
    /// The command in a user's words; see [`crate::Command::describe`].
    pub fn describe(&self) -> String {
        match self {
            RulesCommand::Load => "Load the auto-issue rules".into(),
            RulesCommand::Save { .. } => "Save the auto-issue rules".into(),
            RulesCommand::Try { rule } => format!(
                "Try the rule {} on the last event",
                rule.get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("(unnamed)")
            ),
            RulesCommand::DraftAlert { alert, .. } => {
                format!("Draft an issue for {}", alert.describe())
            }
            RulesCommand::FileAlert { event, .. } => format!(
                "File an issue for {} on {}",
                event.event.as_str(),
                event.connection
            ),
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: RulesCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        RulesCommand::Load => {
            let templates = engine.templates().await?;
            let known = engine.known_names(&templates).await?;
            let (doc, hash) = engine.rules_document_hashed(None).await?;
            vec![Event::Rules(RulesEvent::Loaded {
                file: engine.paths().rules_file().display().to_string(),
                rules: rules_of(doc),
                trackers: known.trackers,
                templates: known.templates,
                hash,
            })]
        }
        RulesCommand::Save { rules, hash } => {
            let mut doc = engine.rules_document(None).await?;
            doc["auto_issue_rules"] = Value::Array(rules.clone());
            let hash = engine.save_rules_document(None, doc, hash).await?;
            vec![Event::Rules(RulesEvent::Saved { rules, hash })]
        }
        RulesCommand::DraftAlert { request, alert } => {
            let draft = Box::new(engine.draft_alert(&alert).await?);
            vec![Event::Rules(RulesEvent::AlertDrafted { request, draft })]
        }
        RulesCommand::FileAlert {
            request,
            event,
            issue,
        } => {
            let filed = engine.file_alert(&event, &issue).await?;
            vec![Event::Rules(RulesEvent::AlertFiled { request, filed })]
        }
        RulesCommand::Try { rule } => {
            let (last, event, preview) = engine.try_rule(rule).await?;
            vec![Event::Rules(RulesEvent::Tried {
                last,
                event,
                preview,
            })]
        }
    })
}

fn rules_of(doc: Value) -> Vec<Value> {
    match doc.get("auto_issue_rules") {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    }
}
