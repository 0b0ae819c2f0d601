//! The template editor: the user's override of one issue template, checked
//! and rendered against the template's sample event as it is typed.
//!
//! Checking is [`Templates::check_text`]: one small template rendered in
//! memory, pure and well under a millisecond, so it runs in the frame that
//! changed the text. Reading, writing and deleting the override file are
//! engine commands ([`sr_engine::SettingsCommand::LoadTemplate`], [`sr_engine::SettingsCommand::SaveTemplate`],
//! [`sr_engine::SettingsCommand::ResetTemplate`]), answered by `sr_engine::SettingsEvent::Template`.

use sr_engine::Command;
use sr_templates::{RenderedIssue, TemplateError, Templates};

use super::{JobKind, Tab, ToastLevel, UiState};
use sr_engine::SettingsCommand;

/// What is wrong with the text being edited, for the inline error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// 1-based line and column, when the error has a place.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The variable the sample lacks, for a missing variable.
    pub variable: Option<String>,
    /// The whole message, naming the fix.
    pub message: String,
}

impl TemplateProblem {
    fn from_error(e: &TemplateError) -> TemplateProblem {
        match e {
            TemplateError::TemplateVariable {
                line,
                column,
                variable,
                ..
            } => TemplateProblem {
                line: Some(*line),
                column: Some(*column),
                variable: Some(variable.clone()),
                message: e.to_string(),
            },
            _ => TemplateProblem {
                line: None,
                column: None,
                variable: None,
                message: e.to_string(),
            },
        }
    }

    /// One line for the editor: "Line 3, column 5: `drift.nope` is not in the sample".
    pub fn headline(&self) -> String {
        match (&self.variable, self.line) {
            (Some(v), Some(line)) => format!(
                "Line {line}, column {}: `{v}` is not in the sample event",
                self.column.unwrap_or(0)
            ),
            _ => self.message.clone(),
        }
    }
}

/// What the engine was last asked to do with the selected template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateOp {
    Load,
    Save,
    Reset,
}

/// The template editor's state (one tab, one template at a time).
#[derive(Debug, Clone, Default)]
pub struct TemplateEditor {
    /// The template being edited.
    pub selected: Option<String>,
    /// The text as edited.
    pub text: String,
    /// The text as the engine last gave it (loaded, saved or reset); the
    /// editor is dirty when `text` differs.
    pub stored: Option<String>,
    /// Whether the stored text is the user's override.
    pub overridden: bool,
    /// The check of `text`: the issue it renders for the sample, or why not.
    pub check: Option<Result<RenderedIssue, TemplateProblem>>,
    /// The preview of the last text that checked, shown while the text
    /// has an error.
    pub last_good: Option<RenderedIssue>,
    /// The last engine failure (a file that could not be read or written).
    pub error: Option<String>,
    /// What the engine is doing for the selected template.
    pub pending: Option<TemplateOp>,
}

impl TemplateEditor {
    /// Re-checks `text` against the selected template's sample.
    pub fn recheck(&mut self) {
        self.check = self.selected.as_deref().map(|name| {
            Templates::check_text(name, &self.text, "the editor")
                .map_err(|e| TemplateProblem::from_error(&e))
        });
        if let Some(Ok(issue)) = &self.check {
            self.last_good = Some(issue.clone());
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.stored.as_deref().is_some_and(|s| s != self.text)
    }

    /// Whether the text may be saved: loaded, checked and valid.
    pub fn can_save(&self) -> bool {
        self.stored.is_some() && matches!(self.check, Some(Ok(_)))
    }

    /// The problem with the text, if any.
    pub fn problem(&self) -> Option<&TemplateProblem> {
        self.check.as_ref().and_then(|c| c.as_ref().err())
    }
}

impl UiState {
    /// Opens (or shows) the template editor tab.
    pub fn open_template_editor(&mut self) {
        self.open_tab(Tab::Templates);
    }

    /// Starts editing template `name`: its text comes from the engine.
    pub fn choose_template(&mut self, name: &str) {
        let editor = &mut self.templates;
        if editor.selected.as_deref() == Some(name) && editor.stored.is_some() {
            return;
        }
        *editor = TemplateEditor {
            selected: Some(name.to_owned()),
            pending: Some(TemplateOp::Load),
            ..TemplateEditor::default()
        };
        self.send(Command::Settings(SettingsCommand::LoadTemplate {
            name: name.into(),
        }));
    }

    /// The text was edited: check it again.
    pub fn edit_template(&mut self, text: &str) {
        self.templates.text = text.to_owned();
        self.templates.recheck();
    }

    /// Saves the edited text as the user's override, when it is valid.
    pub fn save_template(&mut self) {
        if !self.templates.can_save() {
            return;
        }
        if let Some(name) = self.templates.selected.clone() {
            let text = self.templates.text.clone();
            self.templates.pending = Some(TemplateOp::Save);
            self.send(Command::Settings(SettingsCommand::SaveTemplate {
                name,
                text,
            }));
        }
    }

    /// Deletes the user's override; the built-in text comes back.
    pub fn reset_template(&mut self) {
        if let Some(name) = self.templates.selected.clone() {
            self.templates.pending = Some(TemplateOp::Reset);
            self.send(Command::Settings(SettingsCommand::ResetTemplate { name }));
        }
    }

    /// Whether a load, save or reset of the selected template is in flight.
    pub fn template_busy(&self) -> bool {
        self.templates
            .selected
            .as_ref()
            .is_some_and(|n| self.jobs.is_running(&JobKind::Template(n.clone())))
    }

    /// The engine's answer: the template's text as it now stands.
    pub(super) fn template_loaded(&mut self, name: String, text: String, overridden: bool) {
        self.jobs.finish(&JobKind::Template(name.clone()));
        let editor = &mut self.templates;
        if editor.selected.as_deref() != Some(name.as_str()) {
            return;
        }
        let op = editor.pending.take();
        editor.stored = Some(text.clone());
        editor.text = text;
        editor.overridden = overridden;
        editor.error = None;
        editor.recheck();
        let toast = match op {
            Some(TemplateOp::Save) => Some(format!("Saved your {name} template")),
            Some(TemplateOp::Reset) => {
                Some(format!("The {name} template is the built-in one again"))
            }
            _ => None,
        };
        if let Some(text) = toast {
            self.toasts.push(ToastLevel::Success, text, None);
        }
    }

    /// A load, save or reset failed.
    pub(super) fn template_failed(&mut self, name: &str, message: &str) {
        if self.templates.selected.as_deref() == Some(name) {
            self.templates.pending = None;
            self.templates.error = Some(message.to_owned());
        }
    }
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
