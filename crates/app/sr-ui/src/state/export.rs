//! File → Export…: what to export, in which format, for which connection
//! and to which file; the export itself runs in the engine, so the window
//! never waits on the store or the disk.

use std::path::{Path, PathBuf};

use sr_engine::export::{ExportFormat, ExportKind, ExportRequest};
use sr_engine::{Command, LinkCommand};

use super::{Dialog, JobKind, ToastLevel, UiState};

/// The Export dialog's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDialog {
    pub kind: ExportKind,
    pub format: ExportFormat,
    /// Only this connection's objects; every connection when `None`.
    pub connection: Option<String>,
    /// The file to write, as typed.
    pub path: String,
    /// Whether the export is running.
    pub pending: bool,
    pub error: Option<String>,
}

impl ExportDialog {
    /// A dialog for links as CSV, into `dir`.
    pub fn new(dir: &Path) -> ExportDialog {
        let kind = ExportKind::Links;
        let format = ExportFormat::Csv;
        ExportDialog {
            kind,
            format,
            connection: None,
            path: dir.join(file_name(kind, format)).display().to_string(),
            pending: false,
            error: None,
        }
    }

    /// Chooses what to export; a path still holding the name the dialog
    /// proposed follows the choice, one the user typed stays.
    pub fn set_kind(&mut self, kind: ExportKind) {
        self.rename(kind, self.format);
    }

    /// Chooses the format; the path's extension follows the same way.
    pub fn set_format(&mut self, format: ExportFormat) {
        self.rename(self.kind, format);
    }

    fn rename(&mut self, kind: ExportKind, format: ExportFormat) {
        let path = PathBuf::from(&self.path);
        let proposed = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy() == file_name(self.kind, self.format));
        if proposed {
            self.path = path
                .with_file_name(file_name(kind, format))
                .display()
                .to_string();
        } else if path.extension().is_some_and(|e| e != format.extension()) {
            self.path = path
                .with_extension(format.extension())
                .display()
                .to_string();
        }
        self.kind = kind;
        self.format = format;
    }
}

/// The name the dialog proposes: `scratchrobin-links.csv`.
fn file_name(kind: ExportKind, format: ExportFormat) -> String {
    format!("scratchrobin-{}.{}", kind.as_str(), format.extension())
}

impl UiState {
    /// Opens File → Export…, proposing a file in the export directory
    /// (the home directory unless set otherwise).
    pub fn open_export_dialog(&mut self) {
        self.dialog = Some(Dialog::Export(ExportDialog::new(&self.export_dir)));
    }

    /// Starts the export the dialog describes.
    pub fn submit_export(&mut self) {
        let Some(Dialog::Export(d)) = &self.dialog else {
            return;
        };
        if d.pending {
            return;
        }
        let path = d.path.trim();
        if path.is_empty() {
            if let Some(Dialog::Export(d)) = &mut self.dialog {
                d.error = Some("give the file to write, e.g. links.csv".into());
            }
            return;
        }
        let command = Command::Links(LinkCommand::Export {
            request: ExportRequest {
                kind: d.kind,
                format: d.format,
                connection: d.connection.clone(),
            },
            path: PathBuf::from(path),
        });
        self.send(command);
        if let Some(Dialog::Export(d)) = &mut self.dialog {
            d.pending = true;
            d.error = None;
        }
    }

    /// The engine wrote the export: the dialog closes, a toast says where.
    pub(super) fn exported(&mut self, kind: ExportKind, path: &Path, rows: usize) {
        self.jobs.finish(&JobKind::Export);
        if matches!(&self.dialog, Some(Dialog::Export(_))) {
            self.dialog = None;
        }
        self.toasts.push(
            ToastLevel::Success,
            format!(
                "Exported {rows} {} rows to {}",
                kind.as_str(),
                path.display()
            ),
            None,
        );
    }

    /// The export failed: the dialog stays open with the reason.
    pub(super) fn export_failed(&mut self, message: &str) {
        if let Some(Dialog::Export(d)) = &mut self.dialog
            && d.pending
        {
            d.pending = false;
            d.error = Some(message.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Persisted;

    #[test]
    fn the_proposed_name_follows_kind_and_format_a_typed_one_keeps_its_name() {
        let mut d = ExportDialog::new(Path::new("/home/ann"));
        assert_eq!(d.path, "/home/ann/scratchrobin-links.csv");
        d.set_format(ExportFormat::Xlsx);
        d.set_kind(ExportKind::Audit);
        assert_eq!(d.path, "/home/ann/scratchrobin-audit.xlsx");
        d.path = "/tmp/q3-review.xlsx".into();
        d.set_kind(ExportKind::Issues);
        assert_eq!(d.path, "/tmp/q3-review.xlsx");
        d.set_format(ExportFormat::Json);
        assert_eq!(d.path, "/tmp/q3-review.json");
    }

    #[test]
    fn submitting_sends_one_export_and_its_answer_closes_the_dialog() {
        let mut s = UiState::new(Persisted::default());
        s.export_dir = PathBuf::from("/data");
        // The start-up loads are not this test's.
        s.take_commands();
        s.open_export_dialog();
        if let Some(Dialog::Export(d)) = &mut s.dialog {
            d.set_kind(ExportKind::Issues);
            d.connection = Some("shop".into());
        }
        s.submit_export();
        // A second click while it runs sends nothing more.
        s.submit_export();
        let commands = s.take_commands();
        assert_eq!(commands.len(), 1);
        let Command::Links(LinkCommand::Export { request, path }) = &commands[0] else {
            panic!("an export: {commands:?}");
        };
        assert_eq!(request.kind, ExportKind::Issues);
        assert_eq!(request.connection.as_deref(), Some("shop"));
        assert_eq!(path, Path::new("/data/scratchrobin-issues.csv"));
        s.apply(sr_engine::Event::Links(sr_engine::LinkEvent::Exported {
            kind: ExportKind::Issues,
            path: path.clone(),
            rows: 4,
        }));
        assert!(s.dialog.is_none());
        assert!(!s.jobs.iter().any(|j| j.kind == JobKind::Export));
        assert_eq!(
            s.toasts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["Exported 4 issues rows to /data/scratchrobin-issues.csv"]
        );
    }

    #[test]
    fn a_failed_export_keeps_the_dialog_open_with_the_reason() {
        let mut s = UiState::new(Persisted::default());
        s.export_dir = PathBuf::from("/nowhere");
        s.open_export_dialog();
        s.submit_export();
        let context = s
            .jobs
            .iter()
            .find(|j| j.kind == JobKind::Export)
            .map(|j| j.context.clone())
            .unwrap();
        s.fail_job(context, "the export cannot be written to /nowhere".into());
        let Some(Dialog::Export(d)) = &s.dialog else {
            panic!("the dialog stays open");
        };
        assert!(!d.pending);
        assert_eq!(
            d.error.as_deref(),
            Some("the export cannot be written to /nowhere")
        );
    }
}
