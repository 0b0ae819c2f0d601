//! The user's overrides of the issue templates, for the template editor:
//! `CONFIG_DIR/templates/NAME.hbs` read (or the built-in text when there is
//! none), written atomically after the text passed the same check
//! [`sr_templates::Templates::load`] makes, and deleted to go back to the
//! built-in one. Only the built-in names are accepted, so a name can never
//! reach outside the templates directory.

use std::path::{Path, PathBuf};

use sr_config::ConfigError;
use sr_templates::{TemplateError, Templates, builtin_names, builtin_text};

use crate::{Engine, EngineError};

/// The text a template is edited from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    pub name: String,
    pub text: String,
    /// Whether the text is the user's file rather than the built-in one.
    pub overridden: bool,
}

/// The override file of `name` in `dir`, when `name` is a built-in
/// template.
fn override_path(dir: &Path, name: &str) -> Result<(PathBuf, &'static str), EngineError> {
    match builtin_text(name) {
        Some(text) => Ok((dir.join(format!("{name}.hbs")), text)),
        None => Err(TemplateError::NoSuchTemplate {
            name: name.to_owned(),
            known: builtin_names().join(", "),
        }
        .into()),
    }
}

/// The user's text of `name` from `dir`, else the built-in one.
pub fn load_template(dir: &Path, name: &str) -> Result<TemplateText, EngineError> {
    let (path, builtin) = override_path(dir, name)?;
    let (text, overridden) = match std::fs::read_to_string(&path) {
        Ok(text) => (text, true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (builtin.to_owned(), false),
        Err(e) => {
            return Err(
                ConfigError::io(&path, "read it", &e, "check the file's permissions").into(),
            );
        }
    };
    Ok(TemplateText {
        name: name.to_owned(),
        text,
        overridden,
    })
}

/// Checks `text` against the template's sample and writes it to `dir`
/// atomically; a text that would stop the templates loading is refused.
pub fn save_template(dir: &Path, name: &str, text: &str) -> Result<TemplateText, EngineError> {
    let (path, _) = override_path(dir, name)?;
    Templates::check_text(name, text, &path.display().to_string())?;
    sr_config::write_atomically(&path, text.as_bytes(), &format!(".{name}."))?;
    Ok(TemplateText {
        name: name.to_owned(),
        text: text.to_owned(),
        overridden: true,
    })
}

/// Deletes the override of `name` in `dir` (none is fine) and gives the
/// built-in text.
pub fn reset_template(dir: &Path, name: &str) -> Result<TemplateText, EngineError> {
    let (path, builtin) = override_path(dir, name)?;
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(ConfigError::io(
                &path,
                "delete it",
                &e,
                "check the directory's permissions",
            )
            .into());
        }
    }
    Ok(TemplateText {
        name: name.to_owned(),
        text: builtin.to_owned(),
        overridden: false,
    })
}

impl Engine {
    /// [`load_template`] from `CONFIG_DIR/templates`, off the runtime.
    pub async fn load_template(&self, name: &str) -> Result<TemplateText, EngineError> {
        let (dir, name) = (self.paths().templates_dir(), name.to_owned());
        blocking(move || load_template(&dir, &name)).await
    }

    /// [`save_template`] to `CONFIG_DIR/templates`, off the runtime.
    pub async fn save_template(&self, name: &str, text: &str) -> Result<TemplateText, EngineError> {
        let (dir, name, text) = (
            self.paths().templates_dir(),
            name.to_owned(),
            text.to_owned(),
        );
        blocking(move || save_template(&dir, &name, &text)).await
    }

    /// [`reset_template`] in `CONFIG_DIR/templates`, off the runtime.
    pub async fn reset_template(&self, name: &str) -> Result<TemplateText, EngineError> {
        let (dir, name) = (self.paths().templates_dir(), name.to_owned());
        blocking(move || reset_template(&dir, &name)).await
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| EngineError::Background(e.to_string()))?
}
