//! A SQL editor tab: the connection, a highlighted editor, Run
//! (Ctrl+Enter: the selection, else the statement under the cursor),
//! Explain and Cancel, then the answer: a virtualised grid of rows with
//! their count and timing, the plan, or the error.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, Key, KeyboardShortcut, Modifiers, RichText};

use super::widgets::empty_ui;
use crate::model::sql::{TokenKind, byte_of_char, statement_at, tokens};
use crate::state::{SqlAnswer, UiState};

/// Runs the selection or the statement under the cursor.
pub const RUN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);

pub fn sql_tab_ui(ui: &mut egui::Ui, state: &mut UiState, id: u32) {
    let names: Vec<String> = state
        .connections
        .iter()
        .map(|c| c.info.name.clone())
        .collect();
    let Some(editor) = state.sql.editors.get_mut(&id) else {
        empty_ui(ui, "This editor was closed.");
        return;
    };
    let running = editor.running;
    let mut run = None;
    let mut cancel = false;
    let mut track = false;
    let mut file_issue = false;
    ui.horizontal(|ui| {
        let label = ui.label("Connection");
        egui::ComboBox::from_id_salt(("sql-connection", id))
            .selected_text(editor.saved.connection.as_str())
            .show_ui(ui, |ui| {
                for name in &names {
                    ui.selectable_value(&mut editor.saved.connection, name.clone(), name);
                }
            })
            .response
            .labelled_by(label.id);
        let idle = running.is_none();
        let shortcut = ui.ctx().format_shortcut(&RUN);
        if ui
            .add_enabled(idle, egui::Button::new("▶ Run"))
            .on_hover_text(format!(
                "Run the selection, or the statement under the cursor ({shortcut})"
            ))
            .clicked()
        {
            run = Some(false);
        }
        if ui
            .add_enabled(idle, egui::Button::new("Explain"))
            .on_hover_text("Show the plan of the statement without running it")
            .clicked()
        {
            run = Some(true);
        }
        if let Some((_, started)) = running {
            ui.spinner();
            ui.label(format!("running {:.1} s", started.elapsed().as_secs_f32()));
            if ui
                .button("■ Cancel")
                .on_hover_text("Stop the statement on the server")
                .clicked()
            {
                cancel = true;
            }
            // The timer moves while nothing else happens.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        ui.separator();
        if ui
            .button("Track performance")
            .on_hover_text(
                "Save the selection, or the statement under the cursor, for the monitoring \
                 jobs to measure over time",
            )
            .clicked()
        {
            track = true;
        }
        if ui
            .button("Create issue from result")
            .on_hover_text("File an issue with the last statement, its plan, row count and timing")
            .clicked()
        {
            file_issue = true;
        }
    });

    let edit_id = egui::Id::unique(("sql-text", id));
    if ui.memory(|m| m.has_focus(edit_id)) && ui.input_mut(|i| i.consume_shortcut(&RUN)) {
        run = Some(false);
    }
    let mut layouter = |ui: &egui::Ui, text: &dyn egui::TextBuffer, wrap: f32| {
        let mut job = highlight(ui, text.as_str());
        job.wrap.max_width = wrap;
        ui.painter().layout_job(job)
    };
    let sql_label = ui.label("SQL");
    let output = egui::ScrollArea::vertical()
        .id_salt(("sql-editor", id))
        .max_height((ui.available_height() * 0.4).max(120.0))
        .show(ui, |ui| {
            egui::TextEdit::multiline(&mut editor.saved.text)
                .id(edit_id)
                .code_editor()
                .desired_rows(8)
                .desired_width(f32::INFINITY)
                .hint_text("SELECT … — Ctrl+Enter runs the statement under the cursor")
                .layouter(&mut layouter)
                .show(ui)
        })
        .inner;
    output.response.response.labelled_by(sql_label.id);

    let chosen = (run.is_some() || track)
        .then(|| chosen_sql(&editor.saved.text, output.state.cursor.char_range()));
    if let (Some(explain), Some(sql)) = (run, &chosen) {
        state.run_sql(id, sql, explain);
    }
    if cancel {
        state.cancel_sql(id);
    }
    if let (true, Some(sql)) = (track, &chosen) {
        state.track_sql(id, sql);
    }
    if file_issue {
        state.create_issue_from_sql(id);
    }
    ui.separator();
    answer_ui(ui, state, id);
}

/// The selection, or the statement under the cursor (the whole text
/// when there is no cursor yet).
fn chosen_sql(text: &str, cursor: Option<egui::text::CCursorRange>) -> String {
    let Some(range) = cursor else {
        return statement_at(text, 0).map_or_else(String::new, |r| text[r].to_owned());
    };
    let (a, b) = (range.primary.index.0, range.secondary.index.0);
    if a != b {
        let (start, end) = (byte_of_char(text, a.min(b)), byte_of_char(text, a.max(b)));
        return text[start..end].to_owned();
    }
    statement_at(text, byte_of_char(text, a)).map_or_else(String::new, |r| text[r].to_owned())
}

fn highlight(ui: &egui::Ui, text: &str) -> LayoutJob {
    let font = FontId::monospace(13.0);
    let dark = ui.visuals().dark_mode;
    let colour = |kind: TokenKind| match (kind, dark) {
        (TokenKind::Keyword, true) => Color32::from_rgb(0x7a, 0xb8, 0xf5),
        (TokenKind::Keyword, false) => Color32::from_rgb(0x1a, 0x4f, 0xa0),
        (TokenKind::Text, true) => Color32::from_rgb(0xd6, 0xb3, 0x6e),
        (TokenKind::Text, false) => Color32::from_rgb(0x8a, 0x5a, 0x00),
        (TokenKind::Number, true) => Color32::from_rgb(0xb5, 0xce, 0xa8),
        (TokenKind::Number, false) => Color32::from_rgb(0x2e, 0x7d, 0x32),
        (TokenKind::Comment, _) => Color32::GRAY,
        _ => ui.visuals().text_color(),
    };
    let mut job = LayoutJob::default();
    for (range, kind) in tokens(text) {
        let format = TextFormat {
            font_id: font.clone(),
            color: colour(kind),
            italics: kind == TokenKind::Comment,
            ..TextFormat::default()
        };
        job.append(&text[range], 0.0, format);
    }
    job
}

fn answer_ui(ui: &mut egui::Ui, state: &UiState, id: u32) {
    let Some(editor) = state.sql.editors.get(&id) else {
        return;
    };
    match &editor.answer {
        None if editor.running.is_none() => {
            empty_ui(
                ui,
                "Results appear here. Ctrl+Enter runs the statement under the cursor.",
            );
        }
        None => {}
        Some(SqlAnswer::Failed(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("✖ {e}"));
        }
        Some(SqlAnswer::Cancelled) => {
            ui.label("Cancelled: the statement was stopped on the server.");
        }
        Some(SqlAnswer::Plan(plan)) => {
            ui.strong("Plan");
            egui::ScrollArea::both()
                .id_salt(("sql-plan", id))
                .auto_shrink([false, false])
                .show(ui, |ui| ui.label(RichText::new(plan).monospace()));
        }
        Some(SqlAnswer::Rows(out)) => {
            let ms = out.elapsed.as_secs_f64() * 1000.0;
            let n = out.row_count();
            let mut summary = if out.columns.is_empty() {
                format!("{} rows affected · {ms:.1} ms", out.rows_affected)
            } else {
                format!("{n} rows · {ms:.1} ms")
            };
            if out.truncated {
                summary.push_str(&format!(" · only the first {n} rows were fetched"));
            }
            ui.label(summary);
            if !out.columns.is_empty() {
                super::grid::grid_ui(ui, id, out);
            }
        }
    }
}
