//! The crate's error: a template that cannot be used, named with the fix.

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "issue template {origin} cannot be used: {message}; fix the template, or delete the file to use the built-in one"
    )]
    Template { origin: String, message: String },
    #[error(
        "template {name} ({origin}), line {line}, column {column}: variable `{variable}` is not defined in {against}; use a variable the event has (the template's header comment lists them) or correct the name"
    )]
    TemplateVariable {
        name: String,
        origin: String,
        line: usize,
        column: usize,
        variable: String,
        against: String,
    },
    #[error("there is no issue template called {name:?}; the templates are: {known}")]
    NoSuchTemplate { name: String, known: String },
    #[error("cannot read the issue template {}: {message}; check the file's permissions", .path.display())]
    TemplateFile {
        path: std::path::PathBuf,
        message: String,
    },
}
