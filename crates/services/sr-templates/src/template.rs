//! Issue templates: Handlebars, in strict mode so that a template naming a
//! variable the data does not have fails with the template's name, line
//! and variable instead of rendering a blank.
//!
//! The built-in templates live in the repository's `templates/` and are
//! compiled in; a file of the same name in the user's templates directory
//! (`CONFIG_DIR/templates/drift_detection.hbs`) replaces the built-in one.
//! Every template is rendered at load against its sample data (the
//! example event of `config/events/`, see [`crate::samples`]), so a
//! misspelt variable is reported when the templates load, not at 3 a.m.
//! when the first drift arrives. Strict mode catches variables that are
//! rendered; Handlebars treats a missing `{{#if}}` variable as false, so
//! conditions are looked up in the sample separately
//! ([`crate::conditions`]). Samples fill in every optional part, so that
//! every section is rendered and checked.

use std::path::{Path, PathBuf};

use handlebars::{Handlebars, RenderErrorReason};
use serde_json::Value;
use sr_model::ObjectRef;

use crate::conditions::missing_condition;
use crate::limits::{TITLE_LIMIT, truncate_body};
use crate::samples::{Sample, TEMPLATE_SAMPLES, event_context};
use crate::{ObjectContext, TemplateError, helpers};

/// The template an issue about a database object starts from.
pub const OBJECT_CONTEXT: &str = "object_context";

const BUILTIN: &[(&str, &str)] = &[
    (
        OBJECT_CONTEXT,
        include_str!("../../../../templates/object_context.hbs"),
    ),
    (
        "schema_change",
        include_str!("../../../../templates/schema_change.hbs"),
    ),
    (
        "performance_regression",
        include_str!("../../../../templates/performance_regression.hbs"),
    ),
    (
        "drift_detection",
        include_str!("../../../../templates/drift_detection.hbs"),
    ),
    (
        "health_check",
        include_str!("../../../../templates/health_check.hbs"),
    ),
    (
        "migration_approval",
        include_str!("../../../../templates/migration_approval.hbs"),
    ),
    (
        "migration_result",
        include_str!("../../../../templates/migration_result.hbs"),
    ),
    (
        "rollback_incident",
        include_str!("../../../../templates/rollback_incident.hbs"),
    ),
    (
        "test_failure",
        include_str!("../../../../templates/test_failure.hbs"),
    ),
    (
        "design_review",
        include_str!("../../../../templates/design_review.hbs"),
    ),
    ("adr", include_str!("../../../../templates/adr.hbs")),
    (
        "sticky_note",
        include_str!("../../../../templates/sticky_note.hbs"),
    ),
];

/// An issue rendered from a template: the first line is the title, the
/// rest the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedIssue {
    pub title: String,
    pub body: String,
    /// Whether the title or the body was cut to fit.
    pub truncated: bool,
}

impl RenderedIssue {
    /// The issue with its body cut to `limit_chars` (see
    /// `sr_tracker::IssueTracker::body_limit`), with a note when it was cut.
    pub fn fit(mut self, limit_chars: usize) -> RenderedIssue {
        let (body, cut) = truncate_body(&self.body, limit_chars);
        self.body = body;
        self.truncated |= cut;
        self
    }
}

/// The templates in force: built-in ones, each replaced by the user's file
/// of the same name when there is one.
#[derive(Debug)]
pub struct Templates {
    registry: Handlebars<'static>,
    /// Where each template came from, for error messages.
    sources: Vec<(String, String)>,
}

impl Templates {
    /// The built-in templates only.
    pub fn builtin() -> Result<Templates, TemplateError> {
        Templates::load(None)
    }

    /// The built-in templates with the user's overrides from `user_dir`
    /// (a missing directory or file means no override). Each is rendered
    /// against its sample; the first that names a variable its sample
    /// lacks is the error.
    pub fn load(user_dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut templates = Templates::empty();
        for (name, text) in BUILTIN {
            let user = user_dir.map(|d| d.join(format!("{name}.hbs")));
            match user.as_deref().map(read_optional).transpose()?.flatten() {
                Some(text) => {
                    let origin = user.unwrap_or_default().display().to_string();
                    templates.add(name, &text, origin)?;
                }
                None => templates.add(name, text, format!("built-in {name}.hbs"))?,
            }
        }
        for (name, sample) in TEMPLATE_SAMPLES {
            templates.check_sample(name, *sample)?;
        }
        Ok(templates)
    }

    /// No templates yet, with the strict registry and the helpers.
    fn empty() -> Templates {
        let mut templates = Templates {
            registry: Handlebars::new(),
            sources: Vec::new(),
        };
        templates.registry.set_strict_mode(true);
        // Markdown, not HTML: `<` and `&` in SQL stay as they are.
        templates.registry.register_escape_fn(handlebars::no_escape);
        helpers::register(&mut templates.registry);
        templates
    }

    /// Checks `text` as the template `name` the way [`Templates::load`]
    /// checks an override (syntax, then every variable and condition
    /// against the template's sample) and renders the issue it gives for
    /// that sample: the template editor's preview. Pure and fast (one
    /// small template, no file access). `origin` names the text in errors.
    pub fn check_text(
        name: &str,
        text: &str,
        origin: &str,
    ) -> Result<RenderedIssue, TemplateError> {
        let Some(sample) = TEMPLATE_SAMPLES.iter().find(|(n, _)| *n == name) else {
            return Err(TemplateError::NoSuchTemplate {
                name: name.to_owned(),
                known: builtin_names().join(", "),
            });
        };
        let mut templates = Templates::empty();
        templates.add(name, text, origin.to_owned())?;
        templates.check_sample(name, sample.1)?;
        let data: Value = serde_json::from_str(sample.1.text()).unwrap_or(Value::Null);
        let rendered = templates.render_against(name, &event_context(&data), "its sample")?;
        Ok(split_issue(&rendered))
    }

    /// Adds or replaces a template from text; `origin` names it in errors.
    pub fn add(&mut self, name: &str, text: &str, origin: String) -> Result<(), TemplateError> {
        self.registry
            .register_template_string(name, text)
            .map_err(|e| TemplateError::Template {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
        self.sources.retain(|(n, _)| n != name);
        self.sources.push((name.to_owned(), origin));
        Ok(())
    }

    /// The names of the templates in force, in a stable order.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.sources.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names
    }

    /// Where the template called `name` came from.
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o.as_str())
    }

    /// Renders `name` with `data`.
    pub fn render<T: serde::Serialize>(
        &self,
        name: &str,
        data: &T,
    ) -> Result<String, TemplateError> {
        self.render_against(name, data, "the data given")
    }

    fn render_against<T: serde::Serialize>(
        &self,
        name: &str,
        data: &T,
        against: &str,
    ) -> Result<String, TemplateError> {
        let origin = || self.origin(name).unwrap_or(name).to_owned();
        if self.origin(name).is_none() {
            return Err(TemplateError::NoSuchTemplate {
                name: name.to_owned(),
                known: self.names().join(", "),
            });
        }
        self.registry
            .render(name, data)
            .map_err(|e| match e.reason() {
                RenderErrorReason::MissingVariable(path) => TemplateError::TemplateVariable {
                    name: name.to_owned(),
                    origin: origin(),
                    line: e.line_no.unwrap_or(0),
                    column: e.column_no.unwrap_or(0),
                    variable: path
                        .clone()
                        .unwrap_or_else(|| "(a helper's result)".to_owned()),
                    against: against.to_owned(),
                },
                _ => TemplateError::Template {
                    origin: origin(),
                    message: e.to_string(),
                },
            })
    }

    /// Renders template `name` with `data` (an event in the `events emit`
    /// format, flattened by [`event_context`], or plain context). The
    /// first non-blank line of the output is the title (`#` heading
    /// markers stripped, cut to [`TITLE_LIMIT`]); the rest, from its first
    /// non-blank line, is the body. Secrets must be redacted from `data`
    /// first (`sr_secrets::Redactor`); the body is not cut to a provider's
    /// limit here ([`RenderedIssue::fit`]).
    pub fn render_issue(&self, name: &str, data: &Value) -> Result<RenderedIssue, TemplateError> {
        let text = self.render_against(name, &event_context(data), "the event data")?;
        Ok(split_issue(&text))
    }

    /// Renders `name` against its sample, turning a missing variable into an
    /// error naming the template, line and variable.
    fn check_sample(&self, name: &str, sample: Sample) -> Result<(), TemplateError> {
        let data: Value =
            serde_json::from_str(sample.text()).map_err(|e| TemplateError::Template {
                origin: sample.origin(),
                message: format!("the sample is not valid JSON: {e}"),
            })?;
        let against = format!("its sample {}", sample.origin());
        let context = event_context(&data);
        self.render_against(name, &context, &against)?;
        let missing = self
            .registry
            .get_template(name)
            .and_then(|t| missing_condition(t, &context));
        match missing {
            Some((variable, line, column)) => Err(TemplateError::TemplateVariable {
                name: name.to_owned(),
                origin: self.origin(name).unwrap_or(name).to_owned(),
                line,
                column,
                variable,
                against,
            }),
            None => Ok(()),
        }
    }

    /// The Markdown body of an issue about an object.
    pub fn object_context(&self, context: &ObjectContext) -> Result<String, TemplateError> {
        self.render(OBJECT_CONTEXT, context)
    }
}

/// Splits rendered text into title and body (see
/// [`Templates::render_issue`]).
pub fn split_issue(text: &str) -> RenderedIssue {
    let text = text.trim_start_matches(['\n', '\r', ' ', '\t']);
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let title = first.trim().trim_start_matches('#').trim();
    let cut = crate::helpers::truncate_chars(title, TITLE_LIMIT);
    let truncated = cut != title;
    let body = rest.trim_start_matches(['\n', '\r']).trim_end();
    RenderedIssue {
        title: cut,
        body: if body.is_empty() {
            String::new()
        } else {
            format!("{body}\n")
        },
        truncated,
    }
}

/// The text of the built-in template `name`, as compiled in.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The names of the built-in templates, sorted; a user's override must
/// have one of them.
pub fn builtin_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = BUILTIN.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names
}

/// The title a new issue about `object` starts with, for the user to finish.
pub fn draft_title(object: &ObjectRef) -> String {
    format!(
        "{} {}.{}: ",
        object.kind.label(),
        object.schema,
        object.name
    )
}

fn read_optional(path: &Path) -> Result<Option<String>, TemplateError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TemplateError::TemplateFile {
            path: PathBuf::from(path),
            message: e.to_string(),
        }),
    }
}
