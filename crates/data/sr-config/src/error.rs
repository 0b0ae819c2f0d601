//! The one error type of this crate: a problem in a configuration file or
//! directory, placed at `FILE:LINE:COLUMN` where the place is known, with a
//! message that says what to write instead.

use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of problem a [`ConfigError`] reports, for code that reacts to
/// some of them (the CLI shows [`ConfigErrorKind::Env`] as a warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigErrorKind {
    /// Reading, writing or creating a file or directory failed.
    Io,
    /// No platform directory is known (no home directory).
    NoPlatformDir,
    /// The text is not JSON.
    Syntax,
    /// A field the format does not have.
    UnknownField,
    /// A required field is absent.
    MissingField,
    /// A field has the wrong type or a value it may not have.
    InvalidValue,
    /// The same key twice in one JSON object.
    DuplicateKey,
    /// A tracker `type` no registered adapter handles.
    UnknownType,
    /// Two trackers with one name.
    DuplicateName,
    /// A `${VAR}` reference whose variable is unset or empty.
    Env { var: String },
}

/// A configuration problem. `Display` is `FILE:LINE:COLUMN: message`
/// (line and column 1-based), shortened to `FILE: message` or `message`
/// when the place is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub kind: ConfigErrorKind,
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
            if let Some(line) = self.line {
                write!(f, "{line}:")?;
                if let Some(column) = self.column {
                    write!(f, "{column}:")?;
                }
            }
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

impl ConfigError {
    /// An error about a whole file or directory, with no position.
    pub fn at_file(kind: ConfigErrorKind, file: &Path, message: impl Into<String>) -> Self {
        ConfigError {
            kind,
            file: Some(file.to_path_buf()),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// An error at byte `offset` of `text`, the contents of `file`.
    pub fn at_offset(
        kind: ConfigErrorKind,
        file: &Path,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_column(text, offset);
        ConfigError {
            kind,
            file: Some(file.to_path_buf()),
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    /// `file` could not be read or written: what was tried, the error, the fix.
    pub fn io(file: &Path, action: &str, error: &std::io::Error, fix: &str) -> Self {
        ConfigError::at_file(
            ConfigErrorKind::Io,
            file,
            format!("cannot {action}: {error}; {fix}"),
        )
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
/// An offset past the end, or inside a character, is moved back onto one.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The byte offset of serde_json's `line` and `column` in `text`. serde_json
/// counts bytes and reports the column of the last byte it consumed, so the
/// offset returned is just past that byte.
pub(crate) fn serde_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "ab\n\u{e9}cd\n";
        let cases = [
            (0, (1, 1)),
            (2, (1, 3)),
            (3, (2, 1)),
            (5, (2, 2)),
            (4, (2, 1)),
            (99, (3, 1)),
        ];
        for (offset, expected) in cases {
            assert_eq!(line_column(text, offset), expected, "offset {offset}");
        }
        assert_eq!(serde_offset(text, 1, 2), 2);
        assert_eq!(serde_offset(text, 2, 0), 3);
        assert_eq!(serde_offset(text, 2, 3), 6);
    }

    #[test]
    fn display_shortens_unknown_places() {
        let mut e = ConfigError::at_file(ConfigErrorKind::Io, Path::new("/c/t.json"), "boom");
        assert_eq!(e.to_string(), "/c/t.json: boom");
        e.line = Some(4);
        e.column = Some(7);
        assert_eq!(e.to_string(), "/c/t.json:4:7: boom");
        e.file = None;
        assert_eq!(e.to_string(), "boom");
    }
}
