//! The monitoring tab of a connection: which checks run and how often,
//! health checks, drift against the saved baseline with a side-by-side
//! diff and the migration / rollback SQL, tracked queries' performance
//! over time, the auto-issue feed, and the trackers' sync state and rate
//! budgets.

mod drift;
mod feed;
mod perf;
mod schedule;

use egui::{CollapsingHeader, Color32, RichText};
use sr_engine::monitoring::{HealthCheckResult, Severity};

use super::widgets::{DONE_COLOR, OPEN_COLOR, empty_ui, error_ui};
use crate::state::{JobKind, Load, UiState};

const CRITICAL_COLOR: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);

pub fn monitoring_tab_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    state.ensure_monitoring(connection);
    state.refresh_outbox_if_stale();
    egui::ScrollArea::vertical()
        .id_salt(("monitoring", connection))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(format!("Monitoring: {connection}"));
                if let Some(env) = state.connection(connection).and_then(|c| c.environment()) {
                    super::widgets::environment_tag_ui(ui, env);
                }
            });
            section(ui, "Schedule", |ui| {
                schedule::schedule_ui(ui, state, connection)
            });
            section(ui, "Health", |ui| health_ui(ui, state, connection));
            section(ui, "Drift", |ui| drift::drift_ui(ui, state, connection));
            section(ui, "Performance", |ui| perf::perf_ui(ui, state, connection));
            section(ui, "Auto-issue feed", |ui| feed::feed_ui(ui, state));
            section(ui, "Sync and rate limits", |ui| feed::sync_ui(ui, state));
        });
}

fn section(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    CollapsingHeader::new(RichText::new(title).strong())
        .id_salt(("monitoring-section", title))
        .default_open(true)
        .show(ui, body);
}

/// Whether a monitoring job with `key` is in flight.
fn running(state: &UiState, key: &str) -> bool {
    state.jobs.is_running(&JobKind::Monitoring(key.to_owned()))
}

/// A button that shows a spinner beside it while its job runs.
fn action_button(ui: &mut egui::Ui, label: &str, busy: bool, hover: &str) -> bool {
    let clicked = ui
        .add_enabled(!busy, egui::Button::new(label))
        .on_hover_text(hover)
        .clicked();
    if busy {
        ui.spinner();
    }
    clicked
}

pub(super) fn severity_color(s: Severity) -> Color32 {
    match s {
        Severity::Ok => DONE_COLOR,
        Severity::Warning => OPEN_COLOR,
        Severity::Critical => CRITICAL_COLOR,
    }
}

/// A coloured chip with white text.
pub(super) fn chip_ui(ui: &mut egui::Ui, text: &str, color: Color32) -> egui::Response {
    ui.label(
        RichText::new(format!(" {text} "))
            .small()
            .color(Color32::WHITE)
            .background_color(color),
    )
}

fn health_ui(ui: &mut egui::Ui, state: &mut UiState, connection: &str) {
    let key = format!("health:{connection}");
    let busy = running(state, &key);
    let mut run = false;
    ui.horizontal(|ui| {
        run = action_button(
            ui,
            "Run checks",
            busy,
            "Run every health check of this database",
        );
        if let Some(Load::Ready(results)) = state.monitoring.of(connection).map(|m| &m.health) {
            let worst = sr_engine::monitoring::worst(results);
            chip_ui(ui, worst.as_str(), severity_color(worst));
        }
    });
    if run {
        state.run_health(connection);
    }
    match state.monitoring.of(connection).map(|m| &m.health) {
        Some(Load::Ready(results)) if results.is_empty() => {
            empty_ui(ui, "No checks apply to this database.");
        }
        Some(Load::Ready(results)) => {
            let mut file = None;
            for r in results {
                if check_ui(ui, r) {
                    file = Some(r.clone());
                }
            }
            if let Some(result) = file {
                state.file_issue_for(sr_engine::Alert::Health {
                    connection: connection.to_owned(),
                    result,
                });
            }
        }
        Some(Load::Failed(e)) => {
            error_ui(ui, e);
        }
        _ => {}
    }
}

/// One check's line; true when "File issue…" was pressed on it.
fn check_ui(ui: &mut egui::Ui, r: &HealthCheckResult) -> bool {
    let mut file = false;
    ui.horizontal(|ui| {
        chip_ui(ui, r.severity.as_str(), severity_color(r.severity));
        ui.strong(&r.check);
        if r.severity != Severity::Ok {
            file = file_issue_button(ui);
        }
        ui.label(&r.summary);
        ui.weak(format!("{:.1} ms", r.duration.as_secs_f64() * 1000.0));
    });
    CollapsingHeader::new(format!("Evidence of {}", r.check))
        .id_salt(("evidence", &r.check))
        .default_open(false)
        .show(ui, |ui| {
            let text = serde_json::to_string_pretty(&r.evidence).unwrap_or_default();
            code_ui(ui, &text, ("evidence-code", r.check.as_str()));
        });
    file
}

/// "File issue…" on an alert: Create Issue with what its rule would file.
pub(super) fn file_issue_button(ui: &mut egui::Ui) -> bool {
    ui.small_button("File issue…")
        .on_hover_text(
            "Create Issue with what the auto-issue rule would file; \
             offers the open issue instead when there is one",
        )
        .clicked()
}

/// A framed, selectable monospace block that scrolls (sideways, and down
/// past 200 points, so a long migration does not push the feed away).
pub(super) fn code_ui(ui: &mut egui::Ui, text: &str, id: impl std::hash::Hash + std::fmt::Debug) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        egui::ScrollArea::both()
            .id_salt(id)
            .max_height(200.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(text).monospace())
                        .selectable(true)
                        .extend(),
                );
            });
    });
}
