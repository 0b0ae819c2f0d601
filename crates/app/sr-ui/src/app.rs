//! The eframe application: owns the engine handle and the event receiver,
//! drains events each frame without blocking, draws the workbench, and
//! sends the commands the frame queued.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

use sr_engine::{Answer, EngineHandle, EngineOptions, Event};

use crate::UiError;
use crate::state::{EngineStatus, Persisted, UiState};

/// The key the workbench state is saved under in eframe's storage.
const STORAGE_KEY: &str = "scratchrobin.workbench";

/// A panel the window opens with (`scratchrobin --open monitoring`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartPanel {
    Designer,
    Whiteboard,
    Monitoring,
    Sql,
}

impl StartPanel {
    /// Opens the panel on `connection` in `state`.
    pub fn open(self, state: &mut UiState, connection: &str) {
        match self {
            StartPanel::Designer => state.open_tab(crate::state::Tab::Designer(connection.into())),
            StartPanel::Whiteboard => {
                state.open_tab(crate::state::Tab::Whiteboard(connection.into()));
            }
            StartPanel::Monitoring => {
                state.open_tab(crate::state::Tab::Monitoring(connection.into()));
            }
            StartPanel::Sql => state.open_sql_editor(connection, ""),
        }
    }
}

/// Opens the native window titled "ScratchRobin", spawns the engine, and
/// shows the workbench until the window closes.
pub fn run(options: EngineOptions) -> Result<(), UiError> {
    run_opening(options, None)
}

/// [`run`], with `open` brought forward on the demo connection.
pub fn run_opening(options: EngineOptions, open: Option<StartPanel>) -> Result<(), UiError> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ScratchRobin")
            .with_app_id("scratchrobin")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..eframe::NativeOptions::default()
    };
    let trackers_file = options.paths.trackers_file().display().to_string();
    let mut spawn_error = None;
    let result = eframe::run_native(
        "ScratchRobin",
        native,
        Box::new(|cc| {
            let ctx = cc.egui_ctx.clone();
            let repaint: sr_engine::Repaint = Arc::new(move || ctx.request_repaint());
            match EngineHandle::spawn(options, repaint) {
                Ok((engine, events)) => {
                    let persisted = cc
                        .storage
                        .and_then(|s| eframe::get_value::<Persisted>(s, STORAGE_KEY))
                        .unwrap_or_default();
                    let first_start = persisted.selection.is_none() && persisted.tabs.is_empty();
                    let mut state = UiState::new(persisted);
                    // A panel asked for stays in front.
                    state.open_first_table = first_start && open.is_none();
                    state.trackers_file = trackers_file;
                    if let Some(panel) = open {
                        panel.open(&mut state, sr_engine::DEMO_CONNECTION);
                    }
                    Ok(Box::new(WorkbenchApp::new(state, engine, events)))
                }
                Err(e) => {
                    let message = e.to_string();
                    spawn_error = Some(e);
                    Err(message.into())
                }
            }
        }),
    );
    if let Some(e) = spawn_error {
        return Err(UiError::EngineSpawn(e));
    }
    result.map_err(|e| UiError::Window(e.to_string()))
}

/// The workbench as an eframe app: the state, the way to the engine, and
/// the way back.
pub struct WorkbenchApp {
    pub state: UiState,
    engine: EngineHandle,
    events: Receiver<Answer>,
    /// Whether the symbol fallback font is in the context yet.
    fonts: bool,
}

impl WorkbenchApp {
    pub fn new(state: UiState, engine: EngineHandle, events: Receiver<Answer>) -> Self {
        let mut app = WorkbenchApp {
            state,
            engine,
            events,
            fonts: false,
        };
        app.flush();
        app
    }

    /// One frame without eframe (tests drive this through egui_kittest):
    /// apply what arrived, draw, send what the frame queued.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        if !self.fonts {
            install_symbol_font(ui.ctx());
            self.fonts = true;
        }
        self.drain();
        self.flush();
        crate::ui::workbench_ui(ui, &mut self.state);
        self.flush();
    }

    /// Applies every event that has arrived, without waiting for more.
    fn drain(&mut self) {
        loop {
            match self.events.try_recv() {
                Ok(answer) => self.state.answer(answer),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if !matches!(self.state.engine, EngineStatus::Fatal(_)) {
                        self.state.apply(Event::Fatal(
                            "the engine stopped; restart ScratchRobin".into(),
                        ));
                    }
                    break;
                }
            }
        }
    }

    /// Sends the commands the state queued.
    fn flush(&mut self) {
        for request in self.state.take_requests() {
            if !self.engine.send(request) {
                tracing::warn!("the engine has stopped; a command was dropped");
            }
        }
    }
}

impl eframe::App for WorkbenchApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain();
        self.flush();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        crate::ui::workbench_ui(ui, &mut self.state);
        self.flush();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &self.state.persisted());
    }
}

/// egui's fonts have no arrows, maths or box drawing ("Settings → Issue
/// trackers" in a tracker's advice drew a box): a subset of DejaVu Sans
/// (assets/fonts, with its licence) is the last fallback of both families.
fn install_symbol_font(ctx: &egui::Context) {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    let data = egui::FontData::from_static(include_bytes!(
        "../../../../assets/fonts/DejaVuSans-symbols.ttf"
    ));
    ctx.add_font(FontInsert::new(
        "DejaVuSans-symbols",
        data,
        [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect(),
    ));
}

#[cfg(test)]
mod tests {
    /// Without the fallback, egui has no glyph for an arrow: with the
    /// policy that panics on a missing glyph, drawing one is the test.
    #[test]
    fn arrows_and_box_drawing_have_glyphs() {
        let ctx = egui::Context::default();
        ctx.set_missing_glyph_policy(egui::MissingGlyphPolicy::Panic);
        super::install_symbol_font(&ctx);
        for _ in 0..2 {
            let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
                ui.label("Settings → Issue trackers ⇒ ∑ ─ ┼ ▲");
                ui.monospace("a → b");
            });
            // No renderer here to take the font atlas.
            out.textures_delta.clear();
        }
    }
}
