//! Exports of what the store holds: links, the issue cache, the audit log
//! and the traceability report (one row per connection and schema), as
//! CSV, JSON or an Excel workbook, whole or for one connection.
//! The CLI (`scratchrobin export`), the window (File → Export…) and later
//! the HTTP API all call [`Engine::export`]; each kind is first built as
//! one [`ExportTable`] so the three formats always hold the same rows.

mod render;
mod tables;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Engine, EngineError};

pub use tables::{Cell, ExportTable};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Links,
    Issues,
    Audit,
    Traceability,
}

impl ExportKind {
    /// The kinds the window's export dialog offers (traceability is not
    /// among them yet: the CLI and the API export it).
    pub const ALL: [ExportKind; 3] = [ExportKind::Links, ExportKind::Issues, ExportKind::Audit];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Links => "links",
            ExportKind::Issues => "issues",
            ExportKind::Audit => "audit",
            ExportKind::Traceability => "traceability",
        }
    }
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
    Xlsx,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Csv, ExportFormat::Json, ExportFormat::Xlsx];

    /// The file name extension (without the dot), also the format's name.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// One export to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub kind: ExportKind,
    pub format: ExportFormat,
    /// Only the rows about this connection's objects; all when `None`.
    pub connection: Option<String>,
}

/// A finished export: the file's bytes and how many rows it holds.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub rows: usize,
}

impl Engine {
    /// The rows of one export kind, before any format.
    pub async fn export_table(
        &self,
        kind: ExportKind,
        connection: Option<&str>,
    ) -> Result<ExportTable, EngineError> {
        if let Some(name) = connection {
            self.check_export_connection(name).await?;
        }
        let store = self.store();
        Ok(match kind {
            ExportKind::Links => tables::links(&store.all_links(connection).await?),
            ExportKind::Issues => tables::issues(&store.all_cached_issues(connection).await?),
            ExportKind::Audit => tables::audit(&store.all_audit_entries(connection).await?),
            ExportKind::Traceability => tables::traceability(&self.traceability(connection).await?),
        })
    }

    /// Builds an export in memory. Rendering runs on a blocking thread: a
    /// workbook of a large audit log takes a while to compress.
    pub async fn export(&self, request: &ExportRequest) -> Result<ExportFile, EngineError> {
        let table = self
            .export_table(request.kind, request.connection.as_deref())
            .await?;
        let (kind, format) = (request.kind, request.format);
        let rows = table.rows.len();
        let bytes = tokio::task::spawn_blocking(move || render::render(&table, kind, format))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))??;
        Ok(ExportFile { bytes, rows })
    }

    /// Builds an export and writes it to `path` (through a temporary file
    /// beside it, renamed into place, so a reader never sees half a file
    /// and two exports to one path leave one whole file).
    pub async fn export_to_file(
        &self,
        request: &ExportRequest,
        path: &Path,
    ) -> Result<usize, EngineError> {
        let file = self.export(request).await?;
        let path = path.to_owned();
        let bytes = file.bytes;
        tokio::task::spawn_blocking(move || render::write_atomically(&path, &bytes))
            .await
            .map_err(|e| EngineError::Background(e.to_string()))??;
        Ok(file.rows)
    }

    /// A connection an export may name: a configured one, or one whose
    /// objects the store still links (its profile may have been removed).
    pub(crate) async fn check_export_connection(&self, name: &str) -> Result<(), EngineError> {
        let known = self.connection_names();
        if known.iter().any(|k| k == name) || self.store().has_objects_of(name).await? {
            return Ok(());
        }
        Err(crate::connections::unknown_connection(name, &known))
    }
}
