//! The one error type of the test kit. Every variant says what failed, on
//! what, and what to do about it.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{what} not found (looked for {looked_for}); run `cargo xtask test`, which installs \
         Debian's `{package}` package, or install it yourself"
    )]
    MissingBinary {
        what: &'static str,
        looked_for: String,
        package: &'static str,
    },

    #[error("could not run `{command}`: {source}")]
    Spawn { command: String, source: io::Error },

    #[error("`{command}` failed ({status}):\n{output}")]
    CommandFailed {
        command: String,
        status: String,
        output: String,
    },

    #[error("{what} `{}`: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },

    #[error("could not bind a free port on 127.0.0.1: {0}")]
    NoFreePort(io::Error),

    #[error("{server} did not start after {attempts} attempts; its last log lines:\n{log}")]
    NotStarted {
        server: &'static str,
        attempts: u32,
        log: String,
    },

    #[error("the shared {server} for this test process could not be started earlier: {message}")]
    SharedServer {
        server: &'static str,
        message: String,
    },

    #[cfg(feature = "db")]
    #[error("could not create a fresh database through `{url}`: {source}")]
    CreateDatabase { url: String, source: sqlx::Error },

    #[error("could not make a test certificate: {0}")]
    Certificate(String),

    #[error("{0}")]
    Unsupported(&'static str),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
