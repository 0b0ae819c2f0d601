//! Issue templates: Handlebars, in strict mode so that a template naming a
//! variable the context does not have fails with the template's name
//! instead of rendering a blank.
//!
//! The built-in templates live in the repository's `templates/` and are
//! compiled in; a file of the same name in the user's templates directory
//! (`CONFIG_DIR/templates/object_context.hbs`) replaces the built-in one.

use std::path::{Path, PathBuf};

use handlebars::Handlebars;
use sr_model::ObjectRef;

use crate::{LinkError, ObjectContext};

/// The template an issue about a database object starts from.
pub const OBJECT_CONTEXT: &str = "object_context";

const BUILTIN: &[(&str, &str)] = &[(
    OBJECT_CONTEXT,
    include_str!("../../../templates/object_context.hbs"),
)];

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
    pub fn builtin() -> Result<Templates, LinkError> {
        Templates::load(None)
    }

    /// The built-in templates with the user's overrides from `user_dir`
    /// (a missing directory or file means no override).
    pub fn load(user_dir: Option<&Path>) -> Result<Templates, LinkError> {
        let mut templates = Templates {
            registry: Handlebars::new(),
            sources: Vec::new(),
        };
        templates.registry.set_strict_mode(true);
        // Markdown, not HTML: `<` and `&` in SQL stay as they are.
        templates.registry.register_escape_fn(handlebars::no_escape);
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
        Ok(templates)
    }

    /// Adds or replaces a template from text; `origin` names it in errors.
    pub fn add(&mut self, name: &str, text: &str, origin: String) -> Result<(), LinkError> {
        self.registry
            .register_template_string(name, text)
            .map_err(|e| LinkError::Template {
                origin: origin.clone(),
                message: e.to_string(),
            })?;
        self.sources.retain(|(n, _)| n != name);
        self.sources.push((name.to_owned(), origin));
        Ok(())
    }

    /// Where the template called `name` came from.
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o.as_str())
    }

    /// Renders `name` with `data`.
    pub fn render<T: serde::Serialize>(&self, name: &str, data: &T) -> Result<String, LinkError> {
        self.registry
            .render(name, data)
            .map_err(|e| LinkError::Template {
                origin: self.origin(name).unwrap_or(name).to_owned(),
                message: e.to_string(),
            })
    }

    /// The Markdown body of an issue about an object.
    pub fn object_context(&self, context: &ObjectContext) -> Result<String, LinkError> {
        self.render(OBJECT_CONTEXT, context)
    }
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

fn read_optional(path: &Path) -> Result<Option<String>, LinkError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LinkError::TemplateFile {
            path: PathBuf::from(path),
            message: e.to_string(),
        }),
    }
}
