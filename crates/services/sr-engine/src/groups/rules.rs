//! The rules domain: the auto-issue rules file as the rules window edits
//! it. Its commands, the events that answer them, and what the engine does
//! for each (the file work itself is `rules_file.rs`, shared with the
//! CLI).

use serde_json::Value;
use sr_auto::{DatabaseEvent, Preview};

use crate::{Engine, EngineError, Event};

/// Commands of one domain; see [`crate::Command::Rules`].
#[derive(Debug, Clone)]
pub enum RulesCommand {
    /// The rules file and the names rules may use; answered by
    /// [`RulesEvent::Loaded`].
    Load,
    /// Replaces the rules (the file's `auto_issue_rules` list) when they
    /// pass the checks of `rules check`; answered by [`RulesEvent::Saved`].
    Save { rules: Vec<Value> },
    /// One rule, as edited and unsaved, over the last event of its kind
    /// (or the example event when none happened yet); answered by
    /// [`RulesEvent::Tried`].
    Try { rule: Value },
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
    },
    Saved {
        rules: Vec<Value>,
    },
    Tried {
        /// `true` when the event is the last one of its kind; `false` for
        /// the example event.
        last: bool,
        event: DatabaseEvent,
        preview: Preview,
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
        }
    }
}

/// What the engine does for one of this domain's commands.
pub(crate) async fn run(engine: &Engine, cmd: RulesCommand) -> Result<Vec<Event>, EngineError> {
    Ok(match cmd {
        RulesCommand::Load => {
            let templates = engine.templates().await?;
            let known = engine.known_names(&templates).await?;
            vec![Event::Rules(RulesEvent::Loaded {
                file: engine.paths().rules_file().display().to_string(),
                rules: rules_of(engine.rules_document(None).await?),
                trackers: known.trackers,
                templates: known.templates,
            })]
        }
        RulesCommand::Save { rules } => {
            let mut doc = engine.rules_document(None).await?;
            doc["auto_issue_rules"] = Value::Array(rules);
            engine.save_rules_document(None, doc).await?;
            vec![Event::Rules(RulesEvent::Saved {
                rules: rules_of(engine.rules_document(None).await?),
            })]
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
