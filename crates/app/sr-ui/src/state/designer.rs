//! The designer tabs as data: per connection, the schema shown, where
//! each table box stands, the pan and the zoom (kept between runs), and the
//! ER model of the shown schema of the connection's current snapshot.
//!
//! A large database is shown one schema at a time, and the model with its
//! automatic layout is computed on a worker thread, once per snapshot and
//! schema: the UI thread only ever takes a finished model.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Condvar, Mutex, Weak};

use sr_schema::Snapshot;

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
    /// The schema shown; none (or one no longer there) means the first
    /// schema with tables.
    pub schema: Option<String>,
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
    /// The model of each connection's shown schema, built or being built.
    models: HashMap<String, Slot>,
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

    /// The ER model of the schema `connection`'s designer shows, once it
    /// is built. The first call for a snapshot and schema starts the build
    /// on a worker thread and answers `None` until it is done; new tables
    /// then get a place from the automatic layout: all of them on a first
    /// open, the ones the saved positions lack below the others afterwards.
    pub fn er_model(&mut self, connection: &str) -> Option<Arc<ErModel>> {
        let snapshot = self.connection(connection)?.snapshot()?.clone();
        let schema = self.designer_schema(connection)?;
        let current = self
            .designer
            .models
            .get(connection)
            .is_some_and(|slot| slot.is_for(&snapshot, &schema));
        if !current {
            let known = self
                .designer
                .saved
                .get(connection)
                .map(|s| s.positions.keys().cloned().collect())
                .unwrap_or_default();
            let slot = Slot::build(&snapshot, schema, known);
            self.designer.models.insert(connection.to_owned(), slot);
        }
        let slot = self.designer.models.get_mut(connection)?;
        let (model, auto) = match &slot.state {
            SlotState::Ready(model) => return Some(model.clone()),
            SlotState::Building(cell) => cell.take()?,
        };
        slot.state = SlotState::Ready(model.clone());
        let saved = self
            .designer
            .saved
            .entry(connection.to_owned())
            .or_default();
        place_from(&model, &auto, &mut saved.positions);
        Some(model)
    }

    /// [`UiState::er_model`], waiting for the worker: for tests, benches
    /// and exports, never the UI thread's frame.
    pub fn er_model_now(&mut self, connection: &str) -> Option<Arc<ErModel>> {
        if let Some(model) = self.er_model(connection) {
            return Some(model);
        }
        if let Some(Slot {
            state: SlotState::Building(cell),
            ..
        }) = self.designer.models.get(connection)
        {
            cell.wait();
        }
        self.er_model(connection)
    }

    /// Whether `connection`'s designer is laying out its schema now.
    pub fn er_model_building(&self, connection: &str) -> bool {
        matches!(
            self.designer.models.get(connection).map(|s| &s.state),
            Some(SlotState::Building(_))
        )
    }

    /// The schemas `connection`'s designer can show, with their table
    /// counts, in the snapshot's order.
    pub fn designer_schemas(&self, connection: &str) -> Vec<(String, usize)> {
        self.connection(connection)
            .and_then(|c| c.snapshot())
            .map(|s| {
                s.schemas
                    .iter()
                    .map(|x| (x.name.clone(), x.tables.len()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The schema `connection`'s designer shows: the chosen one while the
    /// snapshot has it, else the first with tables, else the first.
    pub fn designer_schema(&self, connection: &str) -> Option<String> {
        let snapshot = self.connection(connection)?.snapshot()?;
        let chosen = self
            .designer
            .saved
            .get(connection)
            .and_then(|s| s.schema.as_deref());
        let has = |name: &str| snapshot.schemas.iter().any(|s| s.name == name);
        match chosen {
            Some(name) if has(name) => Some(name.to_owned()),
            _ => snapshot
                .schemas
                .iter()
                .find(|s| !s.tables.is_empty())
                .or(snapshot.schemas.first())
                .map(|s| s.name.clone()),
        }
    }

    /// Shows `schema` in `connection`'s designer (laid out on first view).
    pub fn show_designer_schema(&mut self, connection: &str, schema: &str) {
        let saved = self
            .designer
            .saved
            .entry(connection.to_owned())
            .or_default();
        if saved.schema.as_deref() != Some(schema) {
            saved.schema = Some(schema.to_owned());
            // The whole diagram moves: fit the new one.
            saved.zoom = 0.0;
            saved.pan = [0.0, 0.0];
        }
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

/// One connection's model: for which snapshot and schema, and whether the
/// worker has finished it.
#[derive(Debug, Clone)]
struct Slot {
    /// Held weakly: while it is, the snapshot's memory is not reused, so a
    /// refreshed snapshot never passes for this one.
    snapshot: Weak<Snapshot>,
    schema: String,
    state: SlotState,
}

#[derive(Debug, Clone)]
enum SlotState {
    Building(Arc<Cell>),
    Ready(Arc<ErModel>),
}

/// A model and its automatic layout (empty when every table already had
/// a place), handed from the worker to the UI thread once.
type Built = (Arc<ErModel>, BTreeMap<String, [f32; 2]>);

#[derive(Debug, Default)]
struct Cell {
    done: Mutex<Option<Built>>,
    ready: Condvar,
}

impl Cell {
    fn take(&self) -> Option<Built> {
        self.done.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn wait(&self) {
        let mut done = self.done.lock().unwrap_or_else(|p| p.into_inner());
        while done.is_none() {
            done = self.ready.wait(done).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Slot {
    fn is_for(&self, snapshot: &Arc<Snapshot>, schema: &str) -> bool {
        self.snapshot.ptr_eq(&Arc::downgrade(snapshot)) && self.schema == schema
    }

    /// Starts building `schema`'s model of `snapshot`; `known`: the tables
    /// that have a saved place already.
    fn build(snapshot: &Arc<Snapshot>, schema: String, known: BTreeSet<String>) -> Slot {
        let cell = Arc::new(Cell::default());
        let work = (snapshot.clone(), schema.clone(), cell.clone());
        let spawned = std::thread::Builder::new()
            .name("sr-ui-layout".into())
            .spawn(move || {
                let (snapshot, schema, cell) = work;
                let built = build_model(&snapshot, &schema, &known);
                *cell.done.lock().unwrap_or_else(|p| p.into_inner()) = Some(built);
                cell.ready.notify_all();
            });
        if let Err(e) = spawned {
            // No thread to be had: lay it out here rather than never.
            tracing::warn!(error = %e, "the layout thread did not start");
            *cell.done.lock().unwrap_or_else(|p| p.into_inner()) =
                Some(build_model(snapshot, &schema, &BTreeSet::new()));
        }
        Slot {
            snapshot: Arc::downgrade(snapshot),
            schema,
            state: SlotState::Building(cell),
        }
    }
}

/// The worker's part: the schema's model, and the automatic layout when
/// some table has no saved place.
fn build_model(snapshot: &Snapshot, schema: &str, known: &BTreeSet<String>) -> Built {
    let model = ErModel::from_schema(snapshot, schema);
    let auto = if model.tables.iter().all(|t| known.contains(&t.key())) {
        BTreeMap::new()
    } else {
        model.auto_layout()
    };
    (Arc::new(model), auto)
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
    place_from(model, &model.auto_layout(), positions);
}

/// [`place_new_tables`] with the automatic layout already computed.
fn place_from(
    model: &ErModel,
    auto: &BTreeMap<String, [f32; 2]>,
    positions: &mut BTreeMap<String, [f32; 2]>,
) {
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
