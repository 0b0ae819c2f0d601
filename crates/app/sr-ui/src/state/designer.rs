//! The designer tabs as data: per connection, where each table box stands,
//! the pan and the zoom (kept between runs), and the ER model of the
//! connection's current snapshot (computed once per snapshot).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sr_engine::Command;
use sr_model::{ObjectKind, ObjectRef};

use super::{Dialog, JobKind, Tab, TableEditor, ToastLevel, UiState};
use crate::model::er_layout::{ErModel, ErTable};
use sr_engine::SchemaCommand;

/// Zoom limits of the designer.
pub const MIN_ZOOM: f32 = 0.1;
pub const MAX_ZOOM: f32 = 3.0;

/// What a connection's designer keeps between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DesignerSaved {
    /// Top-left corners of the table boxes by `schema.table`, in diagram
    /// units.
    pub positions: BTreeMap<String, [f32; 2]>,
    /// Where the diagram's origin is drawn, relative to the canvas.
    pub pan: [f32; 2],
    /// 0 (an older file) means 1.
    pub zoom: f32,
}

impl DesignerSaved {
    pub fn zoom(&self) -> f32 {
        if self.zoom > 0.0 {
            self.zoom.clamp(MIN_ZOOM, MAX_ZOOM)
        } else {
            1.0
        }
    }
}

/// The designers of every connection.
#[derive(Debug, Clone, Default)]
pub struct Designers {
    pub saved: BTreeMap<String, DesignerSaved>,
    /// The model of each connection's snapshot, with the snapshot it was
    /// computed from.
    models: HashMap<String, (usize, Arc<ErModel>)>,
    /// The table editor, when open.
    pub editor: Option<TableEditor>,
}

impl Designers {
    pub fn restore(saved: BTreeMap<String, DesignerSaved>) -> Self {
        Designers {
            saved,
            ..Designers::default()
        }
    }
}

impl UiState {
    /// Opens the designer of `connection`.
    pub fn open_designer(&mut self, connection: &str) {
        self.open_tab(Tab::Designer(connection.to_owned()));
        self.connect(connection);
    }

    /// The ER model of `connection`'s snapshot, when loaded. New tables get
    /// a place from the automatic layout: all of them on a first open, the
    /// ones the saved positions lack below the others afterwards.
    pub fn er_model(&mut self, connection: &str) -> Option<Arc<ErModel>> {
        let snapshot = self.connection(connection)?.snapshot()?.clone();
        let id = Arc::as_ptr(&snapshot) as usize;
        if let Some((seen, model)) = self.designer.models.get(connection)
            && *seen == id
        {
            return Some(model.clone());
        }
        let model = Arc::new(ErModel::from_snapshot(&snapshot));
        let saved = self
            .designer
            .saved
            .entry(connection.to_owned())
            .or_default();
        place_new_tables(&model, &mut saved.positions);
        self.designer
            .models
            .insert(connection.to_owned(), (id, model.clone()));
        Some(model)
    }

    /// The reference of a designer's table, as the explorer makes it.
    pub fn table_ref(&self, connection: &str, table: &ErTable) -> ObjectRef {
        let database = self
            .connection(connection)
            .and_then(|c| c.snapshot())
            .map(|s| s.database.clone())
            .unwrap_or_default();
        ObjectRef::new(
            connection,
            ObjectKind::Table,
            database,
            &table.schema,
            &table.name,
        )
    }

    /// Moves the table `key` of `connection`'s designer by `delta`
    /// diagram units.
    pub fn move_table(&mut self, connection: &str, key: &str, delta: [f32; 2]) {
        let saved = self
            .designer
            .saved
            .entry(connection.to_owned())
            .or_default();
        if let Some(p) = saved.positions.get_mut(key) {
            p[0] += delta[0];
            p[1] += delta[1];
        }
    }

    /// Forgets the saved positions and lays `connection`'s diagram out
    /// again.
    pub fn relayout(&mut self, connection: &str) {
        let saved = self
            .designer
            .saved
            .entry(connection.to_owned())
            .or_default();
        saved.positions.clear();
        saved.pan = [0.0, 0.0];
        self.designer.models.remove(connection);
    }
}

/// Gives every table of `model` without a position one: the automatic
/// layout when none has one, else the layout's place shifted below the
/// lowest box.
pub fn place_new_tables(model: &ErModel, positions: &mut BTreeMap<String, [f32; 2]>) {
    if model
        .tables
        .iter()
        .all(|t| positions.contains_key(&t.key()))
    {
        return;
    }
    let auto = model.auto_layout();
    let bottom = model
        .tables
        .iter()
        .filter_map(|t| positions.get(&t.key()).map(|p| p[1] + t.size()[1]))
        .fold(None, |m: Option<f32>, y| Some(m.map_or(y, |m| m.max(y))));
    let shift = bottom.map_or(0.0, |b| b + crate::model::er_layout::GAP * 2.0);
    for t in &model.tables {
        let key = t.key();
        if !positions.contains_key(&key)
            && let Some(p) = auto.get(&key)
        {
            positions.insert(key, [p[0], p[1] + shift]);
        }
    }
}

impl UiState {
    /// Opens "Create Issue…" for a designer's table and keeps the designer
    /// in front (the explorer's way opens the table's details instead).
    pub fn create_issue_from_designer(&mut self, object: &ObjectRef) {
        let active = self.active_tab;
        self.open_create_dialog(object);
        self.active_tab = active.filter(|&i| i < self.tabs.len());
        if let Some(Dialog::CreateIssue(d)) = &mut self.dialog {
            d.attach_er = Some(false);
        }
    }

    /// The designer's diagram of `connection` as an SVG attachment, with
    /// the saved table positions.
    pub fn er_attachment(&mut self, connection: &str) -> Option<sr_model::AttachmentUpload> {
        let model = self.er_model(connection)?;
        let positions = self
            .designer
            .saved
            .get(connection)
            .map(|s| s.positions.clone())
            .unwrap_or_default();
        Some(sr_model::AttachmentUpload {
            filename: format!("{connection}-er.svg"),
            content_type: "image/svg+xml".into(),
            description: format!("ER diagram of {connection}"),
            bytes: crate::model::er_svg::er_svg(&model, &positions).into_bytes(),
        })
    }

    /// Opens the table editor on `object`, a table of a loaded snapshot.
    pub fn open_table_editor(&mut self, object: &ObjectRef) {
        let Some(snapshot) = self.snapshot_of(object) else {
            return;
        };
        match TableEditor::open(object, snapshot) {
            Some(editor) => self.designer.editor = Some(editor),
            None => self.report_error(format!(
                "{}.{} is not in the schema any more; refresh it (F5).",
                object.schema, object.name
            )),
        }
    }

    /// "Propose change": the Create Issue dialog for the edited table,
    /// titled `Schema change: NAME`, its body the DDL and the impact; the
    /// engine's rendering of the `schema_change` template replaces the body
    /// when it arrives.
    pub fn propose_schema_change(&mut self) {
        let Some(editor) = &mut self.designer.editor else {
            return;
        };
        if editor.script.is_empty() {
            editor.error = Some("Nothing to propose: change the table first.".into());
            return;
        }
        let object = editor.object.clone();
        let ddl = editor.script.to_sql();
        let impact = editor.impact.clone();
        let title = format!("Schema change: {}", object.name);
        let body = format!(
            "```sql\n{}\n```\n{}",
            ddl.trim_end(),
            sr_engine::impact_markdown(&impact)
        );
        self.create_issue_from_designer(&object);
        let request = self.next_request();
        let Some(Dialog::CreateIssue(d)) = &mut self.dialog else {
            return;
        };
        d.title = title.clone();
        d.description = body.clone();
        d.prefill = (title, body);
        d.drafting = Some(request);
        d.labels = "database, schema-change".into();
        d.attach_ddl = false;
        self.send(Command::Schema(SchemaCommand::DraftChange {
            request,
            object,
            ddl,
            impact,
        }));
    }

    /// "Apply": the first call asks for confirmation, the second runs the
    /// migration on the connection.
    pub fn apply_schema_change(&mut self) {
        let request = self.next_request();
        let Some(editor) = &mut self.designer.editor else {
            return;
        };
        if editor.script.is_empty() || editor.applying.is_some() {
            return;
        }
        if !editor.confirm_apply {
            editor.confirm_apply = true;
            return;
        }
        editor.confirm_apply = false;
        editor.applying = Some(request);
        let command = Command::Schema(SchemaCommand::ApplyChange {
            request,
            object: editor.object.clone(),
            script: editor.script.clone(),
        });
        self.send(command);
    }

    pub(super) fn schema_applied(
        &mut self,
        request: u64,
        connection: String,
        result: Result<(), String>,
    ) {
        self.jobs.finish(&JobKind::ApplySchema(request));
        let Some(editor) = &mut self.designer.editor else {
            return;
        };
        if editor.applying != Some(request) {
            return;
        }
        editor.applying = None;
        match result {
            Ok(()) => {
                let text = format!(
                    "Applied {} statement(s) to {connection}; the schema is read again.",
                    editor.script.statements.len()
                );
                self.designer.editor = None;
                self.toasts.push(ToastLevel::Info, text, None);
            }
            Err(e) => editor.error = Some(format!("The change was not applied: {e}")),
        }
    }
}

#[cfg(test)]
#[path = "designer_tests.rs"]
mod tests;
