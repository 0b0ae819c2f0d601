//! The database connections the engine knows. The bundled demo database is
//! always there as `demo`; profiles from connections.json come with sr-db's
//! connection management.

use std::path::Path;

use serde::Serialize;

/// The name of the bundled demo connection.
pub const DEMO_CONNECTION: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionInfo {
    pub name: String,
    /// The URL with any password hidden.
    pub url: String,
    pub dialect: String,
}

pub(crate) fn demo_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}
